<?php
/*
 * Stand-in app (NOT SEI): makes every call of the image contract and answers
 * with a machine-readable result: HTTP 200 and "ok": true when every dependency
 * answered, 503 otherwise. Each check says what it called; no secret is printed.
 *
 * STANDIN_REQUIRE_JOD=false skips JOD (tiers without the converter).
 */
require_once 'Infra.php';

/** The document the JOD check converts: 5 MB, over Spring's default 1 MB a file, as SEI's documents often are. */
const STANDIN_JOD_DOCUMENT_BYTES = 5 * 1048576;
/** Uploads the upload check makes: enough that two replicas without a shared temp folder miss one. */
const STANDIN_UPLOADS = 20;

/** @return array{ok: bool, detail: string} */
function check(callable $probe): array {
  try {
    return ['ok' => true, 'detail' => $probe()];
  } catch (Throwable $e) {
    return ['ok' => false, 'detail' => $e->getMessage()];
  }
}

function http(string $url, array $options = []): array {
  $curl = curl_init($url);
  curl_setopt_array($curl, $options + [CURLOPT_RETURNTRANSFER => true, CURLOPT_CONNECTTIMEOUT => 3, CURLOPT_TIMEOUT => 30]);
  $body = curl_exec($curl);
  if ($body === false) throw new RuntimeException("$url: " . curl_error($curl));
  return [curl_getinfo($curl, CURLINFO_RESPONSE_CODE), $body];
}

function memcachedRoundTrip(string $host): string {
  $port = (int) standinEnv('STANDIN_MEMCACHED_PORT', '11211');
  $cache = new Memcached();
  $cache->setOption(Memcached::OPT_CONNECT_TIMEOUT, 1000);
  $cache->addServer($host, $port);
  $key = 'standin-' . bin2hex(random_bytes(4));
  if (!$cache->set($key, 'ok', 60) || $cache->get($key) !== 'ok') {
    throw new RuntimeException("$host:$port: " . $cache->getResultMessage());
  }
  $cache->delete($key);
  return "set and read a key at $host:$port";
}

$checks = [];
foreach (['sei', 'sip'] as $which) {
  $checks["database-$which"] = check(function () use ($which) {
    $db = standinDatabase($which);
    [$charset, $orgaos] = $db->query('SELECT @@character_set_database, COUNT(*) FROM orgao')->fetch_row();
    if ($charset !== 'latin1') throw new RuntimeException("database charset is $charset, SEI needs latin1");
    return "connected as its app user, latin1, $orgaos organisation(s)";
  });
}
$checks['memcached'] = check(fn() => memcachedRoundTrip(standinEnv('APP_MEMCACHED_HOST')));
$checks['memcached-sip'] = check(fn() => memcachedRoundTrip(standinEnv('STANDIN_SIP_MEMCACHED_HOST', 'memcached')));
$checks['solr'] = check(function () {
  $cores = [];
  foreach (['APP_SOLR_CORE_PROTOCOLOS', 'APP_SOLR_CORE_BASECONHECIMENTO', 'APP_SOLR_CORE_PUBLICACOES'] as $variable) {
    $core = standinEnv($variable);
    [$status] = http(rtrim(standinEnv('APP_SOLR_URL'), '/') . "/$core/select?q=*:*&rows=0&wt=json", [
      CURLOPT_USERPWD => standinEnv('SOLR_USERNAME') . ':' . standinEnv('SOLR_PASSWORD'),
    ]);
    if ($status !== 200) throw new RuntimeException("core $core answered HTTP $status");
    $cores[] = $core;
  }
  return 'queried ' . implode(', ', $cores) . ' with basic auth';
});
if (standinEnv('STANDIN_REQUIRE_JOD', 'true') === 'true') {
  $checks['jod'] = check(function () {
    $url = standinEnv('STANDIN_JOD_URL', 'http://jod:8080/conversion?format=pdf');
    $document = tempnam(sys_get_temp_dir(), 'standin-');
    $line = str_repeat('Stand-in app (not SEI): conversion check. ', 24) . "\n";
    file_put_contents($document, str_repeat($line, intdiv(STANDIN_JOD_DOCUMENT_BYTES, strlen($line)) + 1));
    try {
      [$status, $body] = http($url, [CURLOPT_POST => true, CURLOPT_POSTFIELDS => ['data' => new CURLFile($document, 'text/plain', 'standin.txt')]]);
    } finally {
      unlink($document);
    }
    if ($status !== 200 || !str_starts_with($body, '%PDF')) throw new RuntimeException("$url answered HTTP $status without a PDF");
    return 'converted a text file of ' . round(STANDIN_JOD_DOCUMENT_BYTES / 1048576, 1) . " MB to PDF at $url";
  });
}
$checks['sip'] = check(function () {
  // As a SOAP client does: read the description at SipWsdl, then call the endpoint it names.
  $description = standinBaseUrl() . '/sip/controlador_ws.php?servico=sip';
  [$status, $body] = http($description);
  $url = preg_match('/<address location="([^"]+)"/', $body, $found) ? html_entity_decode($found[1], ENT_XML1 | ENT_QUOTES, 'ISO-8859-1') : '';
  if ($status !== 200 || $url === '') throw new RuntimeException("$description answered HTTP $status without an endpoint");
  [$status, $body] = http($url, [CURLOPT_POST => true, CURLOPT_POSTFIELDS => ['chave' => standinEnv('APP_SEI_CHAVE_ACESSO')]]);
  $answer = json_decode($body, true);
  if ($status !== 200 || ($answer['sistema'] ?? null) !== 'SEI') throw new RuntimeException("$url refused SEI's access key (HTTP $status)");
  return "SIP at $url accepted SEI's access key";
});
$checks['upload'] = check(function () {
  // As SEI uploads: two requests through APP_HOST (the Ingress and the Service pick any replica each time).
  $url = standinBaseUrl() . '/sei/standin_upload.php';
  $pods = [];
  for ($i = 1; $i <= STANDIN_UPLOADS; $i++) {
    $file = tempnam(sys_get_temp_dir(), 'standin-');
    file_put_contents($file, random_bytes(65536));
    $sha256 = hash_file('sha256', $file);
    try {
      [$status, $body] = http($url, [CURLOPT_POST => true, CURLOPT_POSTFIELDS => ['arquivo' => new CURLFile($file, 'application/octet-stream', 'anexo.bin')]]);
    } finally {
      unlink($file);
    }
    $written = json_decode($body, true);
    if ($status !== 200 || !isset($written['nome'])) throw new RuntimeException("upload $i: $url answered HTTP $status");
    [$status, $body] = http("$url?nome=" . rawurlencode($written['nome']));
    $read = json_decode($body, true);
    if ($status !== 200 || ($read['sha256'] ?? null) !== $sha256) {
      throw new RuntimeException("upload $i: written on {$written['pod']}, then " . ($read['erro'] ?? "HTTP $status") . ' on ' . ($read['pod'] ?? '?'));
    }
    $pods[$written['pod']] = true;
    $pods[$read['pod']] = true;
  }
  return STANDIN_UPLOADS . ' two-request uploads through APP_HOST, every one found; served by ' . count($pods) . ' pod(s)';
});
$checks['documents'] = check(function () {
  $directory = standinEnv('SEI_DOCUMENTS_PATH', '/var/sei/arquivos');
  $file = "$directory/standin-" . gethostname() . '-' . getmypid() . '.txt';
  $content = 'stand-in write check ' . bin2hex(random_bytes(8));
  if (file_put_contents($file, $content) === false) throw new RuntimeException("cannot write in $directory");
  $read = file_get_contents($file);
  unlink($file);
  if ($read !== $content) throw new RuntimeException("$file read back differently");
  return "wrote, read and removed a file in $directory";
});

$ok = !in_array(false, array_column($checks, 'ok'), true);
http_response_code($ok ? 200 : 503);
header('Content-Type: application/json');
echo json_encode(['standIn' => STANDIN_NOTICE, 'ok' => $ok, 'checks' => $checks], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES), "\n";
