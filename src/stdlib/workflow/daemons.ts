// Background daemons (spec: "Daemons"): `daemon_spawn(config)` starts an
// agent loop in daemon mode that keeps running after the call returns,
// persisting its state under `persist_path` (`daemon.json`, the loop's
// snapshot, and `daemon.meta.json`, how to restart it plus its event
// queue). `daemon_trigger` queues an event (up to `event_queue_capacity`)
// and hands the daemon one event at a time, when it is idle, as its next
// input; `daemon_snapshot` reads its latest state; `daemon_stop` ends it,
// putting an undelivered event back in the queue; `daemon_resume(path)`
// restarts a stopped daemon from its files, conversation included.

import { v7 as uuidV7 } from "uuid";
import { type JsonObject, type JsonValue, jsonToValue, valueToJson } from "../../llm/json.ts";
import { errorText } from "../../llm/agent/callbacks.ts";
import { runAgentLoop } from "../../llm/agent/loop.ts";
import { agentRuntimeOf } from "../../llm/agent/runtime-state.ts";
import { contextOf, type TaskContext } from "../../runtime/task-context.ts";
import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { type BuiltinContext, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import type { SystemHost } from "../system/host.ts";
import { resolveFsPath } from "../system/locations.ts";
import { joinPath } from "../system/path-text.ts";

const DEFAULT_CAPACITY = 1024;
const MONITOR_MS = 10;
const STOP_WAIT_MS = 500;
const SNAPSHOT_WAIT_MS = 500;
const CONFIG_KEYS = [
  "name",
  "prompt",
  "task",
  "system",
  "options",
  "event_queue_capacity",
  "queue_capacity",
  "state_dir",
];

interface QueuedEvent {
  seq: number;
  enqueued_at: string;
  payload: JsonValue;
}

interface Daemon {
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

function daemonsOf(vm: Vm): Map<string, Daemon> {
  let r = registries.get(vm);
  if (r === undefined) {
    r = new Map();
    registries.set(vm, r);
  }
  return r;
}

const text = (d: Dict, key: string): string | null => {
  const v = d.get(key);
  const s = v === null ? "" : display(v).trim();
  return s === "" ? null : s;
};

const now = (): string => new Date().toISOString();

function payloadText(p: JsonValue): string {
  return typeof p === "string" ? p : JSON.stringify(p);
}

function metaPath(d: Daemon): string {
  return joinPath(d.root, "daemon.meta.json");
}

function persistMeta(system: SystemHost, d: Daemon): void {
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
function refresh(system: SystemHost, d: Daemon): JsonObject | null {
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
const savedAtOf = (s: JsonObject | null): string | null =>
  typeof s?.saved_at === "string" ? s.saved_at : null;

/** The in-flight event is done once the daemon has saved progress past the moment it was handed over. */
function reconcile(system: SystemHost, d: Daemon): void {
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
function deliver(vm: Vm, system: SystemHost, d: Daemon): void {
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

function tick(vm: Vm, system: SystemHost, d: Daemon): void {
  refresh(system, d);
  reconcile(system, d);
  deliver(vm, system, d);
}

const queued = (d: Daemon): number => d.pending.length + (d.inflight === null ? 0 : 1);

function summary(d: Daemon): Dict {
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

function snapshotValue(d: Daemon): Dict {
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

/** Starts the daemon's agent loop in the background, with a monitor that hands it queued events. */
function launch(vm: Vm, system: SystemHost, d: Daemon): void {
  const controller = new AbortController();
  d.abort = controller;
  d.status = "running";
  d.lastError = null;
  d.finished = runAgentLoop({
    vm,
    owner: null,
    ctx: d.ctx,
    prompt: d.prompt,
    system: d.system,
    options: d.options,
    builtin: "daemon_spawn",
    kind: "agent_loop",
    signal: controller.signal,
  }).then(
    (result) => {
      if (d.abort !== controller) return;
      d.status = "stopped";
      d.lastResult = result;
    },
    (e: unknown) => {
      if (d.abort !== controller) return;
      d.status = controller.signal.aborted ? "stopped" : "failed";
      if (!controller.signal.aborted) d.lastError = errorText(e);
    },
  );
  const monitor = setInterval(() => {
    if (d.status !== "running") {
      clearInterval(monitor);
      return;
    }
    tick(vm, system, d);
  }, MONITOR_MS);
  // The monitor serves the daemon, which ends with the program; it must not keep the process alive.
  (monitor as { unref?: () => void }).unref?.();
  d.monitor = monitor;
}

/** Waits (a bounded time) for the daemon to save a snapshot other than `baseline`. */
async function awaitSnapshot(system: SystemHost, d: Daemon, baseline: string | null): Promise<void> {
  for (let waited = 0; waited < SNAPSHOT_WAIT_MS; waited += 10) {
    const saved = savedAtOf(refresh(system, d));
    if (saved !== null && saved !== baseline) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

function daemonOptions(base: Dict, sessionId: string, snapshotPath: string, resume: boolean): Dict {
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

function handleId(v: Value | undefined, builtin: string): string {
  if (v === undefined) throw runtimeError(`${builtin}: missing daemon handle`);
  if (typeof v === "string") return v;
  if (v instanceof Dict) {
    if (v.get("id") === null) throw runtimeError(`${builtin}: daemon handle dict is missing an id field`);
    return display(v.get("id"));
  }
  throw runtimeError(`${builtin}: expected daemon handle or daemon id`);
}

export function registerDaemons(vm: Vm, system: SystemHost): void {
  const daemons = (): Map<string, Daemon> => daemonsOf(vm);
  const find = (v: Value | undefined, builtin: string): Daemon => {
    const id = handleId(v, builtin);
    const d = daemons().get(id);
    if (d === undefined) throw runtimeError(`unknown daemon '${id}'`);
    return d;
  };
  const byRoot = (root: string): Daemon | undefined => [...daemons().values()].find((d) => d.root === root);

  vm.registerBuiltin("daemon_spawn", (args, ctx) => {
    const config = args[0];
    if (!(config instanceof Dict)) throw runtimeError("daemon_spawn: expected a config dict");
    const prompt = text(config, "task") ?? text(config, "prompt");
    if (prompt === null) throw runtimeError("daemon_spawn: config must include `task` or `prompt`");
    const rootText = text(config, "persist_path") ?? text(config, "state_dir");
    if (rootText === null)
      throw runtimeError("daemon_spawn: config must include `persist_path` or `state_dir`");
    const root = resolveFsPath(ctx, system, rootText);
    if (byRoot(root)?.status === "running")
      throw runtimeError(`daemon_spawn: a daemon is already running for '${rootText}'`);
    const id = `daemon_${uuidV7()}`;
    const sessionId = text(config, "session_id") ?? `daemon_session_${uuidV7()}`;
    const base = config.get("options") instanceof Dict ? (config.get("options") as Dict) : config;
    const loopOptions = new Map(base.map);
    for (const key of CONFIG_KEYS) loopOptions.delete(key);
    const capacity = config.get("event_queue_capacity") ?? config.get("queue_capacity");
    const snapshotPath = joinPath(root, "daemon.json");
    const d: Daemon = {
      id,
      name: text(config, "name") ?? id,
      prompt,
      system: text(config, "system"),
      sessionId,
      root,
      snapshotPath,
      options: daemonOptions(new Dict(loopOptions), sessionId, snapshotPath, false),
      ctx: contextOf(ctx.task).forSpawnedWorker(),
      status: "running",
      lastError: null,
      lastResult: null,
      lastSnapshot: null,
      capacity: typeof capacity === "number" && capacity > 0 ? capacity : DEFAULT_CAPACITY,
      nextSeq: 0,
      pending: [],
      inflight: null,
      inflightSavedAt: null,
      inflightIterations: 0,
      abort: null,
      finished: null,
      monitor: null,
    };
    persistMeta(system, d);
    daemons().set(id, d);
    launch(vm, system, d);
    return awaitSnapshot(system, d, null).then(() => summary(d));
  });

  vm.registerBuiltin("daemon_trigger", (args) => {
    const d = find(args[0], "daemon_trigger");
    if (args[1] === undefined) throw runtimeError("daemon_trigger: missing event payload");
    tick(vm, system, d);
    if (d.status !== "running") throw runtimeError(`daemon_trigger: daemon ${d.id} is not running`);
    if (queued(d) >= d.capacity) {
      throw runtimeError(
        `Daemon queue full: daemon '${d.id}' reached its event_queue_capacity of ${d.capacity}`,
      );
    }
    d.nextSeq += 1;
    d.pending.push({ seq: d.nextSeq, enqueued_at: now(), payload: valueToJson(args[1]) });
    persistMeta(system, d);
    deliver(vm, system, d);
    return summary(d);
  });

  vm.registerBuiltin("daemon_snapshot", (args) => {
    const d = find(args[0], "daemon_snapshot");
    refresh(system, d);
    reconcile(system, d);
    return snapshotValue(d);
  });

  vm.registerBuiltin("daemon_stop", (args) => {
    const d = find(args[0], "daemon_stop");
    if (d.status !== "running") return summary(d);
    return stop(system, d).then(() => summary(d));
  });

  vm.registerBuiltin("daemon_resume", (args, ctx: BuiltinContext) => {
    const given = args[0];
    if (typeof given !== "string" || given.trim() === "") {
      throw runtimeError("daemon_resume: `path` must be a non-empty string");
    }
    const root = resolveFsPath(ctx, system, given);
    const existing = byRoot(root);
    if (existing?.status === "running")
      throw runtimeError(`daemon_resume: daemon '${given}' is already running`);
    const d = resumed(system, root, existing, contextOf(ctx.task).forSpawnedWorker());
    persistMeta(system, d);
    daemons().set(d.id, d);
    const baseline = savedAtOf(d.lastSnapshot);
    deliver(vm, system, d);
    launch(vm, system, d);
    return awaitSnapshot(system, d, baseline).then(() => summary(d));
  });
}

/** Ends the daemon's loop (waiting briefly for it to settle) and requeues its undelivered event. */
async function stop(system: SystemHost, d: Daemon): Promise<void> {
  d.abort?.abort();
  if (d.monitor !== null) clearInterval(d.monitor);
  const finished = d.finished;
  if (finished !== null) {
    await Promise.race([finished, new Promise((r) => setTimeout(r, STOP_WAIT_MS))]);
  }
  refresh(system, d);
  reconcile(system, d);
  if (d.inflight !== null) d.pending.unshift(d.inflight);
  d.inflight = null;
  d.inflightSavedAt = null;
  d.inflightIterations = 0;
  d.status = "stopped";
  d.lastError = null;
  d.abort = null;
  persistMeta(system, d);
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
function resumed(system: SystemHost, root: string, existing: Daemon | undefined, ctx: TaskContext): Daemon {
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
