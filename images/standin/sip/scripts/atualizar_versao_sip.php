<?php
// Stand-in for SIP's version update (NOT SEI's updater): see standinUpdater() in /opt/standin/lib/standin.php.
require_once getenv('STANDIN_LIB') ?: '/opt/standin/lib/standin.php';
exit(standinUpdater('sip', 'SIP_VERSAO', 'STANDIN_SIP_VERSION'));
