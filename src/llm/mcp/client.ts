// A Model Context Protocol client over a line transport (spec: "MCP
// client"): JSON-RPC 2.0 messages, one per line, as MCP's stdio transport
// defines. Hand-written rather than the official SDK: the protocol surface
// Harn uses (initialize, tools, resources, prompts) is small, and owning it
// keeps exact wire behaviour and error texts and avoids the SDK's
// dependency tree. Requests are matched to responses by id; requests the
// server sends us are answered "Method not found"; notifications and
// unparseable lines are skipped.

import { display } from "../../vm/display.ts";
import { type JsonObject, type JsonValue, jsonToValue } from "../json.ts";

/** MCP protocol version Harn negotiates by default. */
export const MCP_PROTOCOL_VERSION = "2025-11-25";

/** How long a request may wait for its response. */
export const MCP_TIMEOUT_MS = 60_000;

/** One newline-delimited message stream to a server (a subprocess's stdio, in practice). */
export interface LineTransport {
  writeLine(line: string): void;
  /** The next line, or null once the stream has ended. */
  readLine(): Promise<string | null>;
  close(): void;
}

/** A failure to report to the script as a plain runtime error. */
export class McpTransportError extends Error {}

/** A JSON-RPC error response (`MCP error (<code>): <message>`), thrown to the script as a string. */
export class McpRpcError extends Error {}

function rpcError(error: JsonValue | undefined): McpRpcError {
  const e = typeof error === "object" && error !== null && !Array.isArray(error) ? error : {};
  const message = typeof e.message === "string" ? e.message : "Unknown MCP error";
  const code = typeof e.code === "number" ? e.code : -1;
  return new McpRpcError(`MCP error (${code}): ${message}`);
}

export class McpClient {
  private transport: LineTransport | null;
  private nextId = 1;
  /** Serialises requests: one exchange on the stream at a time. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    /** The name the client reports (`mcp_server_info`, `_mcp_server` tags). */
    public name: string,
    transport: LineTransport,
    private readonly clientVersion: string,
  ) {
    this.transport = transport;
  }

  get connected(): boolean {
    return this.transport !== null;
  }

  private live(): LineTransport {
    if (this.transport === null) throw new McpTransportError("MCP client is disconnected");
    return this.transport;
  }

  private write(message: JsonObject): void {
    this.live().writeLine(JSON.stringify(message));
  }

  /** Sends a request and resolves with its `result`. */
  request(method: string, params: JsonValue = {}): Promise<JsonValue> {
    const run = this.queue.then(() => this.exchange(method, params));
    this.queue = run.catch(() => undefined);
    return run;
  }

  notify(method: string, params: JsonValue = {}): void {
    this.write({ jsonrpc: "2.0", method, params });
  }

  private async exchange(method: string, params: JsonValue): Promise<JsonValue> {
    const transport = this.live();
    const id = this.nextId++;
    this.write({ jsonrpc: "2.0", id, method, params });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new McpTransportError(
              `MCP: server did not respond to '${method}' within ${MCP_TIMEOUT_MS / 1000}s`,
            ),
          ),
        MCP_TIMEOUT_MS,
      );
      (timer as { unref?: () => void }).unref?.();
    });
    try {
      return await Promise.race([this.awaitResponse(transport, id), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async awaitResponse(transport: LineTransport, id: number): Promise<JsonValue> {
    for (;;) {
      const line = await transport.readLine();
      if (line === null) throw new McpTransportError("MCP: server closed connection");
      const text = line.trim();
      if (text === "") continue;
      let msg: JsonObject;
      try {
        const parsed = JSON.parse(text) as JsonValue;
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) continue;
        msg = parsed;
      } catch {
        continue;
      }
      if (!("id" in msg)) continue;
      if (msg.id === id && ("result" in msg || "error" in msg)) {
        if ("error" in msg) throw rpcError(msg.error);
        return msg.result ?? null;
      }
      // A request from the server (sampling, roots, ...): we offer none of them.
      if (typeof msg.method === "string") {
        this.write({
          jsonrpc: "2.0",
          id: msg.id ?? null,
          error: { code: -32601, message: `Method not found: ${msg.method}` },
        });
      }
    }
  }

  /** The MCP handshake: `initialize`, then the `notifications/initialized` notification. */
  async initialize(): Promise<JsonValue> {
    const result = await this.request("initialize", {
      protocolVersion: MCP_PROTOCOL_VERSION,
      capabilities: {},
      clientInfo: { name: "harn", version: this.clientVersion },
    });
    this.notify("notifications/initialized", {});
    return result;
  }

  disconnect(): void {
    const t = this.transport;
    this.transport = null;
    t?.close();
  }
}

function textBlocks(result: JsonObject): string[] {
  const content = Array.isArray(result.content) ? result.content : [];
  return content
    .filter((c): c is JsonObject => typeof c === "object" && c !== null && !Array.isArray(c))
    .filter((c) => c.type === "text" && typeof c.text === "string")
    .map((c) => c.text as string);
}

/**
 * `tools/call`: a single text block comes back as its text, several blocks
 * as the block list, none as null. A result flagged `isError` throws its
 * text (McpRpcError) so scripts can catch it.
 */
export async function callMcpTool(client: McpClient, name: string, args: JsonValue): Promise<JsonValue> {
  const raw = await client.request("tools/call", { name, arguments: args });
  const result = typeof raw === "object" && raw !== null && !Array.isArray(raw) ? raw : {};
  if (result.isError === true) {
    const texts = textBlocks(result);
    throw new McpRpcError(texts.length > 0 ? texts.join("\n") : display(jsonToValue(raw)));
  }
  const content = Array.isArray(result.content) ? result.content : [];
  const first = content[0];
  if (content.length === 1 && typeof first === "object" && first !== null && !Array.isArray(first)) {
    if (first.type === "text" && typeof first.text === "string") return first.text;
  }
  return content.length === 0 ? null : content;
}
