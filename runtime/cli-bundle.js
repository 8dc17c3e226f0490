// Speed trick: how `sei-infra` (bin/sei-infra.js) loads its TypeScript.
//
// CI runs validate on every push, so start-up counts (figures in BENCHMARKS.md).
// Loading through tsx's loader costs most of a run before any work: it hooks
// every import (zod and yaml are ~200 modules) and transforms each .ts file.
// So the CLI is bundled once with esbuild (a direct dependency, also tsx's own)
// into node_modules/.cache/sei-infra/cli.mjs, and later runs import that one
// file. The bundle is rebuilt when any of its inputs changed (size or mtime),
// so `npm ci` is enough: no build step, nothing built is committed. When the
// cache cannot be built or written (read-only node_modules), it falls back to
// tsx. SEI_INFRA_LOADER=tsx forces the fallback; SEI_INFRA_DEBUG=1 says why a
// bundle was not used.
//
// Relies on: esbuild's metafile (the inputs), zod 4's locale index at
// zod/v4/locales/index.js (only English is kept), and no project file reading
// import.meta (checked at build time: such a file makes the CLI run through tsx).
// Proved unchanged by: test/cli/validate.test.ts ("gives the same report
// through the tsx fallback as through the bundle"); every CLI test runs the
// real bin, so through the bundle.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL, URL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const entry = join(root, "cli", "main.ts");
const cacheDir = join(root, "node_modules", ".cache", "sei-infra");
const bundlePath = join(cacheDir, "cli.mjs");
const manifestPath = join(cacheDir, "cli.inputs.json");
/** Bump when the build options below change, so old bundles are rebuilt. */
const BUILD_ID = 3;

/** The CLI module (cli/main.ts): from the bundle when it can be used, else through tsx. */
export async function loadCli() {
  if (process.env.SEI_INFRA_LOADER !== "tsx") {
    try {
      if (!bundleIsFresh()) await buildBundle();
      return await import(pathToFileURL(bundlePath).href);
    } catch (error) {
      if (process.env.SEI_INFRA_DEBUG) console.error(`sei-infra: bundle not used, running through tsx: ${error}`);
    }
  }
  const { register } = await import("tsx/esm/api");
  register();
  return import(pathToFileURL(entry).href);
}

/** True when the manifest lists every input of the bundle with its current size and mtime. */
function bundleIsFresh() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  } catch {
    return false;
  }
  if (manifest.build !== BUILD_ID || process.version !== manifest.node) return false;
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
 * In the bundle, import.meta.url is the bundle's own location, not the source
 * file's: a project file that uses it to find data would read the wrong path.
 * Such a file fails the build, so the CLI runs through tsx, slower but right.
 */
const noImportMeta = {
  name: "no-import-meta",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${join("node_modules", "")}`)) return undefined;
      const contents = readFileSync(args.path, "utf8");
      if (contents.includes("import.meta"))
        throw new Error(`${args.path} uses import.meta, which the bundle would change`);
      return { contents, loader: "ts" };
    });
  },
};

async function buildBundle() {
  const { build } = await import("esbuild");
  const started = Date.now();
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
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
    plugins: [englishOnlyZod, noImportMeta],
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
  // Write then rename: a concurrent run sees the old bundle or the new one, never half of one.
  const temporary = `${bundlePath}.${process.pid}.tmp`;
  writeFileSync(temporary, result.outputFiles[0].contents);
  renameSync(temporary, bundlePath);
  // An input edited during the build may not be in the bundle: leave the manifest stale so the next run rebuilds.
  if (inputs.some(([, , mtimeMs]) => mtimeMs >= started)) return;
  const manifest = `${JSON.stringify({ build: BUILD_ID, node: process.version, inputs })}\n`;
  writeFileSync(`${manifestPath}.${process.pid}.tmp`, manifest);
  renameSync(`${manifestPath}.${process.pid}.tmp`, manifestPath);
}
