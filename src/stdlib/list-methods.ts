// Methods of lists (spec: "Built-in methods" > "List methods", plus the
// reference's Ruby-style extras). Lists are values: every method returns a
// new list and never mutates its receiver. Methods that take a callback
// run inside a `NativeCall`; like the reference, a missing or non-callable
// callback makes them return nil (or the neutral answer for predicates).

import { compareValues, valuesEqual } from "../vm/compare.ts";
import { display, truthy } from "../vm/display.ts";
import { intAdd } from "../vm/numbers.ts";
import { type BuiltinResult, CallRequest, Dict, HFloat, NativeCall, type Value } from "../vm/values.ts";
import type { Vm } from "../vm/vm.ts";
import { callableArg, dedupe, intArg, textArg } from "./args.ts";

type Gen = Generator<CallRequest, Value, Value>;
type ListMethod = (items: readonly Value[], args: Value[]) => BuiltinResult;

/** Wraps a callback-driven method: nil when the first argument is not callable. */
function withCallback(
  run: (items: readonly Value[], f: Value, args: Value[]) => Gen,
  otherwise: Value = null,
): ListMethod {
  return (items, args) => {
    const f = callableArg(args, 0);
    return f === undefined ? otherwise : new NativeCall(run(items, f, args));
  };
}

function* mapGen(items: readonly Value[], f: Value): Gen {
  const out: Value[] = [];
  for (const x of items) out.push(yield new CallRequest(f, [x]));
  return out;
}

function* filterGen(items: readonly Value[], f: Value): Gen {
  const out: Value[] = [];
  for (const x of items) if (truthy(yield new CallRequest(f, [x]))) out.push(x);
  return out;
}

function* flatMapGen(items: readonly Value[], f: Value): Gen {
  const out: Value[] = [];
  for (const x of items) {
    const r = yield new CallRequest(f, [x]);
    if (Array.isArray(r)) out.push(...r);
    else out.push(r);
  }
  return out;
}

/** First index whose callback result has truthiness `want`, or -1. */
function* searchGen(items: readonly Value[], f: Value, want: boolean): Generator<CallRequest, number, Value> {
  for (let i = 0; i < items.length; i++) {
    if (truthy(yield new CallRequest(f, [items[i]!])) === want) return i;
  }
  return -1;
}

function* keyedGen(items: readonly Value[], f: Value): Generator<CallRequest, Value[], Value> {
  const keys: Value[] = [];
  for (const x of items) keys.push(yield new CallRequest(f, [x]));
  return keys;
}

function* sortByGen(items: readonly Value[], f: Value): Gen {
  const keys = yield* keyedGen(items, f);
  const order = items.map((_, i) => i);
  order.sort((a, b) => compareValues(keys[a]!, keys[b]!));
  return order.map((i) => items[i]!);
}

/** min_by / max_by: the first item whose key beats every later one. */
function* extremeByGen(items: readonly Value[], f: Value, sign: number): Gen {
  const keys = yield* keyedGen(items, f);
  let best = 0;
  for (let i = 1; i < items.length; i++) if (compareValues(keys[i]!, keys[best]!) * sign > 0) best = i;
  return items[best]!;
}

function* partitionGen(items: readonly Value[], f: Value): Gen {
  const yes: Value[] = [];
  const no: Value[] = [];
  for (const x of items) (truthy(yield new CallRequest(f, [x])) ? yes : no).push(x);
  return [yes, no];
}

export function* groupByGen(items: readonly Value[], f: Value): Gen {
  const groups = new Map<string, Value[]>();
  for (const x of items) {
    const key = display(yield new CallRequest(f, [x]));
    const g = groups.get(key);
    if (g) g.push(x);
    else groups.set(key, [x]);
  }
  return new Dict(new Map(groups));
}

function* reduceGen(items: readonly Value[], init: Value, f: Value): Gen {
  let acc = init;
  for (const x of items) acc = yield new CallRequest(f, [acc, x]);
  return acc;
}

export function sumValues(items: readonly Value[]): Value {
  let intSum: Value = 0;
  let floatSum = 0;
  let hasFloat = false;
  for (const v of items) {
    if (typeof v === "number" || typeof v === "bigint") {
      intSum = intAdd(intSum as number, v);
      floatSum += Number(v);
    } else if (v instanceof HFloat) {
      hasFloat = true;
      floatSum += v.v;
    }
  }
  return hasFloat ? new HFloat(floatSum) : intSum;
}

export function extreme(items: readonly Value[], sign: number): Value {
  if (items.length === 0) return null;
  let best = items[0]!;
  for (let i = 1; i < items.length; i++) if (compareValues(items[i]!, best) * sign > 0) best = items[i]!;
  return best;
}

/** Slice bound like the reference: negative counts from the end, clamped to [0, len]. */
function bound(raw: number, len: number): number {
  return raw < 0 ? Math.max(len + raw, 0) : Math.min(raw, len);
}

export function chunks(items: readonly Value[], size: number): Value[] {
  const out: Value[] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function windows(items: readonly Value[], size: number, step: number): Value[] {
  const out: Value[] = [];
  for (let start = 0; start + size <= items.length; start += step) out.push(items.slice(start, start + size));
  return out;
}

function flatten(items: readonly Value[]): Value[] {
  const out: Value[] = [];
  for (const x of items) {
    if (Array.isArray(x)) out.push(...x);
    else out.push(x);
  }
  return out;
}

function tally(items: readonly Value[]): Dict {
  const counts = new Map<string, Value>();
  for (const x of items) {
    const k = display(x);
    counts.set(k, ((counts.get(k) as number | undefined) ?? 0) + 1);
  }
  return new Dict(counts);
}

const all: ListMethod = withCallback(function* (items, f) {
  return (yield* searchGen(items, f, false)) < 0;
}, true);

const none: ListMethod = (items, args) => {
  const f = callableArg(args, 0);
  if (f === undefined) return items.length === 0;
  return new NativeCall(
    (function* () {
      return (yield* searchGen(items, f, true)) < 0;
    })(),
  );
};

const windowMethod: ListMethod = (items, args) =>
  windows(items, Math.max(intArg(args, 0) ?? 2, 1), Math.max(intArg(args, 1) ?? 1, 1));

const chunkMethod: ListMethod = (items, args) => chunks(items, Math.max(intArg(args, 0) ?? 1, 1));

export const LIST_METHODS: Record<string, ListMethod> = {
  count: (items) => items.length,
  len: (items) => items.length,
  empty: (items) => items.length === 0,
  map: withCallback(mapGen),
  filter: withCallback(filterGen),
  reduce: (items, args) => {
    const f = callableArg(args, 1);
    return f === undefined ? null : new NativeCall(reduceGen(items, args[0]!, f));
  },
  find: withCallback(function* (items, f) {
    const i = yield* searchGen(items, f, true);
    return i < 0 ? null : items[i]!;
  }),
  find_index: withCallback(function* (items, f) {
    return yield* searchGen(items, f, true);
  }, -1),
  any: withCallback(function* (items, f) {
    return (yield* searchGen(items, f, true)) >= 0;
  }, false),
  all,
  every: all,
  "all?": all,
  none,
  "none?": none,
  flat_map: withCallback(flatMapGen),
  sort: (items) => items.slice().sort(compareValues),
  sort_by: withCallback(sortByGen),
  reverse: (items) => items.slice().reverse(),
  join: (items, args) => items.map(display).join(textArg(args, 0)),
  contains: (items, args) => items.some((v) => valuesEqual(v, args[0] ?? null)),
  index_of: (items, args) => items.findIndex((v) => valuesEqual(v, args[0] ?? null)),
  enumerate: (items) => items.map((value, index) => Dict.of({ index, value })),
  zip: (items, args) => {
    const o = args[0];
    if (!Array.isArray(o)) return [];
    const n = Math.min(items.length, o.length);
    return items.slice(0, n).map((a, i) => [a, o[i]!]);
  },
  slice: (items, args) => {
    const len = items.length;
    const start = bound(intArg(args, 0) ?? 0, len);
    const end = args.length > 1 ? bound(intArg(args, 1) ?? len, len) : len;
    return items.slice(start, Math.max(start, end));
  },
  unique: (items) => dedupe(items),
  take: (items, args) => items.slice(0, Math.max(intArg(args, 0) ?? 0, 0)),
  skip: (items, args) => items.slice(Math.max(intArg(args, 0) ?? 0, 0)),
  sum: (items) => sumValues(items),
  min: (items) => extreme(items, -1),
  max: (items) => extreme(items, 1),
  flatten: (items) => flatten(items),
  push: (items, args) => (args.length > 0 ? [...items, args[0]!] : items.slice()),
  pop: (items) => items.slice(0, -1),
  first: (items, args) => {
    const n = intArg(args, 0);
    return n === undefined ? (items[0] ?? null) : items.slice(0, Math.max(n, 0));
  },
  last: (items, args) => {
    const n = intArg(args, 0);
    if (n === undefined) return items.length > 0 ? items[items.length - 1]! : null;
    return items.slice(Math.max(items.length - Math.max(n, 0), 0));
  },
  partition: withCallback(partitionGen),
  group_by: withCallback(groupByGen),
  chunk: chunkMethod,
  each_slice: chunkMethod,
  min_by: (items, args) => {
    const f = callableArg(args, 0);
    return items.length === 0 || f === undefined ? null : new NativeCall(extremeByGen(items, f, -1));
  },
  max_by: (items, args) => {
    const f = callableArg(args, 0);
    return items.length === 0 || f === undefined ? null : new NativeCall(extremeByGen(items, f, 1));
  },
  compact: (items) => items.filter((v) => v !== null),
  window: windowMethod,
  each_cons: windowMethod,
  sliding_window: windowMethod,
  tally: (items) => tally(items),
};

export function registerListMethods(vm: Vm): void {
  for (const [name, fn] of Object.entries(LIST_METHODS)) {
    vm.registerMethod("list", name, (recv, args) => fn(recv as Value[], args));
  }
}
