/**
 * The FileSource of files on disk, under the project root (the folder with
 * platform.yaml). What it reads, and how:
 *
 * - Only regular files. The file is opened with O_NOFOLLOW, so a symbolic link
 *   (whatever it points to, a loop included) is refused and never followed,
 *   and with O_NONBLOCK, so a FIFO never blocks; then fstat on the descriptor
 *   refuses a folder, a FIFO, a socket or a device before a byte is read.
 *   (Checking the opened descriptor, not the path, leaves no gap for a file
 *   swapped in between; an lstat first would cost 10% of validating the fleet.)
 * - At most MAX_FILE_BYTES + 1 bytes. A larger file is refused by its size
 *   before a byte is read; one that grows while it is read, at the limit.
 * - Never outside the project through a link: a path inside the project whose
 *   folder is really elsewhere (a linked `municipalities/` or `data/`) is
 *   refused. A folder the user names outside the project
 *   (`--municipalities /tmp/fleet`) is read as named, under the same rules.
 *
 * A refusal is a RefusedPath with the reason in plain words (never content);
 * the loader reports it as an error of that file and reads the others.
 */
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, realpathSync, type Stats } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { MAX_FILE_BYTES, tooLarge } from "../core/load/index.ts";
import { RefusedPath, type FileSource } from "../core/source.ts";

/** Open for reading; never follow a final link, never wait on a FIFO, never take a terminal. */
const OPEN_FLAGS =
  constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

export function workingTree(root: string): FileSource {
  const folders = new Map<string, string | undefined>();
  const realFolder = (folder: string) => {
    if (!folders.has(folder)) folders.set(folder, realFolderInside(root, folder));
    return folders.get(folder);
  };
  return {
    label: "working tree",
    read(path) {
      const absolute = resolve(root, path);
      const cut = absolute.lastIndexOf(sep);
      const folder = realFolder(absolute.slice(0, cut) || sep);
      // A real path, and a name without separators: no need to normalize again.
      return folder === undefined ? undefined : readRegularFile(`${folder}${sep}${absolute.slice(cut + 1)}`);
    },
    list(dir) {
      const folder = realFolder(resolve(root, dir));
      if (folder === undefined) return [];
      try {
        return readdirSync(folder).sort();
      } catch (error) {
        if (code(error) === "ENOENT") return [];
        throw refusal(error);
      }
    },
  };
}

/**
 * The real path of `folder`, or undefined when it does not exist. Refused when
 * the folder is inside the project by name but really elsewhere (a link on its
 * path leads out), or when its path cannot be followed (a link loop).
 */
export function realFolderInside(root: string, folder: string): string | undefined {
  let real: string;
  try {
    real = realpathSync.native(folder);
  } catch (error) {
    if (code(error) === "ENOENT" || code(error) === "ENOTDIR") return undefined;
    throw refusal(error);
  }
  if (isInside(resolve(root), resolve(folder)) && !isInside(realpathSync.native(root), real)) {
    throw new RefusedPath(
      "is reached through a symbolic link that leads outside the project; links are not followed out of it",
    );
  }
  return real;
}

/**
 * The bytes of a regular file, at most `limit` of them; undefined when there is
 * none. Links, folders, FIFOs, sockets and devices are refused (RefusedPath).
 * Input files use MAX_FILE_BYTES; other readers (fleet reports) pass their own.
 */
export function readRegularFile(file: string, limit = MAX_FILE_BYTES): Buffer | undefined {
  return withRegularFile(file, limit, (fd, size) => readAtMost(fd, size, limit));
}

/**
 * The last `bytes` bytes of a regular file of any size (an engine log), read
 * under the same rules as readRegularFile: never through a link, never from a
 * FIFO, a socket or a device. Undefined when there is no such file.
 */
export function readRegularFileTail(file: string, bytes: number): Buffer | undefined {
  return withRegularFile(file, Infinity, (fd, size) => {
    const buffer = Buffer.alloc(Math.min(size, bytes));
    const read = readSync(fd, buffer, 0, buffer.length, size - buffer.length);
    return buffer.subarray(0, read);
  });
}

/** Opens `file` (O_NOFOLLOW, O_NONBLOCK), refuses all but a regular file of at most `limit` bytes by fstat, then reads. */
function withRegularFile(file: string, limit: number, read: (fd: number, size: number) => Buffer): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (error) {
    if (code(error) === "ENOENT" || code(error) === "ENOTDIR") return undefined;
    // The folder is a real path, so ELOOP here means the file itself is a link.
    throw code(error) === "ELOOP" ? new RefusedPath(LINK) : refusal(error);
  }
  try {
    const opened = fstatSync(fd);
    refuseUnlessRegular(opened, limit);
    return read(fd, opened.size);
  } catch (error) {
    throw error instanceof RefusedPath ? error : refusal(error);
  } finally {
    closeSync(fd);
  }
}

const LINK = "is a symbolic link; links are not followed, whatever they point to (put the file itself here)";

function refuseUnlessRegular(stat: Stats, limit: number): void {
  if (stat.isFile()) {
    if (stat.size > limit) throw new RefusedPath(tooLarge(stat.size, limit));
    return;
  }
  if (stat.isDirectory()) throw new RefusedPath("is a folder, not a file");
  const kind = stat.isFIFO() ? "a FIFO (named pipe)" : stat.isSocket() ? "a socket" : "a device";
  throw new RefusedPath(`is ${kind}, not a regular file; it is not read`);
}

/** Reads to the end, but never more than `limit` + 1 bytes: one read for a file of the size fstat gave. */
function readAtMost(fd: number, expected: number, limit: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  let want = expected + 1;
  while (total <= limit) {
    const chunk = Buffer.allocUnsafe(Math.min(want, limit + 1 - total));
    const read = readSync(fd, chunk, 0, chunk.length, null);
    chunks.push(chunk.subarray(0, read));
    total += read;
    // A short read of a regular file is its end.
    if (read < chunk.length) break;
    want = 4096;
  }
  if (total > limit) throw new RefusedPath(`${tooLarge(total, limit)}; it grew while it was being read`);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

/** Whether `path` is `parent` or under it, by name (no link is resolved). */
export function isInside(parent: string, path: string): boolean {
  const rel = relative(parent, path);
  return rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/** An operating-system error in plain words, without paths or content. */
function refusal(error: unknown): RefusedPath {
  switch (code(error)) {
    case "EACCES":
    case "EPERM":
      return new RefusedPath("cannot be opened: permission denied");
    case "ELOOP":
      return new RefusedPath("a link loop is on its path; links are not followed");
    case "ENXIO":
      return new RefusedPath("is a socket or a device, not a regular file; it is not read");
    case "ENAMETOOLONG":
      return new RefusedPath("cannot be read: its path is too long");
    case "ENOTDIR":
      return new RefusedPath("is not a folder");
    case "EIO":
      return new RefusedPath("cannot be read: input/output error");
    default:
      return new RefusedPath(
        `cannot be read (${code(error) ?? (error instanceof Error ? error.name : "unknown error")})`,
      );
  }
}
