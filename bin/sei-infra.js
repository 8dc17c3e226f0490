#!/usr/bin/env node
// Entry point of `sei-infra`. The CLI is TypeScript (cli/main.ts); runtime/cli-bundle.js
// decides how it loads (a cached esbuild bundle, or tsx).
import { loadCli } from "../runtime/cli-bundle.js";

const { main } = await loadCli();
process.exitCode = await main(process.argv);
