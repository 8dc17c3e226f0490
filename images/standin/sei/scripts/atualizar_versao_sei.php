<?php
// Stand-in for SEI's version update (NOT SEI's updater): see standinUpdater() in the stand-in's Infra.php.
require_once 'Infra.php';
exit(standinUpdater('sei', 'SEI_VERSAO', 'STANDIN_SEI_VERSION'));
