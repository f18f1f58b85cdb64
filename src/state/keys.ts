// Key and namespace validation shared by every backend: a key is a
// relative path that can never leave its session directory, and can never
// name the backend's own bookkeeping (writer metadata, temp files). The
// messages follow the reference's wording (seed 003).

import { TEMP_MARKER } from "./atomic-write.ts";
import { StateError } from "./backend.ts";

/** Directory inside a session that holds per-key writer metadata. */
export const META_DIR = ".agent_state_meta";

function isAbsolute(raw: string): boolean {
  return raw.startsWith("/") || raw.startsWith("\\") || /^[A-Za-z]:[\\/]/.test(raw);
}

/** The key's path segments after dropping `.`; throws StateError for anything unsafe. */
export function normalizeKey(key: string): string[] {
  const raw = key.trim();
  if (raw === "") throw new StateError("agent_state: key must be a non-empty relative path");
  if (isAbsolute(raw)) throw new StateError(`agent_state: key '${raw}' must be relative`);
  const segments: string[] = [];
  for (const segment of raw.split(/[\\/]/)) {
    if (segment === "" || segment === ".") continue;
    if (segment === ".." || /^[A-Za-z]:$/.test(segment)) {
      throw new StateError(`agent_state: key '${raw}' must not escape the session root`);
    }
    if (segment === META_DIR || segment.includes(TEMP_MARKER)) {
      throw new StateError(`agent_state: key '${raw}' uses a reserved internal path`);
    }
    segments.push(segment);
  }
  if (segments.length === 0) {
    throw new StateError("agent_state: key must contain at least one path component");
  }
  return segments;
}

/**
 * The session namespace's path segments. Stricter than a key only in what
 * it reports: a session id is chosen by programs too, so it must not
 * escape the root either.
 */
export function normalizeNamespace(namespace: string): string[] {
  const raw = namespace.trim();
  const segments = raw.split(/[\\/]/).filter((s) => s !== "" && s !== ".");
  if (raw === "" || segments.length === 0) {
    throw new StateError("agent_state: session id must be a non-empty relative name");
  }
  if (isAbsolute(raw) || segments.some((s) => s === ".." || /^[A-Za-z]:$/.test(s))) {
    throw new StateError(`agent_state: session id '${raw}' must not escape the state root`);
  }
  return segments;
}
