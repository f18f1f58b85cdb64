// The project metadata store behind `metadata_*`: per directory, named
// namespaces of fields. Reads resolve hierarchically (a directory sees its
// ancestors' fields, nearer ones overriding). Changes stay in memory until
// `metadata_save`, which writes one shard per namespace to
// `<state root>/metadata/<namespace>/entries.json`
// ({version, namespace, backend, generatedAt, entries: {dir: fields}});
// loading also reads the older single-file layout (`root.json`).

import { v7 as uuidV7 } from "uuid";
import { atomicWrite } from "../../state/atomic-write.ts";
import type { DurableFs } from "../../state/durable-fs.ts";
import { prettyJson } from "../../state/json-text.ts";
import { joinPath } from "../../state/state-paths.ts";
import { compareKeys, Dict, type Value } from "../../vm/values.ts";
import { parseJson } from "../data/json-codec.ts";

/** Fields by name. */
export type Fields = Map<string, Value>;
/** Namespaces by name. */
export type DirectoryMetadata = Map<string, Fields>;

const SHARD_FILE = "entries.json";
const LEGACY_FILE = "root.json";
const encoder = new TextEncoder();

function parseOrNull(text: string | null): Value {
  if (text === null) return null;
  try {
    return parseJson(text);
  } catch {
    return null;
  }
}

function fieldsOf(v: Value): Fields {
  return v instanceof Dict ? new Map(v.map) : new Map();
}

/** Copies `source`'s namespaces into `target`, field by field. */
export function mergeInto(target: DirectoryMetadata, source: DirectoryMetadata): void {
  for (const [ns, fields] of source) {
    let into = target.get(ns);
    if (into === undefined) target.set(ns, (into = new Map()));
    for (const [k, v] of fields) into.set(k, v);
  }
}

/** A namespace name as a single safe directory name (`_XX` escapes, never `.`/`..`). */
export function namespaceDirName(namespace: string): string {
  let out = "";
  for (const ch of namespace) {
    if (/[A-Za-z0-9._-]/.test(ch)) out += ch;
    else out += `_${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out === "" || out === "." || out === ".." ? "_" : out;
}

export class MetadataStore {
  private loadedEntries: Map<string, DirectoryMetadata> | undefined;
  private dirty = false;

  constructor(
    private readonly fs: DurableFs,
    /** `<state root>/metadata`. */
    readonly dir: string,
    private readonly nowIso: () => string,
  ) {}

  /** Every stored directory and its local metadata (loaded on first use). */
  get entries(): Map<string, DirectoryMetadata> {
    this.loadedEntries ??= this.load();
    return this.loadedEntries;
  }

  /** Directory keys in byte order. */
  directories(): string[] {
    return [...this.entries.keys()].sort(compareKeys);
  }

  local(dir: string): DirectoryMetadata {
    return this.entries.get(dir) ?? new Map();
  }

  /** The root's metadata, then each ancestor's, then the directory's own, merged. */
  resolve(dir: string): DirectoryMetadata {
    const out: DirectoryMetadata = new Map();
    const root = this.entries.get(".") ?? this.entries.get("");
    if (root !== undefined) mergeInto(out, root);
    let current = "";
    for (const part of dir.split("/")) {
      if (part === "" || part === ".") continue;
      current = current === "" ? part : `${current}/${part}`;
      const meta = this.entries.get(current);
      if (meta !== undefined) mergeInto(out, meta);
    }
    return out;
  }

  /** Merges `fields` into the directory's namespace. */
  set(dir: string, namespace: string, fields: Fields): void {
    let meta = this.entries.get(dir);
    if (meta === undefined) this.entries.set(dir, (meta = new Map()));
    let ns = meta.get(namespace);
    if (ns === undefined) meta.set(namespace, (ns = new Map()));
    for (const [k, v] of fields) ns.set(k, v);
    this.dirty = true;
  }

  markDirty(): void {
    this.dirty = true;
  }

  save(): void {
    if (!this.dirty) return;
    const shards = new Map<string, Map<string, Value>>();
    for (const [dir, meta] of this.entries) {
      for (const [ns, fields] of meta) {
        let shard = shards.get(ns);
        if (shard === undefined) shards.set(ns, (shard = new Map()));
        shard.set(dir, new Dict(new Map(fields)));
      }
    }
    for (const [ns, shard] of shards) {
      const nsDir = joinPath(this.dir, namespaceDirName(ns));
      this.fs.makeDirs(nsDir);
      const doc = Dict.of({
        version: 1,
        namespace: ns,
        backend: "filesystem",
        generatedAt: this.nowIso(),
        entries: new Dict(shard),
      });
      atomicWrite(this.fs, joinPath(nsDir, SHARD_FILE), encoder.encode(prettyJson(doc)), uuidV7());
    }
    this.dirty = false;
  }

  private load(): Map<string, DirectoryMetadata> {
    const entries = new Map<string, DirectoryMetadata>();
    const legacy = parseOrNull(this.fs.readText(joinPath(this.dir, LEGACY_FILE)));
    const legacyEntries = legacy instanceof Dict ? legacy.get("entries") : null;
    if (legacyEntries instanceof Dict) {
      for (const [dir, v] of legacyEntries.map) {
        const namespaces = v instanceof Dict ? v.get("namespaces") : null;
        const meta: DirectoryMetadata = new Map();
        if (namespaces instanceof Dict) {
          for (const [ns, fields] of namespaces.map)
            if (fields instanceof Dict) meta.set(ns, fieldsOf(fields));
        }
        entries.set(dir, meta);
      }
    }
    const subdirs = (this.fs.readDir(this.dir) ?? []).filter((e) => e.isDir).map((e) => e.name);
    for (const name of subdirs.sort(compareKeys)) {
      const shard = parseOrNull(this.fs.readText(joinPath(this.dir, name, SHARD_FILE)));
      if (!(shard instanceof Dict)) continue;
      const ns = shard.get("namespace");
      const shardEntries = shard.get("entries");
      if (typeof ns !== "string" || !(shardEntries instanceof Dict)) continue;
      for (const [dir, fields] of shardEntries.map) {
        let meta = entries.get(dir);
        if (meta === undefined) entries.set(dir, (meta = new Map()));
        meta.set(ns, fieldsOf(fields));
      }
    }
    return entries;
  }
}
