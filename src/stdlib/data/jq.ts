// The jq-like query language of `jq(value, expr)` / `jq_first` (spec:
// builtins "JSON Pointer and jq-like queries"): identity and field paths,
// quoted keys, `[]` iteration, `[n]` indexes and `[a:b]` slices, pipes,
// commas, `length` `keys` `values` `type`, `map(f)`, `select(f)`,
// comparisons `== != < >`, `and` `or` `not`, object construction and `..`
// recursive descent. Every expression maps one input to a stream (a JS
// array) of outputs; a pipe feeds each output of a stage to the next.
// `and`/`or` share one precedence level and associate to the left.

import { valuesEqual } from "../../vm/compare.ts";
import { typeName, truthy } from "../../vm/display.ts";
import { intCompare, intToNumber } from "../../vm/numbers.ts";
import { codePointLength } from "../../vm/strings.ts";
import { compareKeys, Dict, Tag, type Value } from "../../vm/values.ts";
import { type Expr, JqError, JqParser, type Step } from "./jq-parser.ts";

/** Runs `source` against `input`; a syntax error throws a `JqError` (`jq: ...`). */
export function evalJq(input: Value, source: string): Value[] {
  const parser = new JqParser(source);
  const expr = parser.parsePipe(true);
  parser.skipSpace();
  if (!parser.atEnd()) throw new JqError(`jq: unexpected input near '${parser.rest()}'`);
  return evaluate(expr, input);
}

// ---- evaluation -----------------------------------------------------------------

function evaluate(expr: Expr, input: Value): Value[] {
  switch (expr.kind) {
    case "pipe": {
      let stream = [input];
      for (const stage of expr.stages) stream = stream.flatMap((v) => evaluate(stage, v));
      return stream;
    }
    case "comma":
      return expr.items.flatMap((item) => evaluate(item, input));
    case "path":
      return expr.steps.reduce<Value[]>((stream, step) => stream.flatMap((v) => applyStep(step, v)), [input]);
    case "recurse": {
      const out: Value[] = [];
      descend(input, out);
      return out;
    }
    case "builtin":
      return [builtin(expr.name, input)];
    case "map":
      return [Array.isArray(input) ? input.flatMap((item) => evaluate(expr.body, item)) : []];
    case "select":
      return test(expr.body, input) ? [input] : [];
    case "object": {
      const map = new Map<string, Value>();
      for (const [key, body] of expr.fields) map.set(key, first(evaluate(body, input)));
      return [new Dict(map)];
    }
    case "literal":
      return [expr.value];
    case "compare":
    case "logic":
    case "not":
      return [test(expr, input)];
  }
}

function first(stream: Value[]): Value {
  return stream.length > 0 ? stream[0]! : null;
}

/** Boolean meaning of an expression: comparisons directly, anything else by truthiness of its first output. */
function test(expr: Expr, input: Value): boolean {
  switch (expr.kind) {
    case "compare": {
      const left = first(evaluate(expr.left, input));
      const right = first(evaluate(expr.right, input));
      if (expr.op === "==") return valuesEqual(left, right);
      if (expr.op === "!=") return !valuesEqual(left, right);
      const order = ordering(left, right);
      return order !== undefined && (expr.op === "<" ? order < 0 : order > 0);
    }
    case "logic":
      return expr.op === "and"
        ? test(expr.left, input) && test(expr.right, input)
        : test(expr.left, input) || test(expr.right, input);
    case "not":
      return !test(expr.body, input);
    default: {
      const out = evaluate(expr, input);
      return out.length > 0 && truthy(out[0]!);
    }
  }
}

/** Numbers compare with numbers and strings with strings; anything else is unordered. */
function ordering(a: Value, b: Value): number | undefined {
  const isInt = (v: Value): v is number | bigint => typeof v === "number" || typeof v === "bigint";
  if (isInt(a) && isInt(b)) return intCompare(a, b);
  const num = (v: Value): number | undefined =>
    isInt(v)
      ? intToNumber(v)
      : v !== null && typeof v === "object" && !Array.isArray(v) && v.tag === Tag.Float
        ? v.v
        : undefined;
  const x = num(a);
  const y = num(b);
  if (x !== undefined && y !== undefined) return Number.isNaN(x) || Number.isNaN(y) ? undefined : x - y;
  if (typeof a === "string" && typeof b === "string") return compareKeys(a, b);
  return undefined;
}

function applyStep(step: Step, v: Value): Value[] {
  switch (step.kind) {
    case "field":
      if (v instanceof Dict) return [v.get(step.name)];
      if (v !== null && typeof v === "object" && !Array.isArray(v) && v.tag === Tag.Struct) {
        return [v.fields.get(step.name) ?? null];
      }
      return [null];
    case "iterate":
      if (Array.isArray(v)) return v;
      if (v instanceof Dict) return v.keys().map((k) => v.map.get(k)!);
      if (v !== null && typeof v === "object" && v.tag === Tag.Set) return v.items;
      return [];
    case "index": {
      if (!Array.isArray(v)) return [null];
      const i = step.index < 0 ? v.length + step.index : step.index;
      return [i >= 0 && i < v.length ? v[i]! : null];
    }
    case "slice": {
      if (!Array.isArray(v)) return [[]];
      const bound = (b: number): number => Math.min(Math.max(b < 0 ? v.length + b : b, 0), v.length);
      const start = bound(step.start ?? 0);
      const end = bound(step.end ?? v.length);
      return [end <= start ? [] : v.slice(start, end)];
    }
  }
}

function descend(v: Value, out: Value[]): void {
  out.push(v);
  if (Array.isArray(v)) for (const item of v) descend(item, out);
  else if (v instanceof Dict) for (const k of v.keys()) descend(v.map.get(k)!, out);
  else if (v !== null && typeof v === "object" && v.tag === Tag.Set)
    for (const item of v.items) descend(item, out);
  else if (v !== null && typeof v === "object" && v.tag === Tag.Struct) {
    for (const k of [...v.fields.keys()].sort(compareKeys)) descend(v.fields.get(k)!, out);
  }
}

function builtin(name: "length" | "keys" | "values" | "type", v: Value): Value {
  switch (name) {
    case "length":
      if (typeof v === "string") return codePointLength(v);
      if (Array.isArray(v)) return v.length;
      if (v === null) return 0;
      if (typeof v === "object") {
        if (v.tag === Tag.Dict) return v.map.size;
        if (v.tag === Tag.Set) return v.items.length;
        if (v.tag === Tag.Bytes) return v.bytes.length;
      }
      return 1;
    case "keys":
      if (v instanceof Dict) return [...v.keys()];
      if (Array.isArray(v)) return v.map((_, i) => i);
      return [];
    case "values":
      if (v instanceof Dict) return v.keys().map((k) => v.map.get(k)!);
      if (Array.isArray(v)) return v;
      if (v !== null && typeof v === "object" && v.tag === Tag.Set) return v.items;
      return [];
    case "type":
      return jqTypeName(v);
  }
}

function jqTypeName(v: Value): string {
  const t = typeName(v);
  switch (t) {
    case "nil":
      return "null";
    case "bool":
      return "boolean";
    case "int":
    case "float":
      return "number";
    case "list":
    case "set":
      return "array";
    case "dict":
    case "struct":
      return "object";
    default:
      return t;
  }
}
