// RFC 6901 JSON Pointers over Harn values (`json_pointer`,
// `json_pointer_set`, `json_pointer_delete`). Reads return nil for missing
// paths; writes return a new value (collections are never mutated) and leave
// the input unchanged when the parent of the target does not exist. `-`
// appends to a list, as does the index one past its end.

import { Dict, type Value } from "../../vm/values.ts";
import { failThrown } from "./args.ts";

/** Decodes a pointer into reference tokens (`~1` is `/`, `~0` is `~`). */
export function pointerTokens(pointer: string, fn: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw failThrown(`${fn}: pointer must be empty or start with '/'`);
  return pointer
    .slice(1)
    .split("/")
    .map((segment) =>
      segment.replace(/~(.?)/gu, (_, next: string) => {
        if (next === "0") return "~";
        if (next === "1") return "/";
        if (next === "") throw failThrown(`${fn}: dangling '~' in pointer`);
        throw failThrown(`${fn}: invalid escape '~${next}' in pointer`);
      }),
    );
}

/** A list index token: decimal digits without a leading zero. */
function indexOf(token: string): number | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
  const n = Number(token);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function pointerGet(value: Value, tokens: readonly string[]): Value {
  let current = value;
  for (const token of tokens) {
    if (current instanceof Dict) {
      if (!current.map.has(token)) return null;
      current = current.map.get(token)!;
    } else if (Array.isArray(current)) {
      const i = indexOf(token);
      if (i === undefined || i >= current.length) return null;
      current = current[i]!;
    } else {
      return null;
    }
  }
  return current;
}

export function pointerSet(value: Value, tokens: readonly string[], replacement: Value): Value {
  if (tokens.length === 0) return replacement;
  const [head, ...tail] = tokens as [string, ...string[]];
  if (value instanceof Dict) {
    if (tail.length === 0) return value.with(head, replacement);
    if (!value.map.has(head)) return value;
    return value.with(head, pointerSet(value.map.get(head)!, tail, replacement));
  }
  if (Array.isArray(value)) {
    const i = indexOf(head);
    if (tail.length === 0) {
      if (head === "-" || i === value.length) return [...value, replacement];
      if (i === undefined || i >= value.length) return value;
      return value.map((item, j) => (j === i ? replacement : item));
    }
    if (i === undefined || i >= value.length) return value;
    const child = pointerSet(value[i]!, tail, replacement);
    return value.map((item, j) => (j === i ? child : item));
  }
  return value;
}

export function pointerDelete(value: Value, tokens: readonly string[]): Value {
  if (tokens.length === 0) return value;
  const [head, ...tail] = tokens as [string, ...string[]];
  if (value instanceof Dict) {
    if (tail.length === 0) {
      const map = new Map(value.map);
      map.delete(head);
      return new Dict(map);
    }
    if (!value.map.has(head)) return value;
    return value.with(head, pointerDelete(value.map.get(head)!, tail));
  }
  if (Array.isArray(value)) {
    const i = indexOf(head);
    if (i === undefined || i >= value.length) return value;
    if (tail.length === 0) return value.filter((_, j) => j !== i);
    const child = pointerDelete(value[i]!, tail);
    return value.map((item, j) => (j === i ? child : item));
  }
  return value;
}
