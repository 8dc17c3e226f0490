/**
 * `sei-infra fleet drill [SELECT]` (docs/drills.md): for each selected instance whose cluster has a
 * backup store, its newest backup restored into a scratch namespace (fleet/drill/scratch-namespace.ts) and
 * checked against what the backup recorded; the scratch namespace deleted whatever happens (a
 * failure, SIGINT, SIGTERM); a report in JSON, markdown and JUnit. One drill at a time: each
 * restores a whole instance, which is load enough on a cluster and its store.
 *
 * The store is read with the municipality's own credential, copied from its namespace's Secret into
 * the scratch namespace: it may read its own repository and nothing else, while the administrator's
 * key (which could read and delete every repository) never enters a cluster.
 */
import { randomBytes } from "node:crypto";
import { lstatSync } from "node:fs";
import { resolve } from "node:path";
import { tenantKeys } from "../../backups/namespace-secret.ts";
import { SECRET_KEYS } from "../../core/naming.ts";
import { hasOffsiteBackups, type OffsiteInstancePlan } from "../../core/plan.ts";
import { printable } from "../../core/printable.ts";
import { textTable } from "../../report/table.ts";
import { kubectlFor, stopKubectl, type Kubectl } from "../../restore/kubectl.ts";
import { runJob } from "../../restore/run-job.ts";
import { EXIT } from "../../shell/exit.ts";
import { guarded } from "../../shell/guard.ts";
import type { Io } from "../../shell/io.ts";
import { writeOutput } from "../../shell/output-file.ts";
import { atRoot, rebased } from "../../shell/paths.ts";
import { loadSelection, type SelectOptions } from "../load.ts";
import { readJsonFile } from "../read-json.ts";
import { drillOutcome } from "./outcome.ts";
import {
  drillReportSchema,
  formatDrillReport,
  renderDrillJunit,
  renderDrillMarkdown,
  type DrillReport,
  type DrillReportEntry,
} from "./report.ts";
import { scratchManifests, scratchNamespaceName } from "./scratch-namespace.ts";

export interface DrillOptions extends SelectOptions {
  readonly report?: string;
  readonly summary?: string;
  readonly junit?: string;
}

export function fleetDrill(options: DrillOptions, started: Io): Promise<number> {
  return guarded("fleet", started.stderr, async () => {
    const { io, typed } = atRoot(started);
    options = rebased(options, ["municipalities", "report", "summary", "junit"], typed);
    // The previous report is read before anything runs: a broken one stops the command here.
    const previous = options.report ? previousReport(io.cwd, options.report) : undefined;
    const loaded = loadSelection(io.cwd, options, io.stderr);
    if (!loaded.ok) return EXIT.failed;
    const plans = loaded.plans.filter(hasOffsiteBackups);
    const without = loaded.plans.length - plans.length;
    if (without > 0)
      io.stderr(
        `fleet drill: ${without} selected instance(s) have no off-site backup (no backupStore, or before production)\n`,
      );
    const startedAt = new Date();
    let signal: NodeJS.Signals | undefined;
    const onSignal = (received: NodeJS.Signals) => {
      if (signal) return void io.stderr(`fleet drill: ${received}: still deleting the scratch namespace; wait\n`);
      signal = received;
      io.stderr(`\nfleet drill: ${received}: stopping the drill and deleting its scratch namespace\n`);
      stopKubectl();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    const drills: DrillReportEntry[] = [];
    try {
      for (const plan of plans) {
        if (signal) break;
        const entry = await drillOne(plan, io, () => signal !== undefined);
        const last = previous?.drills.find((d) => d.municipality === plan.municipality.name)?.lastGoodDrill ?? null;
        drills.push(entry.status === "passed" ? entry : { ...entry, lastGoodDrill: last });
        io.stdout(`fleet drill ${plan.municipality.name}: ${entry.status}\n`);
      }
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
    const report: DrillReport = {
      schemaVersion: 1,
      command: "drill",
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      drills,
    };
    if (options.report) writeOutput(io.cwd, options.report, formatDrillReport(report));
    if (options.summary) writeOutput(io.cwd, options.summary, renderDrillMarkdown(report));
    if (options.junit) writeOutput(io.cwd, options.junit, renderDrillJunit(report));
    io.stdout(`${drillTable(report)}\n`);
    if (signal) return EXIT.interrupted;
    return drills.every((d) => d.status === "passed") ? EXIT.ok : EXIT.failed;
  });
}

/**
 * A report written by an earlier run, read back as fleet reports are (fleet/read-json.ts: a regular file,
 * never through a link, bounded in size, checked against the schema); none yet is no error.
 */
function previousReport(cwd: string, file: string): DrillReport | undefined {
  if (!lstatSync(resolve(cwd, file), { throwIfNoEntry: false })) return undefined;
  return readJsonFile(cwd, file, drillReportSchema, "drill report (--report, read for the last good drills)");
}

async function drillOne(plan: OffsiteInstancePlan, io: Io, interrupted: () => boolean): Promise<DrillReportEntry> {
  const kubectl = kubectlFor(plan.cluster, io.env);
  const municipality = plan.municipality.name;
  const namespace = scratchNamespaceName(municipality, randomBytes(3).toString("hex"));
  const started = new Date();
  const entry: DrillReportEntry = {
    municipality,
    tier: plan.municipality.tier,
    cluster: plan.cluster.name,
    status: "failed",
    scratchNamespace: namespace,
    startedAt: started.toISOString(),
    rtoSeconds: null,
    restoreSeconds: null,
    rpoSeconds: null,
    backupAt: null,
    lastGoodDrill: null,
    differences: [],
    differenceCount: 0,
    error: null,
  };
  const say = (text: string) => io.stdout(`fleet drill ${municipality}: ${printable(text)}\n`);
  let created = false;
  try {
    const storeSecretData = await storeSecretOf(kubectl, plan);
    const manifests = scratchManifests({
      plan,
      namespace,
      storeSecretData,
      rootPassword: randomBytes(24).toString("hex"),
      setName: started.toISOString().slice(0, 10),
    });
    const job = manifests.find((m) => m.kind === "Job")!;
    say(`restoring the newest backup into scratch namespace ${namespace}`);
    created = true;
    await kubectl(
      ["apply", "-f", "-"],
      JSON.stringify({ apiVersion: "v1", kind: "List", items: manifests.filter((m) => m !== job) }),
    );
    // Once a signal came, no further call but the deletion below: a poll between two calls stops too.
    const step: Kubectl = (args, input) =>
      interrupted() ? Promise.reject(new Error("interrupted")) : kubectl(args, input);
    const run = await runJob(step, namespace, job, {
      timeoutMs: plan.backup.restoreDeadlineSeconds * 1000,
      onLine: (line) => io.stdout(`  ${printable(line)}\n`),
      pollMs: 5000,
    });
    const finished = Date.now();
    const outcome = drillOutcome(run.log, municipality);
    const passed = run.outcome === "Complete" && outcome.passed;
    return {
      ...entry,
      status: passed ? "passed" : "failed",
      rtoSeconds: Math.round((finished - started.getTime()) / 1000),
      restoreSeconds: outcome.restoreSeconds,
      rpoSeconds: outcome.lastShippedAt
        ? Math.max(0, Math.round((started.getTime() - outcome.lastShippedAt.getTime()) / 1000))
        : null,
      backupAt: outcome.backupAt?.toISOString() ?? null,
      lastGoodDrill: passed ? entry.startedAt : null,
      differences: [...outcome.differences],
      differenceCount: outcome.differenceCount,
      error:
        passed || (outcome.differenceCount > 0 && outcome.errors.length <= 1)
          ? null
          : run.outcome === "Timeout"
            ? `the drill Job did not finish within ${(plan.backup.restoreDeadlineSeconds / 3600).toFixed(1)} h`
            : (outcome.errors.at(-1) ??
              `the drill Job ${run.outcome === "Failed" ? "failed" : "ended"} without a check${outcome.lastLine ? `; its last line: ${outcome.lastLine}` : ""}`),
    };
  } catch (error) {
    if (interrupted()) return { ...entry, status: "interrupted", error: "interrupted by a signal" };
    return { ...entry, error: printable((error as Error).message, 2000) };
  } finally {
    if (created) {
      say(`deleting scratch namespace ${namespace}`);
      await kubectl(["delete", "namespace", namespace, "--ignore-not-found", "--wait=false"]).catch((error: Error) =>
        io.stderr(
          `fleet drill ${municipality}: could not delete scratch namespace ${namespace}: ${printable(error.message)}; delete it by hand\n`,
        ),
      );
    }
  }
}

/** The instance's store credential: checked as `backups provision` checks it, then its keys as the API gives them. */
async function storeSecretOf(kubectl: Kubectl, plan: OffsiteInstancePlan): Promise<Record<string, string>> {
  const store = plan.backupStore;
  await tenantKeys(kubectl, plan.namespace.name, store);
  const secret = JSON.parse(
    await kubectl(["get", "secret", store.secretName, "--namespace", plan.namespace.name, "--output", "json"]),
  ) as { data: Record<string, string> };
  return Object.fromEntries(
    Object.values(SECRET_KEYS.backupStore)
      .filter((key) => typeof secret.data[key] === "string")
      .map((key) => [key, secret.data[key]!]),
  );
}

function drillTable(report: DrillReport): string {
  return textTable({
    headers: ["MUNICIPALITY", "DRILL", "RTO (s)", "RPO (s)", "BACKUP OF", "LAST GOOD DRILL", "DIFFERENCES"],
    align: ["left", "left", "right", "right", "left", "left", "right"],
    rows: report.drills.map((d) => [
      d.municipality,
      d.status,
      String(d.rtoSeconds ?? "-"),
      String(d.rpoSeconds ?? "-"),
      d.backupAt ?? "-",
      d.lastGoodDrill ?? "never",
      String(d.differenceCount),
    ]),
  });
}
