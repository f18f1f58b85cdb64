// The lazy combinator stages (spec: "Iterator protocol" > "Combinators").
// Each wraps one or more inner iters and does no work until pulled; a
// callback is requested with `yield new CallRequest(f, [item])` and its
// result comes back as the value of the `yield`.

import { truthy } from "../vm/display.ts";
import { CallRequest, type IterValue, PairValue, type Value } from "../vm/values.ts";
import { iterFromValue, NOT_READY, nextOf, type Poll, pollOf, type Pull, Stage } from "./iter.ts";

export class MapStage extends Stage {
  constructor(
    private readonly inner: IterValue,
    private readonly f: Value,
  ) {
    super();
  }
  *pull(): Pull {
    const v = yield* nextOf(this.inner);
    if (v === undefined) return undefined;
    return yield new CallRequest(this.f, [v]);
  }
  override *poll(): Poll {
    const v = yield* pollOf(this.inner);
    if (v === undefined || v === NOT_READY) return v;
    return yield new CallRequest(this.f, [v]);
  }
}

/** Calls `f` for its side effect and passes the item through. */
export class TapStage extends Stage {
  constructor(
    private readonly inner: IterValue,
    private readonly f: Value,
  ) {
    super();
  }
  *pull(): Pull {
    const v = yield* nextOf(this.inner);
    if (v !== undefined) yield new CallRequest(this.f, [v]);
    return v;
  }
  override *poll(): Poll {
    const v = yield* pollOf(this.inner);
    if (v !== undefined && v !== NOT_READY) yield new CallRequest(this.f, [v]);
    return v;
  }
}

export class FilterStage extends Stage {
  constructor(
    private readonly inner: IterValue,
    private readonly p: Value,
  ) {
    super();
  }
  *pull(): Pull {
    for (;;) {
      const v = yield* nextOf(this.inner);
      if (v === undefined) return undefined;
      if (truthy(yield new CallRequest(this.p, [v]))) return v;
    }
  }
  override *poll(): Poll {
    for (;;) {
      const v = yield* pollOf(this.inner);
      if (v === undefined || v === NOT_READY) return v;
      if (truthy(yield new CallRequest(this.p, [v]))) return v;
    }
  }
}

/** Running fold: yields each new accumulator. */
export class ScanStage extends Stage {
  constructor(
    private readonly inner: IterValue,
    private acc: Value,
    private readonly f: Value,
  ) {
    super();
  }
  *pull(): Pull {
    const v = yield* nextOf(this.inner);
    if (v === undefined) return undefined;
    this.acc = yield new CallRequest(this.f, [this.acc, v]);
    return this.acc;
  }
  override *poll(): Poll {
    const v = yield* pollOf(this.inner);
    if (v === undefined || v === NOT_READY) return v;
    this.acc = yield new CallRequest(this.f, [this.acc, v]);
    return this.acc;
  }
}

export class FlatMapStage extends Stage {
  private cur: IterValue | null = null;
  constructor(
    private readonly inner: IterValue,
    private readonly f: Value,
  ) {
    super();
  }
  *pull(): Pull {
    for (;;) {
      if (this.cur !== null) {
        const v = yield* nextOf(this.cur);
        if (v !== undefined) return v;
        this.cur = null;
      }
      const item = yield* nextOf(this.inner);
      if (item === undefined) return undefined;
      this.cur = iterFromValue(yield new CallRequest(this.f, [item]));
    }
  }
  /** As in the reference, finishing the current inner iter answers NOT_READY once. */
  override *poll(): Poll {
    for (;;) {
      if (this.cur !== null) {
        const v = yield* pollOf(this.cur);
        if (v !== undefined) return v;
        this.cur = null;
        return NOT_READY;
      }
      const item = yield* pollOf(this.inner);
      if (item === undefined || item === NOT_READY) return item;
      this.cur = iterFromValue(yield new CallRequest(this.f, [item]));
    }
  }
}

export class TakeStage extends Stage {
  constructor(
    private readonly inner: IterValue,
    private remaining: number,
  ) {
    super();
  }
  *pull(): Pull {
    if (this.remaining <= 0) return undefined;
    const v = yield* nextOf(this.inner);
    if (v !== undefined && --this.remaining === 0) this.finish();
    return v;
  }
  override *poll(): Poll {
    if (this.remaining <= 0) return undefined;
    const v = yield* pollOf(this.inner);
    if (v !== undefined && v !== NOT_READY && --this.remaining === 0) this.finish();
    return v;
  }
}

export class SkipStage extends Stage {
  constructor(
    private readonly inner: IterValue,
    private remaining: number,
  ) {
    super();
  }
  *pull(): Pull {
    while (this.remaining > 0) {
      if ((yield* nextOf(this.inner)) === undefined) return undefined;
      this.remaining--;
    }
    return yield* nextOf(this.inner);
  }
}

export class TakeWhileStage extends Stage {
  private done = false;
  constructor(
    private readonly inner: IterValue,
    private readonly p: Value,
  ) {
    super();
  }
  *pull(): Pull {
    if (this.done) return undefined;
    const v = yield* nextOf(this.inner);
    if (v === undefined) return undefined;
    if (truthy(yield new CallRequest(this.p, [v]))) return v;
    this.done = true;
    return undefined;
  }
}

/** Yields items until `p` holds; the matching item is consumed, not yielded. */
export class TakeUntilStage extends Stage {
  private done = false;
  constructor(
    private readonly inner: IterValue,
    private readonly p: Value,
  ) {
    super();
  }
  *pull(): Pull {
    if (this.done) return undefined;
    const v = yield* nextOf(this.inner);
    if (v === undefined) return undefined;
    if (!truthy(yield new CallRequest(this.p, [v]))) return v;
    this.done = true;
    return undefined;
  }
  override *poll(): Poll {
    if (this.done) return undefined;
    const v = yield* pollOf(this.inner);
    if (v === undefined || v === NOT_READY) return v;
    if (!truthy(yield new CallRequest(this.p, [v]))) return v;
    this.done = true;
    return undefined;
  }
}

export class SkipWhileStage extends Stage {
  private primed = false;
  constructor(
    private readonly inner: IterValue,
    private readonly p: Value,
  ) {
    super();
  }
  *pull(): Pull {
    if (this.primed) return yield* nextOf(this.inner);
    for (;;) {
      const v = yield* nextOf(this.inner);
      if (v === undefined) return undefined;
      if (!truthy(yield new CallRequest(this.p, [v]))) {
        this.primed = true;
        return v;
      }
    }
  }
}

export class ZipStage extends Stage {
  constructor(
    private readonly a: IterValue,
    private readonly b: IterValue,
  ) {
    super();
  }
  *pull(): Pull {
    const x = yield* nextOf(this.a);
    if (x === undefined) return undefined;
    const y = yield* nextOf(this.b);
    if (y === undefined) return undefined;
    return new PairValue(x, y);
  }
}

export class EnumerateStage extends Stage {
  private i = 0;
  constructor(private readonly inner: IterValue) {
    super();
  }
  *pull(): Pull {
    const v = yield* nextOf(this.inner);
    if (v === undefined) return undefined;
    return new PairValue(this.i++, v);
  }
}

export class ChainStage extends Stage {
  private onA = true;
  constructor(
    private readonly a: IterValue,
    private readonly b: IterValue,
  ) {
    super();
  }
  *pull(): Pull {
    if (this.onA) {
      const v = yield* nextOf(this.a);
      if (v !== undefined) return v;
      this.onA = false;
    }
    return yield* nextOf(this.b);
  }
}

/** Batches of up to `n` items; the last may be shorter. */
export class ChunksStage extends Stage {
  constructor(
    private readonly inner: IterValue,
    private readonly n: number,
  ) {
    super();
  }
  *pull(): Pull {
    const batch: Value[] = [];
    while (batch.length < this.n) {
      const v = yield* nextOf(this.inner);
      if (v === undefined) break;
      batch.push(v);
    }
    return batch.length === 0 ? undefined : batch;
  }
}

/** Sliding windows of exactly `n` items. */
export class WindowsStage extends Stage {
  private buf: Value[] = [];
  constructor(
    private readonly inner: IterValue,
    private readonly n: number,
  ) {
    super();
  }
  *pull(): Pull {
    if (this.buf.length === 0) {
      while (this.buf.length < this.n) {
        const v = yield* nextOf(this.inner);
        if (v === undefined) return undefined;
        this.buf.push(v);
      }
    } else {
      const v = yield* nextOf(this.inner);
      if (v === undefined) return undefined;
      // A new array each step: the previous window escaped as a Harn list.
      this.buf = [...this.buf.slice(1), v];
    }
    return this.buf;
  }
}

/** Strict round-robin over the sources that still have items. */
export class InterleaveStage extends Stage {
  private cursor = 0;
  private readonly sources: (IterValue | null)[];
  constructor(sources: IterValue[]) {
    super();
    this.sources = sources;
  }
  *pull(): Pull {
    const n = this.sources.length;
    for (let offset = 0; offset < n; offset++) {
      const idx = (this.cursor + offset) % n;
      const src = this.sources[idx];
      if (src === null || src === undefined) continue;
      const v = yield* nextOf(src);
      if (v !== undefined) {
        this.cursor = (idx + 1) % n;
        return v;
      }
      this.sources[idx] = null;
    }
    return undefined;
  }
}
