#!/usr/bin/env node
// The cdktf app as cdktf.json runs it (`cdktf synth`, `npm run synth`, `sei-infra fleet`): stacks/cdktf-app.ts,
// from its cached bundle when it can be used, else through tsx (runtime/cli-bundle.js, loadSynthApp).
import { loadSynthApp } from "./cli-bundle.js";

await loadSynthApp();
