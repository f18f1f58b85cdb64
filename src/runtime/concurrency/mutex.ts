// `mutex { }` blocks: the block holds the "mutex" primitive of the VM's sync
// runtime for its key, the same one `sync_mutex_acquire` uses, so explicit
// permits and blocks exclude each other. The compiler stores the permit in a
// hidden local and releases it on every exit path.

import { HandleValue } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { type SyncLease, syncRuntimeFor } from "./sync.ts";

export function registerMutexBuiltins(vm: Vm): void {
  const rt = syncRuntimeFor(vm);
  vm.registerBuiltin("__mutex_enter", (args, { task }) =>
    rt.acquire(task, "mutex", String(args[0] ?? "__default__"), 1, 1, null),
  );
  vm.registerBuiltin("__mutex_exit", (args) => {
    const permit = args[0];
    if (permit instanceof HandleValue && permit.kind === "sync_permit")
      rt.release(permit.payload as SyncLease);
    return null;
  });
}
