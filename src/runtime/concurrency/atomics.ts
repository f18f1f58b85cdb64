// Atomics: shared integer cells. Tasks interleave only at suspension
// points, so plain reads and writes are already atomic; the value is
// shared by reference between every task that holds the handle.

import { valuesEqual } from "../../vm/compare.ts";
import { display, typeName } from "../../vm/display.ts";
import { typeError } from "../../vm/errors.ts";
import { add } from "../../vm/operators.ts";
import { HandleValue, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";

class AtomicCell {
  constructor(public value: Value) {}
}

function cell(v: Value | undefined, fn: string): AtomicCell {
  if (v instanceof HandleValue && v.kind === "atomic") return v.payload as AtomicCell;
  throw typeError(`${fn}: first argument must be an atomic, got ${typeName(v ?? null)}`);
}

export function registerAtomicBuiltins(vm: Vm): void {
  vm.registerBuiltin("atomic", (args) => {
    const c = new AtomicCell(args[0] ?? 0);
    return new HandleValue("atomic", () => `<atomic:${display(c.value)}>`, c);
  });
  vm.registerBuiltin("atomic_get", (args) => cell(args[0], "atomic_get").value);
  vm.registerBuiltin("atomic_set", (args) => {
    const c = cell(args[0], "atomic_set");
    const old = c.value;
    c.value = args[1] ?? null;
    return old;
  });
  vm.registerBuiltin("atomic_add", (args) => {
    const c = cell(args[0], "atomic_add");
    c.value = add(c.value, args[1] ?? 1);
    return c.value;
  });
  vm.registerBuiltin("atomic_cas", (args) => {
    const c = cell(args[0], "atomic_cas");
    if (!valuesEqual(c.value, args[1] ?? null)) return false;
    c.value = args[2] ?? null;
    return true;
  });
}
