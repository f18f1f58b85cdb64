// Durable, append-only agent memory (`std/memory`): `__memory_store`,
// `__memory_recall`, `__memory_summarize`, `__memory_forget`. Each
// namespace is an event log `<root>/<namespace>/events.jsonl` of `store`
// and `forget` events, appended with an fsync; forgetting records a
// tombstone instead of rewriting history. The root is `options.root`,
// `$HARN_MEMORY_ROOT`, or `<project root>/.harn/memory`.

import { v7 as uuidV7 } from "uuid";
import type { DurableFs } from "../../state/durable-fs.ts";
import { compactJson } from "../../state/json-text.ts";
import { joinPath, parentPath } from "../../state/state-paths.ts";
import { display, typeName } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { type BuiltinContext, Dict, HFloat, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { parseJson } from "../data/json-codec.ts";
import type { SystemHost } from "../system/host.ts";
import { executionRoot, findProjectRoot, resolveFsPath, sourceRoot } from "../system/locations.ts";
import { type MemoryRecord, rank, searchableText, tokenize } from "./memory-search.ts";
import { dictArg, optionText } from "./options.ts";

interface StoredRecord extends MemoryRecord {
  readonly value: Value;
  readonly provenance: Value;
}

const DEFAULT_RECALL = 5;
const MAX_RECALL = 100;
const DEFAULT_SUMMARY = 20;
const MAX_SUMMARY = 200;
const MAX_SUMMARY_CHARS = 4000;
const encoder = new TextEncoder();

function required(args: readonly Value[], i: number, builtin: string, name: string): string {
  const v = args[i];
  const text = v === undefined || v === null ? "" : display(v);
  if (text.trim() === "") throw runtimeError(`${builtin}: \`${name}\` must be a non-empty string`);
  return text;
}

function positiveInt(v: Value | undefined): number | undefined {
  if ((typeof v === "number" || typeof v === "bigint") && v > 0) return Number(v);
  if (v instanceof HFloat && v.v > 0) return Math.floor(v.v);
  return undefined;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(Math.max(n, lo), hi);
}

/** Sorted, deduplicated, non-blank tags from nil, a string or a list. */
function parseTags(v: Value | undefined, builtin: string): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return [...new Set(v.map(display).filter((t) => t.trim() !== ""))].sort();
  throw runtimeError(`${builtin}: \`tags\` must be a string, list, or nil, got ${typeName(v)}`);
}

/** The values of a filter field as strings (a list, or one value). */
function wantedStrings(v: Value): string[] {
  const items = Array.isArray(v) ? v.map(display) : v === null ? [] : [display(v)];
  return items.filter((s) => s.trim() !== "");
}

/** The namespace as relative path segments; it may not leave the memory root. */
function namespaceSegments(namespace: string): string[] {
  const raw = namespace.trim();
  if (raw === "") throw runtimeError("memory namespace must be non-empty");
  if (raw.startsWith("/")) throw runtimeError("memory namespace must be relative");
  const segments = raw.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) throw runtimeError("memory namespace must not escape the memory root");
  if (segments.length === 0) throw runtimeError("memory namespace must contain a path component");
  return segments;
}

function nowRfc3339(host: SystemHost): string {
  return new Date(host.nowMs()).toISOString().replace("Z", "+00:00");
}

function recordValue(r: StoredRecord, score: number | undefined): Dict {
  const d = Dict.of({
    _type: "memory_record",
    id: r.id,
    namespace: r.namespace,
    key: r.key,
    value: r.value,
    text: r.text,
    tags: [...r.tags],
    stored_at: r.storedAt,
    provenance: r.provenance,
  });
  return score === undefined ? d : d.with("score", new HFloat(score));
}

/** Does a forget predicate (a search string, or a dict of id/key/tag(s)/query filters) select `r`? */
function predicateMatches(predicate: Value, r: StoredRecord): boolean {
  if (typeof predicate === "string") {
    return predicate.trim() !== "" && searchableText(r).toLowerCase().includes(predicate.toLowerCase());
  }
  if (!(predicate instanceof Dict)) return false;
  let any = false;
  const id = predicate.map.get("id");
  if (id !== undefined) {
    any = true;
    if (!wantedStrings(id).includes(r.id)) return false;
  }
  const key = predicate.map.get("key");
  if (key !== undefined) {
    any = true;
    if (!wantedStrings(key).includes(r.key)) return false;
  }
  const tag = predicate.map.get("tag") ?? predicate.map.get("tags");
  if (tag !== undefined) {
    any = true;
    if (!wantedStrings(tag).some((t) => r.tags.includes(t))) return false;
  }
  const query = predicate.map.get("query");
  if (query !== undefined) {
    any = true;
    const terms = tokenize(display(query));
    const text = new Set(tokenize(searchableText(r)));
    if (terms.length === 0 || !terms.some((t) => text.has(t))) return false;
  }
  return any;
}

export function registerMemory(vm: Vm, host: SystemHost, fs: DurableFs): void {
  const rootOf = (ctx: BuiltinContext, options: Dict | undefined): string => {
    const configured = optionText(options, "root") ?? host.env("HARN_MEMORY_ROOT");
    if (configured !== undefined && configured.trim() !== "") return resolveFsPath(ctx, host, configured);
    const base =
      findProjectRoot(host, executionRoot(ctx, host)) ??
      findProjectRoot(host, sourceRoot(ctx, host)) ??
      sourceRoot(ctx, host);
    return joinPath(base, ".harn/memory");
  };
  const logPath = (root: string, namespace: string): string =>
    joinPath(root, ...namespaceSegments(namespace), "events.jsonl");

  const append = (path: string, event: Dict): void => {
    try {
      fs.makeDirs(parentPath(path));
      fs.appendSynced(path, encoder.encode(`${compactJson(event)}\n`));
    } catch (e) {
      throw runtimeError(`memory: failed to append ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  /** Live records in log order (with their log position), tombstoned ones removed. */
  const activeRecords = (path: string): [number, StoredRecord][] => {
    let text: string | null;
    try {
      text = fs.readText(path);
    } catch (e) {
      throw runtimeError(`memory: failed to read ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const events: Dict[] = [];
    (text ?? "").split("\n").forEach((line, i) => {
      if (line.trim() === "") return;
      let event: Value;
      try {
        event = parseJson(line);
      } catch (e) {
        throw runtimeError(`memory: failed to parse line ${i + 1} from ${path}: ${(e as Error).message}`);
      }
      if (!(event instanceof Dict)) throw runtimeError(`memory: failed to parse line ${i + 1} from ${path}`);
      events.push(event);
    });
    const forgotten = new Set<string>();
    for (const e of events) {
      const ids = e.get("forgotten_ids");
      if (e.get("type") === "forget" && Array.isArray(ids)) for (const id of ids) forgotten.add(display(id));
    }
    const out: [number, StoredRecord][] = [];
    events.forEach((e, i) => {
      if (e.get("type") !== "store" || forgotten.has(display(e.get("id")))) return;
      const tags = e.get("tags");
      const value = e.get("value");
      out.push([
        i,
        {
          id: display(e.get("id")),
          namespace: display(e.get("namespace")),
          key: display(e.get("key")),
          value,
          valueJson: compactJson(value),
          text: typeof e.get("text") === "string" ? (e.get("text") as string) : "",
          tags: Array.isArray(tags) ? tags.map(display) : [],
          storedAt: display(e.get("stored_at")),
          provenance: e.get("provenance"),
        },
      ]);
    });
    return out;
  };

  vm.registerBuiltin("__memory_store", (args, ctx) => {
    const namespace = required(args, 0, "__memory_store", "namespace");
    const key = required(args, 1, "__memory_store", "key");
    if (args[2] === undefined) throw runtimeError("__memory_store: `value` argument is required");
    const value = args[2];
    const tags = parseTags(args[3], "__memory_store");
    const options = dictArg(args[4]);
    const provenance = options?.map.get("provenance") ?? null;
    const record: StoredRecord = {
      id: optionText(options, "id") ?? uuidV7(),
      namespace,
      key,
      value,
      valueJson: compactJson(value),
      text: typeof value === "string" ? value : compactJson(value),
      tags,
      storedAt: optionText(options, "now") ?? nowRfc3339(host),
      provenance,
    };
    const event = Dict.of({
      type: "store",
      id: record.id,
      namespace,
      key,
      value,
      text: record.text,
      tags: [...tags],
      stored_at: record.storedAt,
    });
    append(
      logPath(rootOf(ctx, options), namespace),
      provenance === null ? event : event.with("provenance", provenance),
    );
    return recordValue(record, undefined);
  });

  vm.registerBuiltin("__memory_recall", (args, ctx) => {
    const namespace = required(args, 0, "__memory_recall", "namespace");
    const query = required(args, 1, "__memory_recall", "query");
    const limit = clamp(positiveInt(args[2]) ?? DEFAULT_RECALL, 1, MAX_RECALL);
    const path = logPath(rootOf(ctx, dictArg(args[3])), namespace);
    return rank(activeRecords(path), query)
      .slice(0, limit)
      .map((r) => recordValue(r.record, r.score));
  });

  vm.registerBuiltin("__memory_summarize", (args, ctx) => {
    const namespace = required(args, 0, "__memory_summarize", "namespace");
    const window = args[1];
    let limit = DEFAULT_SUMMARY;
    let query: string | undefined;
    let tags: string[] = [];
    if (window instanceof Dict) {
      limit = clamp(positiveInt(window.map.get("limit")) ?? DEFAULT_SUMMARY, 1, MAX_SUMMARY);
      const q = window.map.get("query");
      query = q === undefined || q === null || display(q).trim() === "" ? undefined : display(q);
      tags = parseTags(window.map.get("tags") ?? window.map.get("tag"), "memory_summarize");
    } else if (positiveInt(window) !== undefined && !(window instanceof HFloat)) {
      limit = Math.min(positiveInt(window)!, MAX_SUMMARY);
    } else if (window !== undefined && window !== null) {
      throw runtimeError(`__memory_summarize: \`window\` must be nil, int, or dict, got ${typeName(window)}`);
    }
    const records = activeRecords(logPath(rootOf(ctx, dictArg(args[2])), namespace)).sort(
      ([ia, a], [ib, b]) => (a.storedAt !== b.storedAt ? (a.storedAt < b.storedAt ? -1 : 1) : ia - ib),
    );
    let selected =
      query !== undefined ? rank(records, query).map((r) => r.record) : records.map(([, r]) => r).reverse();
    if (tags.length > 0) selected = selected.filter((r) => tags.some((t) => r.tags.includes(t)));
    selected = selected
      .slice(0, limit)
      .sort((a, b) =>
        a.storedAt !== b.storedAt ? (a.storedAt < b.storedAt ? -1 : 1) : a.id < b.id ? -1 : 1,
      );
    let text = "";
    for (const r of selected) {
      const line = `- [${r.tags.join(",")}] ${r.key}: ${(r.text.split("\n")[0] ?? "").trim()}\n`;
      if (encoder.encode(text + line).length > MAX_SUMMARY_CHARS) break;
      text += line;
    }
    return Dict.of({
      _type: "memory_summary",
      namespace,
      count: selected.length,
      text,
      records: selected.map((r) => recordValue(r, undefined)),
    });
  });

  vm.registerBuiltin("__memory_forget", (args, ctx) => {
    const namespace = required(args, 0, "__memory_forget", "namespace");
    if (args[1] === undefined) throw runtimeError("__memory_forget: `predicate` argument is required");
    const predicate = args[1];
    const options = dictArg(args[2]);
    const path = logPath(rootOf(ctx, options), namespace);
    const ids = activeRecords(path)
      .filter(([, r]) => predicateMatches(predicate, r))
      .map(([, r]) => r.id);
    const event = Dict.of({
      type: "forget",
      id: optionText(options, "id") ?? uuidV7(),
      namespace,
      predicate,
      forgotten_ids: ids,
      forgotten_at: optionText(options, "now") ?? nowRfc3339(host),
    });
    append(path, event);
    return Dict.of({
      _type: "memory_forget",
      id: event.get("id"),
      namespace,
      forgotten: ids.length,
      forgotten_ids: ids,
      forgotten_at: event.get("forgotten_at"),
    });
  });
}
