<?php
/*
 * First-install settings of an SEI instance, as the public SEI entrypoint
 * applies them, plus the access keys (docs/images.md, "Access keys"):
 *
 *   php first-install.php validate            check the APP_* inputs, touch nothing
 *   php first-install.php apply SEI_DB SIP_DB  write the settings, one transaction
 *   php first-install.php report SEI_DB SIP_DB read only: say what is stored
 *   php first-install.php keys SIP_DB          store the Secret's access keys (a rotation)
 *
 * apply: orgao 0 of both databases gets APP_ORGAO and APP_ORGAO_DESCRICAO;
 * sip.sistema SIP gets its page at APP_PROTOCOLO://APP_HOST/sip, SEI its page and
 * web-service address; each system's crc and chave_acesso are set so that SIP
 * accepts the key in the instance's Secret, exactly as SIP's own key generator
 * would store it: crc = crc32b(id_sistema), chave_acesso = bcrypt (cost 12,
 * $2a$) of md5(the key's last 64 characters).
 *
 * apply, authentication (README, "First install"): no account may log in with a
 * password anyone can guess. Every organisation gets sin_autenticar = 'S' (with
 * 'N', SIP takes the user name as the password); every reference account but
 * the systems' own (SIP's user 'SIP') is deactivated in SIP and SEI, teste
 * among them; the example authentication servers go. With APP_DIRECTORY_URL,
 * the cluster's directory becomes the organisations' authentication server
 * (servidor_autenticacao, rel_orgao_autenticacao). With APP_ADMIN_LOGIN, the
 * first administrator gets a new account in SIP and its replica in SEI (with
 * a contact), copied from the reference administrator's rows with its own
 * login, name and e-mail, and that administrator's profiles and system
 * administration (SIP's "Administrador SIP", SEI's "Administrador"). Ids come
 * from SIP's and SEI's own sequences, so SIP and SEI number on after them.
 *
 * Values travel as bound parameters (organisation names carry apostrophes and
 * accents); the connection is utf8mb4 and the server stores latin1. Keys are
 * never printed.
 */

mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);

const KEY_LENGTH = 72;
const CRC_LENGTH = 8;
const BCRYPT_COST = 12;
const DIRECTORY_TYPES = ['LDAP', 'AD'];
/** SIP's name of the registered directory (servidor_autenticacao.nome, varchar 50). */
const DIRECTORY_NAME = 'PRODEMGE';
/** The profiles that make an administrator: the first administrator must end up holding both. */
const ADMIN_PROFILES = [['SIP', 'Administrador SIP'], ['SEI', 'Administrador']];
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
  $problems = array_merge($problems, directoryProblems(), administratorProblems());
  foreach ($problems as $problem) fwrite(STDERR, "bootstrap: ERROR: $problem\n");
  if ($problems) exit(1);
}

/** Whether SIP can store the text in a latin1 column of `$size` characters. */
function fitsLatin1(string $value, int $size): bool {
  $latin1 = @iconv('UTF-8', 'ISO-8859-1', $value);
  return $value !== '' && $latin1 !== false && strlen($latin1) <= $size;
}

/** The directory's variables: all set, or none (no directory: nobody can log in until one is registered). */
function directoryProblems(): array {
  if ((getenv('APP_DIRECTORY_URL') ?: '') === '') return [];
  $problems = [];
  if (!preg_match('#^ldaps?://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$#', getenv('APP_DIRECTORY_URL')) || strlen(getenv('APP_DIRECTORY_URL')) > 100) {
    $problems[] = 'APP_DIRECTORY_URL must be an ldap:// or ldaps:// URL of at most 100 characters (servidor_autenticacao.endereco)';
  }
  if (!in_array(getenv('APP_DIRECTORY_TYPE'), DIRECTORY_TYPES, true)) $problems[] = 'APP_DIRECTORY_TYPE must be LDAP or AD';
  $port = getenv('APP_DIRECTORY_PORT') ?: '';
  if (!preg_match('/^[1-9][0-9]{0,4}$/', $port) || (int) $port > 65535) $problems[] = 'APP_DIRECTORY_PORT must be a TCP port';
  if (!preg_match('/^[A-Za-z][A-Za-z0-9-]{0,99}$/', getenv('APP_DIRECTORY_LOGIN_ATTRIBUTE') ?: '')) {
    $problems[] = 'APP_DIRECTORY_LOGIN_ATTRIBUTE must be an attribute name such as uid';
  }
  foreach (['APP_DIRECTORY_SEARCH_BASE', 'APP_DIRECTORY_BIND_DN', 'APP_DIRECTORY_BIND_PASSWORD'] as $name) {
    if (!fitsLatin1(getenv($name) ?: '', 100)) {
      $problems[] = "$name must be 1-100 characters that ISO-8859-1 can hold (SIP's servidor_autenticacao column)";
    }
  }
  return $problems;
}

/** The first administrator's variables: all set, or none (no administrator yet). */
function administratorProblems(): array {
  $login = getenv('APP_ADMIN_LOGIN') ?: '';
  if ($login === '') return [];
  $problems = [];
  if (!preg_match('/^[a-z0-9][a-z0-9._-]{0,99}$/', $login)) {
    $problems[] = "APP_ADMIN_LOGIN must be a lower-case login name of at most 100 characters (usuario.sigla)";
  }
  if (!fitsLatin1(getenv('APP_ADMIN_NAME') ?: '', 100)) {
    $problems[] = 'APP_ADMIN_NAME must be 1-100 characters that ISO-8859-1 can hold (usuario.nome)';
  }
  $email = getenv('APP_ADMIN_EMAIL') ?: '';
  if (strlen($email) > 100 || filter_var($email, FILTER_VALIDATE_EMAIL) === false) {
    $problems[] = 'APP_ADMIN_EMAIL must be an e-mail address of at most 100 characters';
  }
  return $problems;
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

/** The columns of a table, in order. */
function columnsOf(mysqli $db, string $database, string $table): array {
  $rows = $db->execute_query(
    'SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position',
    [trim($database, '`'), $table],
  )->fetch_all();
  return array_column($rows, 0);
}

/**
 * The next id of a table from the sequence SEI's framework keeps for it: a row
 * of infra_sequencia, or (MySQL) an auto-increment table seq_<table>. Taking
 * the id there keeps SIP and SEI numbering after the rows written here.
 */
function nextId(mysqli $db, string $database, string $table): int {
  $row = columnsOf($db, $database, 'infra_sequencia') === [] ? null
    : $db->execute_query("SELECT qtd_incremento FROM $database.infra_sequencia WHERE nome_tabela = ? FOR UPDATE", [$table])->fetch_row();
  if ($row !== null) {
    $db->execute_query("UPDATE $database.infra_sequencia SET num_atual = num_atual + qtd_incremento WHERE nome_tabela = ?", [$table]);
    return (int) $db->execute_query("SELECT num_atual FROM $database.infra_sequencia WHERE nome_tabela = ?", [$table])->fetch_row()[0];
  }
  if (columnsOf($db, $database, "seq_$table") !== []) {
    $db->query("INSERT INTO $database.`seq_$table` (campo) VALUES (NULL)");
    return (int) $db->insert_id;
  }
  stop("$database has no sequence for $table (infra_sequencia or seq_$table)");
}

/**
 * Inserts a copy of one row with some columns changed: the row is copied
 * whole, so columns this script does not know (a later SEI's) keep the
 * reference values. A change of a column the table lacks is skipped, unless
 * the column is one the copy cannot do without (`$required`).
 */
function copyRow(mysqli $db, string $database, string $table, array $where, array $changes, array $required): void {
  $columns = columnsOf($db, $database, $table);
  foreach ($required as $column) {
    if (!in_array($column, $columns, true)) stop("$database.$table has no column $column");
  }
  $copy = "$database.bootstrap_row";
  $condition = implode(' AND ', array_map(fn ($c) => "`$c` = ?", array_keys($where)));
  $db->query("DROP TEMPORARY TABLE IF EXISTS $copy");
  $db->execute_query("CREATE TEMPORARY TABLE $copy AS SELECT * FROM $database.`$table` WHERE $condition", array_values($where));
  $changes = array_filter($changes, fn ($c) => in_array($c, $columns, true), ARRAY_FILTER_USE_KEY);
  if ($changes) {
    $set = implode(', ', array_map(fn ($c) => "`$c` = ?", array_keys($changes)));
    $db->execute_query("UPDATE $copy SET $set", array_values($changes));
  }
  $db->query("INSERT INTO $database.`$table` SELECT * FROM $copy");
  $db->query("DROP TEMPORARY TABLE $copy");
}

/** SEI's search text of a name: lower case, no accents ("teste usuario de testes"); no mbstring in the image. */
function searchText(string ...$parts): string {
  $plain = [];
  foreach (['a' => 'áàâãäÁÀÂÃÄ', 'e' => 'éèêëÉÈÊË', 'i' => 'íìîïÍÌÎÏ', 'o' => 'óòôõöÓÒÔÕÖ', 'u' => 'úùûüÚÙÛÜ', 'c' => 'çÇ', 'n' => 'ñÑ'] as $to => $letters) {
    foreach (preg_split('//u', $letters, -1, PREG_SPLIT_NO_EMPTY) as $letter) $plain[$letter] = $to;
  }
  return strtolower(strtr(implode(' ', $parts), $plain));
}

/** The settings that leave no account with a known password (see the header). */
function authentication(mysqli $db, string $sei, string $sip): void {
  $db->query("UPDATE $sip.orgao SET sin_autenticar = 'S'");

  // The reference administrator (teste), whose profiles the first administrator takes over.
  $template = $db->execute_query(
    "SELECT DISTINCT p.id_usuario FROM $sip.permissao p JOIN $sip.perfil f ON f.id_perfil = p.id_perfil AND f.id_sistema = p.id_sistema
      JOIN $sip.sistema s ON s.id_sistema = p.id_sistema WHERE s.sigla = ? AND f.nome = ?",
    ADMIN_PROFILES[0],
  )->fetch_all();

  // Every person's account goes; the systems' own accounts (SIP signs its scripts in as 'SIP') stay.
  $people = array_column($db->query(
    "SELECT id_usuario, sigla FROM $sip.usuario WHERE sin_ativo = 'S' AND sigla NOT IN (SELECT sigla FROM $sip.sistema)"
  )->fetch_all(), 1, 0);
  foreach ($people as $id => $sigla) {
    $db->execute_query("UPDATE $sip.usuario SET sin_ativo = 'N' WHERE id_usuario = ?", [$id]);
    $db->execute_query("UPDATE $sei.usuario SET sin_ativo = 'N' WHERE id_usuario = ?", [$id]);
  }
  say('reference accounts deactivated: ' . ($people ? implode(', ', $people) : '(none)') . "; every organisation authenticates (sin_autenticar = 'S')");

  // The reference's example servers go with their links: only PRODEMGE's directory may authenticate.
  $db->query("DELETE FROM $sip.rel_orgao_autenticacao");
  $db->query("DELETE FROM $sip.servidor_autenticacao");
  $url = getenv('APP_DIRECTORY_URL') ?: '';
  if ($url === '') {
    say('no directory (platform.yaml directory): nobody can log in until PRODEMGE registers one in SIP');
  } else {
    $id = nextId($db, $sip, 'servidor_autenticacao');
    $db->execute_query(
      "INSERT INTO $sip.servidor_autenticacao (id_servidor_autenticacao, nome, sta_tipo, endereco, porta, sufixo, usuario_pesquisa,
        senha_pesquisa, contexto_pesquisa, atributo_filtro_pesquisa, atributo_retorno_pesquisa, versao)
       VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, 'distinguishedName', 3)",
      [$id, DIRECTORY_NAME, env('APP_DIRECTORY_TYPE'), $url, (int) env('APP_DIRECTORY_PORT'), env('APP_DIRECTORY_BIND_DN'),
        env('APP_DIRECTORY_BIND_PASSWORD'), env('APP_DIRECTORY_SEARCH_BASE'), env('APP_DIRECTORY_LOGIN_ATTRIBUTE')],
    );
    $db->execute_query("INSERT INTO $sip.rel_orgao_autenticacao (id_orgao, id_servidor_autenticacao, sequencia) SELECT id_orgao, ?, 0 FROM $sip.orgao", [$id]);
    say('directory ' . $url . ' (' . env('APP_DIRECTORY_SEARCH_BASE') . ') registered as the authentication server of every organisation');
  }

  $login = getenv('APP_ADMIN_LOGIN') ?: '';
  if ($login === '') {
    say('no first administrator (the municipality file marks none yet)');
    return;
  }
  if (count($template) !== 1) stop('the reference database has no single account holding "' . ADMIN_PROFILES[0][1] . '" to take the administrator profiles from');
  $from = (int) $template[0][0];
  $taken = $db->execute_query("SELECT COUNT(*) FROM $sip.usuario WHERE sigla = ? AND sin_ativo = 'S'", [$login])->fetch_row()[0];
  if ($taken > 0) stop("APP_ADMIN_LOGIN \"$login\" is the login of one of the systems' own accounts; choose the person's own login");
  $name = env('APP_ADMIN_NAME');
  $email = env('APP_ADMIN_EMAIL');

  $admin = nextId($db, $sip, 'usuario');
  copyRow($db, $sip, 'usuario', ['id_usuario' => $from], [
    'id_usuario' => $admin, 'sigla' => $login, 'nome' => $name, 'nome_registro_civil' => $name, 'nome_social' => null,
    'email' => $email, 'cpf' => null, 'id_origem' => null, 'sin_ativo' => 'S', 'sin_bloqueado' => 'N',
  ], ['id_usuario', 'sigla', 'nome', 'sin_ativo']);
  foreach ($db->execute_query("SELECT id_perfil, id_sistema, id_unidade FROM $sip.permissao WHERE id_usuario = ?", [$from])->fetch_all() as [$perfil, $sistema, $unidade]) {
    copyRow($db, $sip, 'permissao', ['id_usuario' => $from, 'id_perfil' => $perfil, 'id_sistema' => $sistema, 'id_unidade' => $unidade],
      ['id_usuario' => $admin, 'dta_inicio' => date('Y-m-d 00:00:00')], ['id_usuario']);
  }
  $db->execute_query("INSERT INTO $sip.administrador_sistema (id_usuario, id_sistema) SELECT ?, id_sistema FROM $sip.administrador_sistema WHERE id_usuario = ?", [$admin, $from]);

  // SEI's replica of the account, with its own contact (SIP replicates accounts it creates itself; this one it did not).
  $seiRow = $db->execute_query("SELECT id_contato FROM $sei.usuario WHERE id_usuario = ?", [$from])->fetch_row();
  if ($seiRow === null) stop("$sei.usuario has no replica of the reference administrator ($from)");
  $contato = nextId($db, $sei, 'contato');
  copyRow($db, $sei, 'contato', ['id_contato' => (int) $seiRow[0]], [
    'id_contato' => $contato, 'nome' => $name, 'nome_registro_civil' => $name, 'nome_social' => null, 'sigla' => $login,
    'email' => $email, 'idx_contato' => searchText($login, $name), 'cpf' => null, 'matricula' => null, 'sin_ativo' => 'S',
    'dth_cadastro' => date('Y-m-d H:i:s'),
  ], ['id_contato', 'nome']);
  copyRow($db, $sei, 'usuario', ['id_usuario' => $from], [
    'id_usuario' => $admin, 'id_contato' => $contato, 'sigla' => $login, 'nome' => $name, 'nome_registro_civil' => $name,
    'nome_social' => null, 'idx_usuario' => searchText($login, $name), 'id_origem' => null, 'senha' => null, 'sin_ativo' => 'S',
  ], ['id_usuario', 'id_contato', 'sigla', 'nome', 'sin_ativo']);

  foreach (ADMIN_PROFILES as [$system, $profile]) {
    $holds = $db->execute_query(
      "SELECT COUNT(*) FROM $sip.permissao p JOIN $sip.perfil f ON f.id_perfil = p.id_perfil AND f.id_sistema = p.id_sistema
        JOIN $sip.sistema s ON s.id_sistema = p.id_sistema WHERE p.id_usuario = ? AND s.sigla = ? AND f.nome = ?",
      [$admin, $system, $profile],
    )->fetch_row()[0];
    if ($holds < 1) stop("the first administrator would not hold $system's profile \"$profile\"; nothing was written");
  }
  say("first administrator $login ($admin): SIP's and SEI's administrator profiles, logs in through the directory");
}

/** The contact types SEI names after an organisation, by the suffix of their parameter `<sigla>_ID_TIPO_CONTATO_*`. */
const CONTACT_TYPES = [
  '_ID_TIPO_CONTATO_UNIDADES' => 'Unidades',
  '_ID_TIPO_CONTATO_USUARIOS' => 'Usuários',
  '_ID_TIPO_CONTATO_USUARIOS_EXTERNOS' => 'Usuários Externos',
];

/**
 * Organisation 0 becomes the municipality everywhere SEI keeps its name, as
 * SEI does when an organisation is renamed on its screens: SIP's orgao; SEI's
 * orgao with its search text (idx_orgao), its open history row (orgao_historico,
 * which SEI shows for documents dated in that period), its contact (sender and
 * addressee of documents), and the parameters <sigla>_ID_TIPO_CONTATO_* by which
 * SEI finds the contact types of the organisation's units and users, with those
 * types' names ("Usuários ABC" becomes "Usuários <sigla>"). A reference without
 * one of them stops the install: a name left behind would be shown to users.
 */
function renameOrganisation(mysqli $db, string $sei, string $sip, string $orgao, string $descricao): void {
  foreach ([$sip, $sei] as $database) {
    if ($db->execute_query("SELECT COUNT(*) FROM $database.orgao WHERE id_orgao = 0")->fetch_row()[0] != 1) {
      stop("the reference database $database has no organisation 0");
    }
  }
  [$old, $contato] = $db->query("SELECT sigla, id_contato FROM $sei.orgao WHERE id_orgao = 0")->fetch_row();
  $db->execute_query("UPDATE $sip.orgao SET sigla = ?, descricao = ? WHERE id_orgao = 0", [$orgao, $descricao]);
  $db->execute_query("UPDATE $sei.orgao SET sigla = ?, descricao = ?, idx_orgao = ? WHERE id_orgao = 0", [$orgao, $descricao, searchText($orgao, $descricao)]);
  $db->execute_query("UPDATE $sei.orgao_historico SET sigla = ?, descricao = ? WHERE id_orgao = 0 AND dta_fim IS NULL", [$orgao, $descricao]);
  if ($db->affected_rows !== 1) stop("$sei.orgao_historico has no single open row of organisation 0 to rename");
  $db->execute_query("UPDATE $sei.contato SET sigla = ?, nome = ?, idx_contato = ? WHERE id_contato = ?", [$orgao, $descricao, searchText($orgao, $descricao), $contato]);
  if ($db->affected_rows !== 1) stop("$sei.contato has no contact $contato of organisation 0 to rename");
  $renamed = [];
  foreach (CONTACT_TYPES as $suffix => $label) {
    $type = $db->execute_query("SELECT valor FROM $sei.infra_parametro WHERE nome = ?", [$old . $suffix])->fetch_row();
    if ($type === null) continue;
    $db->execute_query("UPDATE $sei.infra_parametro SET nome = ? WHERE nome = ?", [$orgao . $suffix, $old . $suffix]);
    $db->execute_query("UPDATE $sei.tipo_contato SET nome = ?, descricao = ? WHERE id_tipo_contato = ?", ["$label $orgao", "$label $orgao", (int) $type[0]]);
    $renamed[] = $orgao . $suffix;
  }
  if ($renamed === []) stop("$sei.infra_parametro has no {$old}_ID_TIPO_CONTATO_* parameter of organisation 0 to rename");
  say("organisation $old renamed $orgao in sip and sei: orgao, idx_orgao, orgao_historico, contact $contato, " . implode(', ', $renamed));
}

function apply(string $seiName, string $sipName): void {
  $db = connect();
  $sei = identifier($seiName);
  $sip = identifier($sipName);
  $base = env('APP_PROTOCOLO') . '://' . env('APP_HOST');
  $orgao = env('APP_ORGAO');
  $descricao = env('APP_ORGAO_DESCRICAO');

  $db->begin_transaction();
  renameOrganisation($db, $sei, $sip, $orgao, $descricao);
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
  authentication($db, $sei, $sip);
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

/**
 * keys: a rotation of the access keys (spec.rotation.accessKeys, docs/runbooks/rotate-credentials.md,
 * "The access keys"), run by its Job before the release rolls the app onto the Secret's new keys. SIP
 * keeps one hash per system and checks every call against it, so from the commit on the pods still on
 * the old key are refused until they roll: a short maintenance window. Both systems in one transaction,
 * each hash verified before the commit; a key already stored is left as it is (a retried Job changes
 * nothing); an instance not installed yet (no sip.sistema) is left to its first install.
 */
function keys(string $sipName): void {
  $db = connect();
  $sip = identifier($sipName);
  $found = $db->execute_query(
    "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = 'sistema'",
    [$sipName],
  )->fetch_row();
  if ((int) $found[0] === 0) {
    say("$sipName has no sistema table yet: the first install stores the Secret's access keys");
    return;
  }
  foreach (SYSTEMS as $system) {
    $key = env($system['key']);
    if (strlen($key) !== KEY_LENGTH || preg_match('/[^0-9a-z]/', $key)) {
      stop("{$system['key']} must be " . KEY_LENGTH . ' characters of [0-9a-z] (SIP refuses any other key); nothing was written');
    }
  }
  $db->begin_transaction();
  foreach (SYSTEMS as $system) {
    $key = env($system['key']);
    $id = systemId($db, $sip, $system['sigla']);
    $crc = crcOf($id);
    if (substr($key, 0, CRC_LENGTH) !== $crc) {
      stop("{$system['key']} must begin with $crc, the crc SIP derives from id_sistema $id; nothing was written");
    }
    $stored = fn () => $db->execute_query("SELECT crc, chave_acesso FROM $sip.sistema WHERE id_sistema = ? FOR UPDATE", [$id])->fetch_row();
    [$oldCrc, $oldHash] = $stored();
    if (keyMatches($key, $oldCrc, $oldHash)) {
      say("access key of {$system['sigla']}: SIP has the Secret's already");
      continue;
    }
    $db->execute_query("UPDATE $sip.sistema SET crc = ?, chave_acesso = ? WHERE id_sistema = ?", [$crc, accessKeyHash($key), $id]);
    [$newCrc, $newHash] = $stored();
    if (!keyMatches($key, $newCrc, $newHash)) stop("the stored hash of {$system['key']} does not verify; nothing was written");
    say("access key of {$system['sigla']}: SIP now takes the Secret's key, and no longer the one before");
  }
  $db->commit();
  say('access keys: done');
}

$mode = $argv[1] ?? '';
match ($mode) {
  'validate' => validate(),
  'apply' => apply($argv[2] ?? stop('apply needs SEI_DB SIP_DB'), $argv[3] ?? stop('apply needs SEI_DB SIP_DB')),
  'report' => report($argv[2] ?? stop('report needs SEI_DB SIP_DB'), $argv[3] ?? stop('report needs SEI_DB SIP_DB')),
  'keys' => keys($argv[2] ?? stop('keys needs SIP_DB')),
  default => stop("usage: first-install.php validate | apply SEI_DB SIP_DB | report SEI_DB SIP_DB | keys SIP_DB (got \"$mode\")"),
};
