/**
 * A private local cluster for a benchmark: the toolchain (built when missing),
 * then scripts/e2e/cluster.sh start in a work dir of its own, and the
 * cluster's environment (kubeconfig, PG_CONN_STR, engine, provider mirror) in
 * process.env, as scripts/e2e/run.sh sets it for the end-to-end suite.
 *
 * The cluster's processes run detached from the terminal, so a Ctrl-C (or a
 * SIGTERM, SIGHUP) that ends the benchmark would leave them running, holding
 * ports and the machine's one cluster slot: from the moment the start begins,
 * such a signal stops the cluster, deletes its work dir and then exits 130.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "./example-plan.ts";

export interface LocalCluster {
  /** The environment the cluster's commands need (also merged into process.env). */
  readonly env: NodeJS.ProcessEnv;
  /** Seconds `cluster.sh start` took (control plane, PostgreSQL and, unless SEI_E2E_NODE=0, the node). */
  readonly startSeconds: number;
  /** Stops the cluster and deletes its work dir (once; later calls do nothing). */
  stop(): void;
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

export function startLocalCluster(prefix: string): LocalCluster {
  const work = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(work, 0o755); // PostgreSQL runs as its own user and must reach its folder
  const env: NodeJS.ProcessEnv = { ...process.env, SEI_E2E_WORK: work, CI: "1" };
  const sh = (script: string) =>
    execFileSync("bash", ["-c", script], {
      cwd: REPO_ROOT,
      env,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
  sh("scripts/e2e/toolchain.sh >/dev/null");
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    for (const signal of SIGNALS) process.off(signal, interrupted);
    sh("scripts/e2e/cluster.sh stop >&2 || true");
    rmSync(work, { recursive: true, force: true });
  };
  function interrupted(signal: NodeJS.Signals): void {
    process.stderr.write(`\n${signal}: stopping the benchmark's cluster (${work})\n`);
    stop();
    process.exit(130);
  }
  for (const signal of SIGNALS) process.on(signal, interrupted);
  const started = Date.now();
  try {
    sh("scripts/e2e/cluster.sh start >&2");
  } catch (error) {
    // A start that failed (or was interrupted) half way leaves processes: stop what there is.
    stop();
    throw error;
  }
  const startSeconds = (Date.now() - started) / 1000;
  for (const line of sh('eval "$(scripts/e2e/toolchain.sh)"; eval "$(scripts/e2e/cluster.sh env)"; env -0').split(
    "\0",
  )) {
    const at = line.indexOf("=");
    if (at > 0) env[line.slice(0, at)] = line.slice(at + 1);
  }
  // The workspace helpers and kubectl read the process environment.
  Object.assign(process.env, env);
  return { env, startSeconds, stop };
}
