// Cheap staleness fingerprints of one directory for the metadata store:
// the structure hash covers entry names and sizes, the content hash adds
// modification times (seconds). FNV-1a, hex: change detection, not
// security; the values match the reference's so stored hashes stay valid.

import type { SystemHost } from "../system/host.ts";
import { joinPath } from "../system/path-text.ts";

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = (1n << 64n) - 1n;

export function fnv1a64Hex(text: string): string {
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * FNV_PRIME) & MASK;
  }
  return hash.toString(16);
}

/** `name:size[:mtime]` for each readable entry, sorted, joined with `|`. */
function describeEntries(host: SystemHost, dir: string, withMtime: boolean): string {
  const parts: string[] = [];
  let names: string[];
  try {
    names = host.listDir(dir).map((e) => e.name);
  } catch {
    names = [];
  }
  for (const name of names) {
    try {
      const info = host.stat(joinPath(dir, name));
      const mtime = Math.floor((info.modifiedMs ?? 0) / 1000);
      parts.push(withMtime ? `${name}:${info.size}:${mtime}` : `${name}:${info.size}`);
    } catch {
      // An entry that vanished or cannot be read does not count, as in the reference.
    }
  }
  return parts.sort().join("|");
}

export function structureHash(host: SystemHost, dir: string): string {
  return fnv1a64Hex(describeEntries(host, dir, false));
}

export function contentHash(host: SystemHost, dir: string): string {
  return fnv1a64Hex(describeEntries(host, dir, true));
}
