// The `stream` namespace: `stream.map(xs, f)`, `stream.merge(a, b)`,
// `stream.collect(s)`, ... Each operator lifts its sources with `iter()` and
// returns a lazy iter (or, for collect/fold/first, drains one). `stream` is
// a global dict tagged `_namespace: "stream"` whose members are the
// `stream.<op>` builtins, so `stream.filter(...)` calls the operator rather
// than the dict method of the same name.

import { typeError, runtimeError } from "../vm/errors.ts";
import {
  BuiltinRef,
  CallRequest,
  Dict,
  HFloat,
  type IterValue,
  NativeCall,
  type Value,
} from "../vm/values.ts";
import type { Vm } from "../vm/vm.ts";
import { isCallable, typeOf } from "./args.ts";
import { iterFromValue, nextOf, wrap } from "./iter.ts";
import {
  FilterStage,
  InterleaveStage,
  MapStage,
  ScanStage,
  TakeStage,
  TakeUntilStage,
  TapStage,
  ZipStage,
} from "./iter-stages.ts";
import {
  BroadcastStage,
  BroadcastState,
  DebounceStage,
  MergeStage,
  RaceStage,
  ThrottleStage,
} from "./stream-stages.ts";

type Gen = Generator<CallRequest, Value, Value>;

function arg(args: Value[], i: number, name: string): Value {
  const v = args[i];
  if (v === undefined) throw typeError(`${name}: missing argument ${i + 1}`);
  return v;
}

function callable(args: Value[], i: number, name: string): Value {
  const f = arg(args, i, name);
  if (!isCallable(f)) throw typeError(`${name}: argument ${i + 1} must be callable, got ${typeOf(f)}`);
  return f;
}

/** An int argument of at least `min` (0: non-negative, 1: positive). */
function count(args: Value[], i: number, name: string, min: 0 | 1): number {
  const v = arg(args, i, name);
  if (typeof v === "number" && v >= min) return v;
  if (typeof v === "bigint" && v > 0n) return Number.MAX_SAFE_INTEGER;
  const what = min === 0 ? "a non-negative int" : "a positive int";
  throw typeError(`${name}: argument ${i + 1} must be ${what}, got ${typeOf(v)}`);
}

function positiveNumber(args: Value[], i: number, name: string): number {
  const v = arg(args, i, name);
  let n: number;
  if (typeof v === "number" || typeof v === "bigint") n = Number(v);
  else if (v instanceof HFloat) n = v.v;
  else throw typeError(`${name}: argument ${i + 1} must be a positive number, got ${typeOf(v)}`);
  if (!(n > 0) || !Number.isFinite(n))
    throw typeError(`${name}: argument ${i + 1} must be a positive finite number`);
  return n;
}

const DEFAULT_COLLECT_MAX = 10_000;

function collectMax(args: Value[]): number {
  const v = args[1];
  if (v === undefined || v === null) return DEFAULT_COLLECT_MAX;
  if (typeof v === "number" && v >= 0) return v;
  if (v instanceof Dict) {
    const max = v.map.get("max");
    if (max === undefined) return DEFAULT_COLLECT_MAX;
    if (typeof max === "number" && max >= 0) return max;
    throw typeError(`stream.collect: max must be a non-negative int, got ${typeOf(max)}`);
  }
  throw typeError(`stream.collect: second argument must be max int or options dict, got ${typeOf(v)}`);
}

function* collectGen(it: IterValue, max: number): Gen {
  const out: Value[] = [];
  for (;;) {
    const v = yield* nextOf(it);
    if (v === undefined) return out;
    if (out.length >= max) throw runtimeError(`stream.collect: max cap ${max} exceeded`);
    out.push(v);
  }
}

function* foldGen(it: IterValue, init: Value, f: Value): Gen {
  let acc = init;
  for (;;) {
    const v = yield* nextOf(it);
    if (v === undefined) return acc;
    acc = yield new CallRequest(f, [acc, v]);
  }
}

function* firstGen(it: IterValue): Gen {
  return (yield* nextOf(it)) ?? null;
}

const OPERATORS: Record<string, (args: Value[]) => Value | NativeCall> = {
  map: (a) => wrap(new MapStage(iterFromValue(arg(a, 0, "stream.map")), callable(a, 1, "stream.map"))),
  filter: (a) =>
    wrap(new FilterStage(iterFromValue(arg(a, 0, "stream.filter")), callable(a, 1, "stream.filter"))),
  tap: (a) => wrap(new TapStage(iterFromValue(arg(a, 0, "stream.tap")), callable(a, 1, "stream.tap"))),
  scan: (a) => {
    const inner = iterFromValue(arg(a, 0, "stream.scan"));
    return wrap(new ScanStage(inner, arg(a, 1, "stream.scan"), callable(a, 2, "stream.scan")));
  },
  take: (a) => wrap(new TakeStage(iterFromValue(arg(a, 0, "stream.take")), count(a, 1, "stream.take", 0))),
  take_until: (a) =>
    wrap(
      new TakeUntilStage(iterFromValue(arg(a, 0, "stream.take_until")), callable(a, 1, "stream.take_until")),
    ),
  merge: (a) => {
    if (a.length === 0) throw typeError("stream.merge: expected at least one stream");
    return wrap(new MergeStage(a.map(iterFromValue)));
  },
  interleave: (a) => {
    if (a.length < 2) throw typeError("stream.interleave: expected at least two streams");
    return wrap(new InterleaveStage(a.map(iterFromValue)));
  },
  zip: (a) => {
    if (a.length !== 2) throw typeError(`stream.zip: expected 2 streams, got ${a.length}`);
    return wrap(new ZipStage(iterFromValue(a[0]!), iterFromValue(a[1]!)));
  },
  broadcast: (a) => {
    const shared = new BroadcastState(iterFromValue(arg(a, 0, "stream.broadcast")));
    const n = count(a, 1, "stream.broadcast", 1);
    return Array.from({ length: n }, () => wrap(new BroadcastStage(shared)));
  },
  race: (a) => {
    if (a.length === 0) throw typeError("stream.race: expected at least one stream");
    return wrap(new RaceStage(a.map(iterFromValue)));
  },
  throttle: (a) => {
    const inner = iterFromValue(arg(a, 0, "stream.throttle"));
    const perSecond = positiveNumber(a, 1, "stream.throttle");
    return wrap(new ThrottleStage(inner, Math.max(Math.ceil(1000 / perSecond), 1)));
  },
  debounce: (a) => {
    const inner = iterFromValue(arg(a, 0, "stream.debounce"));
    return wrap(new DebounceStage(inner, count(a, 1, "stream.debounce", 0)));
  },
  collect: (a) => {
    const it = iterFromValue(arg(a, 0, "stream.collect"));
    return new NativeCall(collectGen(it, collectMax(a)));
  },
  fold: (a) => {
    const it = iterFromValue(arg(a, 0, "stream.fold"));
    return new NativeCall(foldGen(it, arg(a, 1, "stream.fold"), callable(a, 2, "stream.fold")));
  },
  first: (a) => new NativeCall(firstGen(iterFromValue(arg(a, 0, "stream.first")))),
};

export function registerStreams(vm: Vm): void {
  const members = new Map<string, Value>([["_namespace", "stream"]]);
  for (const [op, fn] of Object.entries(OPERATORS)) {
    const name = `stream.${op}`;
    vm.registerBuiltin(name, fn);
    members.set(op, new BuiltinRef(name, fn));
  }
  vm.globals.set("stream", new Dict(members));
}
