<?php
// Stand-in for SIP's scheduled-task runner (NOT SEI): runs no task; fails when SIP's database does not answer.
require_once getenv('STANDIN_LIB') ?: '/opt/standin/lib/standin.php';
exit(standinScheduledTasks('sip'));
