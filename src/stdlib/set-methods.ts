// Sets (spec: "Set builtins"): the `set()` constructor, the `set_*` free
// functions and the methods of set values. Sets keep insertion order and
// deduplicate by structural equality; every operation returns a new set.
// The methods use Harn equality (`1 == 1.0`) while the free functions use
// the structural hash key (`1` and `1.0` differ), as in the reference.

import { valuesEqual } from "../vm/compare.ts";
import { truthy } from "../vm/display.ts";
import { thrown } from "../vm/errors.ts";
import { type BuiltinResult, CallRequest, HSet, NativeCall, type Value } from "../vm/values.ts";
import type { Vm } from "../vm/vm.ts";
import { callableArg, dedupe, hashKey } from "./args.ts";

type Gen = Generator<CallRequest, Value, Value>;
type SetMethod = (items: readonly Value[], args: Value[]) => BuiltinResult;

function has(items: readonly Value[], v: Value): boolean {
  return items.some((x) => valuesEqual(x, v));
}

/** Applies `op` when the argument is a set, else returns `otherwise`. */
function withSet(
  op: (items: readonly Value[], other: readonly Value[]) => Value,
  otherwise: SetMethod,
): SetMethod {
  return (items, args) => {
    const o = args[0];
    return o instanceof HSet ? op(items, o.items) : otherwise(items, args);
  };
}

const same: SetMethod = (items) => new HSet(items.slice());

function* mapGen(items: readonly Value[], f: Value): Gen {
  const out: Value[] = [];
  for (const x of items) {
    const v = yield new CallRequest(f, [x]);
    if (!has(out, v)) out.push(v);
  }
  return new HSet(out);
}

function* filterGen(items: readonly Value[], f: Value): Gen {
  const out: Value[] = [];
  for (const x of items) if (truthy(yield new CallRequest(f, [x]))) out.push(x);
  return new HSet(out);
}

function* predicateGen(items: readonly Value[], f: Value, want: boolean): Gen {
  for (const x of items) if (truthy(yield new CallRequest(f, [x])) === want) return want;
  return !want;
}

function withCallback(run: (items: readonly Value[], f: Value) => Gen, otherwise: Value = null): SetMethod {
  return (items, args) => {
    const f = callableArg(args, 0);
    return f === undefined ? otherwise : new NativeCall(run(items, f));
  };
}

const remove: SetMethod = (items, args) => new HSet(items.filter((x) => !valuesEqual(x, args[0] ?? null)));
const intersect = withSet(
  (a, b) => new HSet(a.filter((x) => has(b, x))),
  () => new HSet([]),
);
const all = withCallback((items, f) => predicateGen(items, f, false), true);

export const SET_METHODS: Record<string, SetMethod> = {
  count: (items) => items.length,
  len: (items) => items.length,
  empty: (items) => items.length === 0,
  contains: (items, args) => has(items, args[0] ?? null),
  add: (items, args) => {
    const v = args[0] ?? null;
    return new HSet(has(items, v) ? items.slice() : [...items, v]);
  },
  remove,
  delete: remove,
  union: withSet((a, b) => {
    const out = a.slice();
    for (const v of b) if (!has(out, v)) out.push(v);
    return new HSet(out);
  }, same),
  intersect,
  intersection: intersect,
  difference: withSet((a, b) => new HSet(a.filter((x) => !has(b, x))), same),
  symmetric_difference: withSet(
    (a, b) => new HSet([...a.filter((x) => !has(b, x)), ...b.filter((x) => !has(a, x))]),
    same,
  ),
  is_subset: withSet(
    (a, b) => a.every((x) => has(b, x)),
    () => false,
  ),
  is_superset: withSet(
    (a, b) => b.every((x) => has(a, x)),
    () => false,
  ),
  is_disjoint: withSet(
    (a, b) => !a.some((x) => has(b, x)),
    () => true,
  ),
  to_list: (items) => items.slice(),
  map: withCallback(mapGen),
  filter: withCallback(filterGen),
  any: withCallback((items, f) => predicateGen(items, f, true), false),
  all,
  every: all,
};

function keys(items: readonly Value[]): Set<string> {
  return new Set(items.map(hashKey));
}

function setArg(args: Value[], i: number): HSet | undefined {
  const v = args[i];
  return v instanceof HSet ? v : undefined;
}

/** Both arguments must be sets, else the reference throws `<name>: arguments must be sets`. */
function binary(vm: Vm, name: string, op: (a: readonly Value[], b: readonly Value[]) => Value[]): void {
  vm.registerBuiltin(name, (args) => {
    const a = setArg(args, 0);
    const b = setArg(args, 1);
    if (a === undefined || b === undefined) throw thrown(`${name}: arguments must be sets`);
    return new HSet(op(a.items, b.items));
  });
}

/** Predicates answer `otherwise` when either argument is not a set. */
function predicate(
  vm: Vm,
  name: string,
  otherwise: boolean,
  op: (a: readonly Value[], b: readonly Value[]) => boolean,
): void {
  vm.registerBuiltin(name, (args) => {
    const a = setArg(args, 0);
    const b = setArg(args, 1);
    return a === undefined || b === undefined ? otherwise : op(a.items, b.items);
  });
}

function registerSetBuiltins(vm: Vm): void {
  vm.registerBuiltin("set", (args) => {
    const flat: Value[] = [];
    for (const a of args) {
      if (Array.isArray(a)) flat.push(...a);
      else if (a instanceof HSet) flat.push(...a.items);
      else flat.push(a);
    }
    return new HSet(dedupe(flat));
  });
  vm.registerBuiltin("set_add", (args) => {
    const s = setArg(args, 0);
    if (s === undefined) throw thrown("set_add: first argument must be a set");
    const v = args[1] ?? null;
    return new HSet(keys(s.items).has(hashKey(v)) ? s.items.slice() : [...s.items, v]);
  });
  vm.registerBuiltin("set_remove", (args) => {
    const s = setArg(args, 0);
    if (s === undefined) throw thrown("set_remove: first argument must be a set");
    const k = hashKey(args[1] ?? null);
    return new HSet(s.items.filter((x) => hashKey(x) !== k));
  });
  vm.registerBuiltin("set_contains", (args) => {
    const s = setArg(args, 0);
    return s !== undefined && keys(s.items).has(hashKey(args[1] ?? null));
  });
  binary(vm, "set_union", (a, b) => [...a, ...dedupe(b, keys(a))]);
  binary(vm, "set_intersect", (a, b) => {
    const kb = keys(b);
    return a.filter((x) => kb.has(hashKey(x)));
  });
  binary(vm, "set_difference", (a, b) => {
    const kb = keys(b);
    return a.filter((x) => !kb.has(hashKey(x)));
  });
  binary(vm, "set_symmetric_difference", (a, b) => {
    const ka = keys(a);
    const kb = keys(b);
    return [...a.filter((x) => !kb.has(hashKey(x))), ...b.filter((x) => !ka.has(hashKey(x)))];
  });
  predicate(vm, "set_is_subset", false, (a, b) => {
    const kb = keys(b);
    return a.every((x) => kb.has(hashKey(x)));
  });
  predicate(vm, "set_is_superset", false, (a, b) => {
    const ka = keys(a);
    return b.every((x) => ka.has(hashKey(x)));
  });
  predicate(vm, "set_is_disjoint", true, (a, b) => {
    const kb = keys(b);
    return !a.some((x) => kb.has(hashKey(x)));
  });
}

export function registerSets(vm: Vm): void {
  for (const [name, fn] of Object.entries(SET_METHODS)) {
    vm.registerMethod("set", name, (recv, args) => fn((recv as HSet).items, args));
  }
  registerSetBuiltins(vm);
}
