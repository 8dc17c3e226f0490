<?php
// Stand-in (NOT SEI): like SEI, send the browser to SIP's login page of this organisation.
require_once 'Infra.php';
header('Location: ' . standinBaseUrl() . '/sip/login.php?sigla_orgao_sistema=' . rawurlencode(standinEnv('APP_ORGAO')) . '&sigla_sistema=SEI', true, 302);
