// `mutex { }` blocks: a named lock per VM. Acquiring a held lock parks the
// task until the holder releases it; release hands the lock to the next
// waiter in arrival order. The compiler releases on every exit path.

import type { Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";

interface Lock {
  held: boolean;
  readonly waiters: (() => void)[];
}

export function registerMutexBuiltins(vm: Vm): void {
  const locks = new Map<string, Lock>();
  const lockFor = (key: string): Lock => {
    let l = locks.get(key);
    if (!l) {
      l = { held: false, waiters: [] };
      locks.set(key, l);
    }
    return l;
  };
  vm.registerBuiltin("__mutex_enter", (args) => {
    const key = String(args[0] ?? "__default__");
    const lock = lockFor(key);
    if (!lock.held) {
      lock.held = true;
      return key;
    }
    return new Promise<Value>((resolve) => lock.waiters.push(() => resolve(key)));
  });
  vm.registerBuiltin("__mutex_exit", (args) => {
    const lock = lockFor(String(args[0] ?? "__default__"));
    const next = lock.waiters.shift();
    if (next) next();
    else lock.held = false;
    return null;
  });
}
