// What a dispatch writes down: lifecycle and outbox events with the
// dispatch's headers, per-attempt records, action-graph updates and the
// closing trust record. Kept apart from the dispatcher so its control flow
// reads on its own.

import { display } from "../../vm/display.ts";
import { ErrorKind, VmError } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { EventLog } from "../events/event-log.ts";
import { logEvent } from "../events/event-log.ts";
import { appendGraphUpdate, type GraphEdge, type GraphNode } from "./action-graph.ts";
import { handlerName, type TriggerBinding } from "./binding.ts";
import type { DispatchContext } from "./dispatch-context.ts";
import {
  eventId,
  eventKind,
  eventProvider,
  eventTenant,
  eventTraceId,
  isoAt,
  type TriggerClock,
} from "./event.ts";
import { TRIGGER_ATTEMPTS_TOPIC } from "./topics.ts";
import type { TrustGraph, TrustOutcome } from "./trust-graph.ts";

export type ErrorClass = "denied" | "timeout" | "cancelled" | "local";

/** How a handler failure is treated: denials and cancellations are final, the rest retried. */
export function classifyDispatchError(e: unknown): { kind: ErrorClass; message: string } {
  if (!(e instanceof VmError)) return { kind: "local", message: e instanceof Error ? e.message : String(e) };
  if (e.kind === ErrorKind.Thrown && typeof e.thrown === "string")
    return { kind: "local", message: e.thrown };
  const message = e.kind === ErrorKind.Thrown ? display(e.thrown) : e.display(display);
  if (e.category === "tool_rejected") return { kind: "denied", message };
  if (e.category === "timeout") return { kind: "timeout", message };
  if (e.category === "cancelled")
    return { kind: "cancelled", message: "dispatcher shutdown cancelled local handler" };
  return { kind: "local", message };
}

export interface RecorderDeps {
  readonly log: () => EventLog;
  readonly clock: TriggerClock;
  readonly trust: TrustGraph;
}

export class DispatchRecorder {
  constructor(private readonly deps: RecorderDeps) {}

  private headers(
    binding: TriggerBinding,
    event: Dict,
    replayOf: string | null,
    attempt?: number,
  ): Map<string, string> {
    const h = new Map<string, string>([
      ["event_id", eventId(event)],
      ["trace_id", eventTraceId(event)],
      ["provider", eventProvider(event)],
      ["kind", eventKind(event)],
      ["trigger_id", binding.id],
      ["binding_key", binding.key],
      ["handler_kind", "local"],
    ]);
    if (replayOf !== null) h.set("replay_of_event_id", replayOf);
    const tenant = eventTenant(event);
    if (tenant !== null) h.set("tenant_id", tenant);
    if (attempt !== undefined) h.set("attempt", String(attempt));
    return h;
  }

  append(
    topic: string,
    kind: string,
    binding: TriggerBinding,
    event: Dict,
    replayOf: string | null,
    payload: Record<string, Value>,
    attempt?: number,
  ): void {
    const headers = this.headers(binding, event, replayOf, attempt);
    this.deps.log().append(topic, logEvent(kind, Dict.of(payload), this.deps.clock.nowMs(), headers));
  }

  graph(event: Dict, nodes: GraphNode[], edges: GraphEdge[], context: Record<string, Value>): void {
    appendGraphUpdate(this.deps.log(), this.deps.clock.nowMs(), event, nodes, edges, context);
  }

  trustRecord(
    binding: TriggerBinding,
    event: Dict,
    d: DispatchContext,
    outcome: TrustOutcome,
    terminal: string,
    attempts: number,
    error: string | null,
  ): void {
    const metadata: Record<string, Value> = {
      binding_key: binding.key,
      binding_version: binding.version,
      provider: eventProvider(event),
      event_kind: eventKind(event),
      handler_kind: "local",
      target_uri: `local://${handlerName(binding.spec.handler)}`,
      terminal_status: terminal,
      attempt_count: attempts,
    };
    if (d.replayOfEventId !== null) metadata.replay_of_event_id = d.replayOfEventId;
    if (error !== null) metadata.error = error;
    this.deps.trust.append({
      recordId: this.deps.clock.uuid(),
      agent: binding.id,
      action: d.action,
      approver: null,
      outcome,
      traceId: d.traceId,
      autonomyTier: d.autonomyTier,
      timestamp: isoAt(this.deps.clock.nowMs()),
      costUsd: null,
      metadata: Dict.of(metadata),
    });
  }

  recordAttempt(
    binding: TriggerBinding,
    event: Dict,
    replayOf: string | null,
    attempt: number,
    startedAt: string,
    outcome: string,
    error: string | null,
  ): void {
    this.append(
      TRIGGER_ATTEMPTS_TOPIC,
      "attempt_recorded",
      binding,
      event,
      replayOf,
      {
        trigger_id: binding.id,
        binding_key: binding.key,
        event_id: eventId(event),
        attempt,
        handler_kind: "local",
        started_at: startedAt,
        completed_at: isoAt(this.deps.clock.nowMs()),
        outcome,
        error_msg: error,
      },
      attempt,
    );
  }
}
