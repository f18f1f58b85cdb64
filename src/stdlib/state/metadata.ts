// The `metadata_*` builtins (plus `compute_content_hash`,
// `invalidate_facts`): a per-directory, per-namespace field store for
// project knowledge, resolved hierarchically (metadata-store.ts). The
// store and the staleness hashes are rooted at the program's base
// directory (state-root.ts); `"."` and `""` both name that directory.

import { Dict, type Value } from "../../vm/values.ts";
import type { BuiltinContext } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import type { DurableFs } from "../../state/durable-fs.ts";
import { runtimeError } from "../../vm/errors.ts";
import type { SystemHost } from "../system/host.ts";
import { joinPath } from "../system/path-text.ts";
import { contentHash, structureHash } from "./dir-hash.ts";
import { type DirectoryMetadata, type Fields, MetadataStore } from "./metadata-store.ts";
import { textOr } from "./options.ts";
import { stateBaseDir, stateRootOf } from "./state-root.ts";

const CLASSIFICATION = "classification";

function displayDir(dir: string): string {
  return dir.trim() === "" || dir === "." ? "." : dir;
}

function fieldsValue(fields: Fields): Dict {
  return new Dict(new Map(fields));
}

function namespacesValue(meta: DirectoryMetadata): Dict {
  const out = new Map<string, Value>();
  for (const [ns, fields] of meta) out.set(ns, fieldsValue(fields));
  return new Dict(out);
}

/** A namespace argument: nil or missing means "all namespaces". */
function namespaceArg(args: readonly Value[], i: number): string | undefined {
  const v = args[i];
  return v === undefined || v === null ? undefined : textOr(args, i, "");
}

interface MetadataContext {
  readonly store: MetadataStore;
  readonly base: string;
}

export function registerMetadata(vm: Vm, host: SystemHost, fs: DurableFs): void {
  let bound: MetadataContext | undefined;
  const meta = (ctx: BuiltinContext): MetadataContext => {
    if (bound === undefined) {
      const base = stateBaseDir(ctx, host);
      const nowIso = (): string => `${new Date(host.nowMs()).toISOString().slice(0, 19)}Z`;
      bound = { base, store: new MetadataStore(fs, joinPath(stateRootOf(host, base), "metadata"), nowIso) };
    }
    return bound;
  };
  const fullDir = (base: string, dir: string): string => (dir === "" ? base : joinPath(base, dir));

  /** Directories whose stored classification hashes no longer match the disk. */
  const staleness = (m: MetadataContext): Dict => {
    const tier1: string[] = [];
    const tier2: string[] = [];
    for (const dir of m.store.directories()) {
      const classification = m.store.local(dir).get(CLASSIFICATION);
      const path = fullDir(m.base, dir);
      const storedStructure = classification?.get("structureHash");
      if (typeof storedStructure === "string" && storedStructure !== structureHash(host, path)) {
        tier1.push(displayDir(dir));
        continue;
      }
      const storedContent = classification?.get("contentHash");
      if (typeof storedContent === "string" && storedContent !== contentHash(host, path)) {
        tier2.push(displayDir(dir));
      }
    }
    return Dict.of({ any_stale: tier1.length > 0 || tier2.length > 0, tier1, tier2 });
  };

  const b = vm.registerBuiltin.bind(vm);
  b("metadata_get", (args, ctx) => {
    const resolved = meta(ctx).store.resolve(textOr(args, 0, ""));
    const namespace = namespaceArg(args, 1);
    if (namespace !== undefined) {
      const fields = resolved.get(namespace);
      return fields === undefined ? null : fieldsValue(fields);
    }
    // Without a namespace: every namespace's fields flattened into one dict.
    const flat = new Map<string, Value>();
    for (const fields of resolved.values()) for (const [k, v] of fields) flat.set(k, v);
    return flat.size === 0 ? null : new Dict(flat);
  });
  b("metadata_resolve", (args, ctx) => {
    const resolved = meta(ctx).store.resolve(textOr(args, 0, ""));
    const namespace = namespaceArg(args, 1);
    if (namespace !== undefined) {
      const fields = resolved.get(namespace);
      return fields === undefined ? null : fieldsValue(fields);
    }
    return resolved.size === 0 ? null : namespacesValue(resolved);
  });
  b("metadata_entries", (args, ctx) => {
    const { store } = meta(ctx);
    const namespace = namespaceArg(args, 0);
    return store.directories().map((dir) => {
      const local = store.local(dir);
      const resolved = store.resolve(dir);
      if (namespace === undefined) {
        return Dict.of({
          dir: displayDir(dir),
          local: namespacesValue(local),
          resolved: namespacesValue(resolved),
        });
      }
      const pick = (m: DirectoryMetadata): Value => {
        const fields = m.get(namespace);
        return fields === undefined ? null : fieldsValue(fields);
      };
      return Dict.of({ dir: displayDir(dir), local: pick(local), resolved: pick(resolved) });
    });
  });
  b("metadata_set", (args, ctx) => {
    const data = args[2];
    if (data instanceof Dict && data.map.size > 0) {
      meta(ctx).store.set(textOr(args, 0, ""), textOr(args, 1, ""), new Map(data.map));
    }
    return null;
  });
  b("metadata_save", (_args, ctx) => {
    try {
      meta(ctx).store.save();
    } catch (e) {
      throw runtimeError(`metadata save: ${e instanceof Error ? e.message : String(e)}`);
    }
    return null;
  });
  b("metadata_stale", (_args, ctx) => staleness(meta(ctx)));
  b("metadata_refresh_hashes", (_args, ctx) => {
    const m = meta(ctx);
    for (const dir of m.store.directories()) {
      m.store.set(
        dir,
        CLASSIFICATION,
        new Map([["structureHash", structureHash(host, fullDir(m.base, dir))]]),
      );
    }
    m.store.markDirty();
    return null;
  });
  b("metadata_status", (args, ctx) => {
    const m = meta(ctx);
    const namespace = namespaceArg(args, 0);
    const namespaces = new Set<string>();
    const directories: string[] = [];
    const missingStructure: string[] = [];
    const missingContent: string[] = [];
    for (const dir of m.store.directories()) {
      const local = m.store.local(dir);
      directories.push(displayDir(dir));
      for (const ns of local.keys()) namespaces.add(ns);
      const relevant =
        (namespace === undefined ? undefined : local.get(namespace)) ?? local.get(CLASSIFICATION);
      if (relevant === undefined || !host.exists(fullDir(m.base, dir))) continue;
      if (!relevant.has("structureHash")) missingStructure.push(displayDir(dir));
      if (!relevant.has("contentHash")) missingContent.push(displayDir(dir));
    }
    const sortedNamespaces = [...namespaces].sort();
    return Dict.of({
      directory_count: directories.length,
      namespace_count: sortedNamespaces.length,
      namespaces: sortedNamespaces,
      directories,
      missing_structure_hash: missingStructure,
      missing_content_hash: missingContent,
      stale: staleness(m),
    });
  });
  b("compute_content_hash", (args, ctx) => contentHash(host, fullDir(meta(ctx).base, textOr(args, 0, ""))));
  // Facts live in the metadata namespace; there is nothing separate to drop.
  b("invalidate_facts", () => null);
}
