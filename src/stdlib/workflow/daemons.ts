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
import { errorText } from "../../llm/agent/callbacks.ts";
import { runAgentLoop } from "../../llm/agent/loop.ts";
import { valueToJson } from "../../llm/json.ts";
import { contextOf } from "../../runtime/task-context.ts";
import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { type BuiltinContext, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import type { SystemHost } from "../system/host.ts";
import { resolveFsPath } from "../system/locations.ts";
import { joinPath } from "../system/path-text.ts";
import {
  CONFIG_KEYS,
  DEFAULT_CAPACITY,
  type Daemon,
  daemonOptions,
  daemonsOf,
  deliver,
  now,
  MONITOR_MS,
  persistMeta,
  queued,
  reconcile,
  refresh,
  resumed,
  SNAPSHOT_WAIT_MS,
  STOP_WAIT_MS,
  savedAtOf,
  snapshotValue,
  summary,
  text,
  tick,
} from "./daemon-state.ts";

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
    if (d === undefined) throw runtimeError(`${builtin}: unknown daemon '${id}'`);
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
