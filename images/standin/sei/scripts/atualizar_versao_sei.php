<?php
// Stand-in for SEI's version update (NOT SEI's updater): see standinUpdater() in /opt/standin/lib/standin.php.
require_once getenv('STANDIN_LIB') ?: '/opt/standin/lib/standin.php';
exit(standinUpdater('sei', 'SEI_VERSAO', 'STANDIN_SEI_VERSION'));
