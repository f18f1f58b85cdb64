// Channels (buffered queues between tasks) and `select`. A receive on an
// empty channel, or a send on a full one, parks the task until another
// task makes room; closing wakes every waiting receiver with nil. `for x in
// ch` drains a channel until it is closed and empty.

import { display, typeName } from "../../vm/display.ts";
import { runtimeError, typeError } from "../../vm/errors.ts";
import { LOOP_DONE, type LoopSource } from "../../vm/iterators.ts";
import { cancellable } from "../../vm/scheduler.ts";
import { HandleValue, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { millis } from "./tasks.ts";

type Receiver = (v: Value | typeof LOOP_DONE) => void;

export class Channel {
  readonly buffer: Value[] = [];
  readonly receivers: Receiver[] = [];
  readonly senders: { value: Value; resolve: () => void }[] = [];
  /** Select waiters: notified (not handed a value) when something arrives. */
  readonly watchers = new Set<() => void>();
  closed = false;

  constructor(
    readonly name: string,
    readonly capacity: number,
  ) {}

  /** Delivers `v` now if possible; false when the buffer is full. */
  offer(v: Value): boolean {
    const receiver = this.receivers.shift();
    if (receiver) {
      receiver(v);
      return true;
    }
    if (this.buffer.length >= this.capacity) return false;
    this.buffer.push(v);
    for (const w of [...this.watchers]) w();
    return true;
  }

  /** Takes a buffered value, admitting one waiting sender into the freed slot. */
  take(): Value | typeof LOOP_DONE | undefined {
    if (this.buffer.length > 0) {
      const v = this.buffer.shift()!;
      const sender = this.senders.shift();
      if (sender) {
        this.buffer.push(sender.value);
        sender.resolve();
      }
      return v;
    }
    const sender = this.senders.shift();
    if (sender) {
      sender.resolve();
      return sender.value;
    }
    return this.closed ? LOOP_DONE : undefined;
  }

  close(): void {
    this.closed = true;
    for (const r of this.receivers.splice(0)) r(LOOP_DONE);
    for (const w of [...this.watchers]) w();
  }
}

export function channelOf(v: Value | undefined, fn: string): Channel {
  if (v instanceof HandleValue && v.kind === "channel") return v.payload as Channel;
  throw typeError(`${fn}: first argument must be a channel, got ${typeName(v ?? null)}`);
}

function channelValue(ch: Channel): HandleValue {
  return new HandleValue(
    "channel",
    () => `<channel:${ch.name}>`,
    ch,
    () => channelLoop(ch),
  );
}

/** A for-loop over a channel: values until it is closed and drained. */
export function channelLoop(ch: Channel): LoopSource {
  return {
    next() {
      const v = ch.take();
      if (v === LOOP_DONE) return undefined;
      if (v !== undefined) return v;
      return new Promise((resolve) => ch.receivers.push(resolve));
    },
  };
}

function receive(ch: Channel): Value | Promise<Value> {
  const v = ch.take();
  if (v === LOOP_DONE) return null;
  if (v !== undefined) return v;
  let receiver: Receiver | undefined;
  const wait = new Promise<Value>((resolve) => {
    receiver = (x) => resolve(x === LOOP_DONE ? null : x);
    ch.receivers.push(receiver);
  });
  return cancellable(wait, () => {
    const i = ch.receivers.indexOf(receiver!);
    if (i >= 0) ch.receivers.splice(i, 1);
  });
}

let nextChannelId = 0;

/** `select`: [index, value] of the first ready channel, [-1, nil] on timeout, [-2, nil] for default. */
function select(chans: Channel[], timeoutMs: number | null, hasDefault: boolean): Value | Promise<Value> {
  const poll = (): Value[] | undefined => {
    for (let i = 0; i < chans.length; i++) {
      const v = chans[i]!.take();
      if (v === LOOP_DONE) return [i, null];
      if (v !== undefined) return [i, v];
    }
    return undefined;
  };
  const ready = poll();
  if (ready) return ready;
  if (hasDefault) return [-2, null];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake = (): void => {};
  const stop = (): void => {
    for (const ch of chans) ch.watchers.delete(wake);
    if (timer) clearTimeout(timer);
  };
  const wait = new Promise<Value>((resolve) => {
    const finish = (result: Value[]): void => {
      stop();
      resolve(result);
    };
    wake = (): void => {
      const r = poll();
      if (r) finish(r);
    };
    for (const ch of chans) ch.watchers.add(wake);
    if (timeoutMs !== null) timer = setTimeout(() => finish([-1, null]), timeoutMs);
  });
  return cancellable(wait, stop);
}

export function registerChannelBuiltins(vm: Vm): void {
  vm.registerBuiltin("channel", (args) => {
    const name = args.length > 0 && args[0] !== null ? display(args[0]!) : `channel_${nextChannelId++}`;
    const capacity = typeof args[1] === "number" ? args[1] : 256;
    if (capacity < 0) throw runtimeError("channel: capacity must not be negative");
    return channelValue(new Channel(name, capacity));
  });

  vm.registerBuiltin("send", (args) => {
    const ch = channelOf(args[0], "send");
    if (ch.closed) return false;
    const v = args[1] ?? null;
    if (ch.offer(v)) return true;
    return new Promise((resolve) => ch.senders.push({ value: v, resolve: () => resolve(true) }));
  });

  vm.registerBuiltin("receive", (args) => receive(channelOf(args[0], "receive")));

  vm.registerBuiltin("try_receive", (args) => {
    const v = channelOf(args[0], "try_receive").take();
    return v === undefined || v === LOOP_DONE ? null : v;
  });

  vm.registerBuiltin("close_channel", (args) => {
    channelOf(args[0], "close_channel").close();
    return null;
  });

  vm.registerBuiltin("__select", (args) => {
    const chans = (args[0] as Value[]).map((c) => channelOf(c, "select"));
    const timeout = args[1] === null || args[1] === undefined ? null : millis(args[1], "select timeout");
    return select(chans, timeout, args[2] === true);
  });
}
