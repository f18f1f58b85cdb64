// `trigger_test_harness(name)`: named end-to-end scenarios of the trigger
// runtime (connectors, inbox, dispatcher, registry, monitors), each run
// against its own in-memory event log and a virtual clock so it is
// reproducible, and reported as {fixture, ok, stub, summary, emitted,
// attempts, dlq, alerts, bindings, notes, details}. `ok` is the scenario's
// own verdict; the lists show what happened. Every scenario drives the real
// components (signature verification, normalization, dedupe, retries, DLQ,
// circuits, rate limits, manifests, durable logs), not recorded outputs.

import { runtimeError } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { rfc3339 } from "../../runtime/triggers/event.ts";
import { VirtualClock } from "../../runtime/triggers/virtual-clock.ts";
import { typeName } from "../../vm/display.ts";
import type { Task } from "../../vm/task.ts";
import type { Vm } from "../../vm/vm.ts";

/** Where scenarios start: 2026-04-19T00:00:00Z. */
export const HARNESS_START_MS = Date.UTC(2026, 3, 19);

export interface HarnessAttempt {
  readonly attempt: number;
  readonly atMs: number;
  readonly status: string;
  readonly error?: string | null;
  readonly backoffMs?: number | null;
  readonly replayOf?: string | null;
}

export interface HarnessDlq {
  readonly id: string;
  readonly eventId: string;
  readonly bindingId: string;
  readonly state: string;
  readonly error: string;
  readonly attempts: number;
  readonly replayed: boolean;
}

export interface HarnessReport {
  readonly ok: boolean;
  readonly summary: string;
  readonly emitted?: Dict[];
  readonly attempts?: HarnessAttempt[];
  readonly dlq?: HarnessDlq[];
  readonly alerts?: Dict[];
  readonly bindings?: Value[];
  readonly notes?: string[];
  readonly details?: Value;
}

export interface HarnessContext {
  readonly clock: VirtualClock;
  /** Real elapsed time, for the scenarios that measure latency. */
  readonly realNowMs: () => number;
  readonly vm: Vm;
  /** The task that called trigger_test_harness (handlers run as its children). */
  readonly caller: Task;
}

export type Scenario = (h: HarnessContext) => Promise<HarnessReport> | HarnessReport;

/** What the connector registry saw: one entry per event a scenario let through. */
export function emittedEvent(
  bindingId: string,
  version: number,
  event: Dict,
  note: string | null,
  replayOf: string | null = null,
): Dict {
  const status = event.get("signature_status");
  return Dict.of({
    binding_id: bindingId,
    binding_version: version,
    provider: event.get("provider"),
    kind: event.get("kind"),
    dedupe_key: event.get("dedupe_key"),
    tenant_id: event.get("tenant_id"),
    occurred_at: event.get("occurred_at"),
    received_at: event.get("received_at"),
    signature_state: status instanceof Dict ? status.get("state") : "unsigned",
    note,
    replay_of_event_id: replayOf,
  });
}

function attemptValue(a: HarnessAttempt, clock: VirtualClock): Dict {
  return Dict.of({
    attempt: a.attempt,
    at: rfc3339(clock.startMs + a.atMs),
    at_ms: a.atMs,
    status: a.status,
    error: a.error ?? null,
    backoff_ms: a.backoffMs ?? null,
    replay_of_event_id: a.replayOf ?? null,
  });
}

function dlqValue(d: HarnessDlq): Dict {
  return Dict.of({
    id: d.id,
    event_id: d.eventId,
    binding_id: d.bindingId,
    state: d.state,
    error: d.error,
    attempts: d.attempts,
    replayed: d.replayed,
  });
}

export async function runHarness(
  name: Value | undefined,
  scenarios: ReadonlyMap<string, Scenario>,
  base: Omit<HarnessContext, "clock">,
): Promise<Dict> {
  let fixture: string;
  if (typeof name === "string") fixture = name;
  else if (name instanceof Dict && typeof name.get("fixture") === "string")
    fixture = name.get("fixture") as string;
  else if (name === undefined) throw runtimeError("trigger_test_harness: missing fixture name");
  else throw runtimeError(`trigger_test_harness: expected fixture string or dict, got ${typeName(name)}`);
  const scenario = scenarios.get(fixture);
  if (scenario === undefined) {
    const known = [...scenarios.keys()].sort().join(", ");
    throw runtimeError(
      `trigger_test_harness: unknown trigger harness fixture '${fixture}' (known: ${known})`,
    );
  }
  const clock = new VirtualClock(HARNESS_START_MS, "harness");
  const r = await scenario({ ...base, clock });
  return Dict.of({
    fixture,
    ok: r.ok,
    stub: false,
    summary: r.summary,
    emitted: r.emitted ?? [],
    attempts: (r.attempts ?? []).map((a) => attemptValue(a, clock)),
    dlq: (r.dlq ?? []).map(dlqValue),
    alerts: r.alerts ?? [],
    bindings: r.bindings ?? [],
    notes: r.notes ?? [],
    details: r.details ?? null,
  });
}
