// MCP's Streamable HTTP transport, client side (spec: "MCP client",
// `transport: "http"`), presented to McpClient as a line transport: each
// JSON-RPC message the client writes is POSTed to the server URL, and the
// JSON-RPC message in the reply (a JSON body, or the last JSON-RPC event
// of an SSE body) becomes the next line the client reads. A notification's
// reply (202, no body) yields nothing.
//
// The transport keeps what the server hands back in headers: the
// `MCP-Session-Id` is sent on later requests and the negotiated
// `MCP-Protocol-Version` replaces the requested one. A 404 for a session
// that has gone away re-runs the handshake once and retries the request;
// a 401 ends the request with "MCP authorization required". Replies that
// carry no JSON-RPC answer (an empty body, an HTTP error) are turned into
// one for the request's id, so the client never waits for a line that
// will not come. POSTs go out one at a time, in write order.

import { type JsonObject, type JsonValue, isJsonObject } from "../json.ts";
import { SseDecoder } from "../transport/sse.ts";
import type { Transport, TransportResponse } from "../transport/types.ts";
import {
  type LineTransport,
  MCP_PROTOCOL_VERSION,
  MCP_TIMEOUT_MS,
  McpRpcError,
  McpTransportError,
} from "./client.ts";

export interface McpHttpSpec {
  readonly url: string;
  readonly authToken?: string | null;
  readonly protocolVersion?: string | null;
  /** Sent with every request, so the client can re-run the handshake after a lost session. */
  readonly clientVersion: string;
}

type Outcome = { readonly line: string } | { readonly error: Error } | null;

/** The JSON-RPC message of a reply body: JSON, or the last JSON-RPC event of an SSE stream. */
function replyMessage(body: string, status: number): JsonObject {
  const trimmed = body.trimStart();
  if (trimmed.startsWith("event:") || trimmed.startsWith("data:")) {
    const decoder = new SseDecoder();
    const events = [...decoder.push(body), ...decoder.end()];
    for (const event of events.reverse()) {
      try {
        const msg = JSON.parse(event.data) as JsonValue;
        if (isJsonObject(msg) && ("result" in msg || "error" in msg || "method" in msg)) return msg;
      } catch {
        // Not JSON: keep looking at earlier events.
      }
    }
    throw new McpTransportError("MCP HTTP response parse error: no JSON-RPC payload found in SSE stream");
  }
  try {
    const msg = JSON.parse(body) as JsonValue;
    if (isJsonObject(msg)) return msg;
  } catch (e) {
    throw new McpTransportError(`MCP HTTP response parse error (status ${status}): ${(e as Error).message}`);
  }
  throw new McpTransportError(`MCP HTTP response parse error (status ${status}): expected a JSON object`);
}

export class HttpLineTransport implements LineTransport {
  private sessionId: string | null = null;
  private protocolVersion: string;
  private readonly outcomes: Outcome[] = [];
  private readonly waiting: ((o: Outcome) => void)[] = [];
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly aborter = new AbortController();

  constructor(
    private readonly transport: Transport,
    private readonly spec: McpHttpSpec,
  ) {
    this.protocolVersion = spec.protocolVersion ?? MCP_PROTOCOL_VERSION;
  }

  writeLine(line: string): void {
    if (this.closed) return;
    const message = JSON.parse(line) as JsonObject;
    this.chain = this.chain.then(() => this.exchange(message));
  }

  readLine(): Promise<string | null> {
    const next = this.outcomes.shift();
    if (next !== undefined) return this.settle(next);
    if (this.closed) return Promise.resolve(null);
    return new Promise<Outcome>((resolve) => this.waiting.push(resolve)).then((o) => this.settle(o));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.aborter.abort();
    while (this.waiting.length > 0) this.waiting.shift()!(null);
  }

  private settle(o: Outcome): Promise<string | null> {
    if (o === null) return Promise.resolve(null);
    return "error" in o ? Promise.reject(o.error) : Promise.resolve(o.line);
  }

  private deliver(o: Outcome): void {
    const reader = this.waiting.shift();
    if (reader) reader(o);
    else this.outcomes.push(o);
  }

  private async exchange(message: JsonObject): Promise<void> {
    const id = message.id;
    const isRequest = id !== undefined && typeof message.method === "string";
    try {
      const reply = await this.post(message, true);
      if (reply !== null) this.deliver({ line: JSON.stringify(reply) });
      else if (isRequest) this.deliver({ line: JSON.stringify({ jsonrpc: "2.0", id, result: null }) });
    } catch (e) {
      // Only a request has someone waiting for its answer; a failed notification is dropped.
      if (isRequest) this.deliver({ error: e instanceof Error ? e : new McpTransportError(String(e)) });
    }
  }

  /** POSTs one message; resolves to the JSON-RPC reply (null when the body is empty). */
  private async post(message: JsonObject, mayReinitialize: boolean): Promise<JsonObject | null> {
    const response = await this.send(message);
    const status = response.status;
    if (status === 404 && this.sessionId !== null && message.method !== "initialize" && mayReinitialize) {
      response.cancel();
      this.sessionId = null;
      await this.handshake();
      return this.post(message, false);
    }
    if (status === 401) {
      response.cancel();
      throw new McpRpcError("MCP authorization required");
    }
    const body = await response.text();
    if (body.trim() === "") return null;
    const reply = replyMessage(body, status);
    if (status >= 400) {
      const error = isJsonObject(reply.error) ? reply.error : reply;
      return { jsonrpc: "2.0", id: message.id ?? null, error };
    }
    return reply;
  }

  private async send(message: JsonObject): Promise<TransportResponse> {
    const headers: [string, string][] = [
      ["Content-Type", "application/json"],
      ["Accept", "application/json, text/event-stream"],
      ["MCP-Protocol-Version", this.protocolVersion],
    ];
    if (this.spec.authToken) headers.push(["Authorization", `Bearer ${this.spec.authToken}`]);
    if (this.sessionId !== null) headers.push(["MCP-Session-Id", this.sessionId]);
    let response: TransportResponse;
    try {
      response = await this.transport.send({
        method: "POST",
        url: this.spec.url,
        headers,
        body: JSON.stringify(message),
        timeoutMs: MCP_TIMEOUT_MS,
        signal: this.aborter.signal,
      });
    } catch (e) {
      throw new McpTransportError(`MCP HTTP request error: ${e instanceof Error ? e.message : String(e)}`);
    }
    const version = response.headers.get("mcp-protocol-version");
    if (version !== undefined && version !== "") this.protocolVersion = version;
    const session = response.headers.get("mcp-session-id");
    if (session !== undefined && session !== "") this.sessionId = session;
    return response;
  }

  /** A fresh `initialize` + `notifications/initialized`, after the server dropped our session. */
  private async handshake(): Promise<void> {
    const init = await this.post(
      {
        jsonrpc: "2.0",
        id: 0,
        method: "initialize",
        params: {
          protocolVersion: MCP_PROTOCOL_VERSION,
          capabilities: {},
          clientInfo: { name: "harn", version: this.spec.clientVersion },
        },
      },
      false,
    );
    if (init !== null && isJsonObject(init.error)) {
      const code = typeof init.error.code === "number" ? init.error.code : -1;
      const text = typeof init.error.message === "string" ? init.error.message : "Unknown MCP error";
      throw new McpRpcError(`MCP error (${code}): ${text}`);
    }
    await this.post({ jsonrpc: "2.0", method: "notifications/initialized", params: {} }, false);
  }
}
