// The file operations durable state needs from its host. The state layer
// never touches node:*; the CLI injects the Node implementation
// (src/host/state-host.ts) and tests inject fakes that fail at chosen
// steps, which is how crash safety is tested without killing a process.
// The write protocol itself (temp file, fsync, rename, fsync of the
// directory) is spelled out in atomic-write.ts, so every backend step is
// visible here rather than hidden in one host call.

/** One directory entry; a symlink counts as neither file nor directory. */
export interface DurableDirEntry {
  readonly name: string;
  readonly isDir: boolean;
  readonly isFile: boolean;
}

/**
 * Synchronous file access on absolute `/`-separated paths. Failures throw
 * an Error whose message names the cause (the host's wording).
 */
export interface DurableFs {
  /** The file's text, or null when it does not exist. */
  readText(path: string): string | null;
  /** Creates or truncates `path`, writes `data` and fsyncs the file before returning. */
  writeSynced(path: string, data: Uint8Array): void;
  /** Appends `data` (creating the file when missing) and fsyncs before returning. */
  appendSynced(path: string, data: Uint8Array): void;
  /** Atomically replaces `to` with `from` (same directory). */
  rename(from: string, to: string): void;
  /** Flushes a directory's entries (makes a rename durable); best effort where unsupported. */
  syncDir(path: string): void;
  /** Creates a directory and its missing parents. */
  makeDirs(path: string): void;
  /** Removes a file; false when it did not exist. */
  removeFile(path: string): boolean;
  /** Removes an empty directory; false when it is missing or not empty. */
  removeEmptyDir(path: string): boolean;
  /** The entries of a directory, or null when it does not exist. */
  readDir(path: string): DurableDirEntry[] | null;
  isDir(path: string): boolean;
}
