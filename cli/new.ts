/** `sei-infra new`: scaffolds municipalities/<slug>.yaml from the official IBGE list. */
import type { Command } from "commander";

export function register(program: Command): void {
  program
    .command("new")
    .description("Write a new municipality file with the official name, slug, default domain and phase contracted")
    .requiredOption("--ibge <code>", "7-digit IBGE code of the municipality")
    .requiredOption("--tier <tier>", "size tier")
    .action(() => {
      throw new Error("new: not implemented yet");
    });
}
