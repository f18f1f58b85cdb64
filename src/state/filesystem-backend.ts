// The embedded default DurableStateBackend: one directory per session
// (`<root>/<session>/`), one file per key, and per-key writer metadata in
// `<session>/.agent_state_meta/<key>.json` ({writer, updated_at}). Values
// and metadata are both replaced with atomicWrite, so a crash mid-write
// leaves the previous value. A conflicting write under policy `error` is
// refused before anything on disk changes.

import { atomicWrite, TEMP_MARKER } from "./atomic-write.ts";
import {
  type BackendScope,
  type ConflictRecord,
  type DurableStateBackend,
  StateError,
  type WriteOptions,
  type WriteOutcome,
  type WriterIdentity,
} from "./backend.ts";
import { compareKeys } from "../vm/values.ts";
import type { DurableFs } from "./durable-fs.ts";
import { META_DIR, normalizeKey, normalizeNamespace } from "./keys.ts";
import { joinPath, parentPath } from "./state-paths.ts";
import { conflictMessage, detectConflict, isEmptyWriter, writerFromJson, writerToJson } from "./writer.ts";

export interface FilesystemBackendOptions {
  /** Milliseconds since the epoch, for `updated_at`. */
  readonly now: () => number;
  /** A unique id for temp-file names. */
  readonly uniqueId: () => string;
}

const encoder = new TextEncoder();

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Runs an I/O step; a failure becomes a StateError prefixed with what was being done. */
function io<T>(what: string, op: () => T): T {
  try {
    return op();
  } catch (e) {
    if (e instanceof StateError) throw e;
    throw new StateError(`${what}: ${describe(e)}`);
  }
}

export class FilesystemBackend implements DurableStateBackend {
  readonly name = "filesystem";

  constructor(
    private readonly fs: DurableFs,
    private readonly options: FilesystemBackendOptions,
  ) {}

  /** The session directory. */
  sessionDir(scope: BackendScope): string {
    return joinPath(scope.root, ...normalizeNamespace(scope.namespace));
  }

  private keyPath(scope: BackendScope, key: string): string {
    return joinPath(this.sessionDir(scope), ...normalizeKey(key));
  }

  private metaPath(scope: BackendScope, key: string): string {
    const segments = normalizeKey(key);
    segments[segments.length - 1] += ".json";
    return joinPath(this.sessionDir(scope), META_DIR, ...segments);
  }

  async ensureScope(scope: BackendScope): Promise<void> {
    const dir = this.sessionDir(scope);
    io("agent_state mkdir error", () => this.fs.makeDirs(dir));
  }

  async resumeScope(scope: BackendScope): Promise<void> {
    if (!this.fs.isDir(this.sessionDir(scope))) {
      throw new StateError(`agent_state.resume: session '${scope.namespace}' not found under ${scope.root}`);
    }
  }

  async read(scope: BackendScope, key: string): Promise<string | null> {
    const path = this.keyPath(scope, key);
    return io(`agent_state.read: failed to read ${path}`, () => this.fs.readText(path));
  }

  async write(
    scope: BackendScope,
    key: string,
    content: string,
    options: WriteOptions,
  ): Promise<WriteOutcome> {
    const path = this.keyPath(scope, key);
    const previous = this.readWriter(scope, key);
    const conflict: ConflictRecord | null = detectConflict(key, previous, options.writer);
    if (conflict !== null && options.conflictPolicy === "error")
      throw new StateError(conflictMessage(conflict));
    io(`agent_state.write: failed to create ${parentPath(path)}`, () => this.fs.makeDirs(parentPath(path)));
    io(`agent_state.write: failed to write ${path}`, () =>
      atomicWrite(this.fs, path, encoder.encode(content), this.options.uniqueId()),
    );
    this.writeWriter(scope, key, options.writer);
    return { conflict };
  }

  async delete(scope: BackendScope, key: string): Promise<void> {
    const path = this.keyPath(scope, key);
    io(`agent_state.delete: failed to delete ${path}`, () => this.fs.removeFile(path));
    const meta = this.metaPath(scope, key);
    io(`agent_state: failed to delete metadata ${meta}`, () => this.fs.removeFile(meta));
    const session = this.sessionDir(scope);
    this.pruneEmptyDirs(parentPath(path), session);
    this.pruneEmptyDirs(parentPath(meta), joinPath(session, META_DIR));
  }

  async list(scope: BackendScope): Promise<string[]> {
    const keys: string[] = [];
    this.collectKeys(this.sessionDir(scope), [], keys);
    return keys.sort(compareKeys);
  }

  private collectKeys(dir: string, prefix: string[], out: string[]): void {
    const entries = io(`agent_state.list: failed to read ${dir}`, () => this.fs.readDir(dir));
    if (entries === null) return;
    for (const entry of entries) {
      if (entry.name === META_DIR || entry.name.includes(TEMP_MARKER)) continue;
      if (entry.isDir) this.collectKeys(joinPath(dir, entry.name), [...prefix, entry.name], out);
      else if (entry.isFile) out.push([...prefix, entry.name].join("/"));
    }
  }

  private readWriter(scope: BackendScope, key: string): WriterIdentity | null {
    const path = this.metaPath(scope, key);
    const text = io(`agent_state: failed to read metadata ${path}`, () => this.fs.readText(path));
    if (text === null) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new StateError(`agent_state: failed to parse metadata ${path}: ${describe(e)}`);
    }
    return writerFromJson((parsed as { writer?: unknown } | null)?.writer);
  }

  private writeWriter(scope: BackendScope, key: string, writer: WriterIdentity): void {
    if (isEmptyWriter(writer)) return;
    const path = this.metaPath(scope, key);
    const record = { writer: writerToJson(writer), updated_at: Math.floor(this.options.now() / 1000) };
    io(`agent_state: failed to create metadata dir ${parentPath(path)}`, () =>
      this.fs.makeDirs(parentPath(path)),
    );
    io(`agent_state: failed to write metadata ${path}`, () =>
      atomicWrite(this.fs, path, encoder.encode(JSON.stringify(record, null, 2)), this.options.uniqueId()),
    );
  }

  /** Removes now-empty directories from `dir` upwards, stopping below `stopAt`. */
  private pruneEmptyDirs(dir: string, stopAt: string): void {
    let current = dir;
    while (current.startsWith(`${stopAt}/`)) {
      let removed = false;
      try {
        removed = this.fs.removeEmptyDir(current);
      } catch {
        removed = false;
      }
      if (!removed) return;
      current = parentPath(current);
    }
  }
}
