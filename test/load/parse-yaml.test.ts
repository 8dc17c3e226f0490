/**
 * Files that cannot be read as one YAML document: each is a clear, positioned
 * error, never an exception or a hang.
 */
import { describe, expect, it } from "vitest";
import { CORE_SCHEMA, load as fastLoad } from "js-yaml";
import { parse } from "yaml";
import { MAX_FILE_BYTES } from "../../core/load/index.ts";
import { parseYaml } from "../../core/load/parse-yaml.ts";
import { lines } from "./support.ts";

const problems = (content: string | Uint8Array) => lines(parseYaml(Buffer.from(content), "f.yaml").diagnostics);

describe("parseYaml", () => {
  it("refuses a file over 64 KiB before parsing it", () => {
    expect(problems(`a: "${"x".repeat(MAX_FILE_BYTES)}"\n`)).toEqual([
      "error f.yaml:0:0 : file is 65 KiB; files over 64 KiB are refused (the project's input files are a few KiB)",
    ]);
  });

  it("refuses an empty file and a file of comments", () => {
    expect(problems("")).toEqual(["error f.yaml:0:0 : file is empty"]);
    expect(problems("# only a comment\n\n")).toEqual([
      "error f.yaml:0:0 : file has no content (only blank lines or comments)",
    ]);
  });

  it("points at the first byte that is not UTF-8 (a Latin-1 'â')", () => {
    const latin1 = Buffer.from("kind: Municipality\ndisplayName: Uberl\u00e2ndia\n", "latin1");
    expect(problems(latin1)).toEqual([
      "error f.yaml:2:19 : byte 0xE2 is not valid UTF-8; save the file as UTF-8 (an editor using Latin-1 or Windows-1252 writes accents this way)",
    ]);
  });

  it("counts the column in characters when accents come before the bad byte", () => {
    const bytes = Buffer.concat([Buffer.from("a: ção "), Buffer.from([0xff]), Buffer.from("\n")]);
    expect(problems(bytes)).toEqual([expect.stringMatching(/^error f\.yaml:1:8 : byte 0xFF/)]);
  });

  it("accepts a UTF-8 byte order mark", () => {
    expect(parseYaml(Buffer.from("\ufeffa: 1\n"), "f.yaml").data).toEqual({ a: 1 });
  });

  it("refuses several documents, pointing at the second", () => {
    expect(problems("a: 1\n---\nb: 2\n")).toEqual([
      'error f.yaml:2:1 : file holds 2 YAML documents; it must hold exactly one (remove the "---" separator and what follows it)',
    ]);
  });

  it("refuses a duplicate key, pointing at the second one", () => {
    expect(problems("spec:\n  tier: medio\n  phase: production\n  tier: grande\n")).toEqual([
      'error f.yaml:4:3 : key "tier" appears more than once in the same mapping',
    ]);
  });

  it("quotes a quoted duplicate key as written", () => {
    expect(problems('"a b": 1\n"a b": 2\n')).toEqual([
      'error f.yaml:2:1 : key "a b" appears more than once in the same mapping',
    ]);
  });

  it("refuses tabs used for indentation", () => {
    expect(problems("spec:\n\ttier: medio\n")).toEqual([
      "error f.yaml:2:1 : tabs are not allowed for indentation in YAML; indent with spaces",
    ]);
  });

  it("reports a syntax error with yaml's explanation", () => {
    expect(problems('a: "unterminated\n')).toEqual(['error f.yaml:2:1 : YAML syntax: Missing closing "quote']);
  });

  it("refuses more than 10 aliases", () => {
    const text = `p: &p { name: A, email: a@example.org }\nlist: [${Array(11).fill("*p").join(", ")}]\n`;
    expect(problems(text)).toEqual([
      "error f.yaml:2:48 : file uses more than 10 YAML aliases (*name); write the values out instead",
    ]);
  });

  it("limits aliases whose names hide them from the fast path's pattern", () => {
    const text = `p: &"p [1]\nlist: [${Array(11).fill('*"p').join(", ")}]\n`;
    expect(problems(text)).toEqual([
      "error f.yaml:2:58 : file uses more than 10 YAML aliases (*name); write the values out instead",
    ]);
  });

  it("reads !placeholder as the plain value and knows where each is, also in files the fast path would read", () => {
    const parsed = parseYaml(Buffer.from('a:\n  b: !placeholder 2026-01-01\n  c: [!placeholder "x", y]\n'), "f.yaml");
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.data).toEqual({ a: { b: "2026-01-01", c: ["x", "y"] } });
    expect(parsed.locator?.placeholders()).toEqual([
      ["a", "b"],
      ["a", "c", 0],
    ]);
    expect(parsed.locator?.value(["a", "b"])).toEqual({ line: 2, column: 19 });
  });

  it("reads a quoted cron schedule, which is no alias", () => {
    expect(parseYaml(Buffer.from('schedule: "*/5 * * * *"\n'), "f.yaml").data).toEqual({ schedule: "*/5 * * * *" });
  });

  it("stops a billion-laughs document at once", () => {
    const levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (let i = 1; i < 9; i++)
      levels.push(
        `${"abcdefghi"[i]}: &${"abcdefghi"[i]} [${Array(9)
          .fill(`*${"abcdefghi"[i - 1]}`)
          .join(", ")}]`,
      );
    const started = Date.now();
    expect(problems(`${levels.join("\n")}\n`)).toEqual([
      "error f.yaml:3:12 : file uses more than 10 YAML aliases (*name); write the values out instead",
    ]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("reports nesting deep enough to exhaust the stack as an error", () => {
    const depth = 2_000;
    const text = `a: ${"[".repeat(depth)}${"]".repeat(depth)}\n`;
    expect(problems(text)).toEqual([
      expect.stringMatching(/^error f\.yaml:1:\d+ : the YAML is nested too deeply to read$/),
    ]);
  });

  it("reports an unknown tag as a warning and keeps the value", () => {
    const parsed = parseYaml(Buffer.from("a: !custom x\n"), "f.yaml");
    expect(lines(parsed.diagnostics)).toEqual([
      "warning f.yaml:1:4 : Unresolved tag: !custom (these files use no YAML tags)",
    ]);
    expect(parsed.data).toEqual({ a: "x" });
  });

  /**
   * js-yaml reads the files first and `yaml` only when positions are needed
   * (see parse-yaml.ts): both must read every scalar form alike.
   */
  it("js-yaml reads scalars exactly as the yaml package does", () => {
    const probes = [
      "yes",
      "no",
      "on",
      "True",
      "FALSE",
      "null",
      "Null",
      "~",
      "",
      "012",
      "0o17",
      "0x1F",
      "1_000",
      "+12",
      "-12",
      ".5",
      "1e3",
      "1.5e-3",
      ".inf",
      "-.Inf",
      ".NaN",
      "2026-03-10",
      "2026-03-10T10:00:00Z",
      "1:20",
      "3170206",
      '"3170206"',
      "'quoted'",
      "800Gi",
      "250m",
      "sei.mg.gov.br",
      "a@example.org",
      "Uberlândia",
      "Pingo-d'Água",
      "[1, two]",
      "{ a: 1 }",
      "&anchor value",
      "!!str 12",
      "'it''s'",
      '"tab\\there"',
      "|\n  two\n  lines",
      ">-\n  folded\n  text",
    ];
    const text = probes.map((value, i) => `k${i}: ${value}`).join("\n");
    expect(fastLoad(text, { schema: CORE_SCHEMA })).toEqual(parse(text));
    expect(parseYaml(Buffer.from(text), "f.yaml").data).toEqual(parse(text));
  });

  it("leaves binary-looking numbers to yaml, which reads them as text", () => {
    expect(fastLoad("a: 0b11", { schema: CORE_SCHEMA })).toEqual({ a: 3 });
    expect(parseYaml(Buffer.from("a: 0b11"), "f.yaml").data).toEqual({ a: "0b11" });
  });
});
