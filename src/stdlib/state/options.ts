// Small readers for the option dicts and arguments of the state builtins.
// The reference reads options leniently (a value is used through its
// display text, blank counts as absent); required arguments fail with
// `<builtin>: \`<arg>\` must be ...` messages naming both.

import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, StructValue, type Value } from "../../vm/values.ts";

/** The dict argument, or undefined when it is missing, nil or not a dict. */
export function dictArg(v: Value | undefined): Dict | undefined {
  return v instanceof Dict ? v : undefined;
}

/** An option's display text, or undefined when absent, nil or blank. */
export function optionText(options: Dict | undefined, key: string): string | undefined {
  const v = options?.map.get(key);
  if (v === undefined || v === null) return undefined;
  const text = display(v);
  return text.trim() === "" ? undefined : text;
}

/** A boolean option, or `fallback` when absent or not a bool. */
export function optionBool(options: Dict | undefined, key: string, fallback: boolean): boolean {
  const v = options?.map.get(key);
  return typeof v === "boolean" ? v : fallback;
}

/** An int option as a number, or undefined when absent or not an int. */
export function optionInt(options: Dict | undefined, key: string): number | undefined {
  const v = options?.map.get(key);
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  return undefined;
}

/**
 * A required string argument: strings are taken as they are (even empty),
 * other non-nil values through their display text.
 */
export function requiredText(args: readonly Value[], i: number, builtin: string, name: string): string {
  const v = args[i];
  if (typeof v === "string") return v;
  if (v !== undefined && v !== null) {
    const text = display(v);
    if (text !== "") return text;
  }
  throw runtimeError(`${builtin}: \`${name}\` must be a non-empty string`);
}

/** The argument's display text, or `fallback` when it is missing or nil. */
export function textOr(args: readonly Value[], i: number, fallback: string): string {
  const v = args[i];
  return v === undefined || v === null ? fallback : display(v);
}

/** A struct seen as the dict of its fields (structs serialize as objects). */
export function asDict(v: Value | undefined): Dict | undefined {
  if (v instanceof Dict) return v;
  if (v instanceof StructValue) return new Dict(new Map(v.fields));
  return undefined;
}
