// Field readers for the record dicts (artifacts, run records, manifests).
// Records arrive as loosely built Harn dicts or parsed JSON files; missing
// fields take defaults, and a field of the wrong type fails with a message
// naming the record kind and the field rather than being dropped silently.

import { display, typeName } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, HFloat, type Value } from "../../vm/values.ts";

export class Fields {
  constructor(
    readonly d: Dict,
    /** Names the record in errors (`run_record`, `artifact`, ...). */
    private readonly what: string,
  ) {}

  static of(v: Value | undefined, what: string): Fields {
    if (v === undefined || v === null) return new Fields(new Dict(), what);
    if (!(v instanceof Dict)) throw runtimeError(`${what}: expected a dict, got ${typeName(v)}`);
    return new Fields(v, what);
  }

  private wrong(key: string, expected: string, v: Value): never {
    throw runtimeError(`${this.what}: field \`${key}\` must be ${expected}, got ${typeName(v)}`);
  }

  has(key: string): boolean {
    const v = this.d.map.get(key);
    return v !== undefined && v !== null;
  }

  raw(key: string): Value {
    return this.d.get(key);
  }

  str(key: string, fallback = ""): string {
    const v = this.d.get(key);
    if (v === null) return fallback;
    if (typeof v === "string") return v;
    return this.wrong(key, "a string", v);
  }

  optStr(key: string): string | null {
    const v = this.d.get(key);
    if (v === null) return null;
    if (typeof v === "string") return v;
    return this.wrong(key, "a string", v);
  }

  int(key: string, fallback = 0): number {
    const v = this.d.get(key);
    if (v === null) return fallback;
    if (typeof v === "number") return v;
    if (typeof v === "bigint") return Number(v);
    return this.wrong(key, "an int", v);
  }

  optInt(key: string): number | null {
    return this.has(key) ? this.int(key) : null;
  }

  optNum(key: string): number | null {
    const v = this.d.get(key);
    if (v === null) return null;
    if (typeof v === "number" || typeof v === "bigint") return Number(v);
    if (v instanceof HFloat) return v.v;
    return this.wrong(key, "a number", v);
  }

  bool(key: string, fallback = false): boolean {
    const v = this.d.get(key);
    if (v === null) return fallback;
    if (typeof v === "boolean") return v;
    return this.wrong(key, "a bool", v);
  }

  list(key: string): Value[] {
    const v = this.d.get(key);
    if (v === null) return [];
    if (Array.isArray(v)) return v;
    return this.wrong(key, "a list", v);
  }

  strList(key: string): string[] {
    return this.list(key).map((x) => (typeof x === "string" ? x : display(x)));
  }

  dict(key: string): Dict {
    const v = this.d.get(key);
    if (v === null) return new Dict();
    if (v instanceof Dict) return v;
    return this.wrong(key, "a dict", v);
  }

  optDict(key: string): Dict | null {
    return this.has(key) ? this.dict(key) : null;
  }
}

/** A float value for a JS number (records keep floats as floats). */
export function float(n: number): HFloat {
  return new HFloat(n);
}

/** A float or nil. */
export function optFloat(n: number | null): Value {
  return n === null ? null : new HFloat(n);
}
