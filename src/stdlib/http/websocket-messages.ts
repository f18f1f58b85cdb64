// WebSocket messages between Harn values and sockets: what
// `websocket_send(socket, value, options)` sends (text for strings, binary
// for bytes, or the `type` option: ping, pong, close with code/reason),
// how received frames are reported (`{type: "text", data}`, `{type:
// "binary", data_base64}`, `{type: "close", code?, reason?}`), and the
// size rule every receive applies.

import { display } from "../../vm/display.ts";
import { BytesValue, Dict, type Value } from "../../vm/values.ts";
import { decodeBase64, encodeBase64 } from "../data/encoding.ts";
import type { WsEvent } from "./host.ts";
import { fail, intOption } from "./options.ts";
import type { WsMessage } from "./transport-state.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function flag(d: Dict, key: string): boolean {
  return d.map.get(key) === true;
}

/** A mock message: a string, bytes, or a dict `{type?, data, base64?, code?, reason?}`. */
export function parseMockMessage(v: Value): WsMessage {
  if (v instanceof BytesValue) return { type: "binary", data: v.bytes };
  if (!(v instanceof Dict)) return { type: "text", data: encoder.encode(display(v)) };
  const type = v.map.has("type") && display(v.get("type")) !== "" ? display(v.get("type")) : "text";
  const raw = v.map.has("data") ? display(v.get("data")) : "";
  let data: Uint8Array = encoder.encode(raw);
  if (flag(v, "base64")) {
    try {
      data = decodeBase64(raw);
    } catch {
      data = new Uint8Array(0);
    }
  }
  const code = intOption(v, "code");
  const reason = v.map.get("reason");
  return {
    type,
    data,
    ...(code !== undefined && { code }),
    ...(reason !== undefined && reason !== null && { reason: display(reason) }),
  };
}

/** The message `websocket_send` sends for `value` under `options`. */
export function outgoingMessage(value: Value, options: Dict): WsMessage {
  const explicit = options.map.get("type");
  const typeText = explicit === undefined || explicit === null ? "" : display(explicit);
  const type = typeText !== "" ? typeText : value instanceof BytesValue ? "binary" : "text";
  let data: Uint8Array;
  if (value instanceof BytesValue) data = value.bytes;
  else if (flag(options, "base64")) {
    try {
      data = decodeBase64(display(value));
    } catch (e) {
      throw fail(`websocket_send: invalid base64: ${e instanceof Error ? e.message : String(e)}`);
    }
  } else data = encoder.encode(display(value));
  const code = intOption(options, "code") ?? intOption(options, "close_code");
  const reason = options.map.get("reason") ?? options.map.get("close_reason");
  return {
    type,
    data,
    ...(code !== undefined && { code }),
    ...(reason !== undefined && reason !== null && { reason: display(reason) }),
  };
}

/** The message payload as the call log shows it: text as is, anything else base64. */
export function loggedData(m: WsMessage): string {
  return m.type === "text" ? decoder.decode(m.data) : encodeBase64(m.data);
}

/** How `websocket_receive` reports a message. */
export function messageValue(m: WsMessage): Dict {
  if (m.type === "close") {
    return Dict.of({
      type: "close",
      ...(m.code !== undefined && { code: m.code }),
      ...(m.reason !== undefined && { reason: m.reason }),
    });
  }
  if (m.type === "text") return Dict.of({ type: "text", data: decoder.decode(m.data) });
  return Dict.of({ type: m.type, data_base64: encodeBase64(m.data) });
}

/** A socket event as a queued message; errors are dropped (the close that follows reports the end). */
export function eventMessage(ev: WsEvent): WsMessage | undefined {
  switch (ev.type) {
    case "text":
      return { type: "text", data: encoder.encode(ev.data) };
    case "binary":
    case "ping":
    case "pong":
      return { type: ev.type, data: ev.data };
    case "close":
      return {
        type: "close",
        data: new Uint8Array(0),
        ...(ev.code !== undefined && { code: ev.code }),
        ...(ev.reason !== undefined && { reason: ev.reason }),
      };
    case "error":
      return undefined;
  }
}

export function tooLarge(builtin: string, max: number): never {
  throw fail(`${builtin}: message exceeded max_message_bytes (${max})`);
}
