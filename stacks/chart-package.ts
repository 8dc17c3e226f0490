/**
 * The SEI chart packaged once per synthesis into a .tgz named by its content
 * digest; every stack with a release carries a copy and points its
 * helm_release at it (constructs/sei-release.ts).
 *
 * Why: the Helm provider does not diff a local chart's templates
 * (hashicorp/terraform-provider-helm#515), so a template fix used to plan
 * "no changes". With the digest in the file name, any change to a packaged
 * file changes `chart` and plans an update (a `helm upgrade`) on every stack
 * with a release, and nothing else does.
 *
 * The archive is a function of the files' paths and contents only: paths
 * sorted, every header field but name and size fixed (mode 0644, owner 0,
 * time 0), so two clones, a touch or another umask give the same digest and
 * the same bytes. The tar is written here rather than by a tar library, which
 * records modes, owners and times from the file system. Files .helmignore
 * names are left out, as `helm package` leaves them out; links and anything
 * but regular files are refused, never followed or read.
 */
import { createHash } from "node:crypto";
import { lstatSync, readFileSync, readdirSync } from "node:fs";
import { basename, join, relative, sep } from "node:path";
import { gzipSync } from "node:zlib";
import { plainKind } from "../shell/plain-path.ts";

export interface ChartPackage {
  /** sha256 (hex) of the uncompressed archive: the sorted paths and contents of the chart's files. */
  readonly digest: string;
  /** `<chart>-<digest>.tgz`: what the stack folder holds and helm_release.chart names. */
  readonly fileName: string;
  /** The gzipped tar, chart files under `<chart>/` as helm package lays them out. */
  readonly archive: Uint8Array;
}

const BLOCK = 512;
const IGNORE_FILE = ".helmignore";

/** Packages the chart folder `chartDir` (its base name is the chart's name). */
export function packageChart(chartDir: string): ChartPackage {
  const name = basename(chartDir);
  const ignored = ignoreRules(chartDir);
  const files = readdirSync(chartDir, { recursive: true, withFileTypes: true })
    .map((entry) => relative(chartDir, join(entry.parentPath, entry.name)).split(sep).join("/"))
    .filter((path) => !ignored(path))
    .sort();
  const blocks: Buffer[] = [];
  for (const path of files) {
    const absolute = join(chartDir, path);
    if (plainKind(absolute, absolute) === "folder") continue;
    const content = readFileSync(absolute);
    blocks.push(tarHeader(`${name}/${path}`, content.length, absolute), content, padding(content.length));
  }
  blocks.push(Buffer.alloc(2 * BLOCK));
  const tar = Buffer.concat(blocks);
  const digest = createHash("sha256").update(tar).digest("hex");
  return { digest, fileName: `${name}-${digest}.tgz`, archive: gzipSync(tar, { level: 9 }) };
}

/** A ustar header with every field but the name and size fixed. */
function tarHeader(path: string, size: number, where: string): Buffer {
  const header = Buffer.alloc(BLOCK);
  const name = Buffer.from(path, "utf8");
  // ustar's name field is 100 bytes; the chart's paths are far shorter, so no prefix field is needed.
  if (name.length > 100) throw new Error(`${where}: its path in the chart is over 100 bytes; shorten it`);
  name.copy(header, 0);
  header.write("0000644\0", 100, "ascii"); // mode
  header.write("0000000\0", 108, "ascii"); // uid
  header.write("0000000\0", 116, "ascii"); // gid
  header.write(`${size.toString(8).padStart(11, "0")}\0`, 124, "ascii");
  header.write("00000000000\0", 136, "ascii"); // mtime
  header.write("        ", 148, "ascii"); // checksum, counted as spaces
  header.write("0", 156, "ascii"); // regular file
  header.write("ustar\0", 257, "ascii");
  header.write("00", 263, "ascii");
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
  return header;
}

function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/**
 * The chart's .helmignore as a test of a relative path. Supported, as helm
 * reads them: `#` comments, `*` and `?` globs, a pattern without `/` matching
 * any path component, one with `/` matching the path from the chart root, and
 * a trailing `/` matching folders only. Anything else is refused, so a
 * pattern never silently means something else here than in helm.
 */
function ignoreRules(chartDir: string): (path: string) => boolean {
  const file = join(chartDir, IGNORE_FILE);
  if (!plainKind(file, file, "file")) return () => false;
  const rules = readFileSync(file, "utf8")
    .split("\n")
    .map((line, index) => ({ pattern: line.trim(), line: index + 1 }))
    .filter(({ pattern }) => pattern !== "" && !pattern.startsWith("#"))
    .map(({ pattern, line }) => {
      if (/[!\\[\]{}]|\*\*/.test(pattern))
        throw new Error(`${file}:${line}: pattern "${pattern}" uses syntax the chart packager does not read`);
      const folderOnly = pattern.endsWith("/");
      const glob = pattern.replace(/^\/|\/$/g, "");
      const regex = new RegExp(
        `^${glob
          .split("")
          .map((c) => (c === "*" ? "[^/]*" : c === "?" ? "[^/]" : c.replace(/[.+^${}()|\\]/g, "\\$&")))
          .join("")}$`,
      );
      return { regex, folderOnly, rooted: glob.includes("/") };
    });
  return (path) => {
    const parts = path.split("/");
    // A path is ignored when it, or a folder above it, matches.
    return parts.some((part, i) => {
      const isFolder = i < parts.length - 1 || lstatSync(join(chartDir, path)).isDirectory();
      const prefix = parts.slice(0, i + 1).join("/");
      return rules.some((rule) => (!rule.folderOnly || isFolder) && rule.regex.test(rule.rooted ? prefix : part));
    });
  };
}
