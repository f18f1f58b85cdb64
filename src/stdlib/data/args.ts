// Argument checking for the data builtins (JSON, regex, encodings, crypto,
// CSV, URLs, cookies, ...). Every builtin names itself and the offending
// argument when it rejects input. Text arguments follow the reference: a
// string is taken as is and other scalars (ints, floats, bools) by their
// display form, while nil, a missing argument or a collection is an error
// rather than being silently stringified.

import { display, typeName } from "../../vm/display.ts";
import { runtimeError, thrown, type VmError } from "../../vm/errors.ts";
import { BytesValue, Dict, HFloat, type Value } from "../../vm/values.ts";

/** A `Runtime error: <fn>: <message>` failure. */
export function fail(fn: string, message: string): VmError {
  return runtimeError(`${fn}: ${message}`);
}

/** A thrown string, for builtins whose reference errors are catchable strings. */
export function failThrown(message: string): VmError {
  return thrown(message);
}

function ordinal(index: number): string {
  return `argument ${index + 1}`;
}

/** The argument at `index`, failing when it is absent. */
export function required(args: readonly Value[], index: number, fn: string, name: string): Value {
  const v = args[index];
  if (v === undefined) throw fail(fn, `missing ${ordinal(index)} (${name})`);
  return v;
}

/** A text argument: strings as is, other scalars by display; nil and collections fail. */
export function textArg(args: readonly Value[], index: number, fn: string, name: string): string {
  const v = required(args, index, fn, name);
  const text = scalarText(v);
  if (text === undefined) {
    throw fail(fn, `${name} (${ordinal(index)}) must be a string, got ${typeName(v)}`);
  }
  return text;
}

/** Like `textArg`, but a missing argument gives `fallback`. */
export function optionalText(
  args: readonly Value[],
  index: number,
  fn: string,
  name: string,
  fallback: string,
): string {
  const v = args[index];
  return v === undefined || v === null ? fallback : textArg(args, index, fn, name);
}

/** The display text of a string or scalar, undefined for nil and containers. */
export function scalarText(v: Value): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return display(v);
  if (v instanceof HFloat) return display(v);
  return undefined;
}

/** A strict string argument (no conversion from other types). */
export function stringArg(args: readonly Value[], index: number, fn: string, name: string): string {
  const v = required(args, index, fn, name);
  if (typeof v !== "string") {
    throw fail(fn, `${name} (${ordinal(index)}) must be a string, got ${typeName(v)}`);
  }
  return v;
}

/** A bytes argument. */
export function bytesArg(args: readonly Value[], index: number, fn: string, name: string): Uint8Array {
  const v = required(args, index, fn, name);
  if (!(v instanceof BytesValue)) {
    throw fail(fn, `${name} (${ordinal(index)}) must be bytes, got ${typeName(v)}`);
  }
  return v.bytes;
}

const encoder = new TextEncoder();

/** UTF-8 encoding of a string. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Bytes of a bytes value, or the UTF-8 of a text argument (hash and signature inputs). */
export function bytesOrText(args: readonly Value[], index: number, fn: string, name: string): Uint8Array {
  const v = required(args, index, fn, name);
  if (v instanceof BytesValue) return v.bytes;
  return utf8(textArg(args, index, fn, name));
}

/** An int argument as a JS number (ints beyond the safe range saturate). */
export function intArg(args: readonly Value[], index: number, fn: string, name: string): number {
  const v = required(args, index, fn, name);
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return v > 0n ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  throw fail(fn, `${name} (${ordinal(index)}) must be an int, got ${typeName(v)}`);
}

/** An optional options dict: absent or nil gives undefined; anything else but a dict fails. */
export function optionsArg(args: readonly Value[], index: number, fn: string): Dict | undefined {
  const v = args[index];
  if (v === undefined || v === null) return undefined;
  if (!(v instanceof Dict)) throw fail(fn, `options (${ordinal(index)}) must be a dict, got ${typeName(v)}`);
  return v;
}

/** A dict argument. */
export function dictArg(args: readonly Value[], index: number, fn: string, name: string): Dict {
  const v = required(args, index, fn, name);
  if (!(v instanceof Dict)) throw fail(fn, `${name} (${ordinal(index)}) must be a dict, got ${typeName(v)}`);
  return v;
}

/** A list argument. */
export function listArg(args: readonly Value[], index: number, fn: string, name: string): readonly Value[] {
  const v = required(args, index, fn, name);
  if (!Array.isArray(v)) throw fail(fn, `${name} (${ordinal(index)}) must be a list, got ${typeName(v)}`);
  return v;
}

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/** Timing-safe equality of two byte strings (length leaks, content does not). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
