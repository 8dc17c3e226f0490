/**
 * `sei-infra backups migrate-claim` as an operator runs it: the real bin, a project whose
 * platform.yaml gives the cluster a store, a real versitygw, Debian's restic and GNU tar, the
 * repository made by `backups provision`, and a backup claim laid out as the nightly job writes it.
 *
 * The cluster is a stand-in (KUBECTL): it answers with the namespace's Secret and the claim's
 * phase, and runs an applied Job by running the Job's own script
 * (images/database/offsite/migrate-claim-sets.sh) on the claim folder with the namespace's
 * credential, reporting its exit as the Job's condition and its output as the log. What the
 * command decides from that (the administrator's confirmation in the store, the file's edit,
 * every refusal before anything runs) is real. The Job in a real cluster is not run here.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seiInfra } from "../cli/run.ts";
import { TIRADENTES } from "../load/support.ts";
import { startVersitygw, storeCertificate, type Versitygw } from "../support/versitygw.ts";
import { storeLines, storeProject } from "./support.ts";

const SECRET_KEY = "S3cretKeyOfTiradentesGenerated0123456789";
const REPOSITORY_KEY = "RepositoryKeyOfTiradentes0123456789abcdef";
const SCRIPT = resolve("images/database/offsite/migrate-claim-sets.sh");
const MARKED = `${TIRADENTES.trimEnd()}\n  legacyBackupVolume: true # kept when the store came\n`;

let work: string;
let store: Versitygw;

let caFile: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "sei-migrate-command-"));
  const { cert, key } = storeCertificate(work);
  caFile = cert;
  store = await startVersitygw({ cert, key });
}, 60_000);
afterAll(async () => {
  await store?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const project = (file: string) => storeProject(work, storeLines(store.endpoint, caFile), file);

/** The stand-in cluster: the Secret, the claim's phase, and a Job run as its script on `claim`. */
function cluster(claim: string, claimPhase = "Bound"): string {
  const folder = mkdtempSync(join(work, "cluster-"));
  const secret = JSON.stringify({
    kind: "Secret",
    data: Object.fromEntries(
      Object.entries({
        AWS_ACCESS_KEY_ID: "sei-backup-tiradentes",
        AWS_SECRET_ACCESS_KEY: SECRET_KEY,
        RESTIC_PASSWORD: REPOSITORY_KEY,
      }).map(([k, v]) => [k, Buffer.from(v).toString("base64")]),
    ),
  });
  for (const sub of ["tmp", "cache"]) mkdirSync(join(folder, sub));
  const job = [
    `MUNICIPALITY=tiradentes CLAIM='${claim}' TMPDIR='${folder}/tmp' RESTIC_CACHE_DIR='${folder}/cache' BACKUP_STORE_CA='${caFile}'`,
    `RESTIC_REPOSITORY='s3:${store.endpoint}/sei-backups-bh-1/tiradentes' AWS_DEFAULT_REGION=us-east-1`,
    `AWS_ACCESS_KEY_ID=sei-backup-tiradentes AWS_SECRET_ACCESS_KEY=${SECRET_KEY} RESTIC_PASSWORD=${REPOSITORY_KEY}`,
    `bash '${SCRIPT}' >'${folder}/job.log' 2>&1; echo $? >'${folder}/job.rc'`,
  ].join(" ");
  const kubectl = join(folder, "kubectl");
  writeFileSync(
    kubectl,
    [
      "#!/bin/bash",
      `case " $* " in`,
      `  *" get secret "*) echo '${secret}' ;;`,
      `  *" get pvc "*) printf %s '${claimPhase}' ;;`,
      `  *" delete job "*) rm -f '${folder}/job.rc' '${folder}/job.log' ;;`,
      `  *" apply -f - "*) cat >'${folder}/job.json'; ${job} ;;`,
      `  *" get job "*) if [[ "$(cat '${folder}/job.rc')" == 0 ]]; then echo '[{"type":"Complete","status":"True"}]'; else echo '[{"type":"Failed","status":"True"}]'; fi ;;`,
      `  *" logs "*) cat '${folder}/job.log' ;;`,
      '  *) echo "unexpected kubectl $*" >&2; exit 1 ;;',
      "esac",
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  return kubectl;
}

function claimWithSets(): string {
  const claim = mkdtempSync(join(work, "claim-"));
  for (const date of ["2026-12-05", "2026-12-06"]) {
    mkdirSync(join(claim, "sets", date, "documents"), { recursive: true });
    writeFileSync(join(claim, "sets", date, "sei.sql.gz"), `sei ${date}\n`.repeat(100));
    writeFileSync(join(claim, "sets", date, "sip.sql.gz"), `sip ${date}\n`.repeat(100));
    writeFileSync(join(claim, "sets", date, "documents", "oficio.pdf"), `oficio\n`);
  }
  return claim;
}

const admin = { STORE_ADMIN_ID: "", STORE_ADMIN_SECRET: "" };
const run = (cwd: string, kubectl: string, name = "tiradentes") =>
  seiInfra(["backups", "migrate-claim", name], { cwd, env: { ...admin, KUBECTL: kubectl } });
const fileOf = (cwd: string) => readFileSync(join(cwd, "municipalities", "tiradentes.yaml"), "utf8");

describe("sei-infra backups migrate-claim", () => {
  beforeAll(() => {
    admin.STORE_ADMIN_ID = store.admin.accessKeyId;
    admin.STORE_ADMIN_SECRET = store.admin.secretAccessKey;
  });

  it("refuses before anything runs: the repository not provisioned yet", () => {
    const cwd = project(MARKED);
    const kubectl = cluster(claimWithSets());
    const refused = run(cwd, kubectl);
    expect(refused.stderr).toMatch(
      /does not open with the namespace's key .*run sei-infra backups provision tiradentes first/,
    );
    expect(refused.status).toBe(1);
    expect(existsSync(join(kubectl, "..", "job.json"))).toBe(false);
    expect(fileOf(cwd)).toBe(MARKED);
  }, 120_000);

  it("uploads and proves the sets, then marks the file migrated, every other byte kept", () => {
    const cwd = project(MARKED);
    const kubectl = cluster(claimWithSets());
    const provisioned = seiInfra(["backups", "provision", "tiradentes"], { cwd, env: { ...admin, KUBECTL: kubectl } });
    expect(provisioned.status).toBe(0);

    const migrated = run(cwd, kubectl);
    expect(migrated.stderr).toBe("");
    expect(migrated.status).toBe(0);
    expect(migrated.stdout).toMatch(
      /: checked: .* says legacyBackupVolume: true, claim sei-backups is Bound, .* opens\n/,
    );
    expect(migrated.stdout).toMatch(
      /: job: migrate-claim-sets\.sh: set 2026-12-06 [0-9a-f]+: 3 files, each the same in the store\n/,
    );
    expect(migrated.stdout).toMatch(
      /: 2 sets are in .*, proved; .* now says legacyBackupVolume: migrated\. Commit it and apply/,
    );
    expect(fileOf(cwd)).toBe(MARKED.replace("legacyBackupVolume: true #", "legacyBackupVolume: migrated #"));
    // The Job mounted the claim read-only and took the store's Secret whole.
    const job = JSON.parse(readFileSync(join(kubectl, "..", "job.json"), "utf8")) as {
      spec: {
        template: {
          spec: {
            volumes: { persistentVolumeClaim?: { claimName: string; readOnly: boolean } }[];
            containers: { envFrom: unknown }[];
          };
        };
      };
    };
    expect(job.spec.template.spec.volumes[0]!.persistentVolumeClaim).toEqual({
      claimName: "sei-backups",
      readOnly: true,
    });
    expect(job.spec.template.spec.containers[0]!.envFrom).toEqual([{ secretRef: { name: "sei-backup-store" } }]);

    // A second run: nothing to do, nothing run.
    const again = run(cwd, kubectl);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/tiradentes\.yaml:\d+:\d+ spec\.legacyBackupVolume: already migrated: nothing to do/);
  }, 180_000);

  it("leaves the file as it was when the Job fails, and when the claim is not Bound", () => {
    const cwd = project(MARKED);
    const empty = mkdtempSync(join(work, "claim-"));
    mkdirSync(join(empty, "sets"));
    const failed = run(cwd, cluster(empty));
    expect(failed.status).toBe(1);
    expect(failed.stdout).toContain("the claim holds no complete set");
    expect(failed.stderr).toMatch(
      /the migration Job failed .*keeps legacyBackupVolume: true and the claim stays in the stack/,
    );
    expect(fileOf(cwd)).toBe(MARKED);

    const pending = run(cwd, cluster(claimWithSets(), "Pending"));
    expect(pending.status).toBe(1);
    expect(pending.stderr).toMatch(/claim \S+\/sei-backups is Pending, not Bound/);
    expect(fileOf(cwd)).toBe(MARKED);
  }, 120_000);

  it("refuses a file without the mark, and a file that is a link", () => {
    const cwd = project(TIRADENTES);
    const unmarked = run(cwd, cluster(claimWithSets()));
    expect(unmarked.status).toBe(1);
    expect(unmarked.stderr).toMatch(/spec\.legacyBackupVolume is not set: the instance has no backup claim to migrate/);
    const linked = project(MARKED);
    const real = join(linked, "real.yaml");
    writeFileSync(real, MARKED);
    rmSync(join(linked, "municipalities", "tiradentes.yaml"));
    symlinkSync(real, join(linked, "municipalities", "tiradentes.yaml"));
    const link = run(linked, cluster(claimWithSets()));
    expect(link.status).toBe(1);
    expect(readFileSync(real, "utf8")).toBe(MARKED);
  }, 60_000);
});
