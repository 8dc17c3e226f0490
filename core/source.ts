/**
 * Where input files come from. The core reads every file through a FileSource
 * and never touches the disk or git itself: sources/ provides the working tree
 * and git revisions (for the capacity diff, which reads old revisions as data
 * and never runs old code).
 *
 * A source reads only regular files of at most MAX_FILE_BYTES, never through a
 * symbolic link; anything else it refuses with a RefusedPath, which the loader
 * reports as an error of that one file (readInput, listFolder) while every
 * other file is read as usual.
 */
import { fileDiagnostic, type Diagnostic } from "./diagnostics.ts";

export interface FileSource {
  /** Human label used in messages ("working tree", "origin/main"). */
  readonly label: string;
  /**
   * Raw bytes of a file relative to the source root, or undefined when it does
   * not exist. Throws RefusedPath for what it will not read: a link, a folder, a
   * FIFO, a socket, a device, a file over the size limit, one it may not open.
   */
  read(path: string): Buffer | undefined;
  /**
   * Names (not paths) of the entries directly inside a folder, sorted; [] when
   * it does not exist. Throws RefusedPath for a folder it will not list (one
   * reached through a link that leads outside the project, or a link in git).
   */
  list(dir: string): string[];
}

/** Why a source will not read a path, in plain words; never any of the content. */
export class RefusedPath extends Error {}

export type InputRead =
  | { readonly bytes: Buffer; readonly diagnostic?: undefined }
  | { readonly bytes?: undefined; readonly diagnostic: Diagnostic };

/** A file's bytes, or the error that reports it: `missing` when it does not exist, the reason when it is refused. */
export function readInput(source: FileSource, file: string, missing: string): InputRead {
  try {
    const bytes = source.read(file);
    return bytes ? { bytes } : { diagnostic: fileDiagnostic(file, missing) };
  } catch (error) {
    if (error instanceof RefusedPath) return { diagnostic: fileDiagnostic(file, error.message) };
    throw error;
  }
}

/** The names in a folder, or the error that reports a folder the source refuses. */
export function listFolder(
  source: FileSource,
  dir: string,
): { readonly names: string[]; readonly diagnostics: Diagnostic[] } {
  try {
    return { names: source.list(dir), diagnostics: [] };
  } catch (error) {
    if (error instanceof RefusedPath) return { names: [], diagnostics: [fileDiagnostic(dir, error.message)] };
    throw error;
  }
}
