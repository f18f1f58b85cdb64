// A clock that only moves when told to, for deterministic schedules,
// retries and windows in tests and the trigger harness: `sleep` advances
// time instead of waiting.

import type { TriggerClock } from "./event.ts";

export class VirtualClock implements TriggerClock {
  private now: number;
  private counter = 0;

  constructor(
    readonly startMs: number,
    private readonly idPrefix = "virtual",
  ) {
    this.now = startMs;
  }

  nowMs(): number {
    return this.now;
  }

  /** Milliseconds since the clock started. */
  elapsedMs(): number {
    return this.now - this.startMs;
  }

  /** Sequential ids, so runs on a virtual clock are reproducible. */
  uuid(): string {
    return `${this.idPrefix}-${(++this.counter).toString().padStart(6, "0")}`;
  }

  advance(ms: number): void {
    this.now += ms;
  }

  set(ms: number): void {
    this.now = ms;
  }

  sleep = (ms: number): Promise<void> => {
    this.advance(ms);
    return Promise.resolve();
  };
}
