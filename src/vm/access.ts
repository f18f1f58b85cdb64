// Property, index and slice access, and their copy-on-write setters.
// Collections are values: `setIndex` and `setProperty` return a changed
// copy that the compiler stores back into the variable (spec: property and
// subscript assignment).

import { display, typeName } from "./display.ts";
import { runtimeError, typeError } from "./errors.ts";
import { intToNumber } from "./numbers.ts";
import { codePointAt, codePointLength, codePointSlice } from "./strings.ts";
import { BuiltinRef, Dict, EnumValue, StructValue, Tag, type TypeValue, type Value } from "./values.ts";

function enumMember(type: TypeValue, name: string): Value | undefined {
  if (type.decl.kind !== "enum") return undefined;
  const variant = type.decl.variants.find((v) => v.name === name);
  if (!variant) return undefined;
  if (variant.fields.length === 0) return new EnumValue(type.name, name, []);
  return new BuiltinRef(`${type.name}.${name}`, (args) => new EnumValue(type.name, name, args));
}

export function getProperty(obj: Value, name: string, optional: boolean): Value {
  if (obj === null) {
    if (optional) return null;
    throw typeError(`cannot access property \`${name}\` on nil`);
  }
  if (Array.isArray(obj)) {
    switch (name) {
      case "count":
        return obj.length;
      case "empty":
        return obj.length === 0;
      case "first":
        return obj.length > 0 ? obj[0]! : null;
      case "last":
        return obj.length > 0 ? obj[obj.length - 1]! : null;
      default:
        return null;
    }
  }
  if (typeof obj === "string") {
    if (name === "count") return codePointLength(obj);
    if (name === "empty") return obj.length === 0;
    return null;
  }
  if (typeof obj === "object") {
    switch (obj.tag) {
      case Tag.Dict:
        return obj.get(name);
      case Tag.Enum:
        if (name === "variant") return obj.variant;
        if (name === "fields") return obj.fields.slice();
        return null;
      case Tag.Struct: {
        const v = obj.fields.get(name);
        return v === undefined ? null : v;
      }
      case Tag.Pair:
        if (name === "first") return obj.first;
        if (name === "second") return obj.second;
        if (optional) return null;
        throw typeError(`cannot access property \`${name}\` on pair (expected \`first\` or \`second\`)`);
      case Tag.Type: {
        const member = enumMember(obj, name) ?? obj.methods.get(name);
        if (member !== undefined) return member;
        break;
      }
      default:
        break;
    }
  }
  if (optional) return null;
  throw typeError(`cannot access property \`${name}\` on ${typeName(obj)}`);
}

function indexOf(i: Value): number | undefined {
  if (typeof i === "number") return i;
  if (typeof i === "bigint") return intToNumber(i);
  return undefined;
}

export function getIndex(obj: Value, index: Value, optional: boolean): Value {
  if (obj === null && optional) return null;
  const i = indexOf(index);
  if (Array.isArray(obj) && i !== undefined) {
    const pos = i < 0 ? obj.length + i : i;
    return pos >= 0 && pos < obj.length ? obj[pos]! : null;
  }
  if (typeof obj === "string" && i !== undefined) {
    const len = codePointLength(obj);
    const pos = i < 0 ? len + i : i;
    return pos >= 0 && pos < len ? codePointAt(obj, pos) : null;
  }
  if (obj !== null && typeof obj === "object" && !Array.isArray(obj)) {
    if (obj.tag === Tag.Dict) return obj.get(typeof index === "string" ? index : display(index));
    if (obj.tag === Tag.Range && i !== undefined) {
      const len = obj.length;
      const pos = i < 0 ? len + i : i;
      if (pos >= 0 && pos < len) return obj.start + pos;
      throw runtimeError(`range index out of range: index ${display(index)} for range of length ${len}`);
    }
    if (obj.tag === Tag.Struct && typeof index === "string") return getProperty(obj, index, true);
  }
  throw typeError(`cannot index into ${typeName(obj)} with ${typeName(index)}`);
}

/** A copy of `obj` with `obj.name = value`. */
export function setProperty(obj: Value, name: string, value: Value): Value {
  if (obj instanceof Dict) return obj.with(name, value);
  if (obj instanceof StructValue) {
    const fields = new Map(obj.fields);
    fields.set(name, value);
    return new StructValue(obj.type, fields);
  }
  throw typeError(`cannot set property \`${name}\` on ${typeName(obj)}`);
}

/** A copy of `obj` with `obj[index] = value`. */
export function setIndex(obj: Value, index: Value, value: Value): Value {
  if (Array.isArray(obj)) {
    const i = indexOf(index);
    if (i === undefined) throw typeError(`list index must be an int, got ${typeName(index)}`);
    const pos = i < 0 ? Math.max(0, obj.length + i) : i;
    if (pos >= obj.length)
      throw runtimeError(`Index ${display(index)} out of bounds for list of length ${obj.length}`);
    const copy = obj.slice();
    copy[pos] = value;
    return copy;
  }
  if (obj instanceof Dict) return obj.with(typeof index === "string" ? index : display(index), value);
  if (obj instanceof StructValue && typeof index === "string") return setProperty(obj, index, value);
  throw typeError(`cannot assign to an index of ${typeName(obj)}`);
}

function sliceBound(v: Value, len: number, fallback: number, which: string): number {
  if (v === null) return fallback;
  const i = indexOf(v);
  if (i === undefined) throw typeError(`slice ${which} must be an integer, got ${typeName(v)}`);
  return i < 0 ? Math.max(0, len + i) : Math.min(i, len);
}

export function slice(obj: Value, start: Value, end: Value): Value {
  if (Array.isArray(obj)) {
    const s = sliceBound(start, obj.length, 0, "start");
    const e = sliceBound(end, obj.length, obj.length, "end");
    return s >= e ? [] : obj.slice(s, e);
  }
  if (typeof obj === "string") {
    const len = codePointLength(obj);
    const s = sliceBound(start, len, 0, "start");
    const e = sliceBound(end, len, len, "end");
    return s >= e ? "" : codePointSlice(obj, s, e);
  }
  throw typeError(`cannot slice ${typeName(obj)}`);
}
