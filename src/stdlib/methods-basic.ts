// The first built-in methods on lists, strings and dicts (map/filter with
// Harn callbacks, split/join, keys/values). Callbacks go through
// `NativeCall` generators so a callback may suspend (call an LLM, sleep).

import { valuesEqual } from "../vm/compare.ts";
import { display, truthy } from "../vm/display.ts";
import { typeError } from "../vm/errors.ts";
import { dictEntries } from "../vm/iterators.ts";
import { CallRequest, type Dict, NativeCall, type Value } from "../vm/values.ts";
import type { Vm } from "../vm/vm.ts";

function* mapGen(items: readonly Value[], f: Value): Generator<CallRequest, Value, Value> {
  const out: Value[] = [];
  for (const x of items) out.push(yield new CallRequest(f, [x]));
  return out;
}

function* filterGen(items: readonly Value[], f: Value): Generator<CallRequest, Value, Value> {
  const out: Value[] = [];
  for (const x of items) if (truthy(yield new CallRequest(f, [x]))) out.push(x);
  return out;
}

function* reduceGen(items: readonly Value[], init: Value, f: Value): Generator<CallRequest, Value, Value> {
  let acc = init;
  for (const x of items) acc = yield new CallRequest(f, [acc, x]);
  return acc;
}

function str(v: Value | undefined, what: string): string {
  if (typeof v !== "string") throw typeError(`${what} must be a string`);
  return v;
}

export function registerBasicMethods(vm: Vm): void {
  const m = vm.registerMethod.bind(vm);
  m("list", "map", (l, [f]) => new NativeCall(mapGen(l as Value[], f ?? null)));
  m("list", "filter", (l, [f]) => new NativeCall(filterGen(l as Value[], f ?? null)));
  m("list", "reduce", (l, [init, f]) => new NativeCall(reduceGen(l as Value[], init ?? null, f ?? null)));
  m("list", "contains", (l, [x]) => (l as Value[]).some((y) => valuesEqual(x ?? null, y)));
  m("list", "join", (l, [sep]) =>
    (l as Value[]).map(display).join(sep === undefined ? "" : str(sep, "join separator")),
  );
  m("list", "push", (l, [x]) => [...(l as Value[]), x ?? null]);
  m("list", "len", (l) => (l as Value[]).length);
  m("list", "count", (l) => (l as Value[]).length);
  m("string", "split", (s, [sep]) => (s as string).split(str(sep, "split separator")));
  m("string", "upper", (s) => (s as string).toUpperCase());
  m("string", "lower", (s) => (s as string).toLowerCase());
  m("string", "trim", (s) => (s as string).trim());
  m("string", "contains", (s, [x]) => (s as string).includes(str(x, "contains argument")));
  m("dict", "keys", (d) => [...(d as Dict).keys()]);
  m("dict", "values", (d) => (d as Dict).keys().map((k) => (d as Dict).map.get(k)!));
  m("dict", "entries", (d) => dictEntries(d as Dict));
  m("dict", "get", (d, [k, dflt]) => {
    const v = (d as Dict).map.get(typeof k === "string" ? k : display(k ?? null));
    return v === undefined ? (dflt ?? null) : v;
  });
}
