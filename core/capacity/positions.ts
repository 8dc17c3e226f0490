/**
 * Capacity rules judge resolved plans, which carry no source positions. This
 * points each rule diagnostic back at its field in the head revision's file,
 * so a shrink or a cluster move reads `file:line:column` like every other
 * error. Files are parsed only when a diagnostic needs them.
 */
import type { Diagnostic } from "../diagnostics.ts";
import type { Locator } from "../load/index.ts";
import { parseYaml } from "../load/parse-yaml.ts";
import { readInput, type FileSource } from "../source.ts";

export function positionDiagnostics(diagnostics: readonly Diagnostic[], source: FileSource): Diagnostic[] {
  const locators = new Map<string, Locator | undefined>();
  const locatorOf = (file: string) => {
    if (!locators.has(file)) {
      const { bytes } = readInput(source, file, "");
      locators.set(file, bytes ? parseYaml(bytes, file).locator : undefined);
    }
    return locators.get(file);
  };
  return diagnostics.map((d) => {
    if (d.line > 0 || d.path === "") return d;
    const locator = locatorOf(d.file);
    if (!locator) return d;
    // A missing field (an override the head removed) points at its nearest parent, as validate does.
    const { line, column } = locator.value(d.path.split("."));
    return { ...d, line, column };
  });
}
