// SSE client builtins: `sse_mock(url_pattern, events)`, `sse_connect(
// method, url, options)` and `sse_receive(handle, timeout_ms)`, which
// yields `{type: "open"}` first, then `{type: "event", event, data, id,
// retry_ms}` per event, `{type: "timeout"}` when nothing arrives in time
// and nil once the stream has ended. Real streams go through the HTTP
// transport and the SSE decoder; mocked URLs never touch the network.

import { TransportError } from "../../llm/transport/errors.ts";
import { SseDecoder } from "../../llm/transport/sse.ts";
import type { TransportResponse } from "../../llm/transport/types.ts";
import { display } from "../../vm/display.ts";
import { cancellable } from "../../vm/scheduler.ts";
import { type BuiltinContext, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { isHttpUrl, prepareRequest, sessionOptions, transportRequest } from "./client.ts";
import type { HttpRuntime } from "./http-runtime.ts";
import { requireNetwork } from "./network-policy.ts";
import { dictOption, fail, handleId, intOption, optionsArg, textAt } from "./options.ts";
import { eventValue } from "./sse-frames.ts";
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_STREAM_EVENTS,
  limitOption,
  receiveTimeout,
  type SseHandle,
  type StreamEvent,
  type TransportState,
} from "./transport-state.ts";

const MAX_SSE_STREAMS = 64;

function parseEvent(v: Value): StreamEvent {
  if (!(v instanceof Dict)) return { event: "message", data: display(v) };
  const name = v.map.get("event") ?? v.map.get("type");
  const nameText = name === undefined || name === null ? "" : display(name);
  const id = v.map.get("id");
  const idText = id === undefined || id === null ? "" : display(id);
  const retry = intOption(v, "retry_ms");
  return {
    event: nameText === "" ? "message" : nameText,
    data: v.map.has("data") ? display(v.get("data")) : "",
    ...(idText !== "" && { id: idText }),
    ...(retry !== undefined && { retryMs: retry }),
  };
}

function parseEvents(v: Value | undefined): StreamEvent[] {
  if (v === undefined) return [];
  if (v instanceof Dict) {
    const events = v.map.get("events");
    return Array.isArray(events) ? events.map(parseEvent) : [];
  }
  return Array.isArray(v) ? v.map(parseEvent) : [parseEvent(v)];
}

function mockHandle(
  url: string,
  events: readonly StreamEvent[],
  maxEvents: number,
  maxBytes: number,
): SseHandle {
  const queue = [...events];
  let opened = false;
  let ended = false;
  return {
    url,
    maxEvents,
    maxMessageBytes: maxBytes,
    received: 0,
    next() {
      if (ended) return "end";
      if (!opened) {
        opened = true;
        return "open";
      }
      const event = queue.shift();
      if (event === undefined) {
        ended = true;
        return "end";
      }
      return event;
    },
    close() {
      ended = true;
    },
  };
}

/** A live stream: decoded events are buffered; a read still pending after a timeout is picked up next time. */
function liveHandle(
  url: string,
  response: TransportResponse,
  maxEvents: number,
  maxBytes: number,
): SseHandle {
  const decoder = new SseDecoder();
  const buffered: StreamEvent[] = [];
  const chunks = response.chunks()[Symbol.asyncIterator]();
  let opened = false;
  let ended = false;
  let failure: string | undefined;
  let reading: Promise<void> | undefined;
  // Never rejects: a read outliving a timed-out receive must not become an unhandled rejection.
  const pull = (): Promise<void> =>
    (reading ??= chunks.next().then(
      (step) => {
        reading = undefined;
        if (step.done) ended = true;
        else buffered.push(...decoder.pushBytes(step.value));
      },
      (error: unknown) => {
        reading = undefined;
        ended = true;
        failure = error instanceof Error ? error.message : String(error);
      },
    ));
  return {
    url,
    maxEvents,
    maxMessageBytes: maxBytes,
    received: 0,
    async next(timeoutMs) {
      if (!opened) {
        opened = true;
        return "open";
      }
      const deadline = Date.now() + timeoutMs;
      while (buffered.length === 0 && !ended && failure === undefined) {
        const left = deadline - Date.now();
        if (left <= 0) return "timeout";
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timedOut = new Promise<"timeout">((resolve) => {
          timer = setTimeout(() => resolve("timeout"), left);
        });
        const outcome = await Promise.race([pull(), timedOut]);
        clearTimeout(timer);
        if (outcome === "timeout") return "timeout";
      }
      const event = buffered.shift();
      if (event !== undefined) return event;
      if (failure !== undefined) throw fail(`sse_receive: stream error: ${failure}`);
      return "end";
    },
    close() {
      ended = true;
      response.cancel();
    },
  };
}

export function registerSseClient(vm: Vm, rt: HttpRuntime, state: TransportState): void {
  const add = (handle: SseHandle): string => {
    if (state.sse.size >= MAX_SSE_STREAMS) {
      handle.close();
      throw fail(`sse_connect: maximum open streams (${MAX_SSE_STREAMS}) reached`);
    }
    const id = state.handles.make("sse");
    state.sse.set(id, handle);
    return id;
  };

  const connect = (ctx: BuiltinContext, method: string, url: string, raw: Dict): Value | Promise<Value> => {
    const maxEvents = limitOption(raw, "max_events", DEFAULT_MAX_STREAM_EVENTS);
    const maxBytes = limitOption(raw, "max_message_bytes", DEFAULT_MAX_MESSAGE_BYTES);
    const mocked = state.sseMock(url);
    if (mocked) {
      const id = add(mockHandle(url, mocked, maxEvents, maxBytes));
      state.record({ kind: "sse_connect", handle: id, url, type: null, data: null });
      return id;
    }
    if (!isHttpUrl(url)) throw fail(`sse_connect: URL must start with http:// or https://, got '${url}'`);
    rt.egress.enforce("sse_connect", url);
    const options = sessionOptions(rt, raw, "sse_connect");
    const headers = dictOption(options, "headers") ?? new Dict();
    const withAccept = headers.keys().some((k) => k.toLowerCase() === "accept")
      ? options
      : options.with("headers", headers.with("Accept", "text/event-stream"));
    const req = prepareRequest(rt, ctx, method, url, withAccept, "sse_connect");
    const controller = new AbortController();
    const opened = rt.transport.send(transportRequest(req, controller.signal, rt)).then(
      (response) => add(liveHandle(url, response, maxEvents, maxBytes)),
      (e: unknown) => {
        if (e instanceof TransportError) throw fail(`sse_connect: request failed: ${e.message}`);
        throw e;
      },
    );
    return cancellable(opened, () => controller.abort());
  };

  const receive = async (handle: SseHandle, timeoutMs: number): Promise<Value> => {
    const item = await handle.next(timeoutMs);
    if (item === "open") return Dict.of({ type: "open" });
    if (item === "end") return null;
    if (item === "timeout") return Dict.of({ type: "timeout" });
    if (new TextEncoder().encode(item.data).length > handle.maxMessageBytes) {
      throw fail(`sse_receive: message exceeded max_message_bytes (${handle.maxMessageBytes})`);
    }
    return eventValue(item.event, item.data, item.id, item.retryMs);
  };

  vm.registerBuiltin("sse_mock", (args) => {
    const pattern = textAt(args, 0);
    if (pattern === "") throw fail("sse_mock: URL pattern is required");
    state.sseMocks.push({ pattern, events: parseEvents(args[1]) });
    return null;
  });

  vm.registerBuiltin("sse_connect", (args, ctx) => {
    requireNetwork(ctx, "sse_connect");
    const method = textAt(args, 0).toUpperCase() || "GET";
    const url = textAt(args, 1);
    if (url === "") throw fail("sse_connect: URL is required");
    return connect(ctx, method, url, optionsArg(args, 2));
  });

  vm.registerBuiltin("sse_receive", (args, ctx) => {
    requireNetwork(ctx, "sse_receive");
    if (args.length === 0) throw fail("sse_receive: requires a stream handle");
    const id = handleId(args[0], "sse_receive");
    const handle = state.sse.get(id);
    if (handle === undefined) throw fail(`sse_receive: unknown stream '${id}'`);
    if (handle.received >= handle.maxEvents) throw fail(`sse_receive: stream '${id}' exceeded max_events`);
    handle.received++;
    return receive(handle, receiveTimeout(args[1]));
  });

  vm.registerBuiltin("sse_close", (args) => {
    if (args.length === 0) throw fail("sse_close: requires a stream handle");
    const id = handleId(args[0], "sse_close");
    const handle = state.sse.get(id);
    handle?.close();
    return state.sse.delete(id);
  });
}
