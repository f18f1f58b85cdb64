// `channel_select(channels, timeout?)`: the function form of select. It
// returns `{index, value, channel}` for the first channel (in list order)
// with a value, or nil once every channel is closed and drained or the
// timeout passes. While it waits it watches the channels and takes a value
// only if its task is still parked on it, so a cancelled select never
// swallows a message meant for someone else.

import { thrown } from "../../vm/errors.ts";
import { LOOP_DONE } from "../../vm/iterators.ts";
import { Dict, HandleValue, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import type { Channel } from "./channels.ts";
import { parkingLotFor } from "./parking.ts";
import { timeoutArg } from "./sync.ts";

type Polled = Dict | null | undefined;

/** A ready channel's result, nil when all are closed and drained, undefined to keep waiting. */
function poll(chans: Channel[]): Polled {
  let allClosed = true;
  for (let i = 0; i < chans.length; i++) {
    const ch = chans[i]!;
    const v = ch.take();
    if (v === LOOP_DONE) continue;
    allClosed = false;
    if (v !== undefined) return Dict.of({ index: i, value: v, channel: ch.name });
  }
  return allClosed ? null : undefined;
}

function channelList(v: Value | undefined): Channel[] {
  if (!Array.isArray(v)) throw thrown("channel_select: first argument must be a list of channels");
  return v.map((item) => {
    if (item instanceof HandleValue && item.kind === "channel") return item.payload as Channel;
    throw thrown("channel_select: channel list must contain only channels");
  });
}

export function registerChannelSelectBuiltins(vm: Vm): void {
  vm.registerBuiltin("channel_select", (args, { task }) => {
    const chans = channelList(args[0]);
    const timeout = timeoutArg(args[1]);
    const ready = poll(chans);
    if (ready !== undefined) return ready;
    if (timeout === 0) return null;
    const unwatch = (): void => {
      for (const ch of chans) ch.watchers.delete(wake);
    };
    const parking = parkingLotFor(vm).park(task, {
      onAbandon: unwatch,
      // A value taken for a task that was interrupted before it saw it goes back to its channel.
      onLost: (r) => {
        const d = r as Dict;
        chans[d.get("index") as number]?.buffer.unshift(d.get("value"));
      },
    });
    function wake(): void {
      if (!parking.live) return parking.abandon();
      const r = poll(chans);
      if (r === undefined) return;
      unwatch();
      parking.resolve(r);
    }
    for (const ch of chans) ch.watchers.add(wake);
    if (timeout !== null) {
      parking.expireAfter(timeout, () => {
        unwatch();
        parking.resolve(null);
      });
    }
    return parking.promise;
  });
}
