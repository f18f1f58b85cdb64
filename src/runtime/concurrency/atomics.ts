// Atomics: shared integer cells. Tasks interleave only at suspension
// points, so plain reads and writes are already atomic; the value is
// shared by reference between every task that holds the handle. Like the
// reference (an AtomicI64), the cell only ever holds an int, and
// non-int operands make the operation a no-op returning nil.

import { typeName } from "../../vm/display.ts";
import { typeError } from "../../vm/errors.ts";
import { type Int, intAdd } from "../../vm/numbers.ts";
import { HandleValue, HFloat, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";

class AtomicCell {
  constructor(public value: Int) {}
}

function cell(v: Value | undefined, fn: string): AtomicCell {
  if (v instanceof HandleValue && v.kind === "atomic") return v.payload as AtomicCell;
  throw typeError(`${fn}: first argument must be an atomic, got ${typeName(v ?? null)}`);
}

function asInt(v: Value | undefined): Int | undefined {
  if (typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v))) return v;
  return undefined;
}

function initialValue(v: Value | undefined): Int {
  if (v instanceof HFloat) return Number.isFinite(v.v) ? Math.trunc(v.v) : 0;
  if (typeof v === "boolean") return v ? 1 : 0;
  return asInt(v) ?? 0;
}

export function registerAtomicBuiltins(vm: Vm): void {
  vm.registerBuiltin("atomic", (args) => {
    const c = new AtomicCell(initialValue(args[0]));
    return new HandleValue("atomic", () => `<atomic:${String(c.value)}>`, c);
  });
  vm.registerBuiltin("atomic_get", (args) => cell(args[0], "atomic_get").value);
  vm.registerBuiltin("atomic_set", (args) => {
    const c = cell(args[0], "atomic_set");
    const next = asInt(args[1]);
    if (next === undefined) return null;
    const old = c.value;
    c.value = next;
    return old;
  });
  vm.registerBuiltin("atomic_add", (args) => {
    const c = cell(args[0], "atomic_add");
    const delta = asInt(args[1]);
    if (delta === undefined) return null;
    const prev = c.value;
    c.value = intAdd(prev, delta);
    return prev;
  });
  vm.registerBuiltin("atomic_cas", (args) => {
    const c = cell(args[0], "atomic_cas");
    const expected = asInt(args[1]);
    const next = asInt(args[2]);
    if (expected === undefined || next === undefined || c.value !== expected) return false;
    c.value = next;
    return true;
  });
}
