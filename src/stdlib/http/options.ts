// Argument and option helpers shared by the network builtins. The
// reference is lenient with options (a wrongly typed option falls back to
// its default) and strict with required arguments, which fail with a
// thrown string that names the builtin: `http_get: URL is required`.

import { display } from "../../vm/display.ts";
import { thrown, type VmError } from "../../vm/errors.ts";
import { BytesValue, Dict, Duration, HFloat, type Value } from "../../vm/values.ts";

/** A thrown string, the reference's error form for these builtins. */
export function fail(message: string): VmError {
  return thrown(message);
}

/** The options dict at `args[i]`, or an empty dict. */
export function optionsArg(args: readonly Value[], i: number): Dict {
  const v = args[i];
  return v instanceof Dict ? v : new Dict();
}

/** Display text of `args[i]`, or "" when missing. */
export function textAt(args: readonly Value[], i: number): string {
  const v = args[i];
  return v === undefined || v === null ? "" : display(v);
}

/** An int option as a JS number (floats are not ints here, as in the reference). */
export function intOption(options: Dict, key: string): number | undefined {
  const v = options.map.get(key);
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  return undefined;
}

/** A whole-number option that may also be a float or a duration (timeouts). */
export function msOption(options: Dict, key: string): number | undefined {
  const v = options.map.get(key);
  if (v instanceof HFloat) return Math.trunc(v.v);
  if (v instanceof Duration) return v.ms;
  return intOption(options, key);
}

export function boolOption(options: Dict, key: string, fallback: boolean): boolean {
  const v = options.map.get(key);
  return typeof v === "boolean" ? v : fallback;
}

/** A non-empty string option (display text), else undefined. */
export function stringOption(options: Dict, key: string): string | undefined {
  const v = options.map.get(key);
  if (v === undefined || v === null) return undefined;
  const text = display(v);
  return text === "" ? undefined : text;
}

export function dictOption(options: Dict, key: string): Dict | undefined {
  const v = options.map.get(key);
  return v instanceof Dict ? v : undefined;
}

/** `options` with every entry of `overrides` on top. */
export function mergeDicts(base: Dict, overrides: Dict): Dict {
  const map = new Map(base.map);
  for (const [k, v] of overrides.map) map.set(k, v);
  return new Dict(map);
}

/** A handle argument: the id string itself, or a dict carrying `id`. */
export function handleId(value: Value | undefined, builtin: string): string {
  if (typeof value === "string") return value;
  if (value instanceof Dict) {
    const id = value.map.get("id");
    const text = id === undefined || id === null ? "" : display(id);
    if (text !== "") return text;
    throw fail(`${builtin}: handle dict must contain id`);
  }
  throw fail(`${builtin}: first argument must be a handle string or dict`);
}

/** Header names lower-cased, values as display text. */
export function lowerCaseHeaders(value: Value | undefined): Dict {
  const out = new Map<string, Value>();
  if (value instanceof Dict) for (const [k, v] of value.map) out.set(k.toLowerCase(), display(v));
  return new Dict(out);
}

/** The value of header `name` in a dict, compared case-insensitively. */
export function findHeader(headers: Dict, name: string): Value {
  const wanted = name.toLowerCase();
  for (const key of headers.keys()) if (key.toLowerCase() === wanted) return headers.get(key);
  return null;
}

/** Process-wide counter per VM run: handle ids read `<prefix>-<n>`. */
export class HandleCounter {
  private next = 0;
  make(prefix: string): string {
    this.next += 1;
    return `${prefix}-${this.next}`;
  }
}

export function toBytes(value: Value): Uint8Array {
  if (value instanceof BytesValue) return value.bytes;
  return new TextEncoder().encode(value === null ? "" : display(value));
}
