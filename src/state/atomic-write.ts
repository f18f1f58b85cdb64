// Crash-safe replacement of one file (DESIGN §7): the new bytes go to a
// temp file in the target's directory, which is fsynced, renamed over the
// target, and then the directory itself is fsynced so the rename survives
// a power loss. A crash at any step leaves either the old or the new
// contents, never a torn file; a failure before the rename removes the
// temp file so no debris is left behind.

import type { DurableFs } from "./durable-fs.ts";
import { baseName, joinPath, parentPath } from "./state-paths.ts";

/** Marker in temp-file names; listings skip any entry that contains it. */
export const TEMP_MARKER = ".agent_state_tmp";

/** The temp file used to replace `path`: hidden, in the same directory, unique per write. */
export function tempPathFor(path: string, uniqueId: string): string {
  return joinPath(parentPath(path), `.${baseName(path)}${TEMP_MARKER}.${uniqueId}`);
}

/** Replaces `path` with `data` atomically and durably. */
export function atomicWrite(fs: DurableFs, path: string, data: Uint8Array, uniqueId: string): void {
  const temp = tempPathFor(path, uniqueId);
  try {
    fs.writeSynced(temp, data);
    fs.rename(temp, path);
  } catch (e) {
    // Best effort: the temp file is ours and must not outlive a failed write.
    try {
      fs.removeFile(temp);
    } catch {}
    throw e;
  }
  fs.syncDir(parentPath(path));
}
