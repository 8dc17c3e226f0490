<?php
// Stand-in for SIP's scheduled-task runner (NOT SEI): runs no task; fails when SIP's database does not answer.
require_once 'Infra.php';
exit(standinScheduledTasks('sip'));
