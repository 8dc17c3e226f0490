<?php
/*
 * First-install settings of an SEI instance, as the public SEI entrypoint
 * applies them, plus the access keys (docs/images.md, "Access keys"):
 *
 *   php first-install.php validate            check the APP_* inputs, touch nothing
 *   php first-install.php apply SEI_DB SIP_DB  write the settings, one transaction
 *   php first-install.php report SEI_DB SIP_DB read only: say what is stored
 *
 * apply: orgao 0 of both databases gets APP_ORGAO and APP_ORGAO_DESCRICAO;
 * sip.sistema SIP gets its page at APP_PROTOCOLO://APP_HOST/sip, SEI its page and
 * web-service address; each system's crc and chave_acesso are set so that SIP
 * accepts the key in the instance's Secret, exactly as SIP's own key generator
 * would store it: crc = crc32b(id_sistema), chave_acesso = bcrypt (cost 12,
 * $2a$) of md5(the key's last 64 characters).
 *
 * Values travel as bound parameters (organisation names carry apostrophes and
 * accents); the connection is utf8mb4 and the server stores latin1. Keys are
 * never printed.
 */

mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);

const KEY_LENGTH = 72;
const CRC_LENGTH = 8;
const BCRYPT_COST = 12;
const SYSTEMS = [
  ['sigla' => 'SIP', 'key' => 'APP_SIP_CHAVE_ACESSO'],
  ['sigla' => 'SEI', 'key' => 'APP_SEI_CHAVE_ACESSO'],
];

function say(string $message): void { fwrite(STDOUT, "bootstrap: $message\n"); }

function stop(string $message): never {
  fwrite(STDERR, "bootstrap: ERROR: $message\n");
  exit(1);
}

function env(string $name): string {
  $value = getenv($name);
  if ($value === false || $value === '') stop("$name is not set");
  return $value;
}

/** Every input problem at once, each naming its variable. */
function validate(): void {
  $problems = [];
  $orgao = getenv('APP_ORGAO') ?: '';
  if ($orgao === '' || strlen($orgao) > 30 || !preg_match('/^[A-Za-z0-9_-]+$/', $orgao)) {
    $problems[] = 'APP_ORGAO must be 1-30 letters, digits, - or _ (sip.orgao.sigla is varchar(30))';
  }
  $descricao = getenv('APP_ORGAO_DESCRICAO') ?: '';
  $latin1 = @iconv('UTF-8', 'ISO-8859-1', $descricao);
  if ($descricao === '' || $latin1 === false || strlen($latin1) > 250) {
    $problems[] = 'APP_ORGAO_DESCRICAO must be 1-250 characters that ISO-8859-1 can hold (orgao.descricao is latin1 varchar(250))';
  }
  if (!in_array(getenv('APP_PROTOCOLO'), ['http', 'https'], true)) {
    $problems[] = 'APP_PROTOCOLO must be http or https';
  }
  if (!preg_match('/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$/', getenv('APP_HOST') ?: '')) {
    $problems[] = 'APP_HOST must be a host name (optionally :port)';
  }
  foreach (SYSTEMS as $system) {
    $key = getenv($system['key']) ?: '';
    if (strlen($key) !== KEY_LENGTH || preg_match('/[^0-9a-z]/', $key)) {
      $problems[] = "{$system['key']} must be " . KEY_LENGTH . ' characters of [0-9a-z] (SIP refuses any other key)';
    }
  }
  foreach ($problems as $problem) fwrite(STDERR, "bootstrap: ERROR: $problem\n");
  if ($problems) exit(1);
}

function connect(): mysqli {
  $db = new mysqli(env('APP_DB_HOST'), env('APP_DB_ROOT_USERNAME'), env('APP_DB_ROOT_PASSWORD'), '', (int) env('APP_DB_PORTA'));
  $db->set_charset('utf8mb4');
  return $db;
}

function identifier(string $name): string {
  if (!preg_match('/^[A-Za-z0-9_]{1,64}$/', $name)) stop("\"$name\" is not a database name");
  return "`$name`";
}

/** The id_sistema of a system of organisation 0, which its crc is derived from. */
function systemId(mysqli $db, string $sip, string $sigla): int {
  $rows = $db->execute_query("SELECT id_sistema FROM $sip.sistema WHERE sigla = ? AND id_orgao = 0", [$sigla])->fetch_all();
  if (count($rows) !== 1) stop("the reference database has no system $sigla of organisation 0 in sip.sistema");
  return (int) $rows[0][0];
}

function crcOf(int $idSistema): string { return hash('crc32b', (string) $idSistema); }

/** bcrypt of md5(secret) with a fresh salt, in the $2a$ form the reference rows carry. */
function accessKeyHash(string $key): string {
  $salt = strtr(substr(base64_encode(random_bytes(16)), 0, 22), '+', '.');
  $hash = crypt(md5(substr($key, CRC_LENGTH)), sprintf('$2a$%02d$%s', BCRYPT_COST, $salt));
  if (strlen($hash) !== 60 || !str_starts_with($hash, '$2a$')) stop('bcrypt is not available in this PHP');
  return $hash;
}

function keyMatches(string $key, ?string $crc, ?string $hash): bool {
  return $crc !== null && $hash !== null && substr($key, 0, CRC_LENGTH) === $crc
    && hash_equals($hash, crypt(md5(substr($key, CRC_LENGTH)), $hash));
}

function apply(string $seiName, string $sipName): void {
  $db = connect();
  $sei = identifier($seiName);
  $sip = identifier($sipName);
  $base = env('APP_PROTOCOLO') . '://' . env('APP_HOST');
  $orgao = env('APP_ORGAO');
  $descricao = env('APP_ORGAO_DESCRICAO');

  $db->begin_transaction();
  foreach ([$sip, $sei] as $database) {
    if ($db->execute_query("SELECT COUNT(*) FROM $database.orgao WHERE id_orgao = 0")->fetch_row()[0] != 1) {
      stop("the reference database $database has no organisation 0");
    }
    $db->execute_query("UPDATE $database.orgao SET sigla = ?, descricao = ? WHERE id_orgao = 0", [$orgao, $descricao]);
  }
  $pages = [
    'SIP' => ["$base/sip", null],
    'SEI' => ["$base/sei/inicializar.php", "$base/sei/controlador_ws.php?servico=sip"],
  ];
  foreach (SYSTEMS as $system) {
    $id = systemId($db, $sip, $system['sigla']);
    $crc = crcOf($id);
    $key = env($system['key']);
    if (substr($key, 0, CRC_LENGTH) !== $crc) {
      stop("{$system['key']} must begin with $crc, the crc SIP derives from id_sistema $id (crc32b of \"$id\")");
    }
    [$page, $webService] = $pages[$system['sigla']];
    $hash = accessKeyHash($key);
    if ($webService === null) {
      $db->execute_query("UPDATE $sip.sistema SET pagina_inicial = ?, crc = ?, chave_acesso = ? WHERE id_sistema = ?", [$page, $crc, $hash, $id]);
    } else {
      $db->execute_query("UPDATE $sip.sistema SET pagina_inicial = ?, web_service = ?, crc = ?, chave_acesso = ? WHERE id_sistema = ?", [$page, $webService, $crc, $hash, $id]);
    }
    if (!keyMatches($key, $crc, $hash)) stop("the stored hash of {$system['key']} does not verify; nothing was written");
  }
  $db->commit();
  say("first-install settings: organisation $orgao (\"$descricao\"), SIP at $base/sip, access keys of SIP and SEI set");
}

function report(string $seiName, string $sipName): void {
  $db = connect();
  $sip = identifier($sipName);
  identifier($seiName);
  try {
    $orgao = $db->execute_query("SELECT sigla FROM $sip.orgao WHERE id_orgao = 0")->fetch_row();
    say('organisation 0 is ' . ($orgao === null ? '(none)' : $orgao[0]));
    foreach (SYSTEMS as $system) {
      $row = $db->execute_query("SELECT crc, chave_acesso FROM $sip.sistema WHERE sigla = ? AND id_orgao = 0", [$system['sigla']])->fetch_row();
      $matches = $row !== null && keyMatches(env($system['key']), $row[0], $row[1]);
      say("access key of {$system['sigla']}: " . ($matches
        ? "matches {$system['key']}"
        : "does NOT match {$system['key']}: {$system['sigla']} cannot call SIP until the key in the Secret and the one SIP stores agree (the bootstrap never changes an installed instance)"));
    }
  } catch (mysqli_sql_exception $e) {
    // An installed instance that is not shaped like SEI's is reported, never repaired.
    say("$sipName is not shaped like SIP's database ({$e->getMessage()}); nothing more to report");
  }
}

$mode = $argv[1] ?? '';
match ($mode) {
  'validate' => validate(),
  'apply' => apply($argv[2] ?? stop('apply needs SEI_DB SIP_DB'), $argv[3] ?? stop('apply needs SEI_DB SIP_DB')),
  'report' => report($argv[2] ?? stop('report needs SEI_DB SIP_DB'), $argv[3] ?? stop('report needs SEI_DB SIP_DB')),
  default => stop("usage: first-install.php validate | apply SEI_DB SIP_DB | report SEI_DB SIP_DB (got \"$mode\")"),
};
