// Per-VM state of the numeric/time builtins: the mockable clock, the
// minimum log level, the `trace_start` span stack, the pipeline span
// collector and the unseeded random source. The reference keeps these in
// thread-locals; one VM per program run gives the same isolation here, and
// two VMs in one process (tests, embedders) never see each other's state.

import type { Vm } from "../../vm/vm.ts";
import type { StdlibHost } from "../host-api.ts";
import { SplitMix64 } from "./rng-core.ts";
import { SpanCollector } from "./span-collector.ts";

/** Log levels in increasing severity; the index is the numeric level. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

export interface TraceContext {
  readonly traceId: string;
  readonly spanId: string;
}

/** A pinned clock installed by `mock_time(ms)`. */
interface ClockMock {
  wallMs: number;
  monotonicMs: number;
}

export class NumericState {
  minLogLevel = 0;
  readonly traceStack: TraceContext[] = [];
  readonly spans = new SpanCollector();
  tracingEnabled = false;
  readonly random: SplitMix64;
  private mock: ClockMock | null = null;
  private readonly monotonicStart: number;

  constructor(readonly host: StdlibHost) {
    this.monotonicStart = monotonicNow();
    const seed = (BigInt(Math.floor(Math.random() * 2 ** 32)) << 32n) ^ BigInt(Math.floor(host.now()));
    this.random = new SplitMix64(seed);
  }

  /** Wall-clock milliseconds since the epoch, honouring `mock_time`. */
  wallMs(): number {
    return this.mock ? this.mock.wallMs : Math.floor(this.host.now());
  }

  /** Milliseconds since this VM started (0 when the mock was installed). */
  monotonicMs(): number {
    return this.mock ? this.mock.monotonicMs : Math.floor(monotonicNow() - this.monotonicStart);
  }

  get mocked(): boolean {
    return this.mock !== null;
  }

  installMock(wallMs: number): void {
    this.mock = { wallMs, monotonicMs: 0 };
  }

  clearMock(): void {
    this.mock = null;
  }

  /** Moves the mocked clock forward; does nothing while real time is in use. */
  advance(ms: number): void {
    if (!this.mock) return;
    this.mock.wallMs += ms;
    this.mock.monotonicMs += ms;
  }
}

function monotonicNow(): number {
  // `performance` is a global in Node and browsers alike.
  return globalThis.performance.now();
}

const states = new WeakMap<Vm, NumericState>();

/** The state for `vm`, created on first use with the host it was registered with. */
export function numericState(vm: Vm, host?: StdlibHost): NumericState {
  let state = states.get(vm);
  if (!state) {
    if (!host) throw new Error("numeric stdlib is not registered on this VM");
    state = new NumericState(host);
    states.set(vm, state);
  }
  return state;
}
