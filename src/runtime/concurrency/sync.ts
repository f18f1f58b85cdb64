// Named synchronization primitives (spec "Synchronization"): FIFO mutexes,
// weighted semaphores, admission gates and reader/writer locks, all built
// on one fair counting semaphore per `(kind, key)`. A waiter that cannot be
// served collects released permits in arrival order until it has all it
// asked for, so a queued writer is never overtaken by later readers.
// Acquisition returns a `sync_permit` handle, or nil when the timeout
// passes (timeouts return nil rather than throw, so authors choose the
// fallback). Waits end early on cancellation; an abandoned waiter hands
// back whatever it had collected. Counters follow the reference's metrics.

import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import type { Task } from "../../vm/task.ts";
import { Dict, Duration, HandleValue, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { cancelledError, cancelRequested, type Parking, type ParkingLot, parkingLotFor } from "./parking.ts";

const RWLOCK_CAPACITY = 1024;

interface Metrics {
  acquisition_count: number;
  timeout_count: number;
  cancellation_count: number;
  release_count: number;
  current_held: number;
  current_queue_depth: number;
  max_queue_depth: number;
  total_wait_ms: number;
  total_held_ms: number;
}

interface Waiter {
  readonly parking: Parking;
  readonly permits: number;
  /** Permits already handed to this waiter while it waits for the rest. */
  collected: number;
  readonly since: number;
}

class Primitive {
  available: number;
  readonly queue: Waiter[] = [];
  readonly metrics: Metrics = {
    acquisition_count: 0,
    timeout_count: 0,
    cancellation_count: 0,
    release_count: 0,
    current_held: 0,
    current_queue_depth: 0,
    max_queue_depth: 0,
    total_wait_ms: 0,
    total_held_ms: 0,
  };

  constructor(
    readonly kind: string,
    readonly key: string,
    readonly capacity: number,
  ) {
    this.available = capacity;
  }
}

/** A held permit; released at most once. */
export class SyncLease {
  released = false;
  readonly acquiredAt = performance.now();
  constructor(
    readonly primitive: Primitive,
    readonly permits: number,
  ) {}
}

function now(): number {
  return performance.now();
}

function leaseValue(lease: SyncLease): HandleValue {
  const p = lease.primitive;
  return new HandleValue("sync_permit", () => `<sync_permit:${p.kind}:${p.key}>`, lease);
}

/** The synchronization primitives of one VM, shared by all its tasks. */
export class SyncRuntime {
  private readonly primitives = new Map<string, Primitive>();

  constructor(private readonly lot: ParkingLot) {}

  private primitive(kind: string, key: string, capacity: number): Primitive {
    const id = `${kind}:${key}`;
    const existing = this.primitives.get(id);
    if (existing) {
      if (existing.capacity !== capacity) {
        throw runtimeError(
          `sync ${kind} '${key}' already exists with capacity ${existing.capacity}, not ${capacity}`,
        );
      }
      return existing;
    }
    const created = new Primitive(kind, key, capacity);
    this.primitives.set(id, created);
    return created;
  }

  /**
   * Takes `permits` of `capacity` for `task`: a `sync_permit` now, nil
   * when the timeout (null = none) passes first, or a Promise of either.
   */
  acquire(
    task: Task,
    kind: string,
    key: string,
    capacity: number,
    permits: number,
    timeoutMs: number | null,
  ): Value | Promise<Value> {
    if (permits === 0) throw runtimeError(`sync ${kind} '${key}' requires at least one permit`);
    if (permits > capacity) {
      throw runtimeError(`sync ${kind} '${key}' requested ${permits} permits from capacity ${capacity}`);
    }
    const p = this.primitive(kind, key, capacity);
    if (cancelRequested(task)) {
      p.metrics.cancellation_count++;
      throw cancelledError();
    }
    this.pump(p);
    if (p.queue.length === 0 && p.available >= permits) {
      p.available -= permits;
      return this.lease(p, permits, 0);
    }
    if (timeoutMs === 0) {
      p.metrics.timeout_count++;
      return null;
    }
    return this.enqueue(p, task, permits, timeoutMs);
  }

  private enqueue(p: Primitive, task: Task, permits: number, timeoutMs: number | null): Promise<Value> {
    const parking = this.lot.park(task, {
      onAbandon: () => this.leave(p, waiter, true),
      onCancelRequested: () => this.leave(p, waiter, true),
      onLost: (v) => this.release((v as HandleValue).payload as SyncLease),
    });
    const waiter: Waiter = { parking, permits, collected: 0, since: now() };
    p.queue.push(waiter);
    p.metrics.current_queue_depth++;
    p.metrics.max_queue_depth = Math.max(p.metrics.max_queue_depth, p.metrics.current_queue_depth);
    if (timeoutMs !== null) {
      parking.expireAfter(timeoutMs, () => {
        this.leave(p, waiter, false);
        p.metrics.timeout_count++;
        parking.resolve(null);
      });
    }
    this.pump(p);
    return parking.promise;
  }

  /** Takes a waiter out of the queue, gives back what it had collected and serves the next ones. */
  private leave(p: Primitive, waiter: Waiter, cancelled: boolean): void {
    if (this.remove(p, waiter, cancelled)) this.pump(p);
  }

  private remove(p: Primitive, waiter: Waiter, cancelled: boolean): boolean {
    const at = p.queue.indexOf(waiter);
    if (at < 0) return false;
    p.queue.splice(at, 1);
    p.metrics.current_queue_depth = Math.max(0, p.metrics.current_queue_depth - 1);
    if (cancelled) p.metrics.cancellation_count++;
    p.available += waiter.collected;
    waiter.collected = 0;
    return true;
  }

  /** Hands free permits to waiters in arrival order, waking each one that has all it needs. */
  private pump(p: Primitive): void {
    while (p.queue.length > 0) {
      const head = p.queue[0]!;
      if (!head.parking.live) {
        head.parking.drop();
        this.remove(p, head, true);
        continue;
      }
      const take = Math.min(head.permits - head.collected, p.available);
      head.collected += take;
      p.available -= take;
      if (head.collected < head.permits) return;
      p.queue.shift();
      p.metrics.current_queue_depth = Math.max(0, p.metrics.current_queue_depth - 1);
      head.parking.resolve(this.lease(p, head.permits, now() - head.since));
    }
  }

  /** Records an acquisition whose permits have already left the pool. */
  private lease(p: Primitive, permits: number, waitedMs: number): HandleValue {
    p.metrics.acquisition_count++;
    p.metrics.current_held += permits;
    p.metrics.total_wait_ms += Math.floor(waitedMs);
    return leaseValue(new SyncLease(p, permits));
  }

  /** Returns a lease's permits; true only for the first release. */
  release(lease: SyncLease): boolean {
    if (lease.released) return false;
    lease.released = true;
    const p = lease.primitive;
    p.metrics.release_count++;
    p.metrics.current_held = Math.max(0, p.metrics.current_held - lease.permits);
    p.metrics.total_held_ms += Math.floor(now() - lease.acquiredAt);
    p.available += lease.permits;
    this.pump(p);
    return true;
  }

  /** One primitive's counters for a full `(kind, key)`, else a list of the matching ones. */
  metrics(kind: string | null, key: string | null): Value {
    if (kind !== null && key !== null) {
      const p = this.primitives.get(`${kind}:${key}`);
      return p ? metricsValue(p) : null;
    }
    return [...this.primitives.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, p]) => p)
      .filter((p) => (kind === null || p.kind === kind) && (key === null || p.key === key))
      .map(metricsValue);
  }
}

function metricsValue(p: Primitive): Dict {
  return Dict.of({ kind: p.kind, key: p.key, capacity: p.capacity, ...p.metrics });
}

const runtimes = new WeakMap<Vm, SyncRuntime>();

/** The synchronization runtime of `vm` (also what `mutex { }` blocks should use). */
export function syncRuntimeFor(vm: Vm): SyncRuntime {
  let rt = runtimes.get(vm);
  if (!rt) {
    rt = new SyncRuntime(parkingLotFor(vm));
    runtimes.set(vm, rt);
  }
  return rt;
}

function intArg(v: Value | undefined): number | null {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  return null;
}

/** Timeout argument: ms, a duration, or a dict with `timeout_ms`/`max_wait_ms`; null waits forever. */
export function timeoutArg(v: Value | undefined): number | null {
  if (v instanceof Dict) return timeoutArg(v.map.get("timeout_ms") ?? v.map.get("max_wait_ms"));
  if (v instanceof Duration) return Math.max(0, v.ms);
  const n = intArg(v);
  return n === null ? null : Math.max(0, n);
}

function positiveArg(args: Value[], at: number, fallback: number, fn: string): number {
  const n = intArg(args[at]) ?? fallback;
  if (n <= 0) throw runtimeError(`${fn}: value must be positive`);
  return n;
}

function keyArg(args: Value[], fallback: string): string {
  return args.length > 0 ? display(args[0]!) : fallback;
}

export function registerSyncBuiltins(vm: Vm): void {
  const rt = syncRuntimeFor(vm);
  vm.registerBuiltin("sync_mutex_acquire", (args, { task }) =>
    rt.acquire(task, "mutex", keyArg(args, "__default__"), 1, 1, timeoutArg(args[1])),
  );
  vm.registerBuiltin("sync_semaphore_acquire", (args, { task }) => {
    const capacity = positiveArg(args, 1, 1, "sync_semaphore_acquire");
    const permits = positiveArg(args, 2, 1, "sync_semaphore_acquire");
    return rt.acquire(task, "semaphore", keyArg(args, "default"), capacity, permits, timeoutArg(args[3]));
  });
  vm.registerBuiltin("sync_gate_acquire", (args, { task }) => {
    const limit = positiveArg(args, 1, 1, "sync_gate_acquire");
    return rt.acquire(task, "gate", keyArg(args, "default"), limit, 1, timeoutArg(args[2]));
  });
  vm.registerBuiltin("sync_rwlock_acquire", (args, { task }) => {
    const mode = args.length > 1 ? display(args[1]!) : "read";
    if (mode !== "read" && mode !== "write") {
      throw runtimeError("sync_rwlock_acquire: mode must be read or write");
    }
    const permits = mode === "read" ? 1 : RWLOCK_CAPACITY;
    const key = keyArg(args, "default");
    return rt.acquire(task, "rwlock", key, RWLOCK_CAPACITY, permits, timeoutArg(args[2]));
  });
  vm.registerBuiltin("sync_release", (args) => {
    const v = args[0];
    if (!(v instanceof HandleValue && v.kind === "sync_permit")) {
      throw runtimeError("sync_release: first argument must be a sync permit");
    }
    return rt.release(v.payload as SyncLease);
  });
  vm.registerBuiltin("sync_metrics", (args) =>
    rt.metrics(args.length > 0 ? display(args[0]!) : null, args.length > 1 ? display(args[1]!) : null),
  );
}
