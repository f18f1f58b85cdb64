// Methods of ranges (spec: "Ranges"). A range is lazy and O(1): its length,
// bounds and membership are computed, never materialised. Every other method
// (`map`, `to_list`, `sum`, ...) lifts the range into an iter first; those
// are registered by iter-methods.ts, and the ones here take precedence.

import { display } from "../vm/display.ts";
import type { RangeValue, Value } from "../vm/values.ts";
import type { Vm } from "../vm/vm.ts";

type RangeMethod = (r: RangeValue, args: Value[]) => Value;

function last(r: RangeValue): Value {
  if (r.length === 0) return null;
  return r.inclusive ? r.end : r.end - 1;
}

const RANGE_METHODS: Record<string, RangeMethod> = {
  len: (r) => r.length,
  count: (r) => r.length,
  empty: (r) => r.length === 0,
  contains: (r, args) => {
    const n = args[0];
    return typeof n === "number" && r.length > 0 && n >= r.start && (r.inclusive ? n <= r.end : n < r.end);
  },
  first: (r) => (r.length === 0 ? null : r.start),
  last,
  to_string: (r) => display(r),
};

export function registerRangeMethods(vm: Vm): void {
  for (const [name, fn] of Object.entries(RANGE_METHODS)) {
    vm.registerMethod("range", name, (recv, args) => fn(recv as RangeValue, args));
  }
}
