// Shared state of the streaming transports (SSE client, WebSocket client
// and server): URL-pattern mocks, open handles, and the log of calls that
// mocks answered (`transport_mock_calls`). One instance per VM.

import { Dict, Duration, type Value } from "../../vm/values.ts";
import type { EventQueue } from "./event-queue.ts";
import type { WsConnection, WsServer } from "./host.ts";
import type { HandleCounter } from "./options.ts";
import { urlMatches } from "./url-glob.ts";

export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
export const DEFAULT_MAX_STREAM_EVENTS = 10_000;
export const DEFAULT_RECEIVE_TIMEOUT_MS = 30_000;

export interface StreamEvent {
  readonly event: string;
  readonly data: string;
  readonly id?: string;
  readonly retryMs?: number;
}

/** A WebSocket message as queued and reported: `data` is raw bytes (text as UTF-8). */
export interface WsMessage {
  readonly type: string;
  readonly data: Uint8Array;
  readonly code?: number;
  readonly reason?: string;
}

export interface TransportCall {
  readonly kind: string;
  readonly handle: string | null;
  readonly url: string;
  readonly type: string | null;
  readonly data: string | null;
}

export interface SseHandle {
  readonly url: string;
  readonly maxEvents: number;
  readonly maxMessageBytes: number;
  received: number;
  /** Next item: an event, "end" at the end of the stream, or "timeout". */
  next(
    timeoutMs: number,
  ): Promise<StreamEvent | "open" | "end" | "timeout"> | StreamEvent | "open" | "end" | "timeout";
  close(): void;
}

export type WsHandleKind =
  | { readonly kind: "fake"; readonly messages: WsMessage[]; readonly echo: boolean }
  | {
      readonly kind: "client" | "server";
      readonly connection: WsConnection;
      readonly inbox: EventQueue<WsMessage>;
    };

export interface WsHandle {
  readonly url: string;
  readonly maxMessages: number;
  readonly maxMessageBytes: number;
  /** Outbound frames a server connection may have in flight (route option send_buffer_messages). */
  readonly sendBuffer?: number;
  received: number;
  closed: boolean;
  readonly socket: WsHandleKind;
}

export interface WsRoute {
  readonly path: string;
  readonly bearer?: string;
  readonly maxMessages: number;
  readonly maxMessageBytes: number;
  readonly sendBufferMessages: number;
  readonly idleTimeoutMs: number;
}

export interface AcceptedSocket {
  readonly connection: WsConnection;
  readonly inbox: EventQueue<WsMessage>;
  readonly route: WsRoute;
  readonly peer: string;
  readonly headers: ReadonlyMap<string, string>;
}

export interface WsServerEntry {
  readonly server: WsServer;
  readonly routes: Map<string, WsRoute>;
  readonly accepted: EventQueue<AcceptedSocket>;
}

export class TransportState {
  readonly sseMocks: { pattern: string; events: StreamEvent[] }[] = [];
  readonly sse = new Map<string, SseHandle>();
  readonly wsMocks: { pattern: string; messages: WsMessage[]; echo: boolean }[] = [];
  readonly sockets = new Map<string, WsHandle>();
  readonly servers = new Map<string, WsServerEntry>();
  private calls: TransportCall[] = [];

  constructor(readonly handles: HandleCounter) {}

  record(call: TransportCall): void {
    this.calls.push(call);
  }

  callLog(): Value[] {
    return this.calls.map((c) =>
      Dict.of({ kind: c.kind, url: c.url, handle: c.handle, type: c.type, data: c.data }),
    );
  }

  sseMock(url: string): StreamEvent[] | undefined {
    return this.sseMocks.find((m) => urlMatches(m.pattern, url))?.events;
  }

  wsMock(url: string): { messages: WsMessage[]; echo: boolean } | undefined {
    return this.wsMocks.find((m) => urlMatches(m.pattern, url));
  }

  /** `transport_mock_clear()`: drops mocks, handles, servers and the call log. */
  clear(): void {
    this.sseMocks.length = 0;
    for (const h of this.sse.values()) h.close();
    this.sse.clear();
    this.wsMocks.length = 0;
    for (const s of this.sockets.values()) if (s.socket.kind !== "fake") s.socket.connection.close();
    this.sockets.clear();
    for (const s of this.servers.values()) s.server.close();
    this.servers.clear();
    this.calls = [];
  }
}

/** A limit option: non-negative, at least 1. */
export function limitOption(options: Dict, key: string, fallback: number): number {
  const v = options.map.get(key);
  const n = typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : fallback;
  return Math.max(Math.max(n, 0), 1);
}

/** The receive timeout argument: a duration, an int (ms), or the 30 s default. */
export function receiveTimeout(v: Value | undefined): number {
  if (typeof v === "number") return Math.max(v, 0);
  if (typeof v === "bigint") return Math.max(Number(v), 0);
  if (v instanceof Duration) return Math.max(v.ms, 0);
  return DEFAULT_RECEIVE_TIMEOUT_MS;
}
