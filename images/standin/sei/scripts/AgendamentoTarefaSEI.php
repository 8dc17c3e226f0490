<?php
// Stand-in for SEI's scheduled-task runner (NOT SEI): runs no task; fails when SEI's database does not answer.
require_once 'Infra.php';
exit(standinScheduledTasks('sei'));
