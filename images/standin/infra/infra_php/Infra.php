<?php
/*
 * THE STAND-IN APP. THIS IS NOT SEI.
 *
 * A small PHP program that runs in the SEI app image's runtime (Apache + PHP 8.2
 * from Debian, images/app/runtime) and makes, with the same environment, the
 * calls the image contract says SEI makes (docs/images.md): the databases as
 * the app users with latin1, memcached (APP_MEMCACHED_HOST and SIP's fixed
 * name), Solr with its credentials, JOD at its fixed URL, SIP's web service
 * through APP_HOST with SEI's access key, and a write to the document
 * repository. It lets the chart, the probes and the network policies be tested
 * where the SEI source (not redistributable) is absent.
 *
 * It lives where SEI's framework lives (/opt/infra/infra_php/Infra.php) and,
 * like SEI's, every page and script loads it as `require_once 'Infra.php'`,
 * through PHP's include_path only, and it turns every PHP warning or notice
 * into an exception, as SEI's framework does with its error handler: a
 * setting SEI needs that the image lacks fails here as it fails in SEI.
 *
 * Overrides used only where the fixed names cannot resolve (tests on loopback):
 * STANDIN_SIP_MEMCACHED_HOST, STANDIN_MEMCACHED_PORT, STANDIN_JOD_URL.
 */

const STANDIN_NOTICE = 'Stand-in app: this is NOT SEI. It only proves the image contract.';

set_error_handler(function (int $level, string $message, string $file, int $line): bool {
  if (!(error_reporting() & $level)) return false;
  throw new ErrorException($message, 0, $level, $file, $line);
});

function standinEnv(string $name, ?string $default = null): string {
  $value = getenv($name);
  if ($value === false || $value === '') {
    if ($default === null) throw new RuntimeException("$name is not set");
    return $default;
  }
  return $value;
}

/** A connection as SEI or SIP makes it: its own user, its own database, latin1. */
function standinDatabase(string $which): mysqli {
  mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
  [$user, $password, $base] = $which === 'sei'
    ? ['APP_DB_SEI_USERNAME', 'APP_DB_SEI_PASSWORD', 'APP_DB_SEI_BASE']
    : ['APP_DB_SIP_USERNAME', 'APP_DB_SIP_PASSWORD', 'APP_DB_SIP_BASE'];
  $db = new mysqli(standinEnv('APP_DB_HOST'), standinEnv($user), standinEnv($password), standinEnv($base), (int) standinEnv('APP_DB_PORTA'));
  $db->set_charset('latin1');
  return $db;
}

/** SIP's check of an access key: the crc picks the system, bcrypt(md5(rest)) must match. */
function standinSystemForKey(mysqli $sip, string $key): ?string {
  if (strlen($key) !== 72 || preg_match('/[^0-9a-z]/', $key)) return null;
  $row = $sip->execute_query('SELECT sigla, chave_acesso FROM sistema WHERE crc = ?', [substr($key, 0, 8)])->fetch_row();
  if ($row === null || $row[1] === null) return null;
  return hash_equals($row[1], crypt(md5(substr($key, 8)), $row[1])) ? $row[0] : null;
}

/** The stand-in SIP web service's description (NOT SIP's WSDL): its endpoint with the request's scheme, as SIP's WSDL has. */
function standinSipDescription(): string {
  $scheme = ($_SERVER['HTTPS'] ?? '') === 'on' ? 'https' : 'http';
  $endpoint = "$scheme://{$_SERVER['HTTP_HOST']}/sip/controlador_ws.php?servico=sip";
  return '<definitions name="standin-not-sip"><service><port><address location="'
    . htmlspecialchars($endpoint, ENT_XML1 | ENT_QUOTES, 'ISO-8859-1') . '"/></port></service></definitions>';
}

function standinBaseUrl(): string {
  return standinEnv('APP_PROTOCOLO') . '://' . standinEnv('APP_HOST');
}

/**
 * Stand-in for one of SEI's update scripts (NOT SEI's updater): like them it
 * reads the database administrator's user and password on stdin and connects
 * with them; unlike them it migrates nothing. It succeeds only when the
 * database already says the version this image was built for (the version of
 * the reference dumps the bootstrap loads), and says so; any other version is
 * an error, since only SEI's real updater can bring a database forward.
 */
function standinUpdater(string $which, string $parameter, string $versionVariable): int {
  // SEI's update scripts open a session first; a CLI without a session handler fails here.
  session_start();
  $expected = standinEnv($versionVariable);
  $user = rtrim((string) fgets(STDIN), "\r\n");
  $password = rtrim((string) fgets(STDIN), "\r\n");
  $base = standinEnv($which === 'sei' ? 'APP_DB_SEI_BASE' : 'APP_DB_SIP_BASE');
  mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
  try {
    $db = new mysqli(standinEnv('APP_DB_HOST'), $user, $password, $base, (int) standinEnv('APP_DB_PORTA'));
    $db->set_charset('latin1');
    $found = $db->execute_query('SELECT valor FROM infra_parametro WHERE nome = ?', [$parameter])->fetch_row()[0] ?? null;
  } catch (Throwable $e) {
    fwrite(STDERR, "stand-in updater (NOT SEI's updater): $base: {$e->getMessage()}\n");
    return 1;
  }
  if ($found !== $expected) {
    fwrite(STDERR, "stand-in updater (NOT SEI's updater): $base says $parameter=" . var_export($found, true) . ", this image is $expected; the stand-in migrates nothing (SEI's updater would)\n");
    return 1;
  }
  echo "stand-in updater (NOT SEI's updater): $base says $parameter=$found, this image's version, as the administrator; nothing to update\n";
  return 0;
}

/** Stand-in for SEI's and SIP's scheduled-task runners (NOT SEI): no task runs; a database that does not answer is an error. */
function standinScheduledTasks(string $which): int {
  session_start();
  try {
    standinDatabase($which)->query('SELECT 1');
    return 0;
  } catch (Throwable $e) {
    fwrite(STDERR, "stand-in scheduler (NOT SEI): $which database: {$e->getMessage()}\n");
    return 1;
  }
}
