// The dispatcher: delivers one trigger event to one binding.
//
//   predicate (if `when`) -> autonomy-tier policy -> attempts with retries
//   -> succeeded | skipped | failed | dead-lettered
//
// The handler runs under the execution policy of the binding's effective
// autonomy tier (shadow: no side effects at all; suggest and
// act_with_approval: read-only; act_auto: anything), which the trust graph
// can raise or lower with promote/demote records. A refusal by that policy
// (tool_rejected) is a denial: it is not retried and the trust record says
// "denied". Other failures are retried on the binding's schedule and then
// dead-lettered. Each step appends lifecycle events (DispatchStarted,
// DispatchSucceeded, DispatchFailed, RetryScheduled, DlqMoved) and every
// dispatch ends with one trust record for the agent (the binding).

import type { Task } from "../../vm/task.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import type { EventLog } from "../events/event-log.ts";
import { toJsonData } from "../events/json-data.ts";
import { type AutonomyTier, handlerName, retryDelayMs, type TriggerBinding } from "./binding.ts";
import { type GraphNode, receivedNodes, triggerNodeId } from "./action-graph.ts";
import { CIRCUIT_FAILURE_THRESHOLD, DestinationCircuits } from "./destination-circuit.ts";
import { classifyDispatchError, DispatchRecorder } from "./dispatch-recorder.ts";
import type { DispatchContext } from "./dispatch-context.ts";
import { eventId, eventKind, eventProvider, eventTraceId, isoAt, type TriggerClock } from "./event.ts";
import { invokeForDispatch } from "./invoke.ts";
import { evaluatePredicate, type UsageProbe } from "./predicate.ts";
import { TRIGGER_OUTBOX_TOPIC, TRIGGERS_LIFECYCLE_TOPIC } from "./topics.ts";
import { policyForTier, type TrustGraph, type TrustOutcome } from "./trust-graph.ts";

export type DispatchStatus = "succeeded" | "skipped" | "waiting" | "failed" | "cancelled" | "dlq";

export interface DispatchOutcome {
  readonly status: DispatchStatus;
  readonly result: Value;
  readonly error: string | null;
  readonly attempts: number;
}

export interface DispatcherDeps {
  readonly vm: Vm;
  readonly log: () => EventLog;
  readonly clock: TriggerClock;
  readonly trust: TrustGraph;
  readonly usage: UsageProbe;
  /** Waits between attempts (a real timer; tests may shorten it). */
  readonly sleep: (ms: number) => Promise<void>;
}

export class Dispatcher {
  private readonly circuits: DestinationCircuits;
  private readonly rec: DispatchRecorder;

  constructor(private readonly deps: DispatcherDeps) {
    this.circuits = new DestinationCircuits(() => deps.clock.nowMs());
    this.rec = new DispatchRecorder(deps);
  }

  async dispatch(
    caller: Task,
    binding: TriggerBinding,
    event: Dict,
    replayOf: string | null,
  ): Promise<DispatchOutcome> {
    const tier: AutonomyTier = this.deps.trust.effectiveTier(binding.id, binding.spec.autonomyTier);
    const d: DispatchContext = {
      event,
      traceId: eventTraceId(event),
      replayOfEventId: replayOf,
      bindingId: binding.id,
      bindingVersion: binding.version,
      agent: binding.id,
      action: `${eventProvider(event)}.${eventKind(event)}`,
      autonomyTier: tier,
    };
    binding.begin(this.deps.clock.nowMs());
    const received = receivedNodes(event, replayOf);
    const graphContext = { trigger_id: binding.id, binding_key: binding.key, replay_of_event_id: replayOf };
    this.rec.graph(event, received.nodes, received.edges, graphContext);
    let source = triggerNodeId(eventId(event));
    const lifecycle = (kind: string, payload: Record<string, Value>): void =>
      this.rec.append(TRIGGERS_LIFECYCLE_TOPIC, kind, binding, event, replayOf, payload);

    if (binding.spec.when !== null) {
      const deps = { ...this.deps, nowMs: () => this.deps.clock.nowMs(), lifecycle };
      const verdict = await evaluatePredicate(deps, caller, binding, event, d);
      const predicateNode = `predicate:${binding.key}:${eventId(event)}`;
      this.rec.graph(
        event,
        [
          {
            id: predicateNode,
            label: handlerName(binding.spec.when),
            kind: "predicate",
            status: "completed",
            outcome: String(verdict.result),
            metadata: { reason: verdict.reason, cached: verdict.cached, tokens: verdict.tokens },
          },
        ],
        [{ from: source, to: predicateNode, kind: "trigger_dispatch" }],
        graphContext,
      );
      source = predicateNode;
      if (!verdict.result) {
        const predicate = handlerName(binding.spec.when);
        if (verdict.strategy === "fail") {
          const error = `trigger budget exhausted: ${verdict.reason ?? "budget_exhausted"}`;
          lifecycle("DlqMoved", {
            event_id: eventId(event),
            attempt_count: 0,
            final_error: error,
            replay_of_event_id: replayOf,
          });
          binding.finish("dlq");
          this.rec.trustRecord(binding, event, d, "failure", "dlq", 0, error);
          return { status: "dlq", result: null, error, attempts: 0 };
        }
        binding.finish("dispatched");
        if (verdict.strategy === "retry_later") {
          this.rec.trustRecord(binding, event, d, "denied", "waiting", 0, verdict.reason);
          const result = Dict.of({ deferred: true, predicate, reason: verdict.reason });
          return { status: "waiting", result, error: null, attempts: 0 };
        }
        const skipped = {
          stage: "predicate",
          predicate,
          reason: verdict.reason,
          replay_of_event_id: replayOf,
        };
        this.rec.append(TRIGGER_OUTBOX_TOPIC, "dispatch_skipped", binding, event, replayOf, skipped);
        this.rec.trustRecord(binding, event, d, "denied", "skipped", 0, null);
        return {
          status: "skipped",
          result: Dict.of({ skipped: true, predicate, reason: verdict.reason }),
          error: null,
          attempts: 0,
        };
      }
    }
    return this.attempts(caller, binding, event, d, lifecycle, source);
  }

  private async attempts(
    caller: Task,
    binding: TriggerBinding,
    event: Dict,
    d: DispatchContext,
    lifecycle: (kind: string, payload: Record<string, Value>) => void,
    entry: string,
  ): Promise<DispatchOutcome> {
    const replayOf = d.replayOfEventId;
    const graphContext = { trigger_id: binding.id, binding_key: binding.key, replay_of_event_id: replayOf };
    const label = handlerName(binding.spec.handler);
    const attemptNode = (n: number): string => `dispatch:${binding.key}:${eventId(event)}:${n}`;
    const dispatchNode = (n: number, status: string, outcome: string): GraphNode => ({
      id: attemptNode(n),
      label,
      kind: "dispatch",
      status,
      outcome,
    });
    let previous = entry;
    let lastAttempt = 0;
    const target = `local://${handlerName(binding.spec.handler)}`;
    const deadLetter = (attempts: number, error: string, reason: string | null): DispatchOutcome => {
      const dlqNode = `dlq:${binding.key}:${eventId(event)}`;
      this.rec.graph(
        event,
        [
          {
            id: dlqNode,
            label: "dead letter",
            kind: "dlq",
            status: "pending",
            outcome: reason ?? "exhausted",
            metadata: { error },
          },
        ],
        [{ from: attempts > 0 ? attemptNode(lastAttempt) : previous, to: dlqNode, kind: "dlq_move" }],
        graphContext,
      );
      lifecycle("DlqMoved", {
        event_id: eventId(event),
        attempt_count: attempts,
        final_error: error,
        ...(reason !== null && { reason, destination: `${target}#${binding.key}` }),
        replay_of_event_id: replayOf,
      });
      binding.finish("dlq");
      const outcome: TrustOutcome = error.includes("timed out") ? "timeout" : "failure";
      this.rec.trustRecord(binding, event, d, outcome, "dlq", attempts, error);
      return { status: "dlq", result: null, error, attempts };
    };
    // Local handlers are only "the same destination" within one binding.
    const destination = `${target}#${binding.key}`;
    const probe = this.circuits.check(destination);
    if (!probe.allow) {
      const seconds = Math.max(1, Math.ceil(probe.retryAfterMs / 1000));
      return deadLetter(
        0,
        `destination circuit open for ${destination}; retry after ${seconds}s`,
        "circuit_open",
      );
    }
    const { maxAttempts, policy } = binding.spec.retry;
    for (let attempt = 1; ; attempt++) {
      const startedAt = isoAt(this.deps.clock.nowMs());
      const common = { event_id: eventId(event), attempt, handler_kind: "local", target_uri: target };
      lifecycle("DispatchStarted", { ...common, replay_of_event_id: replayOf });
      const edgeKind = previous.startsWith("retry:")
        ? "retry"
        : previous.startsWith("predicate:")
          ? "predicate_gate"
          : "trigger_dispatch";
      this.rec.graph(
        event,
        [dispatchNode(attempt, "running", `attempt_${attempt}`)],
        [
          {
            from: previous,
            to: attemptNode(attempt),
            kind: edgeKind,
            label: edgeKind === "predicate_gate" ? "true" : null,
          },
        ],
        { ...graphContext, attempt },
      );
      lastAttempt = attempt;
      const outboxPayload = {
        ...common,
        trigger_id: binding.id,
        binding_key: binding.key,
        replay_of_event_id: replayOf,
      };
      this.rec.append(
        TRIGGER_OUTBOX_TOPIC,
        "dispatch_started",
        binding,
        event,
        replayOf,
        outboxPayload,
        attempt,
      );
      let value: Value;
      try {
        value = await invokeForDispatch(this.deps.vm, caller, binding.spec.handler, event, {
          dispatch: d,
          policy: policyForTier(d.autonomyTier),
        });
      } catch (e) {
        const error = classifyDispatchError(e);
        const outcomeLabel = error.kind === "local" ? "failure" : error.kind;
        this.rec.recordAttempt(binding, event, replayOf, attempt, startedAt, outcomeLabel, error.message);
        lifecycle("DispatchFailed", { ...common, error: error.message, replay_of_event_id: replayOf });
        const failedStatus = error.kind === "cancelled" ? "cancelled" : "failed";
        this.rec.graph(
          event,
          [dispatchNode(attempt, failedStatus, error.kind === "local" ? "failed" : error.kind)],
          [],
          graphContext,
        );
        if (error.kind === "denied" || error.kind === "cancelled") {
          binding.finish("failed");
          const outcome: TrustOutcome = error.kind === "denied" ? "denied" : "failure";
          const terminal = error.kind === "cancelled" ? "cancelled" : "failed";
          this.rec.trustRecord(binding, event, d, outcome, terminal, attempt, error.message);
          const status = error.kind === "cancelled" ? "cancelled" : "failed";
          return { status, result: null, error: error.message, attempts: attempt };
        }
        if (this.circuits.recordFailure(destination)) {
          const final = `destination circuit opened for ${destination} after ${CIRCUIT_FAILURE_THRESHOLD} consecutive failures: ${error.message}`;
          return deadLetter(attempt, final, "circuit_open");
        }
        if (attempt < maxAttempts) {
          const delay = retryDelayMs(policy, attempt + 1);
          lifecycle("RetryScheduled", {
            event_id: eventId(event),
            attempt: attempt + 1,
            delay_ms: delay,
            error: error.message,
            replay_of_event_id: replayOf,
          });
          const retryNode = `retry:${binding.key}:${eventId(event)}:${attempt + 1}`;
          this.rec.graph(
            event,
            [
              {
                id: retryNode,
                label: `retry in ${delay}ms`,
                kind: "retry",
                status: "scheduled",
                outcome: `attempt_${attempt + 1}`,
              },
            ],
            [{ from: attemptNode(attempt), to: retryNode, kind: "retry", label: `attempt ${attempt + 1}` }],
            graphContext,
          );
          previous = retryNode;
          if (delay > 0) await this.deps.sleep(delay);
          continue;
        }
        return deadLetter(attempt, error.message, null);
      }
      this.circuits.recordSuccess(destination);
      const result = toJsonData(value);
      this.rec.recordAttempt(binding, event, replayOf, attempt, startedAt, "success", null);
      lifecycle("DispatchSucceeded", { ...common, result, replay_of_event_id: replayOf });
      this.rec.graph(event, [dispatchNode(attempt, "completed", "success")], [], graphContext);
      binding.finish("dispatched");
      this.rec.trustRecord(binding, event, d, "success", "dispatched", attempt, null);
      return { status: "succeeded", result, error: null, attempts: attempt };
    }
  }
}
