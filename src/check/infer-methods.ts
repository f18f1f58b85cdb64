// Result types of method calls on built-in receivers. A lazy `iter<T>`
// keeps its combinators lazy (`map` -> iter, `to_list` -> list<T>); the
// eager list/dict/string methods return their usual types, chosen by
// method name. When the receiver's type is unknown, a method whose result
// depends on the receiver (`map` on a list vs. on an iter) infers as
// unknown rather than guessing.

import { type Inferred, isNamed, named, type Ty } from "./types.ts";

const pair = (k: Ty, v: Ty): Ty => ({ kind: "Applied", name: "Pair", args: [k, v] });
const iterOf = (elem: Ty): Ty => ({ kind: "Iter", elem });
const listOf = (elem: Ty): Ty => ({ kind: "List", elem });

/** Result of a combinator or sink on an `iter<T>` receiver; undefined when not one. */
function iterMethod(method: string, t: Ty): Inferred | undefined {
  switch (method) {
    case "iter":
    case "filter":
    case "take":
    case "skip":
    case "take_while":
    case "skip_while":
    case "chain":
      return iterOf(t);
    case "map":
    case "flat_map":
      return named("iter");
    case "zip":
      return iterOf(pair(t, named("any")));
    case "enumerate":
      return iterOf(pair(named("int"), t));
    case "chunks":
    case "windows":
      return iterOf(listOf(t));
    case "to_list":
      return listOf(t);
    case "to_set":
      return { kind: "Applied", name: "set", args: [t] };
    case "to_dict":
      return named("dict");
    case "count":
      return named("int");
    case "sum":
      return { kind: "Union", types: [named("int"), named("float")] };
    case "min":
    case "max":
    case "first":
    case "last":
    case "find":
      return { kind: "Union", types: [t, named("nil")] };
    case "any":
    case "all":
      return named("bool");
    case "for_each":
      return named("nil");
    case "reduce":
      return null;
    default:
      return undefined;
  }
}

/** `.iter()` on a collection; undefined when the receiver is not one. */
function iterBridge(obj: Ty): Inferred | undefined {
  switch (obj.kind) {
    case "List":
    case "Generator":
    case "Stream":
      return iterOf(obj.elem);
    case "Dict":
      return iterOf(pair(obj.key, obj.value));
    case "Named":
      return ["list", "dict", "set", "string"].includes(obj.name) ? named("iter") : undefined;
    default:
      return undefined;
  }
}

const NAMED_RESULTS: ReadonlyMap<string, string> = new Map([
  ...["contains", "starts_with", "ends_with", "empty", "has", "any", "all"].map((m) => [m, "bool"] as const),
  ...["count", "index_of"].map((m) => [m, "int"] as const),
  ...[
    "trim",
    "lowercase",
    "uppercase",
    "reverse",
    "replace",
    "substring",
    "pad_left",
    "pad_right",
    "repeat",
    "join",
  ].map((m) => [m, "string"] as const),
  ...["split", "chars", "map", "flat_map", "sort", "keys", "values", "entries"].map(
    (m) => [m, "list"] as const,
  ),
  ["to_string", "string"],
  ["to_int", "int"],
  ["to_float", "float"],
]);

/** Methods whose result depends on whether the receiver is an iter. */
const RECEIVER_DEPENDENT = new Set(["iter", "map", "flat_map", "filter"]);

/** The result type of `obj.method(...)` given the receiver's inferred type. */
export function inferMethodResult(obj: Inferred, method: string): Inferred {
  if (obj === null && RECEIVER_DEPENDENT.has(method)) return null;
  const iterElem = obj?.kind === "Iter" ? obj.elem : isNamed(obj, "iter") ? named("any") : null;
  if (iterElem !== null) {
    const r = iterMethod(method, iterElem);
    if (r !== undefined) return r;
  }
  if (method === "iter" && obj !== null) {
    const r = iterBridge(obj);
    if (r !== undefined) return r;
  }
  const isDict = isNamed(obj, "dict") || obj?.kind === "Dict" || obj?.kind === "Shape";
  switch (method) {
    case "filter":
      return named(isDict ? "dict" : "list");
    case "window":
    case "each_cons":
    case "sliding_window":
      return obj?.kind === "List" ? listOf(listOf(obj.elem)) : named("list");
    case "merge":
    case "map_values":
    case "rekey":
    case "map_keys":
      return obj?.kind === "Dict" ? { kind: "Dict", key: named("string"), value: obj.value } : named("dict");
    default: {
      const n = NAMED_RESULTS.get(method);
      return n === undefined ? null : named(n);
    }
  }
}
