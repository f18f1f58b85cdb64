// WebSocket builtins on the socket side: `websocket_mock(url_pattern,
// messages | {messages, echo})`, `websocket_connect(url, options)`,
// `websocket_send`, `websocket_receive(socket, timeout_ms)` and
// `websocket_close`. A handle is a mocked socket, a client socket, or a
// connection a `websocket_server` accepted; all three answer the same
// builtins. Mocked sockets log their traffic for `transport_mock_calls`.

import { cancellable } from "../../vm/scheduler.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { EventQueue } from "./event-queue.ts";
import type { HttpRuntime } from "./http-runtime.ts";
import { requireNetwork } from "./network-policy.ts";
import { dictOption, fail, handleId, msOption, optionsArg, textAt } from "./options.ts";
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_STREAM_EVENTS,
  limitOption,
  receiveTimeout,
  type TransportState,
  type WsHandle,
  type WsMessage,
} from "./transport-state.ts";
import {
  eventMessage,
  loggedData,
  messageValue,
  outgoingMessage,
  parseMockMessage,
  tooLarge,
} from "./websocket-messages.ts";
import { display } from "../../vm/display.ts";

const MAX_WEBSOCKETS = 64;
const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
const SENDABLE = new Set(["text", "binary", "ping", "pong"]);

export function addSocket(state: TransportState, handle: WsHandle, builtin: string): string {
  if (state.sockets.size >= MAX_WEBSOCKETS)
    throw fail(`${builtin}: maximum open sockets (${MAX_WEBSOCKETS}) reached`);
  const id = state.handles.make("websocket");
  state.sockets.set(id, handle);
  return id;
}

function clientHeaders(options: Dict): [string, string][] {
  const headers: [string, string][] = [];
  const given = dictOption(options, "headers");
  for (const k of given?.keys() ?? []) headers.push([k, display(given!.get(k))]);
  const auth = options.map.get("auth");
  const bearer = auth instanceof Dict ? auth.map.get("bearer") : auth;
  const token = bearer === undefined || bearer === null ? "" : display(bearer);
  if (token !== "") headers.push(["Authorization", `Bearer ${token}`]);
  return headers;
}

function parseMock(v: Value | undefined): { messages: WsMessage[]; echo: boolean } {
  if (v === undefined) return { messages: [], echo: false };
  if (v instanceof Dict) {
    const list = v.map.get("messages");
    return {
      messages: Array.isArray(list) ? list.map(parseMockMessage) : [],
      echo: v.map.get("echo") === true,
    };
  }
  return { messages: Array.isArray(v) ? v.map(parseMockMessage) : [parseMockMessage(v)], echo: false };
}

export function registerWebSocketClient(vm: Vm, rt: HttpRuntime, state: TransportState): void {
  const socketOf = (args: readonly Value[], builtin: string): [string, WsHandle] => {
    const id = handleId(args[0], builtin);
    const handle = state.sockets.get(id);
    if (handle === undefined) throw fail(`${builtin}: unknown socket '${id}'`);
    return [id, handle];
  };

  const connectReal = (url: string, options: Dict, maxMessages: number, maxBytes: number): Promise<Value> => {
    if (!url.startsWith("ws://") && !url.startsWith("wss://")) {
      throw fail(`websocket_connect: URL must start with ws:// or wss://, got '${url}'`);
    }
    rt.egress.enforce("websocket_connect", url);
    const timeoutMs = Math.max(
      msOption(options, "timeout_ms") ?? msOption(options, "timeout") ?? DEFAULT_CONNECT_TIMEOUT_MS,
      0,
    );
    const inbox = new EventQueue<WsMessage>();
    const opening = rt.host.connectWebSocket(url, { headers: clientHeaders(options), timeoutMs }, (ev) => {
      const m = eventMessage(ev);
      if (m) inbox.push(m);
    });
    return opening.then(
      (connection) =>
        addSocket(
          state,
          {
            url,
            maxMessages,
            maxMessageBytes: maxBytes,
            received: 0,
            closed: false,
            socket: { kind: "client", connection, inbox },
          },
          "websocket_connect",
        ),
      (e: unknown) => {
        const message = e instanceof Error ? e.message : String(e);
        if (/timed out/i.test(message)) throw fail(`websocket_connect: timed out after ${timeoutMs}ms`);
        throw fail(`websocket_connect: failed: ${message}`);
      },
    );
  };

  const sendOn = (id: string, handle: WsHandle, m: WsMessage): Value | Promise<Value> => {
    const s = handle.socket;
    if (s.kind === "fake") {
      if (handle.closed) return false;
      if (m.type === "close") handle.closed = true;
      else if (s.echo) s.messages.push(m);
      state.record({
        kind: "websocket_send",
        handle: id,
        url: handle.url,
        type: m.type,
        data: loggedData(m),
      });
      return true;
    }
    if (m.type !== "close" && !SENDABLE.has(m.type))
      throw fail(`websocket_send: unsupported message type '${m.type}'`);
    if (s.kind === "server") {
      if (handle.closed) return false;
      if (m.type === "close") {
        handle.closed = true;
        s.connection.close(m.code ?? (m.reason !== undefined ? 1000 : undefined), m.reason);
        return true;
      }
      if (s.connection.pendingSends >= (handle.sendBuffer ?? Number.POSITIVE_INFINITY)) {
        throw fail("websocket_send: send buffer full");
      }
      s.connection.send(m.type as "text", m.data).catch(() => {});
      return true;
    }
    if (m.type === "close") {
      s.connection.close(m.code ?? (m.reason !== undefined ? 1000 : undefined), m.reason);
      return true;
    }
    return s.connection
      .send(m.type as "text", m.type === "text" ? new TextDecoder().decode(m.data) : m.data)
      .then(
        () => true,
        (e: unknown) => {
          throw fail(`websocket_send: failed: ${e instanceof Error ? e.message : String(e)}`);
        },
      );
  };

  const receiveOn = (handle: WsHandle, timeoutMs: number): Value | Promise<Value> => {
    const s = handle.socket;
    if (s.kind === "fake") {
      if (handle.closed) return null;
      const m = s.messages.shift();
      if (m === undefined) return Dict.of({ type: "timeout" });
      if (m.data.length > handle.maxMessageBytes) {
        handle.closed = true;
        tooLarge("websocket_receive", handle.maxMessageBytes);
      }
      if (m.type === "close") handle.closed = true;
      return messageValue(m);
    }
    if (handle.closed && s.inbox.size === 0) return null;
    const deliver = (m: WsMessage | "timeout"): Value => {
      if (m === "timeout") return Dict.of({ type: "timeout" });
      if (m.type !== "close" && m.data.length > handle.maxMessageBytes) {
        if (s.kind === "server") {
          handle.closed = true;
          s.connection.close(1009, "message too large");
        }
        tooLarge("websocket_receive", handle.maxMessageBytes);
      }
      if (m.type === "close") handle.closed = true;
      return messageValue(m);
    };
    let cancel: (() => void) | undefined;
    const next = s.inbox.next(timeoutMs, (c) => {
      cancel = c;
    });
    if (!(next instanceof Promise)) return deliver(next);
    return cancellable(next.then(deliver), () => cancel?.());
  };

  vm.registerBuiltin("websocket_mock", (args) => {
    const pattern = textAt(args, 0);
    if (pattern === "") throw fail("websocket_mock: URL pattern is required");
    state.wsMocks.push({ pattern, ...parseMock(args[1]) });
    return null;
  });

  vm.registerBuiltin("websocket_connect", (args, ctx) => {
    requireNetwork(ctx, "websocket_connect");
    const url = textAt(args, 0);
    if (url === "") throw fail("websocket_connect: URL is required");
    const options = optionsArg(args, 1);
    const maxMessages = limitOption(options, "max_messages", DEFAULT_MAX_STREAM_EVENTS);
    const maxBytes = limitOption(options, "max_message_bytes", DEFAULT_MAX_MESSAGE_BYTES);
    const mock = state.wsMock(url);
    if (mock === undefined) return connectReal(url, options, maxMessages, maxBytes);
    const socket = { kind: "fake" as const, messages: [...mock.messages], echo: mock.echo };
    const id = addSocket(
      state,
      { url, maxMessages, maxMessageBytes: maxBytes, received: 0, closed: false, socket },
      "websocket_connect",
    );
    state.record({ kind: "websocket_connect", handle: id, url, type: null, data: null });
    return id;
  });

  vm.registerBuiltin("websocket_send", (args, ctx) => {
    requireNetwork(ctx, "websocket_send");
    if (args.length < 2) throw fail("websocket_send: requires socket handle and message");
    const [id, handle] = socketOf(args, "websocket_send");
    const m = outgoingMessage(args[1]!, optionsArg(args, 2));
    if (m.data.length > handle.maxMessageBytes) tooLarge("websocket_send", handle.maxMessageBytes);
    return sendOn(id, handle, m);
  });

  vm.registerBuiltin("websocket_receive", (args, ctx) => {
    requireNetwork(ctx, "websocket_receive");
    if (args.length === 0) throw fail("websocket_receive: requires a socket handle");
    const [id, handle] = socketOf(args, "websocket_receive");
    if (handle.received >= handle.maxMessages)
      throw fail(`websocket_receive: socket '${id}' exceeded max_messages`);
    handle.received++;
    return receiveOn(handle, receiveTimeout(args[1]));
  });

  vm.registerBuiltin("websocket_close", (args) => {
    if (args.length === 0) throw fail("websocket_close: requires a socket handle");
    const id = handleId(args[0], "websocket_close");
    const handle = state.sockets.get(id);
    if (handle === undefined) return false;
    state.sockets.delete(id);
    handle.closed = true;
    if (handle.socket.kind === "fake") {
      state.record({ kind: "websocket_close", handle: id, url: handle.url, type: null, data: null });
    } else {
      handle.socket.connection.close();
    }
    return true;
  });
}
