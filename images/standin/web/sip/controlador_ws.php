<?php
// Stand-in for SIP's web service (NOT SEI; real SIP speaks SOAP): POST chave=KEY
// answers which system the access key opens, with SIP's own key check.
require __DIR__ . '/../../lib/standin.php';
header('Content-Type: application/json');
$system = standinSystemForKey(standinDatabase('sip'), (string) ($_POST['chave'] ?? ''));
http_response_code($system === null ? 403 : 200);
echo json_encode(['standIn' => STANDIN_NOTICE, 'sistema' => $system]);
