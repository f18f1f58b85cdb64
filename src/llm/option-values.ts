// Typed reads of an options dict, with the reference's leniency: a key set
// to nil counts as absent, ints and integral floats both read as ints, and
// flags are on only for a literal `true` (or truthy where noted).

import { display, truthy } from "../vm/display.ts";
import { Dict, HFloat, type Value } from "../vm/values.ts";

export type Options = Dict | null;

export function optionsArg(v: Value | undefined): Options {
  return v instanceof Dict ? v : null;
}

/** The value at `key`, or undefined when missing or nil. */
export function optValue(o: Options, key: string): Value | undefined {
  const v = o?.map.get(key);
  return v === undefined || v === null ? undefined : v;
}

export function asInt(v: Value | undefined): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof HFloat && Number.isInteger(v.v)) return v.v;
  return undefined;
}

export function optInt(o: Options, key: string): number | undefined {
  return asInt(optValue(o, key));
}

export function optFloat(o: Options, key: string): number | undefined {
  const v = optValue(o, key);
  if (v instanceof HFloat) return v.v;
  return asInt(v);
}

export function optStr(o: Options, key: string): string | undefined {
  const v = optValue(o, key);
  return v === undefined ? undefined : display(v);
}

/** On only for `true`. */
export function optBool(o: Options, key: string): boolean {
  return optValue(o, key) === true;
}

/** On for any truthy value. */
export function optTruthy(o: Options, key: string): boolean {
  const v = optValue(o, key);
  return v !== undefined && truthy(v);
}

export function optStrList(o: Options, key: string): string[] {
  const v = optValue(o, key);
  if (Array.isArray(v)) return v.map((x) => display(x));
  return typeof v === "string" ? [v] : [];
}

/** `base` with `changes` applied (an undefined change removes the key). */
export function withOptions(base: Options, changes: Record<string, Value | undefined>): Dict {
  const m = new Map(base?.map ?? []);
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) m.delete(k);
    else m.set(k, v);
  }
  return new Dict(m);
}
