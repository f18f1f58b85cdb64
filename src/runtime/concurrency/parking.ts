// Parking a task on a runtime primitive (sync permits, mailboxes, rate
// limits) so that it is woken at most once and an abandoned wait never
// consumes anything. A builtin parks its task by returning a Promise; when
// the scheduler wakes the task some other way first (hard cancel, deadline)
// that Promise is simply dropped. A `Parking` remembers which park of its
// task it belongs to, so a primitive can tell a live waiter from an
// abandoned one before handing it a permit or a message, and can take a
// value back when the task was interrupted between the hand-over and its
// delivery. A per-VM `ParkingLot` sweeps abandoned waits and turns graceful
// cancellation requests (`cancel_graceful`, supervisor stop) into the
// reference's cancellation error, polling every 10 ms like the reference
// does, and only while somebody waits.

import { thrown, type VmError } from "../../vm/errors.ts";
import { type Task, TaskState } from "../../vm/task.ts";
import type { Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";

/** The reference's text for a wait cut short by cancellation (spec "Synchronization"). */
export const CANCELLED_TEXT = "kind:cancelled:VM cancelled by host";

export function cancelledError(): VmError {
  return thrown(CANCELLED_TEXT);
}

/** True when the task was asked to stop (hard or graceful): the reference's cancel token. */
export function cancelRequested(task: Task): boolean {
  return task.cancelled || task.cancelRequested;
}

export interface ParkingHooks {
  /** The task stopped waiting without being settled (cancelled, deadline): undo reservations. */
  onAbandon?(): void;
  /** A graceful cancellation arrived while waiting; the wait then fails with `cancelledError()`. Without this hook the request is ignored. */
  onCancelRequested?(): void;
  /** A value was handed over but never reached the task: take it back. */
  onLost?(value: Value): void;
}

const POLL_MS = 10;

export class Parking {
  readonly promise: Promise<Value>;
  private resolveFn: (v: Value) => void = () => {};
  private rejectFn: (e: unknown) => void = () => {};
  /** The task's park counter once it parks on `promise` (the scheduler bumps it per park). */
  private readonly park: number;
  private finished = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly task: Task,
    private readonly hooks: ParkingHooks,
    private readonly lot: ParkingLot,
  ) {
    this.park = task.parkCount + 1;
    this.promise = new Promise<Value>((resolve, reject) => {
      this.resolveFn = resolve;
      this.rejectFn = reject;
    });
  }

  /**
   * True while the task waits here: it has not parked yet (the builtin that
   * made this wait is still returning) or it is parked on this wait.
   */
  get live(): boolean {
    if (this.finished) return false;
    const count = this.task.parkCount;
    return count < this.park || (count === this.park && this.task.state === TaskState.Parked);
  }

  get done(): boolean {
    return this.finished;
  }

  /** Wakes the task with `v`; false (and nothing delivered) when the task no longer waits here. */
  resolve(v: Value): boolean {
    if (!this.live) {
      this.drop();
      return false;
    }
    this.finish();
    this.resolveFn(v);
    const lost = this.hooks.onLost;
    if (lost) {
      // Runs after the scheduler's own reaction: a different park count means it dropped `v`.
      void this.promise.then(() => {
        if (this.task.parkCount !== this.park) lost(v);
      });
    }
    return true;
  }

  /** Wakes the task with an error raised at the call site. */
  reject(e: unknown): boolean {
    if (!this.live) {
      this.drop();
      return false;
    }
    this.finish();
    this.rejectFn(e);
    return true;
  }

  /** Calls `fire` after `ms` unless the wait ended first. */
  expireAfter(ms: number, fire: () => void): void {
    this.timer = setTimeout(() => {
      if (!this.finished) fire();
    }, ms);
  }

  /** Ends the wait without waking anyone or running hooks (the primitive cleans up itself). */
  drop(): void {
    if (!this.finished) this.finish();
  }

  /** The task went away: end the wait and let the primitive undo its reservation. */
  abandon(): void {
    if (this.finished) return;
    this.finish();
    this.hooks.onAbandon?.();
  }

  /** Called by the lot's poll while the task still waits; waits without the hook ignore requests. */
  checkCancel(): void {
    if (this.hooks.onCancelRequested === undefined || !cancelRequested(this.task)) return;
    this.hooks.onCancelRequested?.();
    this.reject(cancelledError());
  }

  private finish(): void {
    this.finished = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.lot.forget(this);
  }
}

/** The waits of one VM, swept while any exist. */
export class ParkingLot {
  private readonly waiting = new Set<Parking>();
  private poll: ReturnType<typeof setInterval> | undefined;

  /** A new wait for `task`; return its `promise` from the builtin. */
  park(task: Task, hooks: ParkingHooks = {}): Parking {
    const p = new Parking(task, hooks, this);
    this.waiting.add(p);
    if (this.poll === undefined) this.poll = setInterval(() => this.sweep(), POLL_MS);
    return p;
  }

  forget(p: Parking): void {
    this.waiting.delete(p);
    if (this.waiting.size === 0 && this.poll !== undefined) {
      clearInterval(this.poll);
      this.poll = undefined;
    }
  }

  get size(): number {
    return this.waiting.size;
  }

  /** Abandons waits whose task moved on and fails those asked to cancel. */
  sweep(): void {
    for (const p of [...this.waiting]) {
      if (p.done) this.forget(p);
      else if (!p.live) p.abandon();
      else p.checkCancel();
    }
  }
}

const lots = new WeakMap<Vm, ParkingLot>();

/** The parking lot of `vm`, created on first use. */
export function parkingLotFor(vm: Vm): ParkingLot {
  let lot = lots.get(vm);
  if (!lot) {
    lot = new ParkingLot();
    lots.set(vm, lot);
  }
  return lot;
}
