<?php
// Stand-in for SIP's version update (NOT SEI's updater): see standinUpdater() in the stand-in's Infra.php.
require_once 'Infra.php';
exit(standinUpdater('sip', 'SIP_VERSAO', 'STANDIN_SIP_VERSION'));
