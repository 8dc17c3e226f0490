<?php
// Stand-in (NOT SEI): SEI's start page, where SIP sends a user who signed in. Without a
// signed-in session it sends the browser to SIP's login, as SEI does; with one it answers.
require_once 'Infra.php';
session_start();
$login = $_SESSION['standin_login'] ?? null;
if ($login === null) {
  header('Location: ' . standinBaseUrl() . '/sip/login.php?sigla_orgao_sistema=' . rawurlencode(standinEnv('APP_ORGAO')) . '&sigla_sistema=SEI', true, 302);
  exit;
}
header('Content-Type: text/html; charset=ISO-8859-1');
echo '<p>', htmlspecialchars(STANDIN_NOTICE, ENT_QUOTES, 'ISO-8859-1'), '</p><p id="standinSignedIn">signed in as ',
  htmlspecialchars($login, ENT_QUOTES, 'ISO-8859-1'), "</p>\n";
