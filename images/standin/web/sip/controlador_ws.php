<?php
// Stand-in for SIP's web service (NOT SEI; real SIP speaks SOAP).
//   GET   a WSDL-like description whose endpoint, like SIP's, takes its scheme
//         from the request ($_SERVER['HTTPS']) and its host from the Host header;
//   POST  chave=KEY answers which system the access key opens, with SIP's own key check.
require_once 'Infra.php';
if ($_SERVER['REQUEST_METHOD'] === 'GET') {
  header('Content-Type: text/xml; charset=ISO-8859-1');
  echo standinSipDescription(), "\n";
  exit;
}
header('Content-Type: application/json');
$system = standinSystemForKey(standinDatabase('sip'), (string) ($_POST['chave'] ?? ''));
http_response_code($system === null ? 403 : 200);
echo json_encode(['standIn' => STANDIN_NOTICE, 'sistema' => $system]);
