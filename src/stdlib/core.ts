// Core builtins every program uses: printing, assertions, conversions,
// Result helpers, `len`, `range`, and the error helpers. Printing writes to
// the VM's output sink, never to process stdout directly.

import { compareValues, valuesEqual } from "../vm/compare.ts";
import { display, truthy, typeName } from "../vm/display.ts";
import { categorized, type ErrorCategory, runtimeError, thrown, typeError } from "../vm/errors.ts";
import { formatFloat, intFromNumberTrunc, intToNumber, parseIntLiteral } from "../vm/numbers.ts";
import { codePointLength } from "../vm/strings.ts";
import {
  Dict,
  err,
  HFloat,
  HSet,
  isResult,
  ok,
  PairValue,
  RangeValue,
  Tag,
  type Value,
} from "../vm/values.ts";
import type { Vm } from "../vm/vm.ts";

const CATEGORIES = new Set<string>([
  "timeout",
  "auth",
  "rate_limit",
  "overloaded",
  "server_error",
  "transient_network",
  "schema_validation",
  "tool_error",
  "tool_rejected",
  "egress_blocked",
  "cancelled",
  "not_found",
  "circuit_open",
  "budget_exceeded",
]);

export function lengthOf(v: Value): number {
  if (typeof v === "string") return codePointLength(v);
  if (Array.isArray(v)) return v.length;
  if (v !== null && typeof v === "object") {
    switch (v.tag) {
      case Tag.Dict:
        return v.map.size;
      case Tag.Set:
        return v.items.length;
      case Tag.Range:
        return v.length;
      case Tag.Bytes:
        return v.bytes.length;
      default:
        return 0;
    }
  }
  return 0;
}

function toInt(v: Value): Value {
  if (typeof v === "number" || typeof v === "bigint") return v;
  if (v instanceof HFloat) return intFromNumberTrunc(v.v);
  if (typeof v === "string") return parseIntLiteral(v.trim()) ?? null;
  return null;
}

function toFloat(v: Value): Value {
  if (v instanceof HFloat) return v;
  if (typeof v === "number" || typeof v === "bigint") return new HFloat(intToNumber(v));
  if (typeof v === "string") {
    const t = v.trim();
    if (/^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|inf|infinity|nan)$/i.test(t)) {
      const lower = t.toLowerCase().replace(/^\+/, "");
      if (lower === "inf" || lower === "infinity") return new HFloat(Infinity);
      if (lower === "-inf" || lower === "-infinity") return new HFloat(-Infinity);
      if (lower.endsWith("nan")) return new HFloat(NaN);
      return new HFloat(Number(t));
    }
    return null;
  }
  return null;
}

/** Integer arguments to range(); floats are rejected like the reference. */
function rangeBound(v: Value | undefined, name: string): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return intToNumber(v);
  throw typeError(`range: ${name} must be an int, got ${typeName(v ?? null)}`);
}

export function registerCore(vm: Vm): void {
  const b = vm.registerBuiltin.bind(vm);
  b("log", (args) => {
    vm.write(`[harn] ${display(args[0] ?? null)}\n`);
    return null;
  });
  b("println", (args) => {
    vm.write(`${args.length > 0 ? display(args[0]!) : ""}\n`);
    return null;
  });
  b("print", (args) => {
    vm.write(args.length > 0 ? display(args[0]!) : "");
    return null;
  });
  b("eprintln", (args) => {
    vm.writeError(`${args.length > 0 ? display(args[0]!) : ""}\n`);
    return null;
  });
  b("eprint", (args) => {
    vm.writeError(args.length > 0 ? display(args[0]!) : "");
    return null;
  });

  b("assert", (args) => {
    if (!truthy(args[0] ?? null)) throw thrown(args.length > 1 ? display(args[1]!) : "Assertion failed");
    return null;
  });
  b("assert_eq", (args) => {
    if (args.length < 2) throw thrown("assert_eq requires at least 2 arguments");
    if (!valuesEqual(args[0]!, args[1]!)) {
      const msg =
        args.length > 2
          ? display(args[2]!)
          : `Assertion failed: expected ${display(args[1]!)}, got ${display(args[0]!)}`;
      throw thrown(msg);
    }
    return null;
  });
  b("assert_ne", (args) => {
    if (args.length < 2) throw thrown("assert_ne requires at least 2 arguments");
    if (valuesEqual(args[0]!, args[1]!)) {
      const msg =
        args.length > 2
          ? display(args[2]!)
          : `Assertion failed: values should not be equal: ${display(args[0]!)}`;
      throw thrown(msg);
    }
    return null;
  });

  b("type_of", (args) => typeName(args[0] ?? null));
  b("to_string", (args) => display(args[0] ?? null));
  b("to_int", (args) => toInt(args[0] ?? null));
  b("to_float", (args) => toFloat(args[0] ?? null));
  b("len", (args) => lengthOf(args[0] ?? null));
  b("format_float", (args) =>
    args[0] instanceof HFloat ? formatFloat(args[0].v) : display(args[0] ?? null),
  );

  b("range", (args) => {
    if (args.length === 1) return new RangeValue(0, rangeBound(args[0], "end"), false);
    if (args.length >= 2)
      return new RangeValue(rangeBound(args[0], "start"), rangeBound(args[1], "end"), false);
    throw typeError("range: expected 1 or 2 arguments");
  });

  b("Ok", (args) => ok(args[0] ?? null));
  b("Err", (args) => err(args[0] ?? null));
  b("is_ok", (args) => isResult(args[0] ?? null) && (args[0] as { variant: string }).variant === "Ok");
  b("is_err", (args) => isResult(args[0] ?? null) && (args[0] as { variant: string }).variant === "Err");
  b("unwrap", (args) => {
    const v = args[0] ?? null;
    if (!isResult(v)) return v;
    if (v.variant === "Ok") return v.fields[0] ?? null;
    throw runtimeError(`unwrap called on Err: ${display(v.fields[0] ?? null)}`);
  });
  b("unwrap_or", (args) => {
    const v = args[0] ?? null;
    if (!isResult(v)) return v;
    return v.variant === "Ok" ? (v.fields[0] ?? null) : (args[1] ?? null);
  });
  b("unwrap_err", (args) => {
    const v = args[0] ?? null;
    if (isResult(v) && v.variant === "Err") return v.fields[0] ?? null;
    throw runtimeError("unwrap_err called on non-Err");
  });

  b("throw_error", (args) => {
    const message = display(args[0] ?? null);
    const category = args.length > 1 ? display(args[1]!) : "generic";
    throw thrown(Dict.of({ message, category }));
  });
  b("error", (args) => {
    const message = display(args[0] ?? null);
    const category = args.length > 1 ? display(args[1]!) : "generic";
    if (!CATEGORIES.has(category) && category !== "generic") throw thrown(Dict.of({ message, category }));
    throw categorized(category as ErrorCategory, message);
  });

  b("set", (args) => {
    const items: Value[] = [];
    const add = (v: Value): void => {
      if (!items.some((x) => valuesEqual(x, v))) items.push(v);
    };
    if (args.length === 1 && Array.isArray(args[0])) for (const v of args[0]) add(v);
    else for (const v of args) add(v);
    return new HSet(items);
  });
  b("pair", (args) => new PairValue(args[0] ?? null, args[1] ?? null));
  b("to_list", (args) => {
    const v = args[0] ?? null;
    if (Array.isArray(v)) return v;
    if (v instanceof HSet) return v.items.slice();
    return [v];
  });

  b("min", (args) => extreme(args, -1));
  b("max", (args) => extreme(args, 1));
}

function extreme(args: Value[], sign: number): Value {
  const items = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  if (items.length === 0) return null;
  let best: Value = items[0]!;
  for (const v of items.slice(1)) if (compareValues(v, best) * sign > 0) best = v;
  return best;
}
