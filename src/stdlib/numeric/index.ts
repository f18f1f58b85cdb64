// Installs the numeric and time builtins: scalar math and constants,
// statistics and the `std/math` kernels, seeded random numbers, the
// mockable clock, dates/time zones/durations, structured logging, timers
// and tracing. Per-VM state (clock mock, log level, span stacks) is created
// here with the host that supplies the wall clock.

import type { Vm } from "../../vm/vm.ts";
import type { StdlibHost } from "../host-api.ts";
import { registerClock } from "./clock.ts";
import { registerDatetime } from "./datetime.ts";
import { registerDurations } from "./durations.ts";
import { registerLoggingAndTimers } from "./logging.ts";
import { registerMath } from "./math.ts";
import { registerRng } from "./rng.ts";
import { numericState } from "./state.ts";
import { registerStats } from "./stats.ts";
import { registerTracing } from "./tracing.ts";

export function registerNumericStdlib(vm: Vm, host: StdlibHost): void {
  numericState(vm, host);
  registerMath(vm);
  registerStats(vm);
  registerRng(vm);
  registerClock(vm);
  registerDatetime(vm, host);
  registerDurations(vm);
  registerLoggingAndTimers(vm);
  registerTracing(vm);
}
