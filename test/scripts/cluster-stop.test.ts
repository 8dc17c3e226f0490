/**
 * `scripts/e2e/cluster.sh stop` stops every process of the cluster even when a
 * step fails. A real cluster takes minutes and root, so the daemons here are
 * `sleep` under the daemons' names, in a private work dir, with their pid
 * files as `launch` writes them, and `ip` is a stand-in on PATH that plays the
 * failure seen after a clean-clone `.ci/run`: the node's veth still shows,
 * then is gone by the delete (`Cannot find device "seie2e1h"`), which stopped
 * the teardown before kube-controller-manager and kube-scheduler. The end-to-end
 * run asserts the same of its real cluster (`cluster.sh survivors` in
 * scripts/e2e/run.sh). The off-site backup store (versitygw, recorded as
 * `backup-store`) runs outside the cluster but stops with it.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/lib/example-plan.ts";

const CONTROL_PLANE = ["postgres", "etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"];
const NODE = ["containerd", "kubelet", "kube-proxy"];
/** Recorded under its role (scripts/e2e/backup-store.sh), running the program versitygw. */
const STORE = "backup-store";
const programOf = (name: string) => (name === STORE ? "versitygw" : name);
const SLEEP = spawnSync("sh", ["-c", "command -v sleep"], { encoding: "utf8" }).stdout.trim();

/** A node slot nobody's cluster uses: no network namespace, no cgroup. */
function freeSlot(): number {
  for (let slot = 99; slot > 80; slot--) {
    const cgroups = spawnSync("sh", ["-c", `ls -d /sys/fs/cgroup/*/sei-e2e-${slot} /sys/fs/cgroup/sei-e2e-${slot}`]);
    if (!existsSync(`/run/netns/sei-e2e-${slot}`) && cgroups.stdout.length === 0) return slot;
  }
  throw new Error("no free node slot between 81 and 99");
}

/** `ip` for node_network_down: the veth shows until the first delete, which fails; `stubborn` keeps it. */
function fakeIp(stubborn: boolean): string {
  return `#!/usr/bin/env bash
state="$(dirname "$0")/veth-gone"
case "$1 $2" in
  "link show") [[ ! -e "$state" ]] ;;
  "link del") ${stubborn ? "" : 'touch "$state"; '}echo "Cannot find device \\"$3\\"" >&2; exit 1 ;;
  *) exit 0 ;;
esac
`;
}

/** Running and not a zombie, as cluster.sh's `running` says. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

const started: number[] = [];
const works: string[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) if (running(pid)) process.kill(pid, "SIGKILL");
  for (const work of works.splice(0)) rmSync(work, { recursive: true, force: true });
});

/** A work dir with the daemons running; `lostPidFile` is running without its pid file. */
function cluster(options: { stubbornVeth: boolean; lostPidFile?: string }) {
  const work = mkdtempSync(join(tmpdir(), "sei-stop-test-"));
  works.push(work);
  for (const dir of ["pids", "bin", "fakebin"]) mkdirSync(join(work, dir));
  writeFileSync(join(work, "ports.env"), `rec_slot=${freeSlot()}\n`);
  writeFileSync(join(work, "fakebin", "ip"), fakeIp(options.stubbornVeth));
  chmodSync(join(work, "fakebin", "ip"), 0o755);
  const pids: Record<string, number> = {};
  for (const name of [...CONTROL_PLANE, ...NODE, STORE]) {
    // The program's path names the work dir, as every real daemon's arguments do.
    const bin = join(work, "bin", programOf(name));
    copyFileSync(SLEEP, bin);
    chmodSync(bin, 0o755);
    const child = spawn(bin, ["600"], { detached: true, stdio: "ignore" });
    child.unref();
    pids[name] = child.pid!;
    started.push(child.pid!);
    if (name === options.lostPidFile) continue;
    writeFileSync(join(work, "pids", `${name}.pid`), `${child.pid}\n`);
    writeFileSync(join(work, "pids", `${name}.exe`), `${bin}\n`);
  }
  const env = { ...process.env, SEI_E2E_WORK: work, PATH: `${join(work, "fakebin")}:${process.env.PATH}` };
  const run = (command: string) =>
    spawnSync("bash", [join(REPO_ROOT, "scripts/e2e/cluster.sh"), command], { env, encoding: "utf8" });
  return { pids, run };
}

describe("cluster.sh stop", () => {
  it("has its daemons running before the stop", () => {
    const { pids, run } = cluster({ stubbornVeth: false });
    expect(Object.values(pids).every(running)).toBe(true);
    const listed = run("survivors");
    expect(listed.status).toBe(1);
    expect(listed.stdout.trim().split("\n")).toHaveLength(CONTROL_PLANE.length + NODE.length + 1);
    expect(listed.stdout).toMatch(/^\d+ \S*\/versitygw 600/m);
  });

  it("stops everything when the veth is gone by the time it is deleted", () => {
    const { pids, run } = cluster({ stubbornVeth: false });
    const stop = run("stop");
    expect(stop.stderr).toContain("stopped kube-controller-manager");
    expect(stop.stderr).toContain(`stopped ${STORE}`);
    expect(stop.status).toBe(0);
    expect(Object.entries(pids).filter(([, pid]) => running(pid))).toEqual([]);
    expect(run("survivors")).toMatchObject({ status: 0, stdout: "" });
  });

  it("stops the rest of the cluster when a step fails, then says which and fails", () => {
    const { pids, run } = cluster({ stubbornVeth: true });
    const stop = run("stop");
    expect(stop.stderr).toMatch(/stop: 'node_network_down' failed; stopping the rest anyway/);
    expect(stop.status).toBe(1);
    expect(Object.entries(pids).filter(([, pid]) => running(pid))).toEqual([]);
  });

  it("kills the backup store when its pid file was lost, naming it", () => {
    const { pids, run } = cluster({ stubbornVeth: false, lostPidFile: STORE });
    const stop = run("stop");
    expect(stop.stderr).toMatch(/still running after the stop, killed: \d+ \S*versitygw/);
    expect(stop.status).toBe(0);
    expect(running(pids[STORE]!)).toBe(false);
  });

  it("kills a daemon whose pid file was lost, naming it", () => {
    const { pids, run } = cluster({ stubbornVeth: false, lostPidFile: "kube-scheduler" });
    const stop = run("stop");
    expect(stop.stderr).toMatch(/still running after the stop, killed: \d+ \S*kube-scheduler/);
    expect(stop.status).toBe(0);
    expect(running(pids["kube-scheduler"]!)).toBe(false);
  });
});
