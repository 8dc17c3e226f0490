<?php
// Stand-in (NOT SEI): an upload in two requests, as SEI makes one. The first
// (POST, field "arquivo") writes the file into SEI's temp folder and answers its
// name; a later one (GET ?nome=NAME) reads it back and removes it. The second
// request may reach another app replica: it finds the file only when every
// replica shares the folder (charts/sei: the sei-temp claim), as SEI's
// "Anexo ... não encontrado" shows when they do not.
require_once 'Infra.php';
header('Content-Type: application/json');
$folder = standinEnv('SEI_TEMP_PATH', '/opt/sei/temp');
$pod = gethostname();
if ($_SERVER['REQUEST_METHOD'] === 'POST') {
  $upload = $_FILES['arquivo'] ?? null;
  if ($upload === null || $upload['error'] !== UPLOAD_ERR_OK) {
    http_response_code(400);
    echo json_encode(['standIn' => STANDIN_NOTICE, 'erro' => 'no file in the field "arquivo"']);
    exit;
  }
  $name = 'standin-upload-' . bin2hex(random_bytes(8));
  move_uploaded_file($upload['tmp_name'], "$folder/$name");
  echo json_encode(['standIn' => STANDIN_NOTICE, 'nome' => $name, 'pod' => $pod]);
  exit;
}
$name = (string) ($_GET['nome'] ?? '');
if (!preg_match('/^standin-upload-[0-9a-f]{16}$/', $name) || !is_file("$folder/$name")) {
  http_response_code(404);
  echo json_encode(['standIn' => STANDIN_NOTICE, 'erro' => "Anexo $name não encontrado", 'pod' => $pod]);
  exit;
}
$sha256 = hash_file('sha256', "$folder/$name");
unlink("$folder/$name");
echo json_encode(['standIn' => STANDIN_NOTICE, 'sha256' => $sha256, 'pod' => $pod]);
