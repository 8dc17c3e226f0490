/**
 * Solr's user and password rotation (constructs/solr-rotation.sh) run by bash
 * and curl as its Jobs run it, against the Solr the e2e suite deploys (the
 * stand-in, scripts/e2e/images/solr/solr.py: the Solr server is not
 * installable here) on a Solr home that the chart's init script
 * (charts/sei/files/solr-init.sh) prepared and prepares again at each "restart":
 * during the rotation both users log in, afterwards only the new one, and a
 * restart in between keeps both.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/lib/example-plan.ts";

const SCRIPT = join(REPO_ROOT, "constructs", "solr-rotation.sh");
const INIT = join(REPO_ROOT, "charts", "sei", "files", "solr-init.sh");
const STANDIN = join(REPO_ROOT, "scripts", "e2e", "images", "solr");
const CORES = ["sei-protocolos", "sei-bases-conhecimento", "sei-publicacoes"];
const password = (generation: number) => `SolrGen${generation}pass`;
const user = (generation: number) => (generation === 0 ? "sei" : `sei-${generation}`);

let scratch: string;
let home: string;
let port: number;
let solr: ChildProcess;

/** The chart's init container on the Solr home: the Secret's user, and the previous one during a rotation. */
function init(generation: number) {
  const run = spawnSync("bash", [INIT], {
    encoding: "utf8",
    env: {
      PATH: `${STANDIN}:${process.env.PATH}`,
      SOLR_HOME: home,
      SEI_SOLR_CONFIGSETS: join(scratch, "configsets"),
      SEI_SOLR_CORES: CORES.join(" "),
      SOLR_USERNAME: user(generation),
      SOLR_PASSWORD: password(generation),
      ...(generation > 0 ? { SOLR_PREVIOUS_USERNAME: user(generation - 1) } : {}),
    },
  });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

function step(name: "accept" | "retire", generation: number, env: Record<string, string> = {}) {
  const run = spawnSync("bash", [SCRIPT, name], {
    encoding: "utf8",
    env: {
      PATH: process.env.PATH,
      SOLR_URL: `http://127.0.0.1:${port}/solr`,
      SOLR_USERNAME: user(generation),
      SOLR_PASSWORD: password(generation),
      SOLR_PREVIOUS_USERNAME: user(generation - 1),
      SOLR_PREVIOUS_PASSWORD: password(generation - 1),
      ...env,
    },
  });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

/** The HTTP status Solr answers a search of the protocols core (what SEI does) as `name` with `secret`. */
async function search(name: string, secret: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/solr/sei-protocolos/select?q=*:*`, {
    headers: { Authorization: `Basic ${Buffer.from(`${name}:${secret}`).toString("base64")}` },
  });
  return response.status;
}
/** Which generations' user and password Solr takes now, among 0..3. */
async function logins(): Promise<number[]> {
  const taken: number[] = [];
  for (const generation of [0, 1, 2, 3])
    if ((await search(user(generation), password(generation))) === 200) taken.push(generation);
  return taken;
}
const users = () =>
  Object.keys(
    (JSON.parse(readFileSync(join(home, "security.json"), "utf8")) as { authentication: { credentials: object } })
      .authentication.credentials,
  ).sort();

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port: found } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return found;
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "sei-solr-rotation-"));
  home = join(scratch, "data");
  for (const core of CORES) {
    mkdirSync(join(scratch, "configsets", core, "conf"), { recursive: true });
    writeFileSync(join(scratch, "configsets", core, "conf", "solrconfig.xml"), "<config/>\n");
  }
  init(0);
  port = await freePort();
  solr = spawn("python3", [join(STANDIN, "solr.py")], {
    env: { ...process.env, SOLR_HOME: home, SOLR_PORT: String(port), SOLR_JETTY_HOST: "127.0.0.1" },
    stdio: "ignore",
  });
  for (let tries = 0; ; tries++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/solr/admin/info/system`)).ok) break;
    } catch {
      if (tries > 100) throw new Error("the Solr stand-in did not start");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}, 30_000);
afterAll(() => {
  solr?.kill();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("Solr password rotation (accept, the app rolls, retire)", () => {
  it("refuses a retire before its accept, and an accept with a password Solr does not take, changing nothing", async () => {
    const before = readFileSync(join(home, "security.json"), "utf8");
    const early = step("retire", 1);
    expect(early.code).toBe(1);
    expect(early.output).toContain("retire: sei-1 does not log in to Solr with the new password (accept has not run)");
    const wrong = step("accept", 1, { SOLR_PREVIOUS_PASSWORD: "notThePassword" });
    expect(wrong.code).toBe(1);
    expect(wrong.output).toContain("Solr takes neither sei-1 with the new password nor sei with the previous one");
    const hostile = step("accept", 1, { SOLR_PASSWORD: 'x", "admin": "y' });
    expect(hostile.code).toBe(1);
    expect(hostile.output).toContain("SOLR_PASSWORD must be letters and digits");
    expect(readFileSync(join(home, "security.json"), "utf8")).toBe(before);
    expect(await logins()).toEqual([0]);
  });

  it("accept: both users log in; again, nothing more changes", async () => {
    const accepted = step("accept", 1);
    expect(accepted.code, accepted.output).toBe(0);
    expect(accepted.output).toContain("accept: Solr takes sei-1 with the new password and sei with the previous one");
    expect(accepted.output.trim().split("\n").at(-1)).toBe("accept: done");
    expect(await logins()).toEqual([0, 1]);
    expect(step("accept", 1).code).toBe(0);
    expect(users()).toEqual(["sei", "sei-1"]);
  });

  it("a Solr restart during the rotation keeps both users (the init script keeps the previous one)", async () => {
    expect(init(1)).toContain("solr-init: keeping sei beside sei-1 (a rotation is under way)");
    expect(await logins()).toEqual([0, 1]);
  });

  it("retire: only the new user logs in, the previous one is refused (401); again, the same", async () => {
    const retired = step("retire", 1);
    expect(retired.code, retired.output).toBe(0);
    expect(retired.output).toContain("retire: Solr takes sei-1 with the new password only (sei is refused)");
    expect(await logins()).toEqual([1]);
    expect(await search("sei", password(0))).toBe(401);
    expect(step("retire", 1).code).toBe(0);
    expect(step("accept", 1).output).toContain("(sei is gone already)");
    // A restart after the rotation does not bring the retired user back.
    expect(init(1)).not.toContain("keeping sei beside");
    expect(users()).toEqual(["sei-1"]);
    expect(await logins()).toEqual([1]);
  });

  it("the next rotation moves on from the new user", async () => {
    expect(step("accept", 2).code).toBe(0);
    expect(await logins()).toEqual([1, 2]);
    expect(step("retire", 2).code).toBe(0);
    expect(await logins()).toEqual([2]);
  });

  it("accept on a first install (no Solr Service yet) changes nothing and says why", () => {
    const first = step("accept", 1, { SOLR_URL: "http://sei-solr.invalid:8983/solr" });
    expect(first.code, first.output).toBe(0);
    expect(first.output).toContain("accept: no Solr yet (first install): it will start with sei-1");
  });

  it("accept gives up on a Solr that does not answer, changing nothing", async () => {
    const closed = await freePort();
    const down = step("accept", 3, { SOLR_URL: `http://127.0.0.1:${closed}/solr`, SOLR_WAIT_SECONDS: "0" });
    expect(down.code).toBe(1);
    expect(down.output).toContain(
      `accept: Solr at http://127.0.0.1:${closed}/solr did not answer for 0s: nothing changed`,
    );
  });
});
