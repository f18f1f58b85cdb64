// `llm_stream(prompt, system?, options?)` returns a channel of text chunks
// that closes when the reply is complete (spec: "Streaming"); `for chunk in
// stream` reads it. The mock provider streams the prompt back word by word;
// other providers stream their deltas, and a failure arrives as one final
// `error: <message>` chunk, as in the reference.

import { Channel, channelLoop } from "../../runtime/concurrency/channels.ts";
import { HandleValue, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { callWithRetries } from "../call.ts";
import { failureFacts } from "../errors.ts";
import { parseCallOptions } from "../options.ts";
import type { LlmState } from "../state.ts";

const STREAM_CAPACITY = 64;

function channelHandle(ch: Channel): HandleValue {
  return new HandleValue(
    "channel",
    () => `<channel:${ch.name}>`,
    ch,
    () => channelLoop(ch),
  );
}

/** Delivers `v`, waiting while the channel is full. */
function send(ch: Channel, v: Value): Promise<void> {
  if (ch.offer(v)) return Promise.resolve();
  return new Promise((resolve) => ch.senders.push({ value: v, resolve }));
}

export function registerStreamBuiltins(vm: Vm, state: LlmState): void {
  vm.registerBuiltin("llm_stream", (args) => {
    const opts = parseCallOptions(state, args);
    const ch = new Channel("llm_stream", STREAM_CAPACITY);
    const controller = new AbortController();
    const produce = async (): Promise<void> => {
      if (opts.request.provider === "mock") {
        const last = opts.request.messages.at(-1)?.content;
        const words = typeof last === "string" ? last.split(/\s+/).filter((w) => w !== "") : [];
        for (const word of words) await send(ch, word);
        return;
      }
      const pending: Promise<void>[] = [];
      try {
        const ctx = { vm, state, signal: controller.signal };
        await callWithRetries(ctx, opts, opts.request, (delta) => void pending.push(send(ch, delta)));
      } catch (e) {
        pending.push(send(ch, `error: ${failureFacts(e).message}`));
      }
      await Promise.all(pending);
    };
    void produce().finally(() => ch.close());
    return channelHandle(ch);
  });
}
