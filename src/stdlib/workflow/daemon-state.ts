// The state of a background daemon and its files: the daemon registry of a
// VM, `daemon.meta.json` (how to restart it and its event queue), reading
// the loop's `daemon.json` snapshot, and handing queued events over one at
// a time — an event is in flight until the daemon saves progress past the
// moment it was handed over.

import { v7 as uuidV7 } from "uuid";
import { type JsonObject, type JsonValue, jsonToValue, valueToJson } from "../../llm/json.ts";
import { agentRuntimeOf } from "../../llm/agent/runtime-state.ts";
import type { TaskContext } from "../../runtime/task-context.ts";
import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import type { SystemHost } from "../system/host.ts";
import { joinPath } from "../system/path-text.ts";

export const DEFAULT_CAPACITY = 1024;
export const MONITOR_MS = 10;
export const STOP_WAIT_MS = 500;
export const SNAPSHOT_WAIT_MS = 500;
export const CONFIG_KEYS = [
  "name",
  "prompt",
  "task",
  "system",
  "options",
  "event_queue_capacity",
  "queue_capacity",
  "state_dir",
];

export interface QueuedEvent {
  seq: number;
  enqueued_at: string;
  payload: JsonValue;
}

export interface Daemon {
  id: string;
  name: string;
  prompt: string;
  system: string | null;
  sessionId: string;
  root: string;
  snapshotPath: string;
  options: Dict;
  ctx: TaskContext;
  status: "running" | "stopped" | "failed";
  lastError: string | null;
  lastResult: Value;
  lastSnapshot: JsonObject | null;
  capacity: number;
  nextSeq: number;
  pending: QueuedEvent[];
  inflight: QueuedEvent | null;
  inflightSavedAt: string | null;
  inflightIterations: number;
  abort: AbortController | null;
  finished: Promise<void> | null;
  monitor: ReturnType<typeof setInterval> | null;
}

const registries = new WeakMap<Vm, Map<string, Daemon>>();

export function daemonsOf(vm: Vm): Map<string, Daemon> {
  let r = registries.get(vm);
  if (r === undefined) {
    r = new Map();
    registries.set(vm, r);
  }
  return r;
}

export const text = (d: Dict, key: string): string | null => {
  const v = d.get(key);
  const s = v === null ? "" : display(v).trim();
  return s === "" ? null : s;
};

export const now = (): string => new Date().toISOString();

function payloadText(p: JsonValue): string {
  return typeof p === "string" ? p : JSON.stringify(p);
}

function metaPath(d: Daemon): string {
  return joinPath(d.root, "daemon.meta.json");
}

export function persistMeta(system: SystemHost, d: Daemon): void {
  const meta = {
    _type: "daemon_meta",
    id: d.id,
    name: d.name,
    prompt: d.prompt,
    system: d.system,
    session_id: d.sessionId,
    options: valueToJson(d.options),
    event_queue_capacity: d.capacity,
    next_event_seq: d.nextSeq,
    pending_events: d.pending,
    inflight_event: d.inflight,
  };
  try {
    system.makeDir(d.root);
    system.writeText(metaPath(d), JSON.stringify(meta, null, 2));
  } catch (e) {
    throw runtimeError(`daemon meta write error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The daemon's latest snapshot from disk (the previous one when the file is missing or torn). */
export function refresh(system: SystemHost, d: Daemon): JsonObject | null {
  try {
    if (!system.exists(d.snapshotPath)) return d.lastSnapshot;
    const parsed = JSON.parse(system.readText(d.snapshotPath)) as JsonValue;
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) d.lastSnapshot = parsed;
  } catch {
    // A snapshot being rewritten right now is read again on the next call.
  }
  return d.lastSnapshot;
}

const iterationsOf = (s: JsonObject | null): number =>
  typeof s?.total_iterations === "number" ? s.total_iterations : 0;
export const savedAtOf = (s: JsonObject | null): string | null =>
  typeof s?.saved_at === "string" ? s.saved_at : null;

/** The in-flight event is done once the daemon has saved progress past the moment it was handed over. */
export function reconcile(system: SystemHost, d: Daemon): void {
  if (d.inflight === null || d.inflightSavedAt === null) return;
  const s = d.lastSnapshot;
  if (savedAtOf(s) !== d.inflightSavedAt || iterationsOf(s) > d.inflightIterations) {
    d.inflight = null;
    d.inflightSavedAt = null;
    d.inflightIterations = 0;
    persistMeta(system, d);
  }
}

/** Hands the next queued event to an idle daemon as input for its session. */
export function deliver(vm: Vm, system: SystemHost, d: Daemon): void {
  if (d.status !== "running" || d.inflight !== null || d.pending.length === 0) return;
  if (d.lastSnapshot?.daemon_state !== "idle") return;
  const event = d.pending.shift()!;
  d.inflight = event;
  d.inflightSavedAt = savedAtOf(d.lastSnapshot) ?? "";
  d.inflightIterations = iterationsOf(d.lastSnapshot);
  persistMeta(system, d);
  agentRuntimeOf(vm).queueFeedback(d.sessionId, {
    kind: "daemon_event",
    content: payloadText(event.payload),
  });
}

export function tick(vm: Vm, system: SystemHost, d: Daemon): void {
  refresh(system, d);
  reconcile(system, d);
  deliver(vm, system, d);
}

export const queued = (d: Daemon): number => d.pending.length + (d.inflight === null ? 0 : 1);

export function summary(d: Daemon): Dict {
  const m = new Map<string, Value>([
    ["id", d.id],
    ["name", d.name],
    ["status", d.status],
    ["session_id", d.sessionId],
    ["persist_path", d.root],
    ["snapshot_path", d.snapshotPath],
    ["pending_event_count", d.pending.length],
    ["queued_event_count", queued(d)],
    ["event_queue_capacity", d.capacity],
  ]);
  if (d.lastError !== null) m.set("error", d.lastError);
  if (d.lastResult !== null) m.set("result", d.lastResult);
  if (d.lastSnapshot !== null) {
    m.set("daemon_state", jsonToValue(d.lastSnapshot.daemon_state));
    m.set("saved_at", jsonToValue(d.lastSnapshot.saved_at));
  }
  if (d.inflight !== null) m.set("inflight_event", jsonToValue(d.inflight as unknown as JsonObject));
  return new Dict(m);
}

export function snapshotValue(d: Daemon): Dict {
  const base = jsonToValue(d.lastSnapshot ?? {}) as Dict;
  return base
    .with(
      "pending_events",
      d.pending.map((e) => jsonToValue(e as unknown as JsonObject)),
    )
    .with("pending_event_count", d.pending.length)
    .with("inflight_event", d.inflight === null ? null : jsonToValue(d.inflight as unknown as JsonObject))
    .with("queued_event_count", queued(d))
    .with("event_queue_capacity", d.capacity);
}

export function daemonOptions(base: Dict, sessionId: string, snapshotPath: string, resume: boolean): Dict {
  const m = new Map(base.map);
  m.set("daemon", true);
  m.set("persistent", false);
  m.set("wake_on_input", true);
  m.set("session_id", sessionId);
  m.set("persist_path", snapshotPath);
  if (resume) m.set("resume_path", snapshotPath);
  else m.delete("resume_path");
  return new Dict(m);
}

function readJson(system: SystemHost, path: string, what: string): JsonObject {
  let parsed: JsonValue;
  try {
    parsed = JSON.parse(system.readText(path)) as JsonValue;
  } catch (e) {
    throw runtimeError(`daemon ${what} read error: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw runtimeError(`daemon_resume: ${what} at '${path}' is not a dict`);
  }
  return parsed;
}

/** The daemon state a stopped daemon's files describe, ready to launch again. */
export function resumed(
  system: SystemHost,
  root: string,
  existing: Daemon | undefined,
  ctx: TaskContext,
): Daemon {
  const snapshotPath = joinPath(root, "daemon.json");
  const snapshot = readJson(system, snapshotPath, "snapshot");
  const meta = readJson(system, joinPath(root, "daemon.meta.json"), "meta");
  const options = jsonToValue(meta.options ?? {});
  if (!(options instanceof Dict)) throw runtimeError(`daemon_resume: metadata at '${root}' is not a dict`);
  const events = (v: JsonValue | undefined): QueuedEvent[] =>
    Array.isArray(v) ? (v as unknown as QueuedEvent[]) : [];
  const pending = events(meta.pending_events);
  if (meta.inflight_event !== null && meta.inflight_event !== undefined) {
    pending.unshift(meta.inflight_event as unknown as QueuedEvent);
  }
  const str = (v: JsonValue | undefined, fallback: string): string =>
    typeof v === "string" && v !== "" ? v : fallback;
  const id = str(meta.id, existing?.id ?? `daemon_${uuidV7()}`);
  const sessionId = str(meta.session_id, `daemon_session_${uuidV7()}`);
  const capacity =
    typeof meta.event_queue_capacity === "number" ? meta.event_queue_capacity : DEFAULT_CAPACITY;
  return {
    id,
    name: str(meta.name, id),
    prompt: str(meta.prompt, ""),
    system: typeof meta.system === "string" ? meta.system : null,
    sessionId,
    root,
    snapshotPath,
    options: daemonOptions(options, sessionId, snapshotPath, true),
    ctx,
    status: "running",
    lastError: null,
    lastResult: null,
    lastSnapshot: snapshot,
    capacity: Math.max(1, capacity),
    nextSeq: typeof meta.next_event_seq === "number" ? meta.next_event_seq : 0,
    pending,
    inflight: null,
    inflightSavedAt: null,
    inflightIterations: 0,
    abort: null,
    finished: null,
    monitor: null,
  };
}
