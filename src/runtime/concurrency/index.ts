// Installs the concurrency runtime (tasks, channels, select, atomics,
// mutexes, runtime context) into a VM.

import type { Vm } from "../../vm/vm.ts";
import { registerAtomicBuiltins } from "./atomics.ts";
import { registerChannelBuiltins } from "./channels.ts";
import { registerMutexBuiltins } from "./mutex.ts";
import { registerRuntimeContextBuiltins } from "./runtime-context.ts";
import { registerTaskBuiltins } from "./tasks.ts";

export function registerConcurrency(vm: Vm): void {
  registerTaskBuiltins(vm);
  registerChannelBuiltins(vm);
  registerAtomicBuiltins(vm);
  registerMutexBuiltins(vm);
  registerRuntimeContextBuiltins(vm);
}
