// Builtins over the waitpoint store. `std/waitpoint` wraps
// `__waitpoint_create/wait/complete/cancel`: waiting returns the resolved
// waitpoint (or a list for a list) and throws a WaitpointTimeoutError or
// WaitpointCancelledError dict. `std/waitpoints` uses `waitpoint_create`,
// `waitpoint_complete`, `waitpoint_cancel` and `waitpoint_wait`, whose
// result is a record `{wait_id, status: completed|cancelled|timed_out, ...}`
// that is itself logged, so a wait with a known `wait_id` answers from
// history instead of waiting again.

import { v7 as uuidV7 } from "uuid";
import { eventLogOf } from "../../runtime/events/active-log.ts";
import { logEvent } from "../../runtime/events/event-log.ts";
import { sanitizeTopicComponent } from "../../runtime/events/topic.ts";
import { typeName } from "../../vm/display.ts";
import { runtimeError, thrown } from "../../vm/errors.ts";
import { Dict, Duration, HFloat, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import {
  type Terminal,
  type WaitpointRecord,
  type WaitpointStore,
  waitpointHandle,
  waitpointValue,
} from "./waitpoint-store.ts";

function optionalText(d: Dict, key: string): string | null {
  const v = d.get(key);
  return typeof v === "string" && v !== "" ? v : null;
}

function durationMs(v: Value, builtin: string): number {
  if (v instanceof Duration && v.ms >= 0) return v.ms;
  if (typeof v === "number" && v >= 0) return v;
  if (v instanceof HFloat && v.v >= 0) return Math.floor(v.v);
  throw runtimeError(`${builtin}: expected a duration or millisecond count`);
}

/** The ids a wait names: a string, a handle dict with `id`, or a list of those. */
function idsOf(v: Value | undefined, builtin: string): string[] {
  if (v === undefined) throw runtimeError(`${builtin}: expected a waitpoint id, handle, or list`);
  if (typeof v === "string") return [v];
  if (v instanceof Dict) {
    const id = optionalText(v, "id");
    if (id === null) throw runtimeError(`${builtin}: waitpoint handle must include id`);
    return [id];
  }
  if (Array.isArray(v)) return v.flatMap((x) => idsOf(x, builtin));
  throw runtimeError(`${builtin}: unsupported waitpoint target ${typeName(v)}`);
}

/** Trimmed, non-empty, sorted and unique, as the reference normalises them. */
function normalizedIds(ids: string[], builtin: string): string[] {
  const out = [...new Set(ids.map((id) => id.trim()).filter((id) => id !== ""))].sort();
  if (out.length === 0) throw runtimeError(`${builtin}: expected at least one waitpoint`);
  return out;
}

function optionsDict(v: Value | undefined, builtin: string): Dict | null {
  if (v === undefined || v === null) return null;
  if (v instanceof Dict) return v;
  throw runtimeError(`${builtin}: options must be a dict`);
}

function terminal(options: Dict | null): Terminal {
  if (options === null) return {};
  return {
    by: optionalText(options, "by"),
    reason: optionalText(options, "reason"),
    ...(options.map.has("metadata") && { metadata: options.get("metadata") }),
  };
}

const allCompleted = (states: (WaitpointRecord | null)[]): boolean =>
  states.every((s) => s?.status === "completed");
const anyCancelled = (states: (WaitpointRecord | null)[]): boolean =>
  states.some((s) => s?.status === "cancelled");

function timeoutError(waitId: string): Value {
  return Dict.of({
    name: "WaitpointTimeoutError",
    category: "timeout",
    message: "waitpoint timed out",
    wait_id: waitId,
  });
}

function cancelledError(waitId: string, ids: string[], reason: string | null): Value {
  return Dict.of({
    name: "WaitpointCancelledError",
    category: "cancelled",
    message: reason ?? "waitpoint was cancelled",
    wait_id: waitId,
    waitpoint_ids: ids,
    reason,
  });
}

/** `__waitpoint_*`: the builtins behind std/waitpoint. */
export function registerWaitpointModule(vm: Vm, store: WaitpointStore): void {
  vm.registerBuiltin("__waitpoint_create", (args) => {
    const arg = args[0] ?? null;
    if (arg === null) return waitpointValue(store.create(`waitpoint_${uuidV7()}`, null, null));
    if (typeof arg === "string") return waitpointValue(store.create(arg, null, null));
    if (arg instanceof Dict) {
      const id = optionalText(arg, "id") ?? `waitpoint_${uuidV7()}`;
      return waitpointValue(store.create(id, optionalText(arg, "by"), arg.get("metadata")));
    }
    throw runtimeError(`waitpoint.create: expected string, dict or nil, got ${typeName(arg)}`);
  });

  vm.registerBuiltin("__waitpoint_wait", async (args) => {
    const single = !Array.isArray(args[0]);
    const ids = normalizedIds(idsOf(args[0], "waitpoint.wait"), "waitpoint.wait");
    const options = optionsDict(args[1], "waitpoint.wait");
    const timeout = options?.map.has("timeout") ? durationMs(options.get("timeout"), "waitpoint.wait") : null;
    const settled = (s: (WaitpointRecord | null)[]): boolean => allCompleted(s) || anyCancelled(s);
    const how = await store.waitUntil(ids, settled, timeout);
    const states = ids.map((id) => store.get(id));
    const cancelled = states.find((s) => s?.status === "cancelled");
    if (cancelled) throw thrown(cancelledError("", [cancelled.id], cancelled.reason));
    if (how === "timeout") throw thrown(timeoutError(""));
    const values = states.map((s) => waitpointValue(s!));
    return single ? values[0]! : values;
  });

  vm.registerBuiltin("__waitpoint_complete", (args) => {
    const id = idsOf(args[0], "waitpoint.complete")[0]!;
    const options = optionsDict(args[2], "waitpoint.complete");
    return waitpointValue(store.complete(id, "waitpoint.complete", args[1] ?? null, terminal(options)));
  });

  vm.registerBuiltin("__waitpoint_cancel", (args) => {
    const id = idsOf(args[0], "waitpoint.cancel")[0]!;
    return waitpointValue(
      store.cancel(id, "waitpoint.cancel", terminal(optionsDict(args[1], "waitpoint.cancel"))),
    );
  });
}

const WAIT_TOPIC_PREFIX = "waitpoint.wait.";

/** `waitpoint_*`: the builtins std/waitpoints documents. */
export function registerWaitpoints(vm: Vm, store: WaitpointStore, nowIso: () => string): void {
  vm.registerBuiltin("waitpoint_create", (args) => {
    const arg = args[0] ?? null;
    if (arg === null) return waitpointHandle(store.create(`waitpoint_${uuidV7()}`, null, new Dict()));
    if (typeof arg === "string") return waitpointHandle(store.create(arg, null, new Dict()));
    if (arg instanceof Dict) {
      const metadata = arg.get("metadata");
      if (metadata !== null && !(metadata instanceof Dict))
        throw runtimeError("waitpoint_create: metadata must be a dict");
      const id = optionalText(arg, "id") ?? `waitpoint_${uuidV7()}`;
      return waitpointHandle(store.create(id, optionalText(arg, "by"), metadata ?? new Dict()));
    }
    throw runtimeError(`waitpoint_create: expected string or dict, got ${typeName(arg)}`);
  });

  vm.registerBuiltin("waitpoint_complete", (args) => {
    const id = idsOf(args[0], "waitpoint_complete")[0]!;
    const t = terminal(optionsDict(args[1], "waitpoint_complete"));
    return waitpointHandle(store.complete(id, "waitpoint_complete", null, t));
  });

  vm.registerBuiltin("waitpoint_cancel", (args) => {
    const id = idsOf(args[0], "waitpoint_cancel")[0]!;
    return waitpointHandle(
      store.cancel(id, "waitpoint_cancel", terminal(optionsDict(args[1], "waitpoint_cancel"))),
    );
  });

  vm.registerBuiltin("waitpoint_wait", async (args) => {
    const ids = [...new Set(idsOf(args[0], "waitpoint_wait"))];
    if (ids.length === 0) throw runtimeError("waitpoint_wait: expected at least one waitpoint id");
    const options = optionsDict(args[1], "waitpoint_wait");
    const timeout = options?.map.has("timeout") ? durationMs(options.get("timeout"), "waitpoint_wait") : null;
    const waitId = (options && optionalText(options, "wait_id")) ?? `wait_${uuidV7()}`;
    const log = eventLogOf(vm);
    const topic = `${WAIT_TOPIC_PREFIX}${sanitizeTopicComponent(waitId)}`;
    const recorded = log.read(topic).find((r) => r.event.kind === "wait_terminal");
    if (recorded) return recorded.event.payload;
    const startedAt = nowIso();
    const how = await store.waitUntil(ids, (s) => allCompleted(s) || anyCancelled(s), timeout);
    const states = ids.map((id) => store.get(id));
    const cancelled = states.find((s) => s?.status === "cancelled");
    const status = cancelled ? "cancelled" : how === "timeout" ? "timed_out" : "completed";
    const result = Dict.of({
      wait_id: waitId,
      waitpoint_ids: ids,
      status,
      started_at: startedAt,
      resolved_at: nowIso(),
      waitpoints: states.filter((s): s is WaitpointRecord => s !== null).map(waitpointHandle),
      cancelled_waitpoint_id: cancelled?.id ?? null,
      trace_id: null,
      replay_of_event_id: null,
      reason: status === "timed_out" ? "deadline elapsed" : null,
    });
    log.append(topic, logEvent("wait_terminal", result, Date.parse(nowIso())));
    return result;
  });
}
