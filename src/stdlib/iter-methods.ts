// Methods of `iter` values: lazy combinators that wrap the receiver in a new
// stage, and sinks that drain it inside a `NativeCall` (spec: "Iterator
// protocol" > "Combinators", "Sinks"). Also the `iter()` and `pair()`
// builtins. Ranges reuse these methods: any range method that is not one of
// its own O(1) methods lifts the range into an iter first.

import { compareValues, valuesEqual } from "../vm/compare.ts";
import { truthy } from "../vm/display.ts";
import { typeError } from "../vm/errors.ts";
import { intAdd } from "../vm/numbers.ts";
import {
  type BuiltinContext,
  type BuiltinResult,
  CallRequest,
  Dict,
  HFloat,
  HSet,
  type IterValue,
  NativeCall,
  PairValue,
  type Value,
} from "../vm/values.ts";
import type { Vm } from "../vm/vm.ts";
import { callableArg, typeOf } from "./args.ts";
import { drain, iterFromValue, nextOf, type Stage, wrap } from "./iter.ts";
import {
  ChainStage,
  ChunksStage,
  EnumerateStage,
  FilterStage,
  FlatMapStage,
  MapStage,
  SkipStage,
  SkipWhileStage,
  TakeStage,
  TakeWhileStage,
  WindowsStage,
  ZipStage,
} from "./iter-stages.ts";

type IterMethod = (it: IterValue, args: Value[], ctx: BuiltinContext) => BuiltinResult;
type Gen = Generator<CallRequest, Value, Value>;

function callback(args: Value[], method: string): Value {
  const f = callableArg(args, 0);
  if (f === undefined) throw typeError(`iter.${method}: expected callable`);
  return f;
}

function count(args: Value[], method: string, min: number, message: string): number {
  const n = args[0];
  if (typeof n === "number" && n >= min) return n;
  if (typeof n === "bigint" && n > 0n) return Number.MAX_SAFE_INTEGER;
  throw typeError(`iter.${method}: ${message}`);
}

function other(args: Value[], method: string): IterValue {
  if (args.length === 0) throw typeError(`iter.${method}: expected iterable argument`);
  return iterFromValue(args[0]!);
}

function lazy(make: (it: IterValue, args: Value[]) => Stage): IterMethod {
  return (it, args) => wrap(make(it, args));
}

function sink(run: (it: IterValue, args: Value[]) => Gen): IterMethod {
  return (it, args) => new NativeCall(run(it, args));
}

function* sumGen(it: IterValue): Gen {
  let intAcc: Value = 0;
  let floatAcc = 0;
  let hasFloat = false;
  for (const v of yield* drain(it)) {
    if (typeof v === "number" || typeof v === "bigint") {
      intAcc = intAdd(intAcc as number, v);
      floatAcc += Number(v);
    } else if (v instanceof HFloat) {
      hasFloat = true;
      floatAcc += v.v;
    } else throw typeError(`iter.sum: expected number, got ${typeOf(v)}`);
  }
  return hasFloat ? new HFloat(floatAcc) : intAcc;
}

function* extremeGen(it: IterValue, sign: number): Gen {
  let best: Value | undefined;
  for (const v of yield* drain(it)) if (best === undefined || compareValues(v, best) * sign > 0) best = v;
  return best ?? null;
}

function* toDictGen(it: IterValue): Gen {
  const map = new Map<string, Value>();
  for (const v of yield* drain(it)) {
    if (!(v instanceof PairValue)) throw typeError(`iter.to_dict: expected pair, got ${typeOf(v)}`);
    if (typeof v.first !== "string")
      throw typeError(`iter.to_dict: expected string key, got ${typeOf(v.first)}`);
    map.set(v.first, v.second);
  }
  return new Dict(map);
}

function* countGen(it: IterValue): Gen {
  let n = 0;
  while ((yield* nextOf(it)) !== undefined) n++;
  return n;
}

function* reduceGen(it: IterValue, args: Value[]): Gen {
  if (args.length < 2) throw typeError("iter.reduce: expected (init, fn)");
  const f = callableArg(args, 1);
  if (f === undefined) throw typeError("iter.reduce: second arg must be callable");
  let acc: Value = args[0]!;
  for (;;) {
    const v = yield* nextOf(it);
    if (v === undefined) return acc;
    acc = yield new CallRequest(f, [acc, v]);
  }
}

function* lastGen(it: IterValue): Gen {
  let last: Value = null;
  for (;;) {
    const v = yield* nextOf(it);
    if (v === undefined) return last;
    last = v;
  }
}

/** any / all / find share one short-circuiting loop. */
function* searchGen(it: IterValue, p: Value, want: boolean, kind: "bool" | "item"): Gen {
  for (;;) {
    const v = yield* nextOf(it);
    if (v === undefined) return kind === "item" ? null : !want;
    if (truthy(yield new CallRequest(p, [v])) === want) return kind === "item" ? v : want;
  }
}

function* forEachGen(it: IterValue, f: Value): Gen {
  for (;;) {
    const v = yield* nextOf(it);
    if (v === undefined) return null;
    yield new CallRequest(f, [v]);
  }
}

function* toSetGen(it: IterValue): Gen {
  const out: Value[] = [];
  for (const v of yield* drain(it)) if (!out.some((x) => valuesEqual(x, v))) out.push(v);
  return new HSet(out);
}

/** Every method of `iter` values, by name. */
export const ITER_METHODS: Record<string, IterMethod> = {
  iter: (it) => it,
  map: lazy((it, a) => new MapStage(it, callback(a, "map"))),
  filter: lazy((it, a) => new FilterStage(it, callback(a, "filter"))),
  flat_map: lazy((it, a) => new FlatMapStage(it, callback(a, "flat_map"))),
  take: lazy((it, a) => new TakeStage(it, count(a, "take", 0, "expected non-negative int"))),
  skip: lazy((it, a) => new SkipStage(it, count(a, "skip", 0, "expected non-negative int"))),
  take_while: lazy((it, a) => new TakeWhileStage(it, callback(a, "take_while"))),
  skip_while: lazy((it, a) => new SkipWhileStage(it, callback(a, "skip_while"))),
  zip: lazy((it, a) => new ZipStage(it, other(a, "zip"))),
  enumerate: lazy((it) => new EnumerateStage(it)),
  chain: lazy((it, a) => new ChainStage(it, other(a, "chain"))),
  chunks: lazy((it, a) => new ChunksStage(it, count(a, "chunks", 1, "chunk size must be positive"))),
  windows: lazy((it, a) => new WindowsStage(it, count(a, "windows", 1, "window size must be positive"))),
  to_list: sink((it) => drain(it)),
  to_set: sink(toSetGen),
  to_dict: sink(toDictGen),
  count: sink(countGen),
  sum: sink(sumGen),
  min: sink((it) => extremeGen(it, -1)),
  max: sink((it) => extremeGen(it, 1)),
  reduce: sink(reduceGen),
  first: sink(function* (it) {
    return (yield* nextOf(it)) ?? null;
  }),
  last: sink(lastGen),
  any: (it, a) => new NativeCall(searchGen(it, callback(a, "any"), true, "bool")),
  all: (it, a) => new NativeCall(searchGen(it, callback(a, "all"), false, "bool")),
  find: (it, a) => new NativeCall(searchGen(it, callback(a, "find"), true, "item")),
  for_each: (it, a) => new NativeCall(forEachGen(it, callback(a, "for_each"))),
};

export function registerIterMethods(vm: Vm): void {
  for (const [name, fn] of Object.entries(ITER_METHODS)) {
    vm.registerMethod("iter", name, (recv, args, ctx) => fn(recv as IterValue, args, ctx));
    // A range lifts itself into an iter for every method it does not define.
    vm.registerMethod("range", name, (recv, args, ctx) => fn(iterFromValue(recv), args, ctx));
  }
  // `x.iter()` on any iterable source.
  for (const type of ["list", "set", "dict", "string", "generator", "stream"]) {
    vm.registerMethod(type, "iter", (recv) => iterFromValue(recv));
  }

  vm.registerBuiltin("iter", (args) => {
    if (args.length === 0) throw typeError("iter: expected 1 argument");
    return iterFromValue(args[0]!);
  });
  vm.registerBuiltin("pair", (args) => {
    if (args.length !== 2) throw typeError(`pair: expected 2 arguments, got ${args.length}`);
    return new PairValue(args[0]!, args[1]!);
  });
}
