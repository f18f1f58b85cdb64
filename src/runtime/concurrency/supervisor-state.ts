// The state of a supervisor and its children (spec "Supervisor trees"),
// and how it is shown to Harn code: `supervisor_state`, `supervisor_events`,
// `supervisor_metrics` and `runtime_context().debug.supervisors` all render
// these objects with the reference's field names and status strings.

import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import type { AmbientContext, Task } from "../../vm/task.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { ChildSpec, Strategy } from "./supervisor-spec.ts";

export class ChildSlot {
  status = "pending";
  restartCount = 0;
  generation = 0;
  /** Times (ms) of failures inside the rolling window. */
  failures: number[] = [];
  lastError: string | null = null;
  waitReason: string | null = null;
  nextRestartAt: number | null = null;
  task: Task | null = null;
  constructor(readonly spec: ChildSpec) {}
}

export interface SupervisorEvent {
  readonly seq: number;
  readonly at: number;
  readonly child: string | null;
  readonly kind: string;
  readonly message: string | null;
}

export class Supervisor {
  status = "running";
  stopRequested = false;
  /** False once the supervisor stops reacting to its children (terminal, stopped, run over). */
  active = true;
  readonly events: SupervisorEvent[] = [];
  readonly counts = { started: 0, stopped: 0, failed: 0, restarted: 0, suppressed: 0, escalated: 0 };
  readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    readonly id: string,
    readonly name: string,
    readonly strategy: Strategy,
    readonly shutdownMs: number,
    readonly children: ChildSlot[],
    /** The task that started the supervisor: children take their context and ids from it. */
    readonly starter: Task,
    /** The run's root task, which owns the children. */
    readonly root: Task,
  ) {
    this.context = starter.ctx;
  }

  /** The starter's ambient context when the supervisor started; children copy it. */
  readonly context: AmbientContext;

  event(child: string | null, kind: string, message: string | null = null): void {
    this.events.push({ seq: this.events.length, at: Date.now(), child, kind, message });
  }

  /** Every child settled: nothing running, waiting or due to reopen. */
  terminal(): boolean {
    if (this.status === "stopped" || this.status === "escalated") return true;
    return this.children.every(
      (c) =>
        (c.status === "stopped" ||
          c.status === "failed" ||
          c.status === "suppressed" ||
          (c.status === "circuit_open" && c.nextRestartAt === null)) &&
        c.task === null,
    );
  }

  shutdown(): void {
    this.active = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

export function supervisorId(args: Value[], fn: string): string {
  const v = args[0];
  if (v === undefined) throw runtimeError(`${fn}: supervisor handle or id is required`);
  if (v instanceof Dict && v.map.has("_type") && display(v.get("_type")) === "supervisor") {
    const id = v.map.has("id") ? display(v.get("id")) : "";
    if (id === "") throw runtimeError(`${fn}: supervisor handle missing id`);
    return id;
  }
  const id = display(v);
  if (id === "") throw runtimeError(`${fn}: supervisor id must not be empty`);
  return id;
}

export function metricsValue(sup: Supervisor): Dict {
  return Dict.of({ ...sup.counts });
}

export function childValue(c: ChildSlot): Dict {
  return Dict.of({
    name: c.spec.name,
    kind: c.spec.kind,
    status: c.status,
    restart_count: c.restartCount,
    last_error: c.lastError,
    current_wait_reason: c.waitReason,
    active_lease: c.spec.activeLease,
    next_restart_time: c.nextRestartAt,
  });
}

export function stateValue(sup: Supervisor): Dict {
  return Dict.of({
    _type: "supervisor_state",
    id: sup.id,
    name: sup.name,
    status: sup.status,
    strategy: sup.strategy,
    metrics: metricsValue(sup),
    children: sup.children.map(childValue),
  });
}

export function eventValue(sup: Supervisor, e: SupervisorEvent): Dict {
  return Dict.of({
    seq: e.seq,
    at_ms: e.at,
    supervisor_id: sup.id,
    child: e.child,
    kind: e.kind,
    message: e.message,
  });
}
