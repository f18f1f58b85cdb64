// Free-function collection builtins (`chunk`, `window`, `group_by`,
// `partition`, `dedup_by`, `flat_map`). Unlike the list methods, these
// validate their arguments and fail with the reference's messages.

import { truthy } from "../vm/display.ts";
import { runtimeError, typeError } from "../vm/errors.ts";
import { CallRequest, Dict, NativeCall, type Value } from "../vm/values.ts";
import type { Vm } from "../vm/vm.ts";
import { hashKey, intArg, isCallable, typeOf } from "./args.ts";
import { chunks, groupByGen, windows } from "./list-methods.ts";

type Gen = Generator<CallRequest, Value, Value>;

function listArg(args: Value[], name: string): readonly Value[] {
  const v = args[0];
  if (Array.isArray(v)) return v;
  if (v === undefined) throw runtimeError(`${name}: first argument must be a list`);
  throw typeError(`${name}: first argument must be a list, got ${typeOf(v)}`);
}

function callbackArg(args: Value[], name: string): Value {
  const f = args[1];
  if (f === undefined) throw runtimeError(`${name}: callback is required`);
  if (!isCallable(f)) throw typeError(`${name}: callback must be callable, got ${typeOf(f)}`);
  return f;
}

/** A validated `(list, callback)` builtin driven as a NativeCall. */
function withCallback(vm: Vm, name: string, run: (items: readonly Value[], f: Value) => Gen): void {
  vm.registerBuiltin(name, (args) => {
    const items = listArg(args, name);
    return new NativeCall(run(items, callbackArg(args, name)));
  });
}

function* partitionGen(items: readonly Value[], f: Value): Gen {
  const matched: Value[] = [];
  const rest: Value[] = [];
  for (const x of items) (truthy(yield new CallRequest(f, [x])) ? matched : rest).push(x);
  return Dict.of({ match: matched, no_match: rest });
}

function* dedupByGen(items: readonly Value[], f: Value): Gen {
  const seen = new Set<string>();
  const out: Value[] = [];
  for (const x of items) {
    const k = hashKey(yield new CallRequest(f, [x]));
    if (!seen.has(k)) {
      seen.add(k);
      out.push(x);
    }
  }
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

export function registerCollections(vm: Vm): void {
  vm.registerBuiltin("chunk", (args) => chunks(listArg(args, "chunk"), Math.max(intArg(args, 1) ?? 1, 1)));
  vm.registerBuiltin("window", (args) =>
    windows(listArg(args, "window"), Math.max(intArg(args, 1) ?? 2, 1), Math.max(intArg(args, 2) ?? 1, 1)),
  );
  withCallback(vm, "group_by", groupByGen);
  withCallback(vm, "partition", partitionGen);
  withCallback(vm, "dedup_by", dedupByGen);
  withCallback(vm, "flat_map", flatMapGen);
}
