// The trigger runtime of one VM: registry, dispatcher, DLQ and trust graph
// wired to the VM's event log. `fire` records the event under
// `triggers.events` (what replay reads back), dispatches it, and turns the
// outcome into a DispatchHandle, opening, extending or resolving the
// event's DLQ entry on the way. `replay` re-dispatches a recorded event —
// same id, same trace — to the binding version it was recorded against
// (or the live one when that version is gone).

import { runtimeError } from "../../vm/errors.ts";
import type { Task } from "../../vm/task.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { eventLogOf } from "../events/active-log.ts";
import { type EventLog, logEvent } from "../events/event-log.ts";
import type { TriggerBinding } from "./binding.ts";
import { Dispatcher, type DispatchOutcome } from "./dispatcher.ts";
import { DeadLetterQueue } from "./dlq.ts";
import { eventId, normalizeTriggerEvent, type TriggerClock } from "./event.ts";
import type { UsageProbe } from "./predicate.ts";
import { TriggerRegistry } from "./registry.ts";
import { TRIGGER_EVENTS_TOPIC } from "./topics.ts";
import { TrustGraph } from "./trust-graph.ts";

export interface TriggerServiceDeps {
  readonly vm: Vm;
  readonly clock: TriggerClock;
  readonly usage: UsageProbe;
  readonly sleep: (ms: number) => Promise<void>;
  /** Where this service records; the VM's event log by default. */
  readonly log?: () => EventLog;
}

const STATUS_OF: Record<DispatchOutcome["status"], string> = {
  succeeded: "dispatched",
  skipped: "dispatched",
  waiting: "waiting",
  failed: "failed",
  cancelled: "cancelled",
  dlq: "dlq",
};

export class TriggerService {
  readonly registry: TriggerRegistry;
  readonly dlq: DeadLetterQueue;
  readonly trust: TrustGraph;
  private readonly dispatcher: Dispatcher;

  constructor(private readonly deps: TriggerServiceDeps) {
    const log = deps.log ?? ((): EventLog => eventLogOf(deps.vm));
    this.logOf = log;
    const now = (): number => deps.clock.nowMs();
    this.registry = new TriggerRegistry(log, now);
    this.dlq = new DeadLetterQueue(log, now, () => deps.clock.uuid());
    this.trust = new TrustGraph(log);
    this.dispatcher = new Dispatcher({
      vm: deps.vm,
      log,
      clock: deps.clock,
      trust: this.trust,
      usage: deps.usage,
      sleep: deps.sleep,
    });
  }

  private readonly logOf: () => EventLog;

  private get log(): EventLog {
    return this.logOf();
  }

  async fire(
    caller: Task,
    bindingId: string,
    version: number | null,
    input: Value | undefined,
  ): Promise<Dict> {
    const binding = this.registry.resolve(bindingId, version);
    return this.run(caller, binding, normalizeTriggerEvent(input, this.deps.clock), null);
  }

  async replay(caller: Task, originalEventId: string): Promise<Dict> {
    const recorded = this.recorded(originalEventId);
    if (recorded === null) throw runtimeError(`trigger_replay: unknown event id '${originalEventId}'`);
    const received = Date.parse(String(recorded.event.get("received_at")));
    const binding = this.registry.resolveForReplay(
      recorded.bindingId,
      recorded.version,
      Number.isNaN(received) ? null : received,
    );
    return this.run(caller, binding, recorded.event, originalEventId);
  }

  private recorded(id: string): { bindingId: string; version: number; event: Dict } | null {
    for (const { event } of this.log.read(TRIGGER_EVENTS_TOPIC)) {
      const p = event.payload;
      if (event.kind !== "trigger_event" || !(p instanceof Dict)) continue;
      const e = p.get("event");
      const bindingId = p.get("binding_id");
      const version = p.get("binding_version");
      if (
        e instanceof Dict &&
        eventId(e) === id &&
        typeof bindingId === "string" &&
        typeof version === "number"
      ) {
        return { bindingId, version, event: e };
      }
    }
    return null;
  }

  private async run(
    caller: Task,
    binding: TriggerBinding,
    event: Dict,
    replayOf: string | null,
  ): Promise<Dict> {
    const payload = Dict.of({
      binding_id: binding.id,
      binding_version: binding.version,
      replay_of_event_id: replayOf,
      event,
    });
    this.log.append(TRIGGER_EVENTS_TOPIC, logEvent("trigger_event", payload, this.deps.clock.nowMs()));
    const pending = this.dlq.pendingFor(eventId(event));
    const outcome = await this.dispatcher.dispatch(caller, binding, event, replayOf);
    let dlqEntryId: string | null = null;
    if (outcome.status === "dlq") {
      const error = outcome.error ?? "trigger dispatch failed";
      dlqEntryId = this.dlq.deadLetter(pending, binding, event, error, replayOf !== null).id;
    } else if ((outcome.status === "succeeded" || outcome.status === "skipped") && pending !== null) {
      this.dlq.resolve(pending, replayOf !== null);
    }
    const keepsResult =
      outcome.status === "succeeded" || outcome.status === "skipped" || outcome.status === "waiting";
    return Dict.of({
      event_id: eventId(event),
      binding_id: binding.id,
      binding_version: binding.version,
      status: STATUS_OF[outcome.status],
      replay_of_event_id: replayOf,
      dlq_entry_id: dlqEntryId,
      error: outcome.status === "succeeded" || outcome.status === "skipped" ? null : outcome.error,
      result: keepsResult ? outcome.result : null,
    });
  }
}
