// What a `for` loop walks: lists, dict entries (as `{key, value}` in key
// order), sets, ranges, strings (code points), lazy iterators and
// generators. Generators run Harn code, so the interpreter drives those
// itself (`GeneratorLoop`); every other source is a plain `next()`.

import { typeName } from "./display.ts";
import { typeError } from "./errors.ts";
import { type CallRequest, Dict, type GeneratorValue, type IterValue, Tag, type Value } from "./values.ts";

export interface LoopSource {
  /**
   * The next value, or undefined when exhausted. A source fed by other
   * tasks (a channel) may return a Promise of the next value; the loop's
   * task parks until it settles (`LOOP_DONE` ends the loop).
   */
  next(): Value | undefined | Promise<Value | typeof LOOP_DONE>;
}

/** What an asynchronous loop source resolves to when it is exhausted. */
export const LOOP_DONE: unique symbol = Symbol("loop-done");

class ArrayLoop implements LoopSource {
  private i = 0;
  constructor(private readonly items: readonly Value[]) {}
  next(): Value | undefined {
    return this.i < this.items.length ? this.items[this.i++]! : undefined;
  }
}

class RangeLoop implements LoopSource {
  private cur: number;
  private readonly last: number;
  constructor(start: number, end: number, inclusive: boolean) {
    this.cur = start;
    this.last = inclusive ? end : end - 1;
  }
  next(): Value | undefined {
    return this.cur <= this.last ? this.cur++ : undefined;
  }
}

class JsIteratorLoop implements LoopSource {
  constructor(private readonly it: Iterator<Value>) {}
  next(): Value | undefined {
    const r = this.it.next();
    return r.done ? undefined : r.value;
  }
}

/** A generator being iterated; the interpreter resumes its fiber per step. */
export class GeneratorLoop {
  constructor(readonly gen: GeneratorValue) {}
}

/** A lazy iterator whose steps may call Harn code: each step runs as a native frame. */
export interface PullSource {
  /** One step: yields callback requests, returns the next item or undefined at the end. */
  pull(): Generator<CallRequest, Value | undefined, Value>;
  /** Present when a step never calls Harn code: the loop steps synchronously. */
  step?(): Value | undefined;
}

export class NativeLoop {
  constructor(readonly iter: IterValue) {}

  *step(): Generator<CallRequest, Value | undefined, Value> {
    if (this.iter.exhausted) return undefined;
    const v = yield* (this.iter.source as unknown as PullSource).pull();
    if (v === undefined) this.iter.exhausted = true;
    return v;
  }
}

export function dictEntries(d: Dict): Dict[] {
  return d.keys().map((key) => Dict.of({ key, value: d.map.get(key)! }));
}

export function loopSource(v: Value): LoopSource | GeneratorLoop | NativeLoop {
  if (Array.isArray(v)) return new ArrayLoop(v);
  if (typeof v === "string") return new ArrayLoop(Array.from(v));
  if (v !== null && typeof v === "object") {
    switch (v.tag) {
      case Tag.Dict:
        return new ArrayLoop(dictEntries(v));
      case Tag.Set:
        return new ArrayLoop(v.items);
      case Tag.Range:
        return new RangeLoop(v.start, v.end, v.inclusive);
      case Tag.Iter: {
        const it = v;
        const src = it.source as Partial<PullSource>;
        if (typeof src.step !== "function" && typeof src.pull === "function") return new NativeLoop(it);
        return {
          next(): Value | undefined {
            if (it.exhausted) return undefined;
            const r = it.source.next();
            if (r.done) {
              it.exhausted = true;
              return undefined;
            }
            return r.value;
          },
        };
      }
      case Tag.Generator:
        return new GeneratorLoop(v);
      case Tag.Handle:
        if (v.iterate) return v.iterate();
        break;
      default:
        break;
    }
  }
  if (v !== null && typeof v === "object" && Symbol.iterator in v) {
    return new JsIteratorLoop((v as unknown as Iterable<Value>)[Symbol.iterator]());
  }
  throw typeError(`cannot iterate over ${typeName(v)}`);
}
