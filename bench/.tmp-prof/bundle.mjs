import { build } from "esbuild";
const r = await build({
  absWorkingDir: "/work/wt/fleet-speed",
  entryPoints: ["stacks/main.ts"], bundle: true, platform: "node", format: "esm", target: "node20",
  outfile: "/work/wt/fleet-speed/node_modules/.cache/fs-synth-exp.mjs", minifyWhitespace: true, minifySyntax: true, logLevel: "error",
  banner: { js: 'import { createRequire as __c } from "node:module"; const require = __c(import.meta.url);' },
});
console.log("ok");
