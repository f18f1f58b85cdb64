// Trigger builtins: `trigger_register`, `trigger_list`, `trigger_fire`,
// `trigger_replay`, `trigger_inspect_dlq`, `trigger_inspect_lifecycle`,
// `trigger_inspect_action_graph`, `handler_context` and
// `list_providers_native` (std/triggers' `list_providers`). The work happens
// in the TriggerService (src/runtime/triggers); this file converts values
// and names the builtin in every error.

import { eventLogOf } from "../../runtime/events/active-log.ts";
import { providerCatalog } from "../../runtime/triggers/catalog.ts";
import { parseTriggerConfig } from "../../runtime/triggers/config.ts";
import { dispatchContextOf } from "../../runtime/triggers/dispatch-context.ts";
import { dlqEntryValue } from "../../runtime/triggers/dlq.ts";
import type { TriggerService } from "../../runtime/triggers/service.ts";
import { ACTION_GRAPH_TOPIC, TRIGGERS_LIFECYCLE_TOPIC } from "../../runtime/triggers/topics.ts";
import { typeName } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { headersValue } from "./event-log-builtins.ts";

/** The binding id (and version, when the handle pins one) a handle names. */
function handleOf(v: Value | undefined, builtin: string): { id: string; version: number | null } {
  if (typeof v === "string") return { id: v, version: null };
  if (v instanceof Dict) {
    const id = v.get("id");
    if (typeof id !== "string")
      throw runtimeError(`${builtin}: trigger handle is missing string field \`id\``);
    const version = v.get("version");
    return { id, version: typeof version === "number" ? version : null };
  }
  if (v === undefined) throw runtimeError(`${builtin}: missing trigger handle`);
  throw runtimeError(`${builtin}: expected trigger handle dict or id string, got ${typeName(v)}`);
}

/** Events of `topic` as {kind, headers, payload}, optionally filtered. */
function topicEntries(
  vm: Vm,
  topic: string,
  keep: (kind: string, headers: Dict, payload: Value) => boolean,
): Dict[] {
  const out: Dict[] = [];
  for (const { event } of eventLogOf(vm).read(topic)) {
    const headers = headersValue(event.headers);
    if (keep(event.kind, headers, event.payload))
      out.push(Dict.of({ kind: event.kind, headers, payload: event.payload }));
  }
  return out;
}

export function registerTriggerBuiltins(vm: Vm, service: TriggerService, uuid: () => string): void {
  const b = vm.registerBuiltin.bind(vm);

  b("list_providers_native", () => providerCatalog());

  b("trigger_register", (args) => service.registry.register(parseTriggerConfig(args[0], uuid)).snapshot());

  b("trigger_list", () => service.registry.all().map((binding) => binding.snapshot()));

  b("trigger_fire", (args, ctx) => {
    const { id, version } = handleOf(args[0], "trigger_fire");
    if (args[1] === undefined) throw runtimeError("trigger_fire: missing trigger event");
    return service.fire(ctx.task, id, version, args[1]);
  });

  b("trigger_replay", (args, ctx) => {
    const id = args[0];
    if (typeof id !== "string") throw runtimeError("trigger_replay: expected event id string");
    return service.replay(ctx.task, id);
  });

  b("trigger_inspect_dlq", () => service.dlq.pending().map(dlqEntryValue));

  b("trigger_inspect_lifecycle", (args) => {
    const kind = typeof args[0] === "string" ? args[0] : null;
    return topicEntries(vm, TRIGGERS_LIFECYCLE_TOPIC, (k) => kind === null || k === kind);
  });

  b("trigger_inspect_action_graph", (args) => {
    const trace = typeof args[0] === "string" ? args[0] : null;
    return topicEntries(
      vm,
      ACTION_GRAPH_TOPIC,
      (_k, headers, payload) =>
        trace === null ||
        headers.get("trace_id") === trace ||
        (payload instanceof Dict && payload.get("trace_id") === trace),
    );
  });

  b("handler_context", (_args, ctx) => {
    const d = dispatchContextOf(ctx.task);
    if (d === null) return null;
    return Dict.of({
      agent: d.agent,
      action: d.action,
      trace_id: d.traceId,
      replay_of_event_id: d.replayOfEventId,
      autonomy_tier: d.autonomyTier,
      trigger_event: d.event,
    });
  });
}
