// Server-side SSE streams: `sse_server_response(options)` opens a stream
// handle (a response dict with status 200 and event-stream headers),
// `sse_server_send` / `_heartbeat` buffer frames within the stream's
// limits, `_flush`, `_close` and `_cancel` move it through its life, and
// `sse_server_mock_receive` / `_mock_disconnect` play the client in tests.
// Sending to a closed, cancelled or disconnected stream returns false.

import { display } from "../../vm/display.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import type { HandleCounter } from "./options.ts";
import { dictOption, fail, handleId, intOption, optionsArg } from "./options.ts";
import { comment, parseFrame, sseFrame } from "./sse-frames.ts";

const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;
const DEFAULT_MAX_BUFFERED_EVENTS = 10_000;
const MAX_SSE_SERVER_STREAMS = 64;

interface ServerStream {
  readonly status: number;
  readonly headers: Dict;
  readonly frames: string[];
  readonly maxEventBytes: number;
  readonly maxBufferedEvents: number;
  sent: number;
  flushed: number;
  closed: boolean;
  disconnected: boolean;
  cancelled: boolean;
  cancelReason: string | null;
}

const DEFAULT_HEADERS: Record<string, string> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

function responseHeaders(options: Dict): Dict {
  const headers = new Map<string, Value>(Object.entries(DEFAULT_HEADERS));
  const custom = dictOption(options, "headers");
  for (const name of custom?.keys() ?? []) {
    for (const existing of [...headers.keys()])
      if (existing.toLowerCase() === name.toLowerCase()) headers.delete(existing);
    headers.set(name, display(custom!.get(name)));
  }
  if (![...headers.keys()].some((k) => k.toLowerCase() === "content-type")) {
    headers.set("content-type", DEFAULT_HEADERS["content-type"]!);
  }
  return new Dict(headers);
}

function limit(options: Dict, key: string, fallback: number): number {
  return Math.max(Math.max(intOption(options, key) ?? fallback, 0), 1);
}

const byteLength = (s: string): number => new TextEncoder().encode(s).length;

export function registerSseServer(vm: Vm, handles: HandleCounter): void {
  const streams = new Map<string, ServerStream>();
  const stream = (args: readonly Value[], builtin: string): ServerStream => {
    if (args.length === 0) throw fail(`${builtin}: requires a stream handle`);
    const id = handleId(args[0], builtin);
    const s = streams.get(id);
    if (s === undefined) throw fail(`${builtin}: unknown stream '${id}'`);
    return s;
  };
  const enqueue = (s: ServerStream, frame: string, builtin: string): boolean => {
    if (s.closed || s.cancelled || s.disconnected) return false;
    if (byteLength(frame) > s.maxEventBytes)
      throw fail(`${builtin}: event exceeded max_event_bytes (${s.maxEventBytes})`);
    if (s.frames.length >= s.maxBufferedEvents) {
      throw fail(`${builtin}: buffered events exceeded max_buffered_events (${s.maxBufferedEvents})`);
    }
    s.frames.push(frame);
    s.sent++;
    return true;
  };
  const b = vm.registerBuiltin.bind(vm);

  b("sse_event", (args) => {
    if (args.length === 0) throw fail("sse_event: requires event data or an event dict");
    return sseFrame(args[0]!, optionsArg(args, 1));
  });

  b("sse_server_response", (args) => {
    const options = optionsArg(args, 0);
    if (streams.size >= MAX_SSE_SERVER_STREAMS) {
      throw fail(`sse_server_response: maximum open streams (${MAX_SSE_SERVER_STREAMS}) reached`);
    }
    const id = handles.make("sse-server");
    const s: ServerStream = {
      status: Math.min(Math.max(intOption(options, "status") ?? 200, 100), 599),
      headers: responseHeaders(options),
      frames: [],
      maxEventBytes: limit(options, "max_event_bytes", DEFAULT_MAX_EVENT_BYTES),
      maxBufferedEvents: limit(options, "max_buffered_events", DEFAULT_MAX_BUFFERED_EVENTS),
      sent: 0,
      flushed: 0,
      closed: false,
      disconnected: false,
      cancelled: false,
      cancelReason: null,
    };
    streams.set(id, s);
    return Dict.of({
      id,
      type: "sse_response",
      status: s.status,
      headers: s.headers,
      body: null,
      streaming: true,
      max_event_bytes: s.maxEventBytes,
      max_buffered_events: s.maxBufferedEvents,
    });
  });

  b("sse_server_send", (args) => {
    if (args.length < 2) throw fail("sse_server_send: requires stream and event");
    const s = stream(args, "sse_server_send");
    return enqueue(s, sseFrame(args[1]!, optionsArg(args, 2)), "sse_server_send");
  });

  b("sse_server_heartbeat", (args) => {
    const s = stream(args, "sse_server_heartbeat");
    const text = args[1] === undefined ? "heartbeat" : display(args[1]);
    return enqueue(s, `${comment(text)}\n`, "sse_server_heartbeat");
  });

  b("sse_server_flush", (args) => {
    const s = stream(args, "sse_server_flush");
    if (s.disconnected || s.cancelled) return false;
    s.flushed = s.sent;
    return !s.closed;
  });

  b("sse_server_close", (args) => {
    const s = stream(args, "sse_server_close");
    if (s.closed) return false;
    s.closed = true;
    return true;
  });

  b("sse_server_cancel", (args) => {
    const s = stream(args, "sse_server_cancel");
    if (s.cancelled) return false;
    s.cancelled = true;
    s.closed = true;
    const reason = args[1] === undefined || args[1] === null ? "" : display(args[1]);
    s.cancelReason = reason === "" ? null : reason;
    return true;
  });

  b("sse_server_status", (args) => {
    const s = stream(args, "sse_server_status");
    return Dict.of({
      id: handleId(args[0], "sse_server_status"),
      status: s.status,
      headers: s.headers,
      buffered_events: s.frames.length,
      sent_events: s.sent,
      flushed_events: s.flushed,
      closed: s.closed,
      disconnected: s.disconnected,
      cancelled: s.cancelled,
      cancel_reason: s.cancelReason,
      max_event_bytes: s.maxEventBytes,
      max_buffered_events: s.maxBufferedEvents,
    });
  });

  b("sse_server_disconnected", (args) => stream(args, "sse_server_disconnected").disconnected);
  b("sse_server_cancelled", (args) => stream(args, "sse_server_cancelled").cancelled);

  b("sse_server_mock_receive", (args) => {
    const s = stream(args, "sse_server_mock_receive");
    const frame = s.frames.shift();
    if (frame !== undefined) return parseFrame(frame);
    if (s.closed || s.cancelled || s.disconnected) return Dict.of({ type: "close", server_closed: true });
    return Dict.of({ type: "timeout" });
  });

  b("sse_server_mock_disconnect", (args) => {
    const s = stream(args, "sse_server_mock_disconnect");
    if (s.disconnected) return false;
    s.disconnected = true;
    s.closed = true;
    return true;
  });
}
