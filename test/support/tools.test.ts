import { describe, expect, it, type TestContext } from "vitest";
import { inCi, requireTools } from "./tools.ts";

class Skipped extends Error {}

/** A context whose skip records its note and, like vitest's, ends the test when its condition holds. */
function context() {
  const skipped: string[] = [];
  const skip = (condition: boolean, note: string) => {
    if (!condition) return;
    skipped.push(note);
    throw new Skipped(note);
  };
  return { ctx: { skip } as unknown as TestContext, skipped };
}

describe("inCi", () => {
  it("is true for CI set to anything but empty, 0 or false", () => {
    expect([undefined, "", "0", "false", "FALSE "].map((CI) => inCi({ CI }))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(["true", "1", "yes"].map((CI) => inCi({ CI }))).toEqual([true, true, true]);
  });
});

describe("requireTools", () => {
  const withCi = (value: string | undefined, run: () => void) => {
    const saved = process.env.CI;
    if (value === undefined) delete process.env.CI;
    else process.env.CI = value;
    try {
      run();
    } finally {
      if (saved === undefined) delete process.env.CI;
      else process.env.CI = saved;
    }
  };

  it("passes when nothing is missing", () => {
    const { ctx, skipped } = context();
    withCi("true", () => requireTools(ctx, [], { builtByCi: true, why: "w" }));
    expect(skipped).toEqual([]);
  });

  it("fails under CI when a tool CI builds is missing", () => {
    const { ctx, skipped } = context();
    withCi("true", () =>
      expect(() => requireTools(ctx, ["OpenTofu"], { builtByCi: true, why: "run the toolchain" })).toThrow(
        "CI builds OpenTofu, and it is missing: run the toolchain",
      ),
    );
    expect(skipped).toEqual([]);
  });

  it("skips saying why outside CI, and for a tool CI does not build", () => {
    for (const [ci, builtByCi] of [
      [undefined, true],
      ["true", false],
    ] as const) {
      const { ctx, skipped } = context();
      withCi(ci, () =>
        expect(() => requireTools(ctx, ["Terraform"], { builtByCi, why: "not built" })).toThrow(Skipped),
      );
      expect(skipped).toEqual(["missing Terraform: not built"]);
    }
  });
});
