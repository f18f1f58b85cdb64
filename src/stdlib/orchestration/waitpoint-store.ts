// Waitpoints: named rendezvous that tasks wait on until another task (or
// another process sharing a durable event log) completes or cancels them.
// The event log is the source of truth: every state change appends the
// waitpoint's full record to its topic `waitpoint.state.<id>`, the newest
// record is the current state, and a waiter listens on the topics of the
// waitpoints it needs. `std/waitpoint` and `std/waitpoints` are two views
// of the same store.

import { eventLogOf } from "../../runtime/events/active-log.ts";
import { type EventLog, logEvent } from "../../runtime/events/event-log.ts";
import { toJsonData } from "../../runtime/events/json-data.ts";
import { sanitizeTopicComponent } from "../../runtime/events/topic.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";

export type WaitpointStatus = "open" | "completed" | "cancelled";

export interface WaitpointRecord {
  readonly id: string;
  readonly status: WaitpointStatus;
  readonly createdAt: string;
  readonly createdBy: string | null;
  readonly completedAt: string | null;
  readonly completedBy: string | null;
  readonly cancelledAt: string | null;
  readonly cancelledBy: string | null;
  readonly value: Value;
  readonly reason: string | null;
  readonly metadata: Value;
}

const RECORD_KIND = "waitpoint_record";

function topicOf(id: string): string {
  return `waitpoint.state.${sanitizeTopicComponent(id)}`;
}

function text(d: Dict, key: string): string | null {
  const v = d.get(key);
  return typeof v === "string" ? v : null;
}

function toValue(r: WaitpointRecord): Dict {
  return Dict.of({
    id: r.id,
    status: r.status,
    created_at: r.createdAt,
    created_by: r.createdBy,
    completed_at: r.completedAt,
    completed_by: r.completedBy,
    cancelled_at: r.cancelledAt,
    cancelled_by: r.cancelledBy,
    value: r.value,
    reason: r.reason,
    metadata: r.metadata,
  });
}

function fromValue(d: Dict): WaitpointRecord | null {
  const id = text(d, "id");
  const status = text(d, "status");
  if (id === null || (status !== "open" && status !== "completed" && status !== "cancelled")) return null;
  return {
    id,
    status,
    createdAt: text(d, "created_at") ?? "",
    createdBy: text(d, "created_by"),
    completedAt: text(d, "completed_at"),
    completedBy: text(d, "completed_by"),
    cancelledAt: text(d, "cancelled_at"),
    cancelledBy: text(d, "cancelled_by"),
    value: d.get("value"),
    reason: text(d, "reason"),
    metadata: d.get("metadata"),
  };
}

export interface Terminal {
  readonly by?: string | null;
  readonly reason?: string | null;
  readonly metadata?: Value;
}

export class WaitpointStore {
  constructor(
    private readonly vm: Vm,
    private readonly now: () => string,
  ) {}

  private get log(): EventLog {
    return eventLogOf(this.vm);
  }

  get(id: string): WaitpointRecord | null {
    const records = this.log.read(topicOf(id));
    for (let i = records.length - 1; i >= 0; i--) {
      const event = records[i]!.event;
      if (event.kind !== RECORD_KIND || !(event.payload instanceof Dict)) continue;
      const r = fromValue(event.payload);
      if (r !== null && r.id === id) return r;
    }
    return null;
  }

  private put(r: WaitpointRecord): WaitpointRecord {
    this.log.append(topicOf(r.id), logEvent(RECORD_KIND, toJsonData(toValue(r)), Date.parse(this.now())));
    return r;
  }

  /** Opens `id`; an existing waitpoint of that id is returned unchanged. */
  create(id: string, by: string | null, metadata: Value): WaitpointRecord {
    return (
      this.get(id) ??
      this.put({
        id,
        status: "open",
        createdAt: this.now(),
        createdBy: by,
        completedAt: null,
        completedBy: null,
        cancelledAt: null,
        cancelledBy: null,
        value: null,
        reason: null,
        metadata: toJsonData(metadata),
      })
    );
  }

  complete(id: string, builtin: string, value: Value, t: Terminal): WaitpointRecord {
    const r = this.get(id);
    if (r === null) throw runtimeError(`${builtin}: unknown waitpoint '${id}'`);
    if (r.status === "completed") return r;
    if (r.status === "cancelled") throw runtimeError(`${builtin}: waitpoint '${id}' is already cancelled`);
    return this.put({
      ...r,
      status: "completed",
      completedAt: this.now(),
      completedBy: t.by ?? null,
      value: toJsonData(value),
      reason: t.reason ?? null,
      metadata: t.metadata === undefined ? r.metadata : toJsonData(t.metadata),
    });
  }

  cancel(id: string, builtin: string, t: Terminal): WaitpointRecord {
    const r = this.get(id);
    if (r === null) throw runtimeError(`${builtin}: unknown waitpoint '${id}'`);
    if (r.status === "cancelled") return r;
    if (r.status === "completed") throw runtimeError(`${builtin}: waitpoint '${id}' is already completed`);
    return this.put({
      ...r,
      status: "cancelled",
      cancelledAt: this.now(),
      cancelledBy: t.by ?? null,
      reason: t.reason ?? null,
      metadata: t.metadata === undefined ? r.metadata : toJsonData(t.metadata),
    });
  }

  /**
   * Resolves once `settled(states)` says so, re-checking after every change
   * to one of `ids`, or with "timeout" after `timeoutMs`. Unknown ids count
   * as open (they may be created later).
   */
  waitUntil(
    ids: readonly string[],
    settled: (states: (WaitpointRecord | null)[]) => boolean,
    timeoutMs: number | null,
  ): Promise<"settled" | "timeout"> {
    const states = (): (WaitpointRecord | null)[] => ids.map((id) => this.get(id));
    if (settled(states())) return Promise.resolve("settled");
    return new Promise((resolve) => {
      const stops: (() => void)[] = [];
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (how: "settled" | "timeout"): void => {
        for (const stop of stops) stop();
        if (timer !== undefined) clearTimeout(timer);
        resolve(how);
      };
      for (const id of ids)
        stops.push(this.log.listen(topicOf(id), () => settled(states()) && finish("settled")));
      if (timeoutMs !== null) timer = setTimeout(() => finish("timeout"), timeoutMs);
    });
  }
}

/** The `std/waitpoint` form of a record. */
export function waitpointValue(r: WaitpointRecord): Dict {
  return Dict.of({
    id: r.id,
    status: r.status,
    created_at: r.createdAt,
    completed_at: r.completedAt,
    cancelled_at: r.cancelledAt,
    completed_by: r.completedBy,
    cancelled_by: r.cancelledBy,
    value: r.value,
    reason: r.reason,
    metadata: r.metadata,
  });
}

/** The `std/waitpoints` handle form of a record. */
export function waitpointHandle(r: WaitpointRecord): Dict {
  return Dict.of({
    id: r.id,
    status: r.status,
    created_at: r.createdAt,
    created_by: r.createdBy,
    completed_at: r.completedAt,
    completed_by: r.completedBy,
    cancelled_at: r.cancelledAt,
    cancelled_by: r.cancelledBy,
    reason: r.reason,
    metadata: r.metadata instanceof Dict ? r.metadata : new Dict(),
  });
}
