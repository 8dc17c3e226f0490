/**
 * The two database scripts that stay generated (constructs/database-scripts.ts): the init script
 * and the accounts script are here-documents of SQL written from the plan (database and account
 * names, each account's grants), around a few lines of shell. shellcheck cannot see them as files,
 * so it reads them as each stack's ConfigMap carries them, with and without the binlog shipper's
 * account (what they do is run against MariaDB 10.11 by backup-account.test.ts and restore.test.ts).
 */
import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { examplePlan, platformWithStore } from "../../scripts/lib/example-plan.ts";
import { cleanScratch, resourcesOf, synthStack } from "./support.ts";

afterAll(cleanScratch);

/** A ConfigMap value as the database pod reads it: Terraform's escapes of `${` and `%{` undone. */
const asMounted = (value: string) => value.replaceAll("$${", "${").replaceAll("%%{", "%{");

const configs = [
  { name: "backup's account only", plan: examplePlan({ tier: "pequeno-i", phase: "production" }), shipper: false },
  {
    name: "with the binlog shipper's",
    plan: examplePlan({ tier: "pequeno-i", phase: "production" }, platformWithStore()),
    shipper: true,
  },
];

describe.each(configs)("the generated database scripts, $name", ({ plan, shipper }) => {
  const maps = Object.values(resourcesOf(synthStack(plan).json, "kubernetes_config_map_v1")) as {
    data: Record<string, string>;
  }[];
  const data = maps.find((map) => map.data["accounts.sh"] !== undefined)!.data;

  it.each(["create-databases.sh", "accounts.sh"])("%s passes shellcheck", (key) => {
    const checked = spawnSync("shellcheck", ["--format=gcc", "--shell=bash", "-"], {
      input: asMounted(data[key]!),
      encoding: "utf8",
    });
    expect(checked.stdout + checked.stderr).toBe("");
    expect(checked.status).toBe(0);
  });

  it("names the accounts the plan names", () => {
    expect(asMounted(data["accounts.sh"]!)).toContain(`'${plan.database.backupUser}'@'%'`);
    expect(asMounted(data["accounts.sh"]!).includes("GRANT REPLICATION SLAVE, BINLOG MONITOR")).toBe(shipper);
    expect(asMounted(data["create-databases.sh"]!)).toContain(
      `CREATE DATABASE IF NOT EXISTS ${plan.database.seiDatabase} `,
    );
  });
});
