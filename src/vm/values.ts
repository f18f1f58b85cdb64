// Runtime values. Primitive Harn values are JS primitives (nil = null,
// bool, int = number|bigint, string); lists are JS arrays that are never
// mutated after they escape (Harn collections have value semantics); every
// other value is an instance of a class tagged with a numeric `tag` so the
// interpreter and `display()` dispatch with one switch.

import type { FnProto, TypeDeclInfo } from "../bytecode/proto.ts";
import type { LoopSource } from "./iterators.ts";
import type { Int } from "./numbers.ts";
import type { Task } from "./task.ts";
import type { Vm } from "./vm.ts";

export enum Tag {
  Float,
  Dict,
  Set,
  Closure,
  Builtin,
  Duration,
  Enum,
  Struct,
  Type,
  Range,
  Pair,
  Iter,
  Generator,
  Bytes,
  Cell,
  /** Host objects (tasks, channels, atomics, ...) that print as `<kind:...>`. */
  Handle,
}

export type Value =
  | null
  | boolean
  | Int
  | string
  | Value[]
  | HFloat
  | Dict
  | HSet
  | Closure
  | BuiltinRef
  | Duration
  | EnumValue
  | StructValue
  | TypeValue
  | RangeValue
  | PairValue
  | IterValue
  | GeneratorValue
  | BytesValue
  | HandleValue;

/** A Harn float. Boxed so that an integral float is never mistaken for an int. */
export class HFloat {
  readonly tag = Tag.Float;
  constructor(readonly v: number) {}
}

/** Compares strings by Unicode code point (= UTF-8 byte order), not UTF-16 units. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // Surrogates (astral code points) sort after every BMP character.
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      if (xs !== ys) return xs ? 1 : -1;
      return x - y;
    }
  }
  return a.length - b.length;
}

/** A string-keyed map; immutable once it escapes, iterated in key order. */
export class Dict {
  readonly tag = Tag.Dict;
  private sorted: string[] | undefined;
  constructor(readonly map: Map<string, Value> = new Map()) {}

  get(key: string): Value {
    const v = this.map.get(key);
    return v === undefined ? null : v;
  }

  /** Keys in byte order (cached: dicts do not change after construction). */
  keys(): readonly string[] {
    if (this.sorted === undefined || this.sorted.length !== this.map.size) {
      this.sorted = [...this.map.keys()].sort(compareKeys);
    }
    return this.sorted;
  }

  with(key: string, value: Value): Dict {
    const m = new Map(this.map);
    m.set(key, value);
    return new Dict(m);
  }

  static of(entries: Record<string, Value>): Dict {
    return new Dict(new Map(Object.entries(entries)));
  }
}

/** A set of values in insertion order (membership by Harn equality). */
export class HSet {
  readonly tag = Tag.Set;
  constructor(readonly items: Value[]) {}
}

/** A compiled Harn function plus the values it captured when it was created. */
export class Closure {
  readonly tag = Tag.Closure;
  constructor(
    readonly proto: FnProto,
    readonly captured: Value[],
    /** The module whose globals the function sees. */
    readonly module: ModuleRef,
  ) {}
}

/** Opaque to values; implemented by the VM's module instances. */
export interface ModuleRef {
  readonly globals: Value[];
  readonly file: string;
}

/**
 * What a builtin returns: a value, a Promise (the task parks until it
 * settles), a native callback driver, or a request to call a Harn value in
 * the builtin's place (delegation without a driver).
 */
export type BuiltinResult = Value | Promise<Value> | NativeCall | CallRequest;

/** Context a builtin receives: the calling task (with its ambient scope) and its VM. */
export interface BuiltinContext {
  readonly vm: Vm;
  readonly task: Task;
}

export type BuiltinFn = (args: Value[], ctx: BuiltinContext) => BuiltinResult;

/** A builtin function referenced as a value (`let f = len`). */
export class BuiltinRef {
  readonly tag = Tag.Builtin;
  constructor(
    readonly name: string,
    readonly fn: BuiltinFn,
  ) {}
}

/**
 * Returned by builtins that must call back into Harn (`list.map(f)`): the
 * generator yields `CallRequest`s and the interpreter runs each callee as
 * an ordinary frame, so callbacks may suspend like any other code.
 */
export class NativeCall {
  constructor(
    readonly gen: Generator<CallRequest, Value, Value>,
    /**
     * Errors raised by the Harn code it calls are thrown into the generator
     * (which may catch them) instead of unwinding past it.
     */
    readonly catchesErrors = false,
  ) {}
}

export class CallRequest {
  constructor(
    readonly callee: Value,
    readonly args: Value[],
    /** Call the function itself, past any call interceptor (a step wrapper calling its step). */
    readonly raw = false,
  ) {}
}

export class Duration {
  readonly tag = Tag.Duration;
  constructor(readonly ms: number) {}
}

export class EnumValue {
  readonly tag = Tag.Enum;
  constructor(
    readonly enumName: string,
    readonly variant: string,
    readonly fields: Value[],
  ) {}
}

export class StructValue {
  readonly tag = Tag.Struct;
  constructor(
    readonly type: TypeValue,
    /** Field values by name; a missing optional field is absent. */
    readonly fields: Map<string, Value>,
  ) {}
}

/** A declared struct, enum or interface, bound to its name at run time. */
export class TypeValue {
  readonly tag = Tag.Type;
  /** Methods from `impl` blocks. */
  readonly methods = new Map<string, Value>();
  constructor(readonly decl: TypeDeclInfo) {}
  get name(): string {
    return this.decl.name;
  }
}

export class RangeValue {
  readonly tag = Tag.Range;
  constructor(
    readonly start: number,
    readonly end: number,
    readonly inclusive: boolean,
  ) {}
  get length(): number {
    const n = this.inclusive ? this.end - this.start + 1 : this.end - this.start;
    return Math.max(n, 0);
  }
}

export class PairValue {
  readonly tag = Tag.Pair;
  constructor(
    readonly first: Value,
    readonly second: Value,
  ) {}
}

/** A lazy single-pass iterator (`iter(x)`); `next()` returns undefined when exhausted. */
export class IterValue {
  readonly tag = Tag.Iter;
  exhausted = false;
  constructor(readonly source: Iterator<Value>) {}
}

/** A suspended Harn generator function (body owned by the VM as a fiber). */
export class GeneratorValue {
  readonly tag = Tag.Generator;
  done = false;
  constructor(
    /** The VM's fiber running the generator body. */
    readonly fiber: unknown,
    readonly isStream: boolean,
  ) {}
}

export class BytesValue {
  readonly tag = Tag.Bytes;
  constructor(readonly bytes: Uint8Array) {}
}

/** Host objects: task handles, channels, atomics, ... `kind` is their type name. */
export class HandleValue {
  readonly tag = Tag.Handle;
  constructor(
    readonly kind: string,
    /** What `display()` prints, e.g. `<task:3>`. */
    readonly label: () => string,
    readonly payload: unknown,
    /** How `for x in handle` walks it, for iterable handles (channels). */
    readonly iterate?: () => LoopSource,
  ) {}
}

/** A shared box for variables that closures must see by reference. */
export class Cell {
  readonly tag = Tag.Cell;
  constructor(
    public v: Value | undefined,
    readonly name: string,
  ) {}
}

export function isList(v: Value): v is Value[] {
  return Array.isArray(v);
}

export function isObject(v: Value): v is Exclude<Value, null | boolean | number | bigint | string | Value[]> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export const RESULT_ENUM = "Result";

export function ok(v: Value): EnumValue {
  return new EnumValue(RESULT_ENUM, "Ok", [v]);
}

export function err(v: Value): EnumValue {
  return new EnumValue(RESULT_ENUM, "Err", [v]);
}

export function isResult(v: Value): v is EnumValue {
  return v instanceof EnumValue && v.enumName === RESULT_ENUM;
}
