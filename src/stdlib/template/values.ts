// How the template engine sees Harn values. It differs from the language
// proper in two ways: `nil` prints as the empty string, and a string of only
// whitespace is falsy (an empty-looking binding should not switch on an
// `{{ if }}` branch). Comparisons are numeric or by string byte order;
// anything else compares false.

import { valuesEqual } from "../../vm/compare.ts";
import { display } from "../../vm/display.ts";
import { intCompare } from "../../vm/numbers.ts";
import { compareKeys, HFloat, Tag, type Value } from "../../vm/values.ts";
import { trim } from "../text.ts";
import type { CompareOp } from "./ast.ts";

/** The text `{{ v }}` writes. */
export function templateText(v: Value): string {
  return v === null ? "" : display(v);
}

export function templateTruthy(v: Value): boolean {
  switch (typeof v) {
    case "boolean":
      return v;
    case "number":
      return v !== 0;
    case "bigint":
      return v !== 0n;
    case "string":
      return trim(v) !== "";
    default:
      break;
  }
  if (v === null) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v.tag === Tag.Float) return v.v !== 0;
  if (v.tag === Tag.Dict) return v.map.size > 0;
  return true;
}

export function templateCompare(op: CompareOp, a: Value, b: Value): boolean {
  if (op === "==") return valuesEqual(a, b);
  if (op === "!=") return !valuesEqual(a, b);
  const order = ordering(a, b);
  if (order === undefined) return false;
  switch (op) {
    case "<":
      return order < 0;
    case "<=":
      return order <= 0;
    case ">":
      return order > 0;
    case ">=":
      return order >= 0;
  }
}

/** Sign of a - b for two numbers or two strings; undefined when they do not order (NaN included). */
function ordering(a: Value, b: Value): number | undefined {
  if (isInt(a) && isInt(b)) return intCompare(a, b);
  if (typeof a === "string" && typeof b === "string") return compareKeys(a, b);
  const x = asNumber(a);
  const y = asNumber(b);
  if (x === undefined || y === undefined || Number.isNaN(x) || Number.isNaN(y)) return undefined;
  return x < y ? -1 : x > y ? 1 : 0;
}

function isInt(v: Value): v is number | bigint {
  return typeof v === "number" || typeof v === "bigint";
}

function asNumber(v: Value): number | undefined {
  if (isInt(v)) return Number(v);
  return v instanceof HFloat ? v.v : undefined;
}
