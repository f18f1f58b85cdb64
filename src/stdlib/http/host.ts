// What the network builtins need from the machine: an HTTP transport,
// WebSocket client and server sockets, and self-signed certificates for
// development TLS. The standard library never imports node:*; the CLI
// passes the Node implementation (src/host/http-host.ts) and embedders or
// a browser build pass their own (or a fake for tests).

import type { Transport } from "../../llm/transport/types.ts";

/** A WebSocket frame or lifecycle event, as the builtins report it. */
export type WsEvent =
  | { readonly type: "text"; readonly data: string }
  | { readonly type: "binary" | "ping" | "pong"; readonly data: Uint8Array }
  | { readonly type: "close"; readonly code?: number; readonly reason?: string }
  | { readonly type: "error"; readonly message: string };

export type WsOutgoingType = "text" | "binary" | "ping" | "pong";

/** An open WebSocket, client or server side. */
export interface WsConnection {
  /** Resolves once the frame is handed to the socket; rejects when the socket is closed. */
  send(type: WsOutgoingType, data: Uint8Array | string): Promise<void>;
  /** Sends a close frame (code 1000 when a reason is given without a code) and ends the socket. */
  close(code?: number, reason?: string): void;
  /** Frames queued by `send` that the socket has not flushed yet. */
  readonly pendingSends: number;
}

export interface WsUpgradeRequest {
  readonly path: string;
  /** Lower-cased header names. */
  readonly headers: ReadonlyMap<string, string>;
  /** `ip:port` of the client. */
  readonly peer: string;
}

export type WsUpgradeDecision =
  | { readonly reject: { readonly status: number; readonly message: string } }
  /** Accept: `open` receives the connection and returns the listener for its events. */
  | { readonly open: (connection: WsConnection) => (event: WsEvent) => void };

export interface WsServer {
  /** `host:port` actually bound (port 0 picks a free one). */
  readonly address: string;
  /** Stops listening and drops every connection it accepted. */
  close(): void;
}

export interface WsConnectOptions {
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly timeoutMs: number;
}

export interface HttpHost {
  readonly transport: Transport;
  /** Opens a client socket; `onEvent` sees every frame, starting right after the handshake. */
  connectWebSocket(
    url: string,
    options: WsConnectOptions,
    onEvent: (event: WsEvent) => void,
  ): Promise<WsConnection>;
  /** Listens on `bind` (`host:port`); every upgrade request is put to `decide`. */
  listenWebSocket(bind: string, decide: (request: WsUpgradeRequest) => WsUpgradeDecision): Promise<WsServer>;
  /** A PEM certificate and PKCS#8 key for the host names, for local development TLS. */
  selfSignedCertificate(hosts: readonly string[]): { readonly certPem: string; readonly keyPem: string };
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` (retry backoff). */
  sleep(ms: number): Promise<void>;
}
