// Supervisor trees (spec "Supervisor trees"). A supervisor runs each child
// closure as its own task and reacts when one exits: restart it (or its
// siblings, per strategy) after a backoff, suppress it once the restart
// cap is reached within the rolling window, or open a circuit and retry
// later. Children belong to the run's root task, not to the task that
// started the supervisor, so a supervisor outlives the call that made it;
// when the root finishes every supervisor shuts down with it. A child's
// output is recorded as a `child_output` event rather than printed, as in
// the reference. `supervisor_stop` asks children to wind down
// (`is_cancelled()`), waits up to the timeout and then aborts the rest.

import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { type Task, TaskState } from "../../vm/task.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { durationMs, parseSupervisorSpec, restartDelayMs } from "./supervisor-spec.ts";
import {
  ChildSlot,
  eventValue,
  metricsValue,
  Supervisor,
  stateValue,
  supervisorId,
} from "./supervisor-state.ts";

const STOP_POLL_MS = 5;

function rootOf(task: Task): Task {
  let t = task;
  while (t.parent !== null) t = t.parent;
  return t;
}

function abort(vm: Vm, slot: ChildSlot): void {
  if (slot.task === null) return;
  slot.task.cancelRequested = true;
  vm.cancelTask(slot.task);
  slot.task = null;
}

/** The supervisors of one VM, keyed (and listed) by id. */
class Supervisors {
  readonly byId = new Map<string, Supervisor>();
  private counter = 0;

  constructor(private readonly vm: Vm) {}

  start(starter: Task, specValue: Value | undefined): Supervisor {
    const spec = parseSupervisorSpec(specValue);
    const id = spec.id ?? `supervisor_${++this.counter}`;
    if (this.byId.has(id)) throw runtimeError(`supervisor_start: supervisor '${id}' already exists`);
    const slots = spec.children.map((c) => new ChildSlot(c));
    const sup = new Supervisor(
      id,
      spec.name ?? id,
      spec.strategy,
      spec.shutdownMs,
      slots,
      starter,
      rootOf(starter),
    );
    this.byId.set(id, sup);
    sup.root.onDone.push(() => sup.shutdown());
    sup.event(null, "supervisor_started");
    for (let i = 0; i < slots.length; i++) this.spawn(sup, i, false);
    return sup;
  }

  private spawn(sup: Supervisor, index: number, isRestart: boolean): void {
    const slot = sup.children[index];
    if (!sup.active || sup.stopRequested || slot === undefined || sup.root.state === TaskState.Done) return;
    const spec = slot.spec;
    slot.status = "running";
    slot.waitReason = null;
    slot.nextRestartAt = null;
    sup.counts.started++;
    sup.event(spec.name, "child_started");
    if (isRestart) sup.event(spec.name, "child_restart_started");
    const generation = slot.generation;
    const context = Dict.of({
      supervisor_id: sup.id,
      child_name: spec.name,
      child_kind: spec.kind,
      attempt: generation + 1,
      restart_count: generation,
    });
    const base = sup.starter;
    const name = `supervisor ${spec.kind}`;
    const task = this.vm.createTask(spec.task, [context], sup.context.forInlineSubtask(), name, sup.root);
    task.identity = {
      id: `${base.identity.id}:supervisor:${sup.id}:${spec.name}`,
      name,
      parentId: base.identity.id,
      rootId: base.identity.rootId,
      groupId: sup.id,
    };
    task.output = [];
    // Handled as the task finishes, so whoever runs next already sees the new state.
    task.onDone.push((t) => this.exited(sup, index, generation, t));
    slot.task = task;
    this.vm.scheduler.enqueue(task);
  }

  private exited(sup: Supervisor, index: number, generation: number, t: Task): void {
    if (!sup.active) return;
    const output = (t.output ?? []).join("");
    t.output = [];
    if (output !== "") sup.event(sup.children[index]?.spec.name ?? null, "child_output", output);
    this.handleExit(sup, index, generation, t.error ? t.error.display(display) : null);
    this.settle(sup);
  }

  /** After each exit or due restart: a supervisor with nothing left to do completes. */
  private settle(sup: Supervisor): void {
    if (!sup.active || !sup.terminal()) return;
    if (sup.status === "running") {
      sup.status = "completed";
      sup.event(null, "supervisor_completed");
    }
    sup.shutdown();
  }

  private handleExit(sup: Supervisor, index: number, generation: number, error: string | null): void {
    const slot = sup.children[index];
    if (slot === undefined || slot.generation !== generation) return;
    const name = slot.spec.name;
    slot.task = null;
    slot.nextRestartAt = null;
    slot.waitReason = null;
    if (error === null) {
      slot.status = "stopped";
      slot.lastError = null;
      sup.counts.stopped++;
      sup.event(name, "child_stopped");
    } else {
      slot.status = "failed";
      slot.lastError = error;
      slot.failures.push(Date.now());
      sup.counts.failed++;
      sup.event(name, "child_failed", error);
    }
    if (sup.stopRequested) {
      if (sup.children.every((c) => c.status !== "running" && c.status !== "draining")) {
        sup.status = "stopped";
        sup.event(null, "supervisor_stopped", "drained");
      }
      return;
    }
    const failed = error !== null;
    if (failed && sup.strategy === "escalate_to_parent") return this.escalate(sup, name);
    const plan: [number, number, number][] = [];
    if (failed && (sup.strategy === "one_for_all" || sup.strategy === "rest_for_one")) {
      const start = sup.strategy === "one_for_all" ? 0 : index;
      for (let i = start; i < sup.children.length; i++) if (i !== index) this.stopForRestart(sup, i);
      for (let i = start; i < sup.children.length; i++) {
        const p = this.restartDecision(sup, i, i === index);
        if (p) plan.push(p);
      }
    } else {
      const p = this.restartDecision(sup, index, failed);
      if (p) plan.push(p);
    }
    for (const [i, delay, gen] of plan) {
      if (delay === 0) this.spawn(sup, i, true);
      else this.scheduleRestart(sup, i, gen, delay);
    }
  }

  private escalate(sup: Supervisor, child: string): void {
    sup.status = "escalated";
    sup.stopRequested = true;
    sup.counts.escalated++;
    sup.event(child, "child_escalated", "failure escalated to parent supervisor");
    for (const c of sup.children) {
      abort(this.vm, c);
      c.status = "stopped";
    }
  }

  private stopForRestart(sup: Supervisor, index: number): void {
    const slot = sup.children[index]!;
    slot.generation++;
    abort(this.vm, slot);
    slot.status = "waiting";
    slot.waitReason = "propagation_restart";
    sup.event(slot.spec.name, "child_stopped", "propagation restart");
  }

  /** Whether (and when) to restart a child: [index, delay ms, generation], or null. */
  private restartDecision(sup: Supervisor, index: number, failed: boolean): [number, number, number] | null {
    const slot = sup.children[index]!;
    const policy = slot.spec.restart;
    const wanted = policy.mode === "always" || (policy.mode === "on_failure" && failed);
    if (!wanted) return null;
    const now = Date.now();
    if (policy.windowMs > 0) slot.failures = slot.failures.filter((at) => now - at <= policy.windowMs);
    if (policy.maxRestarts !== null) {
      // The current failure is already counted: max_restarts = 1 allows one restart per window.
      const capped =
        failed && policy.windowMs > 0
          ? slot.failures.length > policy.maxRestarts
          : slot.restartCount >= policy.maxRestarts;
      if (capped) return this.suppress(sup, index, now);
    }
    const delay = restartDelayMs(policy, slot.restartCount, index);
    slot.restartCount++;
    slot.generation++;
    slot.status = "waiting";
    slot.waitReason = "restart_backoff";
    slot.nextRestartAt = now + delay;
    sup.counts.restarted++;
    sup.event(slot.spec.name, "child_restarted", `scheduled after ${delay}ms`);
    return [index, delay, slot.generation];
  }

  /** Restart cap reached: open the circuit when the policy has one, else give up on the child. */
  private suppress(sup: Supervisor, index: number, now: number): [number, number, number] | null {
    const slot = sup.children[index]!;
    const openMs = slot.spec.restart.circuitOpenMs;
    sup.counts.suppressed++;
    if (openMs !== null) {
      slot.status = "circuit_open";
      slot.waitReason = "circuit_open";
      slot.nextRestartAt = now + openMs;
      slot.restartCount = 0;
      slot.failures = [];
      sup.event(slot.spec.name, "child_suppressed", "restart cap reached; circuit opened");
      return [index, openMs, slot.generation];
    }
    slot.status = "suppressed";
    slot.waitReason = "restart_cap_exceeded";
    sup.event(slot.spec.name, "child_suppressed", "restart cap reached");
    return null;
  }

  private scheduleRestart(sup: Supervisor, index: number, generation: number, delay: number): void {
    const timer = setTimeout(() => {
      sup.timers.delete(timer);
      if (!sup.active) return;
      const slot = sup.children[index];
      if (slot !== undefined && slot.generation === generation && !sup.stopRequested)
        this.spawn(sup, index, true);
      this.settle(sup);
    }, delay);
    sup.timers.add(timer);
  }

  /** Graceful stop: ask children to wind down, wait up to `timeoutMs`, then abort the rest. */
  async stop(sup: Supervisor, timeoutMs: number): Promise<Value> {
    if (sup.status !== "stopped") {
      sup.status = "draining";
      sup.stopRequested = true;
      sup.event(null, "supervisor_stopping");
      for (const c of sup.children) {
        if (c.status === "running") {
          c.status = "draining";
          c.waitReason = "shutdown";
        }
        if (c.task !== null) c.task.cancelRequested = true;
      }
    }
    const deadline = Date.now() + timeoutMs;
    const busy = (): boolean => sup.children.some((c) => c.status === "running" || c.status === "draining");
    while (busy() && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, STOP_POLL_MS));
    }
    let forced = false;
    for (const c of sup.children) {
      if (["running", "draining", "waiting", "circuit_open"].includes(c.status)) {
        c.generation++;
        abort(this.vm, c);
        c.status = "stopped";
        c.waitReason = null;
        c.nextRestartAt = null;
        forced = true;
        sup.event(c.spec.name, "child_stopped", "supervisor stop");
      }
    }
    sup.status = "stopped";
    sup.event(null, "supervisor_stopped", forced ? "forced" : "drained");
    sup.shutdown();
    return stateValue(sup);
  }

  lookup(args: Value[], fn: string): Supervisor {
    const id = supervisorId(args, fn);
    const sup = this.byId.get(id);
    if (!sup) throw runtimeError(`${fn}: unknown supervisor '${id}'`);
    return sup;
  }
}

const registries = new WeakMap<Vm, Supervisors>();

function supervisorsFor(vm: Vm): Supervisors {
  let s = registries.get(vm);
  if (!s) {
    s = new Supervisors(vm);
    registries.set(vm, s);
  }
  return s;
}

/** `runtime_context().debug.supervisors`: the state of every supervisor, by id. */
export function supervisorDebugValues(vm: Vm): Value[] {
  const all = [...supervisorsFor(vm).byId.values()];
  return all.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(stateValue);
}

export function registerSupervisorBuiltins(vm: Vm): void {
  const sups = supervisorsFor(vm);
  vm.registerBuiltin("supervisor_start", (args, { task }) => {
    const sup = sups.start(task, args[0]);
    return Dict.of({ _type: "supervisor", id: sup.id, name: sup.name });
  });
  vm.registerBuiltin("supervisor_state", (args) => stateValue(sups.lookup(args, "supervisor_state")));
  vm.registerBuiltin("supervisor_events", (args) => {
    const sup = sups.lookup(args, "supervisor_events");
    return sup.events.map((e) => eventValue(sup, e));
  });
  vm.registerBuiltin("supervisor_metrics", (args) => metricsValue(sups.lookup(args, "supervisor_metrics")));
  vm.registerBuiltin("supervisor_stop", (args) => {
    const sup = sups.lookup(args, "supervisor_stop");
    return sups.stop(sup, durationMs(args[1]) ?? sup.shutdownMs);
  });
}
