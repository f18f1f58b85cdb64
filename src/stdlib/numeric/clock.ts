// The mockable clock (`timestamp`, `elapsed`, `monotonic_ms`, `now_ms`,
// `sleep_ms`) and its test controls (`mock_time`, `advance_time`,
// `unmock_time`). While a mock is installed, `sleep_ms` advances the mocked
// clock instead of waiting, so time-dependent code runs instantly and
// deterministically under test.

import { thrown } from "../../vm/errors.ts";
import { cancellable } from "../../vm/scheduler.ts";
import { HFloat, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { numericState } from "./state.ts";

/** An int argument as a number (the reference's `as_int`: floats do not count). */
function intArgument(v: Value | undefined): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  return undefined;
}

function wait(ms: number): Promise<Value> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const done = new Promise<Value>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  return cancellable(done, () => clearTimeout(timer));
}

export function registerClock(vm: Vm): void {
  const state = numericState(vm);
  const b = vm.registerBuiltin.bind(vm);
  b("timestamp", () => new HFloat(state.wallMs() / 1000));
  b("elapsed", () => state.monotonicMs());
  b("monotonic_ms", () => state.monotonicMs());
  b("now_ms", () => state.wallMs());
  b("sleep_ms", (args) => {
    const ms = intArgument(args[0]) ?? 0;
    if (ms <= 0) return null;
    if (state.mocked) {
      state.advance(ms);
      return null;
    }
    return wait(ms);
  });
  b("mock_time", (args) => {
    const ms = intArgument(args[0]);
    if (ms === undefined) throw thrown("mock_time(ms): expected an integer millisecond timestamp");
    state.installMock(ms);
    return null;
  });
  b("advance_time", (args) => {
    const ms = intArgument(args[0]) ?? 0;
    if (!state.mocked) throw thrown("advance_time: no mock active. Call mock_time(ms) first.");
    state.advance(ms);
    return state.wallMs();
  });
  b("unmock_time", () => {
    state.clearMock();
    return null;
  });
}
