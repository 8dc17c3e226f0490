/**
 * The SEI app image's PHP and file layout, rebuilt on this machine from the
 * image's own recipe (images/app/Containerfile), so tests run the host's
 * Debian PHP 8.2 as the image would:
 * - phpConfD(sapi): a folder holding exactly the ini files the Containerfile
 *   copies into /etc/php/8.2/<sapi>/conf.d, under the names it gives them;
 * - inImageLayout(): a command run in a private mount namespace where /opt is
 *   empty but for the folders given (as /opt/infra is in the image), so a PHP
 *   include_path that names /opt/infra/infra_php resolves there and only there.
 */
import { chmodSync, copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const APP_RUNTIME = resolve("images/app/runtime");
const CONTAINERFILE = resolve("images/app/Containerfile");

export type PhpSapi = "apache2" | "cli";

const confD = new Map<PhpSapi, string>();

/** The ini files the app image installs for one PHP SAPI, copied once into a folder under their image names. */
export function phpConfD(sapi: PhpSapi): string {
  const made = confD.get(sapi);
  if (made) return made;
  const folder = mkdtempSync(join(tmpdir(), `sei-php-${sapi}-`));
  // Apache's PHP reads it as www-data.
  chmodSync(folder, 0o755);
  const copy = new RegExp(`^COPY\\s+(app/\\S+)\\s+/etc/php/8\\.2/${sapi}/conf\\.d/(\\S+\\.ini)$`);
  let found = 0;
  for (const line of readFileSync(CONTAINERFILE, "utf8").split("\n")) {
    const match = copy.exec(line.trim());
    if (!match) continue;
    copyFileSync(resolve("images", match[1] as string), join(folder, match[2] as string));
    found++;
  }
  if (found === 0) throw new Error(`${CONTAINERFILE} installs no ini file for PHP's ${sapi}`);
  confD.set(sapi, folder);
  return folder;
}

/** PHP_INI_SCAN_DIR that adds the image's ini files to the host's Debian ones (the image's base has the same). */
export function phpIniScanDir(sapi: PhpSapi): string {
  return `:${phpConfD(sapi)}`;
}

/**
 * [command, args] that run `command args` with /opt replaced by an empty tmpfs
 * holding only `mounts` (image path under /opt → folder here), bound
 * read-only. As root a plain mount namespace; otherwise a user namespace too.
 */
export function inImageLayout(
  mounts: Record<string, string>,
  command: string,
  args: readonly string[],
): [string, string[]] {
  const binds = Object.entries(mounts).map(([target, source]) => {
    if (!target.startsWith("/opt/")) throw new Error(`${target}: only folders under /opt are laid out`);
    return `mkdir -p '${target}' && mount --bind '${source}' '${target}' && mount -o remount,bind,ro '${target}'`;
  });
  const script = ["mount -t tmpfs -o mode=0755 sei-test-opt /opt", ...binds, 'exec "$@"'].join(" && ");
  const user = process.getuid?.() === 0 ? [] : ["--map-root-user"];
  return ["unshare", [...user, "--mount", "--propagation", "private", "sh", "-c", script, "sh", command, ...args]];
}
