/**
 * validate's CI formats: GitLab Code Quality JSON (the merge request widget)
 * and JUnit XML (every engine's test report). Checked against what GitLab
 * requires of a Code Quality report and by parsing the XML for real.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../core/diagnostics.ts";
import { formatGitlab } from "../../report/diagnostics/gitlab-code-quality.ts";
import { formatJunit } from "../../report/diagnostics/junit-diagnostics.ts";
import { seiInfra } from "./run.ts";

const error: Diagnostic = {
  severity: "error",
  file: "m/a.yaml",
  line: 3,
  column: 5,
  path: "spec.tier",
  message: 'must be one of <pequeno-i> & "medio"\u0007',
};
const warning: Diagnostic = {
  severity: "warning",
  file: "m/b.yaml",
  line: 0,
  column: 0,
  path: "",
  message: "whole file",
};

describe("--format gitlab (Code Quality)", () => {
  it("one issue per problem, with the fields GitLab requires, a stable unique fingerprint", () => {
    const issues = JSON.parse(formatGitlab([error, warning, error])) as Record<string, unknown>[];
    expect(issues).toHaveLength(3);
    expect(issues[0]).toEqual({
      type: "issue",
      check_name: "sei-infra validate: spec.tier",
      description: 'm/a.yaml:3:5: error: spec.tier: must be one of <pequeno-i> & "medio"\\u0007',
      severity: "major",
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      location: { path: "m/a.yaml", lines: { begin: 3 } },
    });
    expect(issues[1]).toMatchObject({ severity: "minor", location: { path: "m/b.yaml", lines: { begin: 1 } } });
    expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(3);
    expect(JSON.parse(formatGitlab([error]))).toEqual([issues[0]]);
  });
  it("no problem is an empty list", () => {
    expect(JSON.parse(formatGitlab([]))).toEqual([]);
  });
});

describe("--format junit", () => {
  it("one test case per file checked; a file with errors fails with each of them, warnings are output", () => {
    const xml = formatJunit([error, warning], ["platform.yaml", "m/a.yaml", "m/b.yaml"]);
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(xml) as {
      testsuites: { testsuite: { tests: string; failures: string; testcase: Record<string, unknown>[] } };
    };
    const suite = parsed.testsuites.testsuite;
    expect([suite.tests, suite.failures]).toEqual(["3", "1"]);
    expect(suite.testcase.map((c) => c.name)).toEqual(["platform.yaml", "m/a.yaml", "m/b.yaml"]);
    expect(suite.testcase[1]!.failure).toEqual({
      message: 'spec.tier: must be one of <pequeno-i> & "medio"\\u0007',
      type: "error",
      "#text": 'm/a.yaml:3:5: error: spec.tier: must be one of <pequeno-i> & "medio"\\u0007',
    });
    expect(suite.testcase[2]!["system-out"]).toBe("m/b.yaml: warning: whole file");
  });
});

describe("sei-infra validate", () => {
  it("writes both formats from the command line (gl is a short name of gitlab)", () => {
    const gitlab = seiInfra(["validate", "--format", "gitlab"]);
    expect(gitlab.status).toBe(0);
    expect(JSON.parse(gitlab.stdout)).toEqual([]);
    expect(seiInfra(["validate", "--format", "gl"]).stdout).toBe(gitlab.stdout);
    const junit = seiInfra(["validate", "--format", "junit"]);
    expect(junit.status).toBe(0);
    expect(XMLValidator.validate(junit.stdout)).toBe(true);
    expect(junit.stdout).toContain('<testcase classname="sei-infra.validate" name="platform.yaml"');
  });
});
