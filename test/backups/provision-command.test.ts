/**
 * `sei-infra backups provision` as an operator runs it: the real bin, a
 * project whose platform.yaml gives the cluster a store, a real versitygw over
 * https with a private CA (the platform's `ca`, trusted for the store alone),
 * Debian's restic, and a kubectl stand-in (KUBECTL) that answers with the
 * namespace's Secret as the stack writes it. Then the mistakes: no
 * administrator's key, a Secret that is not the stack's, a cluster without a store.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seiInfra } from "../cli/run.ts";
import { TIRADENTES } from "../load/support.ts";
import { startVersitygw, storeCertificate, type Versitygw } from "../support/versitygw.ts";
import { storeLines, storeProject } from "./support.ts";
import { restic } from "../../backups/restic.ts";

const SECRET_KEY = "S3cretKeyOfTiradentesGenerated0123456789";
const REPOSITORY_KEY = "RepositoryKeyOfTiradentes0123456789abcdef";

let work: string;
let store: Versitygw;

const project = (lines: readonly string[]) => storeProject(work, lines, TIRADENTES);

/** A kubectl that answers `get secret` with the namespace's Secret, its values base64 as the API gives them. */
function kubectlAnswering(values: Record<string, string>): string {
  const data = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString("base64")]));
  const path = join(work, `kubectl-${Object.keys(values).length}-${values.AWS_ACCESS_KEY_ID}`);
  writeFileSync(path, `#!/bin/sh\ncat <<'EOF'\n${JSON.stringify({ kind: "Secret", data })}\nEOF\n`, { mode: 0o755 });
  return path;
}

const THE_STACKS = {
  AWS_ACCESS_KEY_ID: "sei-backup-tiradentes",
  AWS_SECRET_ACCESS_KEY: SECRET_KEY,
  RESTIC_PASSWORD: REPOSITORY_KEY,
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "sei-provision-"));
  const { cert, key } = storeCertificate(work);
  store = await startVersitygw({ cert, key });
}, 60_000);
afterAll(async () => {
  await store?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const theStore = () => storeLines(store.endpoint, join(work, "store.crt"));

const adminEnv = () => ({ STORE_ADMIN_ID: store.admin.accessKeyId, STORE_ADMIN_SECRET: store.admin.secretAccessKey });

describe("sei-infra backups provision", () => {
  it("provisions over https with the platform's CA, and changes nothing the second time", () => {
    const cwd = project(theStore());
    const env = { ...adminEnv(), KUBECTL: kubectlAnswering(THE_STACKS) };
    const first = seiInfra(["backups", "provision", "tiradentes"], { cwd, env });
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    const repository = `s3:${store.endpoint}/sei-backups-bh-1/tiradentes`;
    expect(first.stdout.split("\n")).toEqual([
      "backups provision tiradentes: bucket sei-backups-bh-1: created",
      "backups provision tiradentes: bucket sei-backups-bh-1: versioning on",
      "backups provision tiradentes: user sei-backup-tiradentes: created",
      "backups provision tiradentes: bucket sei-backups-bh-1: policy for 1 municipalities written",
      `backups provision tiradentes: repository ${repository}: created`,
      expect.stringMatching(/^backups provision tiradentes: done; escrow the repository key/),
      "",
    ]);
    const second = seiInfra(["backups", "provision", "tiradentes"], { cwd, env });
    expect(second.status).toBe(0);
    expect(second.stdout).not.toMatch(/created/);
  }, 120_000);

  it("prunes the provisioned repository with the administrator's key and the tier's counts", () => {
    const cwd = project(theStore());
    const run = seiInfra(["backups", "prune", "tiradentes"], {
      cwd,
      env: { ...adminEnv(), KUBECTL: kubectlAnswering(THE_STACKS) },
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    // Tiradentes is pequeno-i: 7 days, 4 weeks, 12 months; nothing was backed up yet.
    expect(run.stdout).toBe(
      `backups prune tiradentes: repository s3:${store.endpoint}/sei-backups-bh-1/tiradentes: kept the last 7 daily, 4 weekly and 12 monthly snapshots: 0 left\n`,
    );
  }, 120_000);

  it("prunes every production instance with off-site backups with --all, as fleet emit schedules it", () => {
    const cwd = project(theStore());
    const env = { ...adminEnv(), KUBECTL: kubectlAnswering(THE_STACKS) };
    const run = seiInfra(["backups", "prune", "--all"], { cwd, env });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^backups prune tiradentes: repository .*: 0 left\n$/);
    // A name and --all, or neither: which one was meant is unclear.
    for (const args of [["tiradentes", "--all"], []]) {
      const unclear = seiInfra(["backups", "prune", ...args], { cwd, env });
      expect(unclear.status).toBe(2);
      expect(unclear.stderr).toMatch(/name one municipality, or give --all/);
    }
    // On a fleet without a store there is nothing to prune, and no key is needed.
    const none = seiInfra(["backups", "prune", "--all"], { cwd: project([]), env: {} });
    expect(none.status).toBe(0);
    expect(none.stdout).toBe("backups prune: no production instance has off-site backups; nothing to prune\n");
  }, 120_000);

  it("goes on with the others when one instance fails, and exits 1 naming it", () => {
    const cwd = project(theStore());
    const forged = { ...THE_STACKS, AWS_ACCESS_KEY_ID: "sei-backup-mariana" };
    const run = seiInfra(["backups", "prune", "--all"], {
      cwd,
      env: { ...adminEnv(), KUBECTL: kubectlAnswering(forged) },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/backups prune tiradentes: .*AWS_ACCESS_KEY_ID is not sei-backup-tiradentes/);
    expect(run.stderr).toMatch(/backups prune: 1 of 1 failed: tiradentes/);
  });

  it("refuses without the administrator's key, naming the variables", () => {
    const cwd = project(theStore());
    const run = seiInfra(["backups", "provision", "tiradentes"], {
      cwd,
      env: { KUBECTL: kubectlAnswering(THE_STACKS), STORE_ADMIN_ID: "", STORE_ADMIN_SECRET: "" },
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/read from STORE_ADMIN_ID and STORE_ADMIN_SECRET .*: set both/);
  });

  it("refuses a Secret that is not the stack's, before it calls the store", () => {
    const cwd = project(theStore());
    const forged = { ...THE_STACKS, AWS_ACCESS_KEY_ID: "sei-backup-mariana" };
    const other = seiInfra(["backups", "provision", "tiradentes"], {
      cwd,
      env: { ...adminEnv(), KUBECTL: kubectlAnswering(forged) },
    });
    expect(other.status).toBe(1);
    expect(other.stderr).toMatch(/AWS_ACCESS_KEY_ID is not sei-backup-tiradentes, the plan's store user/);
    const injected = { ...THE_STACKS, AWS_SECRET_ACCESS_KEY: "</Secret><Role>admin</Role><Secret>x" };
    const run = seiInfra(["backups", "provision", "tiradentes"], {
      cwd,
      env: { ...adminEnv(), KUBECTL: kubectlAnswering(injected) },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/AWS_SECRET_ACCESS_KEY is not a generated key/);
  });

  it("refuses a municipality whose cluster has no store", () => {
    const cwd = project([]);
    const run = seiInfra(["backups", "provision", "tiradentes"], { cwd, env: adminEnv() });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /cluster \S+ of tiradentes has no backupStore in platform\.yaml: its backups stay on the backup claim\n/,
    );
  });
});

describe("sei-infra fleet backups", () => {
  /** A snapshot of `kind`, taken `hoursAgo`, as the nightly backup or the shipper would have written it. */
  const snapshot = async (kind: string, hoursAgo: number) => {
    const time = new Date(Date.now() - hoursAgo * 3_600_000).toISOString().slice(0, 19).replace("T", " ");
    const run = await restic(
      {
        store: {
          repository: `s3:${store.endpoint}/sei-backups-bh-1/tiradentes`,
          region: "us-east-1",
          ca: readFileSync(join(work, "store.crt"), "utf8"),
        },
        credential: store.admin,
        repositoryPassword: REPOSITORY_KEY,
      },
      ["backup", "--host", "tiradentes", "--tag", `kind=${kind}`, "--time", time, "--stdin", "--stdin-filename", kind],
      Buffer.from(kind),
    );
    expect(run.stderr).toBe("");
  };

  it("names an instance whose newest backup and shipping are older than their RPO, then none once they are new", async () => {
    const cwd = project(theStore());
    const env = { ...adminEnv(), KUBECTL: kubectlAnswering(THE_STACKS), TZ: "UTC" };
    expect(seiInfra(["backups", "provision", "tiradentes"], { cwd, env }).status).toBe(0);
    await snapshot("manifest", 30);
    await snapshot("binlog", 0.2);
    const late = seiInfra(["fleet", "backups", "--only", "tiradentes"], { cwd, env });
    expect(late.stdout).toMatch(
      /^tiradentes +\S+ +30 h ago +12 min ago +never +backup \(RPO 26 h\), binlog \(RPO 5 min\)$/m,
    );
    expect(late.stdout).toContain("0 of 1 instance(s) with off-site backups on time");
    expect(late.status).toBe(1);

    await snapshot("manifest", 1);
    await snapshot("binlog", 0);
    const onTime = seiInfra(["fleet", "backups", "--only", "tiradentes", "--format", "json"], { cwd, env });
    expect(onTime.status).toBe(0);
    const report = JSON.parse(onTime.stdout) as { instances: { municipality: string; late: string[]; error: null }[] };
    expect(report.instances).toEqual([
      expect.objectContaining({
        municipality: "tiradentes",
        late: [],
        error: null,
        rpo: { backupSeconds: 93600, binlogSeconds: 300 },
      }),
    ]);
  }, 120_000);

  it("refuses without the administrator's key, and names an instance it cannot read", () => {
    const cwd = project(theStore());
    const without = seiInfra(["fleet", "backups"], {
      cwd,
      env: { KUBECTL: kubectlAnswering(THE_STACKS), STORE_ADMIN_ID: "" },
    });
    expect(without.stderr).toMatch(/read from STORE_ADMIN_ID and STORE_ADMIN_SECRET .*: set both/);
    expect(without.status).toBe(2);
    const forged = { ...THE_STACKS, AWS_ACCESS_KEY_ID: "sei-backup-mariana" };
    const unread = seiInfra(["fleet", "backups"], { cwd, env: { ...adminEnv(), KUBECTL: kubectlAnswering(forged) } });
    expect(unread.stdout).toMatch(/^tiradentes .*AWS_ACCESS_KEY_ID is not sei-backup-tiradentes/m);
    expect(unread.status).toBe(1);
  });
});
