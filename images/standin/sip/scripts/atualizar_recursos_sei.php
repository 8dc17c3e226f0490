<?php
// Stand-in for the registration of SEI's resources in SIP (NOT SEI's updater): see standinUpdater().
require_once 'Infra.php';
exit(standinUpdater('sip', 'SEI_VERSAO', 'STANDIN_SEI_VERSION'));
