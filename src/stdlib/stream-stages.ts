// Stages for the `stream.*` operators that combine sources in time: merge
// (whichever source is ready), race (the first source to produce wins),
// broadcast (one source, several readers), throttle and debounce. They poll
// their sources without blocking and sleep 1 ms between rounds when none is
// ready, so a source fed by another task (a channel) never stalls the rest.

import { BuiltinRef, CallRequest, type IterValue, type Value } from "../vm/values.ts";
import { NOT_READY, nextOf, type Poll, pollOf, type Pull, Stage } from "./iter.ts";

/** Requests a pause of `ms` milliseconds (the task parks; other tasks run). */
function* sleep(ms: number): Generator<CallRequest, void, Value> {
  const pause = new BuiltinRef(
    "stream.sleep",
    () => new Promise<Value>((resolve) => setTimeout(() => resolve(null), ms)),
  );
  yield new CallRequest(pause, []);
}

/** Drains sources in rotating order, taking whichever is ready. */
export class MergeStage extends Stage {
  private cursor = 0;
  constructor(private readonly sources: (IterValue | null)[]) {
    super();
  }
  *pull(): Pull {
    const n = this.sources.length;
    for (;;) {
      let live = 0;
      for (let offset = 0; offset < n; offset++) {
        const idx = (this.cursor + offset) % n;
        const src = this.sources[idx];
        if (src === null || src === undefined) continue;
        const v = yield* pollOf(src);
        if (v === NOT_READY) live++;
        else if (v === undefined) this.sources[idx] = null;
        else {
          this.cursor = (idx + 1) % n;
          return v;
        }
      }
      if (live === 0) return undefined;
      yield* sleep(1);
    }
  }
}

/** The first source to produce an item wins; later items come only from it. */
export class RaceStage extends Stage {
  private winner: IterValue | null = null;
  constructor(private sources: (IterValue | null)[]) {
    super();
  }
  *pull(): Pull {
    if (this.winner !== null) return yield* nextOf(this.winner);
    for (;;) {
      let live = 0;
      for (let i = 0; i < this.sources.length; i++) {
        const src = this.sources[i];
        if (src === null || src === undefined) continue;
        const v = yield* pollOf(src);
        if (v === NOT_READY) live++;
        else if (v === undefined) this.sources[i] = null;
        else {
          this.winner = src;
          this.sources = [];
          return v;
        }
      }
      if (live === 0) return undefined;
      yield* sleep(1);
    }
  }
}

/** What the branches of one broadcast share: the source and everything read from it so far. */
export class BroadcastState {
  readonly buffer: Value[] = [];
  exhausted = false;
  constructor(readonly source: IterValue) {}
}

export class BroadcastStage extends Stage {
  private index = 0;
  constructor(private readonly shared: BroadcastState) {
    super();
  }
  *pull(): Pull {
    const s = this.shared;
    for (;;) {
      if (this.index < s.buffer.length) return s.buffer[this.index++]!;
      if (s.exhausted) return undefined;
      const v = yield* nextOf(s.source);
      if (v === undefined) s.exhausted = true;
      else s.buffer.push(v);
    }
  }
}

/** At most one item per interval: waits before every item but the first. */
export class ThrottleStage extends Stage {
  private readyAt: number | null = null;
  constructor(
    private readonly inner: IterValue,
    private readonly intervalMs: number,
  ) {
    super();
  }
  *pull(): Pull {
    if (this.readyAt !== null) {
      const delay = this.readyAt - Date.now();
      this.readyAt = null;
      if (delay > 0) yield* sleep(delay);
    }
    const v = yield* nextOf(this.inner);
    if (v !== undefined) this.readyAt = Date.now() + this.intervalMs;
    return v;
  }
  override *poll(): Poll {
    if (this.readyAt !== null && this.readyAt > Date.now()) return NOT_READY;
    const v = yield* pollOf(this.inner);
    if (v !== undefined && v !== NOT_READY) this.readyAt = Date.now() + this.intervalMs;
    return v;
  }
}

/** Waits for a quiet window after an item, then emits the last item of the burst. */
export class DebounceStage extends Stage {
  constructor(
    private readonly inner: IterValue,
    private readonly windowMs: number,
  ) {
    super();
  }
  *pull(): Pull {
    let last = yield* nextOf(this.inner);
    if (last === undefined) return undefined;
    if (this.windowMs > 0) yield* sleep(this.windowMs);
    for (;;) {
      const v = yield* pollOf(this.inner);
      if (v === undefined || v === NOT_READY) return last;
      last = v;
    }
  }
}
