/**
 * The command shape of cli/command.ts, with a command that has subcommands
 * (as `sei-infra fleet plan` will): run() gets the options and each declared
 * argument by name, its return value is the exit code, output goes to io.
 */
import { CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import type { CommandSpec } from "../../cli/command.ts";
import type { Io } from "../../shell/io.ts";
import { createProgram } from "../../cli/main.ts";

function collectingIo(): Io & { readonly out: string[]; readonly err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    cwd: "/nowhere",
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    env: {},
    colour: false,
    now: () => new Date(0),
    out,
    err,
  };
}

const plan: CommandSpec<{ names: string[]; wave: string }> = {
  name: "plan",
  description: "plan some stacks",
  define: (command) => command.argument("[names...]", "municipalities").option("--wave <n>", "wave", "1"),
  run: (args, io) => {
    io.stdout(JSON.stringify(args));
    return 1;
  },
};
const fleet: CommandSpec = { name: "fleet", description: "fleet commands", subcommands: [plan] };

describe("a command with subcommands", () => {
  it("passes options and named arguments to run, and returns its exit code", async () => {
    const io = collectingIo();
    let code = -1;
    await createProgram(io, (c) => (code = c), [fleet]).parseAsync([
      "node",
      "sei-infra",
      "fleet",
      "plan",
      "a",
      "b",
      "--wave",
      "2",
    ]);
    expect(code).toBe(1);
    expect(JSON.parse(io.out.join(""))).toEqual({ wave: "2", names: ["a", "b"] });
  });

  it("reports a usage error of a subcommand on io, as a commander error main maps to exit 2", async () => {
    const io = collectingIo();
    const program = createProgram(io, () => undefined, [fleet]);
    await expect(program.parseAsync(["node", "sei-infra", "fleet", "plan", "--bogus"])).rejects.toBeInstanceOf(
      CommanderError,
    );
    expect(io.err.join("")).toContain("unknown option '--bogus'");
  });
});
