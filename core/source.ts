/**
 * Where input files come from. The core reads every file through a FileSource
 * and never touches the disk or git itself: sources/ provides the working tree
 * and git revisions (for the capacity diff, which reads old revisions as data
 * and never runs old code).
 */

export interface FileSource {
  /** Human label used in messages ("working tree", "origin/main"). */
  readonly label: string;
  /** Raw bytes of a file relative to the source root, or undefined when it does not exist. */
  read(path: string): Buffer | undefined;
  /** Names (not paths) of the files directly inside a folder, sorted; [] when it does not exist. */
  list(dir: string): string[];
}
