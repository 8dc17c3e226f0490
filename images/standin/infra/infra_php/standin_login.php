<?php
/*
 * THE STAND-IN APP'S LOGIN. THIS IS NOT SIP.
 *
 * How SIP decides a login, written from public facts about SIP 3.2 (not from
 * its code): its `usuario` has no password column. An organisation with
 * `sin_autenticar = 'N'` takes the user name itself as the password (the public
 * SEI entrypoint's note for the reference data, whose `teste` logs in as
 * teste/teste). With 'S', SIP authenticates against the organisation's servers
 * (`rel_orgao_autenticacao` → `servidor_autenticacao`, in `sequencia` order):
 * it binds with the search account (`usuario_pesquisa`, `senha_pesquisa`),
 * searches `(<atributo_filtro_pesquisa>=<login>)` under `contexto_pesquisa`,
 * and binds as the entry found with the password typed. libldap checks the
 * server's certificate against LDAPTLS_CACERT (the chart sets it).
 *
 * So this stand-in fails where SIP would: a first install that leaves
 * `sin_autenticar = 'N'` or `teste` active lets teste/teste in here too.
 */
require_once 'Infra.php';

/** The login's account if SIP would let it in, else null; why not goes to the error log, never to the page. */
function standinLogin(mysqli $sip, string $orgao, string $login, string $password): ?array {
  $login = strtolower(trim($login));
  if ($login === '' || $password === '') return null; // an empty password would be an anonymous LDAP bind
  $row = $sip->execute_query(
    "SELECT u.id_usuario, u.sigla, o.id_orgao, o.sin_autenticar FROM usuario u JOIN orgao o ON o.id_orgao = u.id_orgao
      WHERE o.sigla = ? AND o.sin_ativo = 'S' AND u.sigla = ? AND u.sin_ativo = 'S'",
    [$orgao, $login],
  )->fetch_assoc();
  if ($row === null) return standinRefused("$login: no active account of organisation $orgao");
  if ($row['sin_autenticar'] !== 'S') {
    return $password === $login ? $row : standinRefused("$login: organisation $orgao does not authenticate; the password must be the user name");
  }
  $servers = $sip->execute_query(
    'SELECT s.* FROM rel_orgao_autenticacao r JOIN servidor_autenticacao s ON s.id_servidor_autenticacao = r.id_servidor_autenticacao
      WHERE r.id_orgao = ? ORDER BY r.sequencia',
    [$row['id_orgao']],
  )->fetch_all(MYSQLI_ASSOC);
  if ($servers === []) return standinRefused("$login: organisation $orgao has no authentication server");
  foreach ($servers as $server) {
    try {
      if (standinDirectoryBind($server, $login, $password)) return $row;
    } catch (Throwable $e) {
      standinRefused("$login: {$server['nome']} ({$server['endereco']}): {$e->getMessage()}");
    }
  }
  return standinRefused("$login: no authentication server accepted the password");
}

function standinRefused(string $why): ?array {
  error_log("stand-in login (NOT SIP): refused $why");
  return null;
}

/** Search the login with the search account, then bind as the entry found: true if the password is the entry's. */
function standinDirectoryBind(array $server, string $login, string $password): bool {
  $url = $server['endereco'];
  if (!preg_match('#:[0-9]+$#', $url)) $url .= ':' . $server['porta'];
  $ldap = ldap_connect($url);
  if ($ldap === false) throw new RuntimeException("not an LDAP URL: $url");
  ldap_set_option($ldap, LDAP_OPT_PROTOCOL_VERSION, (int) ($server['versao'] ?: 3));
  ldap_set_option($ldap, LDAP_OPT_REFERRALS, 0);
  ldap_set_option($ldap, LDAP_OPT_NETWORK_TIMEOUT, 5);
  ldap_bind($ldap, $server['usuario_pesquisa'], $server['senha_pesquisa']);
  $filter = '(' . $server['atributo_filtro_pesquisa'] . '=' . ldap_escape($login, '', LDAP_ESCAPE_FILTER) . ')';
  $entries = ldap_get_entries($ldap, ldap_search($ldap, $server['contexto_pesquisa'], $filter, ['dn'], 0, 2));
  if ($entries['count'] !== 1) throw new RuntimeException("$filter under {$server['contexto_pesquisa']}: {$entries['count']} entries");
  try {
    return ldap_bind($ldap, $entries[0]['dn'], $password);
  } catch (ErrorException $e) {
    if (ldap_errno($ldap) === 49) return false; // invalid credentials: the wrong password
    throw $e;
  } finally {
    ldap_unbind($ldap);
  }
}
