<?php
// Stand-in for SIP's login page (NOT SEI): the form renders only when SIP's
// database answers, so a probe that finds the password field proves the app,
// its configuration and the database, not merely a redirect.
require_once 'Infra.php';
// As SIP's login does: any request PHP does not see as HTTPS goes to https://.
if (($_SERVER['HTTPS'] ?? '') !== 'on') {
  header('Location: https://' . $_SERVER['HTTP_HOST'] . $_SERVER['REQUEST_URI'], true, 302);
  exit;
}
require_once 'standin_login.php';
header('Content-Type: text/html; charset=ISO-8859-1');
$refused = false;
try {
  $sip = standinDatabase('sip');
  $orgaos = $sip->query("SELECT sigla FROM orgao WHERE sin_ativo = 'S' ORDER BY sigla")->fetch_all();
  // SIP's login page keeps its state in the session (memcached or files: web/session.ini).
  session_start();
  $_SESSION['standin'] = 'login form shown';
  if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    $account = standinLogin($sip, (string) ($_POST['selOrgao'] ?? ''), (string) ($_POST['txtUsuario'] ?? ''), (string) ($_POST['pwdSenha'] ?? ''));
    if ($account !== null) {
      // As SIP does: a new session for the signed-in user, then the system's start page (sip.sistema.pagina_inicial).
      session_regenerate_id(true);
      $_SESSION['standin_login'] = $account['sigla'];
      $page = $sip->execute_query('SELECT pagina_inicial FROM sistema WHERE sigla = ? AND id_orgao = ?', [$_GET['sigla_sistema'] ?? 'SIP', $account['id_orgao']])->fetch_row();
      header('Location: ' . ($page[0] ?? standinBaseUrl() . '/sip'), true, 302);
      exit;
    }
    $refused = true;
  }
} catch (Throwable $e) {
  http_response_code(503);
  echo '<p>' . htmlspecialchars(STANDIN_NOTICE, ENT_QUOTES, 'ISO-8859-1') . '</p><p>SIP database or session store unavailable.</p>';
  exit;
}
$sistema = htmlspecialchars($_GET['sigla_sistema'] ?? 'SIP', ENT_QUOTES, 'ISO-8859-1');
?>
<!DOCTYPE html>
<html lang="pt-BR"><head><meta charset="ISO-8859-1"><title>Stand-in (not SEI) - <?= $sistema ?></title></head>
<body>
<p><strong><?= htmlspecialchars(STANDIN_NOTICE, ENT_QUOTES, 'ISO-8859-1') ?></strong></p>
<?php if ($refused) { ?><p id="divInfraMsg">Usu&aacute;rio ou senha inv&aacute;lida.</p>
<?php } ?>
<form id="frmLogin" method="post" action="login.php?<?= htmlspecialchars($_SERVER['QUERY_STRING'] ?? '', ENT_QUOTES, 'ISO-8859-1') ?>">
  <label for="txtUsuario">Usuario</label> <input type="text" id="txtUsuario" name="txtUsuario">
  <label for="pwdSenha">Senha</label> <input type="password" id="pwdSenha" name="pwdSenha">
  <select id="selOrgao" name="selOrgao">
<?php foreach ($orgaos as [$sigla]) { ?>    <option><?= htmlspecialchars($sigla, ENT_QUOTES, 'ISO-8859-1') ?></option>
<?php } ?>
  </select>
  <button type="submit" id="sbmAcessar">Acessar</button>
</form>
</body></html>
