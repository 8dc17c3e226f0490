/**
 * Hostile input, built on disk at test time: links to secrets and to special
 * files, special files themselves, a file no one may open, a 200 MB file,
 * control characters, huge keys and values, a newline in a file name,
 * look-alike keys, and the same tricks inside git revisions. For each case the
 * real `sei-infra` runs as a child process in every output format, and the
 * test asserts:
 *
 * - the exit code (1: a file is invalid; never a crash, a hang or exit 2);
 * - an error naming the file, in every format, while the other files are
 *   still checked;
 * - no secret and no file content in any output: a unique marker planted in
 *   the target (or in the child's environment, for /proc/self/environ) never
 *   appears, and no raw control or bidi character reaches the output;
 * - bounded time and memory (generous bounds: a hang or a whole-file read
 *   fails them, normal start-up does not).
 *
 * Tests run as root here, and root opens any file; the "unreadable" case runs
 * its child without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (setpriv), so a
 * mode-000 file is closed to it as to any other user.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RAW_CONTROL } from "../support/raw-control.ts";
import { official, municipalityYaml } from "../../scripts/lib/fleet-repo.ts";
import { boundedSeiInfra, HostileProject, type BoundedRun } from "./support.ts";

const MARKER = `HOSTILE-MARKER-${randomUUID()}`;
/** A secret as an attacker would like it printed: valid YAML whose key an error message quotes ("unknown field"). */
const SECRET = `token-${MARKER}: ${MARKER}\n`;
/**
 * Bounds, generous: a run takes about 0.3 s of CPU and 60 MB. CPU time is
 * bounded tightly, since it does not depend on what else the shared machine
 * runs; wall time loosely, to catch a hang (the child is killed at 30 s).
 * Reading a 200 MB file whole, as the loader did, takes 260 MB.
 */
const CPU_SECONDS = 5;
const WALL_SECONDS = 20;
const MEGABYTES = 200;

const TIRADENTES = official("Tiradentes");
const VALID = municipalityYaml({ official: TIRADENTES, tier: "pequeno-i", sequence: 1 });

interface HostileCase {
  readonly name: string;
  /** Plants the hostile entry in the project (or its git history). */
  readonly build: (p: HostileProject) => void;
  /** The file the error must name, as printed. */
  readonly file: string;
  /** What the error says. */
  readonly reason: RegExp;
  /** Extra arguments of validate; null: validate does not read what the case plants (a git revision). @default [] */
  readonly validateArgs?: readonly string[] | null;
  /** Extra arguments of capacity (--base for the git cases); null: capacity takes no such argument. @default [] */
  readonly capacityArgs?: readonly string[] | null;
  readonly withoutPermissionOverride?: boolean;
  /** Checks of this case beyond the common ones. */
  readonly also?: (runs: readonly Output[]) => void;
}

interface Output {
  readonly label: string;
  readonly run: BoundedRun;
  /** Everything the run wrote: standard output, standard error and files. */
  readonly text: string;
}

const link = (p: HostileProject, path: string, target: string) => symlinkSync(target, join(p.root, path));
const secretOutside = (p: HostileProject, name = "secret.yaml") => {
  writeFileSync(join(p.outside, name), SECRET);
  return join(p.outside, name);
};
const fifo = (path: string) => execFileSync("mkfifo", [path]);
/** A project file replaced by a link to `target` (a secret outside the project by default). */
const linkInPlace = (p: HostileProject, path: string, target = secretOutside(p)) => {
  rmSync(join(p.root, path));
  link(p, path, target);
};

const CASES: readonly HostileCase[] = [
  {
    name: "symlink to a secret file outside the project",
    build: (p) => link(p, "municipalities/leak.yaml", secretOutside(p)),
    file: "municipalities/leak.yaml",
    reason: /symbolic link/,
  },
  {
    name: "symlink to /proc/self/environ (the marker is in the child's environment)",
    build: (p) => link(p, "municipalities/environ.yaml", "/proc/self/environ"),
    file: "municipalities/environ.yaml",
    reason: /symbolic link/,
  },
  {
    name: "symlink to /dev/zero",
    build: (p) => link(p, "municipalities/zero.yaml", "/dev/zero"),
    file: "municipalities/zero.yaml",
    reason: /symbolic link/,
  },
  {
    name: "symlink to a FIFO",
    build: (p) => {
      fifo(join(p.outside, "pipe"));
      link(p, "municipalities/pipe.yaml", join(p.outside, "pipe"));
    },
    file: "municipalities/pipe.yaml",
    reason: /symbolic link/,
  },
  {
    name: "a FIFO named like a municipality file",
    build: (p) => fifo(join(p.root, "municipalities/fifo.yaml")),
    file: "municipalities/fifo.yaml",
    reason: /FIFO/,
  },
  {
    name: "a symlink loop",
    build: (p) => {
      link(p, "municipalities/loop-a.yaml", "loop-b.yaml");
      link(p, "municipalities/loop-b.yaml", "loop-a.yaml");
    },
    file: "municipalities/loop-a.yaml",
    reason: /symbolic link/,
  },
  {
    name: "a directory named *.yaml",
    build: (p) => {
      mkdirSync(join(p.root, "municipalities/folder.yaml"));
      writeFileSync(join(p.root, "municipalities/folder.yaml/inner.yaml"), SECRET);
    },
    file: "municipalities/folder.yaml",
    reason: /folder, not a file/,
  },
  {
    name: "a file the command may not open",
    build: (p) => {
      writeFileSync(join(p.root, "municipalities/locked.yaml"), SECRET);
      chmodSync(join(p.root, "municipalities/locked.yaml"), 0o000);
    },
    file: "municipalities/locked.yaml",
    reason: /permission denied/,
    withoutPermissionOverride: true,
  },
  {
    name: "a 200 MB file (sparse)",
    build: (p) => {
      const path = join(p.root, "municipalities/huge.yaml");
      writeFileSync(path, SECRET);
      truncateSync(path, 200 * 2 ** 20);
    },
    file: "municipalities/huge.yaml",
    reason: /files over 64 KiB are refused/,
  },
  {
    name: "control characters in keys and values",
    build: (p) =>
      p.write(
        "municipalities/tiradentes.yaml",
        VALID.replace("tier: pequeno-i", 'tier: "\\e[31mred\\e]0;title\\a\\0\\r\\x9b2J\\u202Eevil"').replace(
          "kind: Municipality",
          'kind: Municipality\n"\\e[2Jclear\\u202E": 1',
        ),
      ),
    file: "municipalities/tiradentes.yaml",
    reason: /unknown field "\\u001b\[2Jclear\\u202e"/,
  },
  {
    name: "a 60 KB key",
    build: (p) =>
      p.write(
        "municipalities/tiradentes.yaml",
        VALID.replace("spec:\n", `spec:\n  hugekey-${"k".repeat(60 * 1024)}${MARKER}: 1\n`),
      ),
    file: "municipalities/tiradentes.yaml",
    reason: /unknown field/,
    also: (outputs) => {
      for (const { label, text } of outputs) {
        // The key is shown once, cut: an excerpt, never the 60 KB.
        expect(text.split("hugekey-").length - 1, label).toBe(1);
        expect(text.length, label).toBeLessThan(8 * 1024);
      }
    },
  },
  {
    name: "a 60 KB value",
    build: (p) =>
      p.write(
        "municipalities/tiradentes.yaml",
        VALID.replace('displayName: "Tiradentes"', `displayName: "${"v".repeat(60 * 1024)}${MARKER}"`),
      ),
    file: "municipalities/tiradentes.yaml",
    reason: /official IBGE name/,
    also: (outputs) => {
      for (const { label, text } of outputs) expect(text.length, label).toBeLessThan(8 * 1024);
    },
  },
  {
    name: "a newline in a file name",
    build: (p) => p.write("municipalities/evil\n::error file=injected::pwned.yaml", VALID),
    file: "municipalities/evil\\n::error file=injected::pwned.yaml",
    reason: /the file is evil\\n::error file=injected::pwned\.yaml/,
    also: (outputs) => {
      for (const { label, text } of outputs) expect(text, label).not.toMatch(/^::error file=injected/m);
    },
  },
  {
    name: "a look-alike key (Cyrillic і in tіer)",
    build: (p) => p.write("municipalities/tiradentes.yaml", VALID.replace("tier:", "t\u0456er:")),
    file: "municipalities/tiradentes.yaml",
    reason:
      /unknown field "t\\u0456er": it has U\+0456, not a printable ASCII character, and field names are plain ASCII; did you mean "tier"\?/,
  },
  {
    name: "platform.yaml as a symlink to a secret",
    build: (p) => linkInPlace(p, "platform.yaml"),
    file: "platform.yaml",
    reason: /symbolic link/,
  },
  {
    name: "a tier file as a symlink to a secret",
    build: (p) => linkInPlace(p, "tiers/pequeno-i.yaml"),
    file: "tiers/pequeno-i.yaml",
    reason: /symbolic link/,
  },
  {
    name: "the official list as a symlink to a secret",
    build: (p) => {
      writeFileSync(join(p.outside, "list.csv"), `code,name,population\n${MARKER}\n`);
      linkInPlace(p, "data/ibge/minas-gerais.csv", join(p.outside, "list.csv"));
    },
    file: "data/ibge/minas-gerais.csv",
    reason: /symbolic link/,
  },
  {
    name: "the municipalities folder as a symlink to a folder outside the project",
    build: (p) => {
      mkdirSync(join(p.outside, "elsewhere"));
      writeFileSync(join(p.outside, "elsewhere", "leak.yaml"), SECRET);
      rmSync(join(p.root, "municipalities"), { recursive: true });
      link(p, "municipalities", join(p.outside, "elsewhere"));
    },
    file: "municipalities",
    reason: /outside the project/,
  },
  {
    name: "a symlink named as a file argument",
    build: (p) => link(p, "municipalities/leak.yaml", secretOutside(p)),
    file: "municipalities/leak.yaml",
    reason: /symbolic link/,
    validateArgs: ["municipalities/leak.yaml"],
    capacityArgs: null,
  },
  {
    name: "a symlink in a git revision",
    build: (p) => {
      link(p, "municipalities/leak.yaml", secretOutside(p));
      p.commit("a link in history");
      rmSync(join(p.root, "municipalities/leak.yaml"));
    },
    file: "HEAD:municipalities/leak.yaml",
    reason: /symbolic link/,
    validateArgs: null,
    capacityArgs: ["--base", "HEAD"],
  },
  {
    name: "a 200 MB blob in a git revision",
    build: (p) => {
      const path = join(p.root, "municipalities/huge.yaml");
      const fd = openSync(path, "w");
      writeSync(fd, SECRET);
      closeSync(fd);
      truncateSync(path, 200 * 2 ** 20);
      p.commit("a huge file in history");
      rmSync(path);
    },
    file: "HEAD:municipalities/huge.yaml",
    reason: /files over 64 KiB are refused/,
    validateArgs: null,
    capacityArgs: ["--base", "HEAD"],
  },
];

const VALIDATE_FORMATS = ["text", "json", "github"] as const;
const CAPACITY_FORMATS = ["text", "markdown", "json", "csv"] as const;

describe("hostile input", () => {
  beforeAll(() => {
    // Builds the CLI bundle once, so no case pays for it.
    execFileSync(process.execPath, [join(import.meta.dirname, "../../bin/sei-infra.js"), "--help"]);
  });

  const projects: HostileProject[] = [];
  afterAll(() => {
    for (const p of projects) p.dispose();
  });

  it.each(CASES.map((c) => [c.name, c]))("%s", async (_name, hostile: HostileCase) => {
    const p = new HostileProject();
    projects.push(p);
    p.write("municipalities/tiradentes.yaml", VALID);
    if (hostile.capacityArgs?.includes("--base")) p.commit("a valid fleet");
    hostile.build(p);
    const options = {
      cwd: p.root,
      env: { SEI_HOSTILE_MARKER: MARKER },
      withoutPermissionOverride: hostile.withoutPermissionOverride ?? false,
    };

    // Every command and format of the case, run at once; `errors` says where its errors are printed.
    const jobs: { label: string; args: string[]; files: string[]; errors: "text" | "json" | "github" | "stderr" }[] =
      [];
    if (hostile.validateArgs !== null) {
      for (const format of VALIDATE_FORMATS) {
        jobs.push({
          label: `validate --format ${format}`,
          args: ["validate", "--format", format, ...(hostile.validateArgs ?? [])],
          files: [],
          errors: format,
        });
      }
    }
    if (hostile.capacityArgs !== null) {
      for (const format of CAPACITY_FORMATS) {
        const files = [`report.${format}`, `chart.${format}.svg`];
        const args = [
          "capacity",
          "--format",
          format,
          "--output",
          files[0]!,
          "--chart",
          files[1]!,
          ...(hostile.capacityArgs ?? []),
        ];
        jobs.push({ label: `capacity --format ${format}`, args, files, errors: "stderr" });
      }
    }
    const runs = await Promise.all(jobs.map((job) => boundedSeiInfra(job.args, options)));

    const outputs: Output[] = jobs.map(({ label, files }, i) => {
      const run = runs[i]!;
      const written = files.map((f) => (existsSync(join(p.root, f)) ? readFileSync(join(p.root, f), "utf8") : ""));
      return { label, run, text: [run.stdout, run.stderr, ...written].join("\n") };
    });
    for (const [i, { label, run, text }] of outputs.entries()) {
      expect(run.seconds, `${label} took ${run.seconds} s`).toBeLessThan(WALL_SECONDS);
      expect(run.cpuSeconds, `${label} took ${run.cpuSeconds} s of CPU`).toBeLessThan(CPU_SECONDS);
      expect(run.peakMegabytes, `${label} used ${run.peakMegabytes} MB`).toBeLessThan(MEGABYTES);
      expect(text.includes(MARKER), `${label} printed the secret or the file's content`).toBe(false);
      expect(RAW_CONTROL.exec(text)?.[0], `${label} printed a raw control character`).toBeUndefined();
      expect(run.status, `${label}: ${run.stderr}`).toBe(1);
      const errors = jobs[i]!.errors;
      expectNamed(
        errors === "stderr" ? "text" : errors,
        errors === "stderr" ? { ...run, stdout: run.stderr } : run,
        hostile,
      );
    }
    // One bad entry never stops the others: the valid neighbour is still read and checked.
    const json = outputs.find((o) => o.label === "validate --format json");
    if (json && !hostile.validateArgs && hostile.file !== "municipalities") {
      expect((JSON.parse(json.run.stdout) as { files: string[] }).files).toContain("municipalities/tiradentes.yaml");
    }
    hostile.also?.(outputs);
  });
});

/** An error on the case's file, with its reason, in the format's own form. */
function expectNamed(format: "text" | "json" | "github", run: BoundedRun, hostile: HostileCase): void {
  const { file, reason } = hostile;
  if (format === "json") {
    const report = JSON.parse(run.stdout) as { errors: { file: string; message: string }[] };
    expect(report.errors.filter((e) => e.file === file).map((e) => e.message)).toContainEqual(
      expect.stringMatching(reason),
    );
    return;
  }
  const lines = run.stdout.split("\n");
  const prefix = format === "github" ? `::error file=${escapeProperty(file)}` : file;
  const named = lines.filter((line) => line.startsWith(prefix) && line.includes("error"));
  expect(
    named.some((line) => reason.test(format === "github" ? line.replaceAll("%3A", ":").replaceAll("%2C", ",") : line)),
    `${format}:\n${run.stdout}`,
  ).toBe(true);
}

/** A workflow command's property value, as the runner reads it. */
function escapeProperty(text: string): string {
  return text
    .replaceAll("%", "%25")
    .replaceAll("\r", "%0D")
    .replaceAll("\n", "%0A")
    .replaceAll(":", "%3A")
    .replaceAll(",", "%2C");
}
