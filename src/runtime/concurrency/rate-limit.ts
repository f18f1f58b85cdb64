// Per-provider request rate limits and `with_rate_limit`. A limit is a
// sliding window of request times over the last minute (`rpm` requests per
// 60 s); `acquirePermit` records a request when the window has room and
// otherwise waits until the oldest request leaves it. `llm_rate_limit`
// sets, queries or clears a provider's limit, and the LLM layer calls
// `rateLimiterFor(vm).acquire(...)` before each outbound request.
// `with_rate_limit(provider, fn, opts?)` takes a permit, runs `fn` in a
// child task (so a failure can be caught and retried without unwinding the
// caller) and retries errors classified as rate_limit, overloaded,
// transient_network or timeout with exponential backoff.

import { display } from "../../vm/display.ts";
import { type ErrorCategory, runtimeError, VmError } from "../../vm/errors.ts";
import { errorCategoryOf } from "../error-category.ts";
import { type Task, TaskState } from "../../vm/task.ts";
import { Closure, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { type Parking, parkingLotFor } from "./parking.ts";

const WINDOW_MS = 60_000;
const MAX_BACKOFF_MS = 30_000;

class SlidingWindow {
  readonly times: number[] = [];
  constructor(readonly rpm: number) {}

  /** Ms until a request may go out (0 = now), after dropping requests older than the window. */
  wait(now: number): number {
    while (this.times.length > 0 && this.times[0]! < now - WINDOW_MS) this.times.shift();
    if (this.times.length < this.rpm) return 0;
    return Math.max(1, this.times[0]! + WINDOW_MS - now);
  }
}

/** The rate limits of one VM, by provider name. */
export class RateLimiter {
  private readonly windows = new Map<string, SlidingWindow>();

  set(provider: string, rpm: number): void {
    if (rpm <= 0) this.windows.delete(provider);
    else this.windows.set(provider, new SlidingWindow(rpm));
  }

  get(provider: string): number | null {
    return this.windows.get(provider)?.rpm ?? null;
  }

  /**
   * Records a request for `provider` if its window has room and returns 0;
   * otherwise returns how long to wait before asking again.
   */
  tryAcquire(provider: string, now = Date.now()): number {
    const w = this.windows.get(provider);
    if (!w) return 0;
    const wait = w.wait(now);
    if (wait === 0) w.times.push(now);
    return wait;
  }

  /** Waits (without blocking other tasks) until a request for `provider` may go out, and records it. */
  async acquire(provider: string, stillWanted: () => boolean = () => true): Promise<void> {
    for (;;) {
      const wait = this.tryAcquire(provider);
      if (wait === 0 || !stillWanted()) return;
      await delay(wait);
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const limiters = new WeakMap<Vm, RateLimiter>();

export function rateLimiterFor(vm: Vm): RateLimiter {
  let l = limiters.get(vm);
  if (!l) {
    l = new RateLimiter();
    limiters.set(vm, l);
  }
  return l;
}

const RETRYABLE = new Set<ErrorCategory>(["rate_limit", "overloaded", "transient_network", "timeout"]);

function optionInt(opts: Dict | null, name: string): number | null {
  const v = opts?.map.get(name);
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  return null;
}

/** Runs `fn()` as a child of `caller` that shares its identity; settles with its result or error. */
function runClosure(vm: Vm, caller: Task, fn: Closure): Promise<Value> {
  const child = vm.createTask(fn, [], caller.ctx.forInlineSubtask(), caller.identity.name, caller);
  child.identity = caller.identity;
  child.output = [];
  return new Promise((resolve, reject) => {
    child.onDone.push((t) => {
      vm.adoptOutput(t, caller);
      if (t.error) reject(t.error);
      else resolve(t.result);
    });
    vm.scheduler.enqueue(child);
  });
}

async function withRateLimit(
  vm: Vm,
  parking: Parking,
  provider: string,
  fn: Closure,
  opts: Dict | null,
): Promise<void> {
  const limiter = rateLimiterFor(vm);
  const maxRetries = Math.max(0, optionInt(opts, "max_retries") ?? 5);
  let backoff = Math.max(1, optionInt(opts, "backoff_ms") ?? 1000);
  const caller = parking.task;
  // The caller may be cancelled while we wait: then stop starting new work.
  const wanted = (): boolean => parking.live && caller.state !== TaskState.Done;
  for (let attempt = 0; ; attempt++) {
    await limiter.acquire(provider, wanted);
    if (!wanted()) return;
    try {
      parking.resolve(await runClosure(vm, caller, fn));
      return;
    } catch (e) {
      const error = e instanceof VmError ? e : vm.hostError(e);
      if (!RETRYABLE.has(errorCategoryOf(error)) || attempt >= maxRetries) {
        parking.reject(error);
        return;
      }
    }
    await delay(backoff);
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  }
}

export function registerRateLimitBuiltins(vm: Vm): void {
  const limiter = rateLimiterFor(vm);
  vm.registerBuiltin("llm_rate_limit", (args) => {
    const provider = args.length > 0 ? display(args[0]!) : "";
    if (provider === "") throw runtimeError("llm_rate_limit: provider name is required");
    const opts = args[1];
    if (opts instanceof Dict) {
      const rpm = opts.map.get("rpm");
      if (typeof rpm !== "number" && typeof rpm !== "bigint") {
        throw runtimeError("llm_rate_limit: options must include 'rpm' (integer)");
      }
      limiter.set(provider, Number(rpm));
      return true;
    }
    return limiter.get(provider);
  });

  vm.registerBuiltin("with_rate_limit", (args, { task }) => {
    const provider = args.length > 0 ? display(args[0]!) : "";
    if (provider === "") throw runtimeError("with_rate_limit: provider name is required");
    const fn = args[1];
    if (!(fn instanceof Closure)) throw runtimeError("with_rate_limit: second argument must be a closure");
    const opts = args[2] instanceof Dict ? args[2] : null;
    const parking = parkingLotFor(vm).park(task);
    void withRateLimit(vm, parking, provider, fn, opts);
    return parking.promise;
  });
}
