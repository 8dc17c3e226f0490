// Speed trick: how `sei-infra` (bin/sei-infra.js) loads its TypeScript.
//
// CI runs validate on every push, so start-up counts (figures in BENCHMARKS.md).
// Loading through tsx's loader costs most of a run before any work: it hooks
// every import (zod and yaml are ~200 modules) and transforms each .ts file.
// So the CLI is bundled once with esbuild (a direct dependency, also tsx's own)
// into node_modules/.cache/sei-infra/cli-<digest>.mjs, and later runs import that one
// file. The bundle is rebuilt when any of its inputs changed (size or mtime),
// so `npm ci` is enough: no build step, nothing built is committed. When the
// cache cannot be built or written (read-only node_modules), it falls back to
// tsx. SEI_INFRA_LOADER=tsx forces the fallback; SEI_INFRA_DEBUG=1 says why a
// bundle was not used.
//
// The cdktf app (stacks/cdktf-app.ts, cdktf.json's `app` through runtime/synth-app.js) is bundled the
// same way (loadSynthApp): a one-stack synthesis spent about half its CPU in tsx's loader (1.7 s
// CPU through tsx, 0.9 s from the bundle, same output). The files of either may read
// import.meta.url (the repository root, cdktf's require, the worker's module, the shell scripts
// the Jobs run, such as restore/*.sh): in a bundle each file's import.meta.url is its own source
// file's URL, so it finds what it found through tsx; each bundle's name carries a digest of the
// checkout's path, since such a bundle is only right for the checkout it was built from.
//
// Relies on: esbuild's metafile (the inputs), zod 4's locale index at
// zod/v4/locales/index.js (only English is kept), and no project file reading
// import.meta beyond import.meta.url (checked at build time: such a file makes it run through tsx).
// Proved unchanged by: test/cli/validate.test.ts ("gives the same report
// through the tsx fallback as through the bundle"); every CLI test runs the
// real bin, so through the bundle.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL, URL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const cacheDir = join(root, "node_modules", ".cache", "sei-infra");
/** Bump when the build options below change, so old bundles are rebuilt. */
const BUILD_ID = 3;

/** Which checkout a bundle was built from: each file's import.meta.url in it is its source's there. */
const CHECKOUT = createHash("sha256").update(root).digest("hex").slice(0, 12);
/** The CLI: one bundle per checkout. */
const CLI = { entry: join(root, "cli", "main.ts"), name: `cli-${CHECKOUT}` };
/** The cdktf app: one bundle per checkout. */
const SYNTH = { entry: join(root, "stacks", "cdktf-app.ts"), name: `synth-${CHECKOUT}` };

/** The CLI module (cli/main.ts): from the bundle when it can be used, else through tsx. */
export function loadCli() {
  return loadBundled(CLI);
}

/** Runs the cdktf app (stacks/cdktf-app.ts, which synthesizes when imported): from its bundle when it can, else through tsx. */
export function loadSynthApp() {
  return loadBundled(SYNTH);
}

async function loadBundled(target) {
  const bundlePath = join(cacheDir, `${target.name}.mjs`);
  if (process.env.SEI_INFRA_LOADER !== "tsx") {
    let bundle;
    try {
      if (!bundleIsFresh(target)) await buildBundle(target);
      bundle = pathToFileURL(bundlePath).href;
    } catch (error) {
      if (process.env.SEI_INFRA_DEBUG) console.error(`sei-infra: bundle not used, running through tsx: ${error}`);
    }
    // Imported outside the try: an error of the module itself (the app's exit) is its own, not a reason for tsx.
    if (bundle) return import(bundle);
  }
  const { register } = await import("tsx/esm/api");
  register();
  return import(pathToFileURL(target.entry).href);
}

/** True when the manifest lists every input of the bundle with its current size and mtime. */
function bundleIsFresh(target) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(cacheDir, `${target.name}.inputs.json`), "utf8"));
  } catch {
    return false;
  }
  if (manifest.build !== BUILD_ID || process.version !== manifest.node || manifest.root !== root) return false;
  return manifest.inputs.every(([path, size, mtimeMs]) => {
    const stat = statSync(join(root, path), { throwIfNoEntry: false });
    return stat !== undefined && stat.size === size && stat.mtimeMs === mtimeMs;
  });
}

/**
 * zod's namespace export pulls in every locale, a large part of the bundle;
 * its messages here are English or our own, so only "en" is kept.
 */
const englishOnlyZod = {
  name: "english-only-zod",
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: 'export { default as en } from "./en.js";',
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * In a bundle, import.meta.url is the bundle's own location, not the source
 * file's: a project file that uses it to find data would read the wrong path.
 * So each project file's import.meta.url is replaced by its own source file's
 * URL (the bundle is then only right for this checkout: its name says which).
 */
const importMetaPlugin = {
  name: "project-import-meta",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${join("node_modules", "")}`)) return undefined;
      let contents = readFileSync(args.path, "utf8");
      contents = contents.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href));
      if (contents.includes("import.meta"))
        throw new Error(`${args.path} uses import.meta beyond import.meta.url, which the bundle would change`);
      return { contents, loader: "ts" };
    });
  },
};

async function buildBundle(target) {
  const bundlePath = join(cacheDir, `${target.name}.mjs`);
  const manifestPath = join(cacheDir, `${target.name}.inputs.json`);
  const { build } = await import("esbuild");
  const started = Date.now();
  const result = await build({
    absWorkingDir: root,
    entryPoints: [target.entry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    write: false,
    metafile: true,
    logLevel: "silent",
    // Less source for V8 to parse on every start; names are kept for readable stack traces.
    minifyWhitespace: true,
    minifySyntax: true,
    plugins: [englishOnlyZod, importMetaPlugin],
    // Bundled CommonJS packages (commander) call require() for Node built-ins.
    banner: {
      js: 'import { createRequire as __seiCreateRequire } from "node:module"; const require = __seiCreateRequire(import.meta.url);',
    },
  });
  const inputs = Object.keys(result.metafile.inputs).map((path) => {
    const stat = statSync(join(root, path));
    return [path, stat.size, stat.mtimeMs];
  });
  mkdirSync(cacheDir, { recursive: true });
  forgetGoneCheckouts();
  // Write then rename: a concurrent run sees the old bundle or the new one, never half of one.
  const temporary = `${bundlePath}.${process.pid}.tmp`;
  writeFileSync(temporary, result.outputFiles[0].contents);
  renameSync(temporary, bundlePath);
  // An input edited during the build may not be in the bundle: leave the manifest stale so the next run rebuilds.
  if (inputs.some(([, , mtimeMs]) => mtimeMs >= started)) return;
  const manifest = `${JSON.stringify({ build: BUILD_ID, node: process.version, root, inputs })}\n`;
  writeFileSync(`${manifestPath}.${process.pid}.tmp`, manifest);
  renameSync(`${manifestPath}.${process.pid}.tmp`, manifestPath);
}

/**
 * Checkouts that share this node_modules (the e2e workspaces link it) each get their own bundles:
 * those of checkouts that no longer exist are deleted when a new one is built.
 */
function forgetGoneCheckouts() {
  for (const name of readdirSync(cacheDir)) {
    const match = /^((?:cli|synth)-[0-9a-f]{12})\.inputs\.json$/.exec(name);
    if (!match) continue;
    let gone = false;
    try {
      gone = !existsSync(JSON.parse(readFileSync(join(cacheDir, name), "utf8")).root);
    } catch {
      gone = true;
    }
    if (gone) for (const file of [name, `${match[1]}.mjs`]) rmSync(join(cacheDir, file), { force: true });
  }
}
