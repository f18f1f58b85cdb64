// Lazy single-pass iterators (spec: "Iterator protocol"). An `IterValue`
// wraps a `Stage`: a source (list/set snapshot, dict pairs, string chars,
// integer range) or a combinator over another iter. Stages produce items
// through `pull()`, a JS generator that yields `CallRequest`s whenever it
// needs a Harn callback (map, filter, ...) and returns the next item, or
// `undefined` once exhausted. Sinks and combinators run inside a builtin's
// `NativeCall`, so callbacks may suspend like any other Harn code.
//
// The interpreter's `for` loop reads an iter through the synchronous
// `Iterator` interface; that works for every chain that needs no callback.
// A chain with callbacks cannot be stepped synchronously, so `next()`
// reports it instead of calling Harn re-entrantly.

import { typeName } from "../vm/display.ts";
import { runtimeError, typeError } from "../vm/errors.ts";
import { LOOP_DONE, type LoopSource } from "../vm/iterators.ts";
import {
  BuiltinRef,
  CallRequest,
  Dict,
  GeneratorValue,
  HandleValue,
  HSet,
  IterValue,
  PairValue,
  RangeValue,
  type Value,
} from "../vm/values.ts";

/** One step of a stage: yields callback requests, returns the item or undefined at the end. */
export type Pull = Generator<CallRequest, Value | undefined, Value>;

/** What a non-blocking step answers when its source has nothing yet (another task must send first). */
export const NOT_READY: unique symbol = Symbol("not-ready");

/** A non-blocking step: the item, undefined at the end, or NOT_READY. */
export type Poll = Generator<CallRequest, Value | undefined | typeof NOT_READY, Value>;

/** Requests that the interpreter park the task until `promise` settles, and returns its value. */
export function* wait(promise: Promise<Value>): Generator<CallRequest, Value, Value> {
  return yield new CallRequest(new BuiltinRef("iter.wait", () => promise), []);
}

export abstract class Stage implements Iterator<Value> {
  /** The iter value wrapping this stage (so a stage can mark itself exhausted early). */
  owner: IterValue | null = null;

  abstract pull(): Pull;

  /** Synchronous stepping for the interpreter's `for` loop. */
  next(): IteratorResult<Value> {
    const step = this.pull();
    const r = step.next();
    if (!r.done) {
      step.return(undefined);
      throw runtimeError(
        "a for loop cannot yet drive an iter whose combinators call functions; collect it with .to_list() first",
      );
    }
    return r.value === undefined ? { done: true, value: undefined } : { done: false, value: r.value };
  }

  /**
   * Like `pull`, but answers NOT_READY instead of waiting for another task
   * (merge, race and debounce poll their sources). Stages that never wait
   * on other tasks keep this default.
   */
  *poll(): Poll {
    return yield* this.pull();
  }

  /** Marks the owning iter exhausted (fused), e.g. `take` after its last item. */
  protected finish(): void {
    if (this.owner !== null) this.owner.exhausted = true;
  }
}

/** Stages that never call back into Harn step without a generator. */
export abstract class SyncStage extends Stage {
  abstract step(): Value | undefined;

  // biome-ignore lint/correctness/useYield: a synchronous step has nothing to request
  *pull(): Pull {
    return this.step();
  }

  override next(): IteratorResult<Value> {
    const v = this.step();
    return v === undefined ? { done: true, value: undefined } : { done: false, value: v };
  }
}

export function wrap(stage: Stage): IterValue {
  const it = new IterValue(stage);
  stage.owner = it;
  return it;
}

/** Pulls the next item of `it`, marking it exhausted at the end. */
export function* nextOf(it: IterValue): Pull {
  if (it.exhausted) return undefined;
  const src = it.source;
  let v: Value | undefined;
  if (src instanceof SyncStage) v = src.step();
  else if (src instanceof Stage) v = yield* src.pull();
  else {
    const r = src.next();
    v = r.done ? undefined : r.value;
  }
  if (v === undefined) it.exhausted = true;
  return v;
}

/** Polls the next item of `it` without waiting on other tasks. */
export function* pollOf(it: IterValue): Poll {
  if (it.exhausted) return undefined;
  const src = it.source;
  if (!(src instanceof Stage) || src instanceof SyncStage) return yield* nextOf(it);
  const v = yield* src.poll();
  if (v === undefined) it.exhausted = true;
  return v;
}

/** Drains `it` into a list. */
export function* drain(it: IterValue): Generator<CallRequest, Value[], Value> {
  const out: Value[] = [];
  for (;;) {
    const v = yield* nextOf(it);
    if (v === undefined) return out;
    out.push(v);
  }
}

// ---- sources ------------------------------------------------------------------

class ArrayStage extends SyncStage {
  private i = 0;
  constructor(private readonly items: readonly Value[]) {
    super();
  }
  step(): Value | undefined {
    return this.i < this.items.length ? this.items[this.i++]! : undefined;
  }
}

class RangeStage extends SyncStage {
  constructor(
    private cur: number,
    private readonly stop: number,
  ) {
    super();
  }
  step(): Value | undefined {
    return this.cur < this.stop ? this.cur++ : undefined;
  }
}

class DictStage extends SyncStage {
  private i = 0;
  private readonly keys: readonly string[];
  constructor(private readonly dict: Dict) {
    super();
    this.keys = dict.keys();
  }
  step(): Value | undefined {
    if (this.i >= this.keys.length) return undefined;
    const k = this.keys[this.i++]!;
    return new PairValue(k, this.dict.get(k));
  }
}

class CharStage extends SyncStage {
  private i = 0;
  constructor(private readonly s: string) {
    super();
  }
  step(): Value | undefined {
    if (this.i >= this.s.length) return undefined;
    const cp = this.s.codePointAt(this.i)!;
    const ch = String.fromCodePoint(cp);
    this.i += ch.length;
    return ch;
  }
}

/** Generators run Harn code: each step asks the interpreter to resume the generator once. */
class GeneratorStage extends Stage {
  constructor(readonly gen: GeneratorValue) {
    super();
  }
  *pull(): Pull {
    const r = yield new CallRequest(this.gen, []);
    if (!(r instanceof Dict) || r.get("done") === true) return undefined;
    return r.get("value");
  }
}

/** A receive that is still waiting for its producer. */
class Pending {
  outcome: { readonly value: Value } | { readonly error: unknown } | undefined;
  constructor(readonly promise: Promise<Value>) {
    promise.then(
      (value) => {
        this.outcome = { value };
      },
      (error: unknown) => {
        this.outcome = { error };
      },
    );
  }
  settled(): Value {
    const o = this.outcome!;
    if ("error" in o) throw o.error;
    return o.value;
  }
}

/** Stands for "exhausted" while a value travels through the interpreter. */
const END: Value = new PairValue(null, null);

/**
 * Channels and task streams: their loop source may answer with a Promise
 * (the producer has not sent yet). `pull` parks the task on it; `poll`
 * keeps it pending and reports NOT_READY until it settles.
 */
class HandleStage extends Stage {
  private readonly loop: LoopSource;
  private pending: Pending | null = null;
  constructor(handle: HandleValue & { iterate: () => LoopSource }) {
    super();
    this.loop = handle.iterate();
  }
  private receive(): Value | undefined | Pending {
    if (this.pending !== null) return this.pending;
    const r = this.loop.next();
    return r instanceof Promise ? new Pending(r.then((v) => (v === LOOP_DONE ? END : v))) : r;
  }
  *pull(): Pull {
    const r = this.receive();
    this.pending = null;
    if (!(r instanceof Pending)) return r;
    const v = r.outcome === undefined ? yield* wait(r.promise) : r.settled();
    return v === END ? undefined : v;
  }
  // biome-ignore lint/correctness/useYield: polling never waits, so it requests nothing
  override *poll(): Poll {
    const r = this.receive();
    if (!(r instanceof Pending)) return r;
    if (r.outcome === undefined) {
      this.pending = r;
      return NOT_READY;
    }
    this.pending = null;
    const v = r.settled();
    return v === END ? undefined : v;
  }
}

/** `iter(x)`: a fresh single-pass iter over `x` (an iter is returned unchanged). */
export function iterFromValue(v: Value): IterValue {
  if (v instanceof IterValue) return v;
  if (Array.isArray(v)) return wrap(new ArrayStage(v));
  if (typeof v === "string") return wrap(new CharStage(v));
  if (v instanceof RangeValue) return wrap(new RangeStage(v.start, v.inclusive ? v.end + 1 : v.end));
  if (v instanceof HSet) return wrap(new ArrayStage(v.items));
  if (v instanceof Dict) return wrap(new DictStage(v));
  if (v instanceof GeneratorValue) return wrap(new GeneratorStage(v));
  if (v instanceof HandleValue && v.iterate !== undefined) {
    return wrap(new HandleStage(v as HandleValue & { iterate: () => LoopSource }));
  }
  throw typeError(`iter: value of type ${typeName(v)} is not iterable`);
}
