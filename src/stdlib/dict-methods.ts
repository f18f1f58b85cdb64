// Methods of dicts (spec: "Built-in methods" > "Dict methods") and the
// free functions `keys`, `values`, `entries`. Keys are strings, listed in
// byte order; a non-string key argument is converted with `display()` like
// the reference does. Dicts are values: every method returns a new dict.
// A dict acting as a namespace (`_namespace: "stream"`) dispatches method
// calls to its callable members first, so `stream.filter(...)` is not the
// dict's own `filter`.

import { display, truthy } from "../vm/display.ts";
import { dictEntries } from "../vm/iterators.ts";
import { type BuiltinResult, CallRequest, Dict, NativeCall, type Value } from "../vm/values.ts";
import type { Vm } from "../vm/vm.ts";
import { callableArg, isCallable, textArg } from "./args.ts";

type Gen = Generator<CallRequest, Value, Value>;
type DictMethod = (d: Dict, args: Value[]) => BuiltinResult;

function values(d: Dict): Value[] {
  return d.keys().map((k) => d.map.get(k)!);
}

function* mapValuesGen(d: Dict, f: Value): Gen {
  const out = new Map<string, Value>();
  for (const k of d.keys()) out.set(k, yield new CallRequest(f, [d.map.get(k)!]));
  return new Dict(out);
}

function* rekeyGen(d: Dict, f: Value): Gen {
  const out = new Map<string, Value>();
  for (const k of d.keys()) out.set(display(yield new CallRequest(f, [k])), d.map.get(k)!);
  return new Dict(out);
}

function* filterGen(d: Dict, f: Value): Gen {
  const out = new Map<string, Value>();
  for (const k of d.keys()) {
    const v = d.map.get(k)!;
    if (truthy(yield new CallRequest(f, [v]))) out.set(k, v);
  }
  return new Dict(out);
}

function withCallback(run: (d: Dict, f: Value) => Gen): DictMethod {
  return (d, args) => {
    const f = callableArg(args, 0);
    return f === undefined ? null : new NativeCall(run(d, f));
  };
}

const rekey = withCallback(rekeyGen);

export const DICT_METHODS: Record<string, DictMethod> = {
  keys: (d) => [...d.keys()],
  values: (d) => values(d),
  entries: (d) => dictEntries(d),
  count: (d) => d.map.size,
  has: (d, args) => d.map.has(textArg(args, 0)),
  merge: (d, args) => {
    const o = args[0];
    if (!(o instanceof Dict)) return d;
    const m = new Map(d.map);
    for (const [k, v] of o.map) m.set(k, v);
    return new Dict(m);
  },
  map_values: withCallback(mapValuesGen),
  rekey,
  map_keys: rekey,
  filter: withCallback(filterGen),
  remove: (d, args) => {
    const m = new Map(d.map);
    m.delete(textArg(args, 0));
    return new Dict(m);
  },
  get: (d, args) => {
    const v = d.map.get(textArg(args, 0));
    return v === undefined ? (args[1] ?? null) : v;
  },
};

/** A namespace dict's callable member, if `name` is one. */
function namespaceMember(d: Dict, name: string): Value | undefined {
  if (d.map.get("_namespace") !== "stream") return undefined;
  const member = d.map.get(name);
  return isCallable(member) ? member : undefined;
}

export function registerDictMethods(vm: Vm): void {
  for (const [name, fn] of Object.entries(DICT_METHODS)) {
    vm.registerMethod("dict", name, (recv, args) => {
      const d = recv as Dict;
      const member = namespaceMember(d, name);
      return member === undefined ? fn(d, args) : new CallRequest(member, args);
    });
  }
  const asDict = (args: Value[]): Dict | undefined => (args[0] instanceof Dict ? args[0] : undefined);
  vm.registerBuiltin("keys", (args) => {
    const d = asDict(args);
    return d ? [...d.keys()] : [];
  });
  vm.registerBuiltin("values", (args) => {
    const d = asDict(args);
    return d ? values(d) : [];
  });
  vm.registerBuiltin("entries", (args) => {
    const d = asDict(args);
    return d ? dictEntries(d) : [];
  });
}
