// Installs the concurrency runtime (tasks, channels, select, atomics,
// mutexes, runtime context) into a VM.

import type { Vm } from "../../vm/vm.ts";
import { registerAtomicBuiltins } from "./atomics.ts";
import { registerChannelSelectBuiltins } from "./channel-select.ts";
import { registerChannelBuiltins } from "./channels.ts";
import { registerCircuitBuiltins } from "./circuit.ts";
import { registerMailboxBuiltins } from "./mailbox.ts";
import { registerMutexBuiltins } from "./mutex.ts";
import { registerRateLimitBuiltins } from "./rate-limit.ts";
import { registerRuntimeContextBuiltins } from "./runtime-context.ts";
import { registerSharedStateBuiltins } from "./shared.ts";
import { registerSupervisorBuiltins } from "./supervisor.ts";
import { registerSyncBuiltins } from "./sync.ts";
import { registerTaskBuiltins } from "./tasks.ts";

export function registerConcurrency(vm: Vm): void {
  registerTaskBuiltins(vm);
  registerChannelBuiltins(vm);
  registerAtomicBuiltins(vm);
  registerMutexBuiltins(vm);
  registerRuntimeContextBuiltins(vm);
  registerChannelSelectBuiltins(vm);
  registerSyncBuiltins(vm);
  registerSharedStateBuiltins(vm);
  registerMailboxBuiltins(vm);
  registerRateLimitBuiltins(vm);
  registerCircuitBuiltins(vm);
  registerSupervisorBuiltins(vm);
}
