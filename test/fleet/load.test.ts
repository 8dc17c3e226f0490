/** Loading the selection of a fleet command from a project on disk: what --only names, exactly. */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSelection } from "../../fleet/load.ts";
import { UsageError } from "../../shell/exit.ts";
import { REPO_ROOT } from "../../scripts/lib/example-plan.ts";
import { projectCopy } from "./project.ts";

const diamantina = readFileSync(join(REPO_ROOT, "municipalities/diamantina.yaml"), "utf8");

function select(root: string, only: string[]) {
  let err = "";
  const loaded = loadSelection(root, { municipalities: "municipalities", only }, (t) => void (err += t));
  return { names: loaded.ok ? loaded.stacks.map((s) => s.name) : [], err };
}

describe("--only", () => {
  it("sei-tiradentes is Tiradentes' stack, never the stack of a municipality named sei-tiradentes", () => {
    // Diamantina's file under a colliding name (its own file removed, so that nothing else is duplicated).
    const root = projectCopy({
      "municipalities/sei-tiradentes.yaml": diamantina.replace("name: diamantina", "name: sei-tiradentes"),
    });
    rmSync(join(root, "municipalities/diamantina.yaml"));
    expect(select(root, ["sei-tiradentes"]).names).toEqual(["sei-tiradentes"]);
    // The colliding file itself is refused by the no-stack-prefix rule when it is selected.
    const colliding = select(root, ["sei-sei-tiradentes"]);
    expect(colliding.names).toEqual([]);
    expect(colliding.err).toContain(
      'municipalities/sei-tiradentes.yaml:7:9: error: metadata.name: "sei-tiradentes" starts with "sei-"',
    );
  });

  it("an unknown name: did you mean the closest municipality, in the form it was given", () => {
    const root = projectCopy();
    expect(() => select(root, ["tiradente"])).toThrow(
      new UsageError(
        '--only tiradente: no municipality or stack of that name in municipalities/; did you mean "tiradentes"?',
      ),
    );
    expect(() => select(root, ["sei-ouro-prteo"])).toThrow(/did you mean "sei-ouro-preto"\?$/);
    expect(() => select(root, ["../platform"])).toThrow(/--only \.\.\/platform: no municipality or stack of that name/);
  });
});
