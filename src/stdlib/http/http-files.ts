// File access for the HTTP builtins (multipart `path` parts, download
// targets, TLS PEM files): paths resolve against the calling file's
// directory, as the reference's source-relative HTTP paths do, and go
// through the same sandbox checks as the filesystem builtins.

import type { BuiltinContext } from "../../vm/values.ts";
import type { SystemHost } from "../system/host.ts";
import { sourceRoot } from "../system/locations.ts";
import { pathBasename, resolveAgainst } from "../system/path-text.ts";
import { enforceFsPath, requireFs } from "../system/sandbox.ts";
import { fail } from "./options.ts";

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function resolveHttpPath(ctx: BuiltinContext, system: SystemHost, path: string): string {
  return resolveAgainst(sourceRoot(ctx, system), path);
}

/** Reads a file for a multipart part: its bytes and its base name. */
export function readPartFile(
  ctx: BuiltinContext,
  system: SystemHost,
  path: string,
): { bytes: Uint8Array; name: string } {
  requireFs(ctx, "http multipart", "read_text");
  const resolved = resolveHttpPath(ctx, system, path);
  enforceFsPath(ctx, system, "http multipart", resolved, "read");
  try {
    return { bytes: system.readBytes(resolved), name: pathBasename(resolved) };
  } catch (e) {
    throw fail(`http: failed to read multipart file ${resolved}: ${describe(e)}`);
  }
}

/** Writes a download target (checked against the sandbox first). */
export function writeDownload(
  ctx: BuiltinContext,
  system: SystemHost,
  path: string,
  bytes: Uint8Array,
): void {
  requireFs(ctx, "http_download", "write_text");
  const resolved = resolveHttpPath(ctx, system, path);
  enforceFsPath(ctx, system, "http_download", resolved, "write");
  try {
    system.writeBytes(resolved, bytes);
  } catch (e) {
    throw fail(`http_download: failed to write ${resolved}: ${describe(e)}`);
  }
}
