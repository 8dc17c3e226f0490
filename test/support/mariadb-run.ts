/**
 * vitest's globalSetup: one folder for the whole test run in which the first MariaDB server's
 * mariadb-install-db leaves its data directory for every other server to copy (test/support/mariadb.ts).
 * Nothing is installed here: a run without a MariaDB test pays nothing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MARIADB_RUN_ENV } from "./mariadb.ts";

export default function setup(): () => void {
  const run = mkdtempSync(join(tmpdir(), "sei-mariadb-run-"));
  // The workers are forked after the global setup and inherit this environment.
  process.env[MARIADB_RUN_ENV] = run;
  return () => rmSync(run, { recursive: true, force: true });
}
