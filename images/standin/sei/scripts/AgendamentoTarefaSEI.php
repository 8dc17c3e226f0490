<?php
// Stand-in for SEI's scheduled-task runner (NOT SEI): runs no task; fails when SEI's database does not answer.
require_once getenv('STANDIN_LIB') ?: '/opt/standin/lib/standin.php';
exit(standinScheduledTasks('sei'));
