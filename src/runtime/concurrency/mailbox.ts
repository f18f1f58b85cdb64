// Actor mailboxes (spec "Actor mailboxes"): scoped, named, bounded inboxes.
// `mailbox_send` parks while the inbox is full and fails (false) once it is
// closed or absent; `mailbox_receive` parks until a message arrives, the
// inbox closes (nil) or the task is asked to cancel. Messages go to waiting
// receivers in arrival order, and a receiver or sender whose task went away
// is skipped, so an abandoned wait never swallows a message.

import { runtimeError } from "../../vm/errors.ts";
import type { Task } from "../../vm/task.ts";
import { compareKeys, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { cancelledError, cancelRequested, type Parking, type ParkingLot, parkingLotFor } from "./parking.ts";
import {
  handleValue,
  type ScopedKey,
  scopedFromHandleOrName,
  scopedFromOpenArgs,
  scopedId,
} from "./scope.ts";

const DEFAULT_CAPACITY = 256;

class Mailbox {
  readonly buffer: Value[] = [];
  readonly receivers: Parking[] = [];
  readonly senders: { parking: Parking; value: Value }[] = [];
  closed = false;
  sent = 0;
  received = 0;
  failedSends = 0;
  /** Messages sent and not yet received (the reference's `depth`). */
  depth = 0;

  constructor(
    readonly scoped: ScopedKey,
    readonly capacity: number,
  ) {}

  /** Hands `v` to the first live receiver, else buffers it if there is room. */
  offer(v: Value): boolean {
    while (this.receivers.length > 0) {
      const r = this.receivers.shift()!;
      if (r.resolve(v)) {
        this.sent++;
        this.received++;
        return true;
      }
    }
    if (this.buffer.length >= this.capacity) return false;
    this.buffer.push(v);
    this.sent++;
    this.depth++;
    return true;
  }

  /** The next message, admitting one parked sender into the freed slot; undefined when empty. */
  take(): Value | undefined {
    if (this.buffer.length > 0) {
      const v = this.buffer.shift()!;
      this.received++;
      this.depth--;
      this.admitSender();
      return v;
    }
    while (this.senders.length > 0) {
      const s = this.senders.shift()!;
      if (s.parking.resolve(true)) {
        this.sent++;
        this.received++;
        return s.value;
      }
    }
    return undefined;
  }

  private admitSender(): void {
    while (this.senders.length > 0 && this.buffer.length < this.capacity) {
      const s = this.senders.shift()!;
      if (s.parking.resolve(true)) {
        this.buffer.push(s.value);
        this.sent++;
        this.depth++;
      }
    }
  }

  close(): boolean {
    if (this.closed) return false;
    this.closed = true;
    for (const r of this.receivers.splice(0)) r.resolve(null);
    return true;
  }

  metrics(): Dict {
    return Dict.of({
      capacity: this.capacity,
      depth: this.depth,
      sent_count: this.sent,
      received_count: this.received,
      failed_send_count: this.failedSends,
      closed: this.closed,
    });
  }
}

/** The mailboxes of one VM. */
class Mailboxes {
  readonly byId = new Map<string, Mailbox>();
  constructor(readonly lot: ParkingLot) {}

  open(s: ScopedKey, capacity: number): void {
    const id = scopedId(s);
    if (!this.byId.has(id)) this.byId.set(id, new Mailbox(s, Math.max(1, capacity)));
  }

  get(s: ScopedKey): Mailbox | undefined {
    return this.byId.get(scopedId(s));
  }

  send(task: Task, box: Mailbox, v: Value): Value | Promise<Value> {
    if (box.closed) {
      box.failedSends++;
      return false;
    }
    if (box.offer(v)) return true;
    const entry = { parking: null as unknown as Parking, value: v };
    entry.parking = this.lot.park(task, { onAbandon: () => remove(box.senders, entry) });
    box.senders.push(entry);
    return entry.parking.promise;
  }

  receive(task: Task, box: Mailbox): Value | Promise<Value> {
    if (cancelRequested(task)) throw cancelledError();
    const v = box.take();
    if (v !== undefined) return v;
    if (box.closed) return null;
    const parking = this.lot.park(task, {
      onAbandon: () => remove(box.receivers, parking),
      onCancelRequested: () => remove(box.receivers, parking),
      // A message handed over but never delivered goes back to the front of the inbox.
      onLost: (lost) => {
        box.buffer.unshift(lost);
        box.depth++;
        box.received--;
      },
    });
    box.receivers.push(parking);
    return parking.promise;
  }
}

function remove<T>(list: T[], item: T): void {
  const at = list.indexOf(item);
  if (at >= 0) list.splice(at, 1);
}

const registries = new WeakMap<Vm, Mailboxes>();

function mailboxesFor(vm: Vm): Mailboxes {
  let m = registries.get(vm);
  if (!m) {
    m = new Mailboxes(parkingLotFor(vm));
    registries.set(vm, m);
  }
  return m;
}

const EMPTY_METRICS = Dict.of({
  capacity: 0,
  depth: 0,
  sent_count: 0,
  received_count: 0,
  failed_send_count: 0,
  closed: false,
});

/**
 * Metrics of one mailbox (empty counters when it does not exist), or of
 * every mailbox with its `_type`/`scope`/`key` when `s` is null.
 */
export function mailboxMetricRows(vm: Vm, s: ScopedKey | null): Dict[] {
  const boxes = mailboxesFor(vm);
  if (s !== null) return [boxes.get(s)?.metrics() ?? EMPTY_METRICS];
  return [...boxes.byId.values()]
    .sort((a, b) => compareKeys(a.scoped.scope, b.scoped.scope) || compareKeys(a.scoped.key, b.scoped.key))
    .map((box) => {
      const m = new Map(box.metrics().map);
      m.set("_type", "mailbox");
      m.set("scope", box.scoped.scope);
      m.set("key", box.scoped.key);
      return new Dict(m);
    });
}

function target(args: Value[], fn: string, message: string): Value {
  const v = args[0];
  if (v === undefined) throw runtimeError(`${fn}: ${message}`);
  return v;
}

export function registerMailboxBuiltins(vm: Vm): void {
  const boxes = mailboxesFor(vm);
  const find = (task: Task, v: Value, fn: string): { s: ScopedKey; box: Mailbox | undefined } => {
    const s = scopedFromHandleOrName(task, v, "mailbox", fn);
    return { s, box: boxes.get(s) };
  };

  vm.registerBuiltin("mailbox_open", (args, { task }) => {
    const { scoped, options } = scopedFromOpenArgs(task, args, "mailbox_open", "name");
    const fromOptions = options?.map.get("capacity");
    const raw = typeof fromOptions === "number" ? fromOptions : args[1];
    boxes.open(scoped, typeof raw === "number" ? raw : DEFAULT_CAPACITY);
    return handleValue("mailbox", scoped);
  });
  vm.registerBuiltin("mailbox_lookup", (args, { task }) => {
    const { s, box } = find(
      task,
      target(args, "mailbox_lookup", "name or handle is required"),
      "mailbox_lookup",
    );
    return box ? handleValue("mailbox", s) : null;
  });
  vm.registerBuiltin("mailbox_send", (args, { task }) => {
    if (args.length < 2) throw runtimeError("mailbox_send: requires target and value");
    const { box } = find(task, args[0]!, "mailbox_send");
    return box ? boxes.send(task, box, args[1]!) : false;
  });
  vm.registerBuiltin("mailbox_try_receive", (args, { task }) => {
    const { box } = find(
      task,
      target(args, "mailbox_try_receive", "target is required"),
      "mailbox_try_receive",
    );
    return box?.take() ?? null;
  });
  vm.registerBuiltin("mailbox_receive", (args, { task }) => {
    const { box } = find(task, target(args, "mailbox_receive", "target is required"), "mailbox_receive");
    return box ? boxes.receive(task, box) : null;
  });
  vm.registerBuiltin("mailbox_close", (args, { task }) => {
    const { box } = find(task, target(args, "mailbox_close", "target is required"), "mailbox_close");
    return box ? box.close() : false;
  });
  vm.registerBuiltin("mailbox_metrics", (args, { task }) => {
    const { s } = find(task, target(args, "mailbox_metrics", "target is required"), "mailbox_metrics");
    return mailboxMetricRows(vm, s)[0]!;
  });
}
