import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { fetchTransport } from "../transport/fetch-transport.ts";
import { callMcpTool, McpClient, McpRpcError, McpTransportError } from "./client.ts";
import { HttpLineTransport } from "./http-transport.ts";

/** A Streamable HTTP MCP server with switches for the awkward cases. */
interface ServerState {
  sessions: Set<string>;
  nextSession: number;
  /** Answer tools/call as an SSE stream instead of a JSON body. */
  sse: boolean;
  /** Forget every session before the next request (the client must re-initialize). */
  dropSessions: boolean;
  /** Require this bearer token. */
  token: string | null;
  seen: { method: string; session: string | null; version: string | null }[];
}

const state: ServerState = {
  sessions: new Set(),
  nextSession: 1,
  sse: false,
  dropSessions: false,
  token: null,
  seen: [],
};

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(body === undefined ? "" : JSON.stringify(body));
}

function handle(
  msg: { id?: number; method: string; params?: Record<string, unknown> },
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const session = (req.headers["mcp-session-id"] as string | undefined) ?? null;
  state.seen.push({
    method: msg.method,
    session,
    version: (req.headers["mcp-protocol-version"] as string) ?? null,
  });
  if (state.token !== null && req.headers.authorization !== `Bearer ${state.token}`)
    return send(res, 401, undefined);
  if (state.dropSessions) {
    state.sessions.clear();
    state.dropSessions = false;
  }
  if (msg.method === "initialize") {
    const id = `s${state.nextSession++}`;
    state.sessions.add(id);
    const result = {
      protocolVersion: "2025-06-18",
      capabilities: { tools: {} },
      serverInfo: { name: "t", version: "1" },
    };
    return send(
      res,
      200,
      { jsonrpc: "2.0", id: msg.id, result },
      { "mcp-session-id": id, "mcp-protocol-version": "2025-06-18" },
    );
  }
  if (session === null || !state.sessions.has(session)) return send(res, 404, undefined);
  if (msg.id === undefined) return send(res, 202, undefined);
  if (msg.method === "tools/list") {
    return send(res, 200, { jsonrpc: "2.0", id: msg.id, result: { tools: [{ name: "echo" }] } });
  }
  if (msg.method === "tools/call") {
    const text = String((msg.params?.arguments as { message?: string })?.message ?? "");
    const reply = { jsonrpc: "2.0", id: msg.id, result: { content: [{ type: "text", text }] } };
    if (!state.sse) return send(res, 200, reply);
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end(
      `event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{}}\n\nevent: message\ndata: ${JSON.stringify(reply)}\n\n`,
    );
    return;
  }
  send(res, 500, {
    jsonrpc: "2.0",
    id: msg.id,
    error: { code: -32601, message: `Method not found: ${msg.method}` },
  });
}

let server: Server;
let url = "";

before(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => handle(JSON.parse(body), req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
});

after(() => server.close());

async function connect(token: string | null = null): Promise<McpClient> {
  const transport = new HttpLineTransport(fetchTransport(), { url, authToken: token, clientVersion: "test" });
  const client = new McpClient("http-test", transport, "test");
  await client.initialize();
  return client;
}

test("requests carry the session id and the negotiated protocol version; replies may be JSON or SSE", async () => {
  state.seen = [];
  const client = await connect();
  assert.deepEqual(await client.request("tools/list", {}), { tools: [{ name: "echo" }] });
  assert.equal(await callMcpTool(client, "echo", { message: "json" }), "json");
  state.sse = true;
  assert.equal(await callMcpTool(client, "echo", { message: "sse" }), "sse");
  state.sse = false;
  client.disconnect();
  const [init, ...rest] = state.seen;
  assert.equal(init?.session, null);
  assert.equal(init?.version, "2025-11-25");
  assert.ok(
    rest.every((r) => r.session === "s1" && r.version === "2025-06-18"),
    JSON.stringify(rest),
  );
  assert.deepEqual(
    rest.map((r) => r.method),
    ["notifications/initialized", "tools/list", "tools/call", "tools/call"],
  );
});

test("a lost session is re-established once and the request retried", async () => {
  const client = await connect();
  await client.request("tools/list", {}); // the handshake's notification has gone out
  state.dropSessions = true;
  state.seen = [];
  assert.equal(await callMcpTool(client, "echo", { message: "again" }), "again");
  assert.deepEqual(
    state.seen.map((r) => r.method),
    ["tools/call", "initialize", "notifications/initialized", "tools/call"],
  );
  client.disconnect();
});

test("HTTP failures: 401, a JSON-RPC error with an error status, an unreachable server", async () => {
  state.token = "secret";
  await assert.rejects(
    connect(),
    (e) => e instanceof McpRpcError && e.message === "MCP authorization required",
  );
  const client = await connect("secret");
  state.token = null;
  await assert.rejects(
    client.request("nope/nothing", {}),
    (e) => e instanceof McpRpcError && e.message === "MCP error (-32601): Method not found: nope/nothing",
  );
  client.disconnect();
  const closed = new HttpLineTransport(fetchTransport(), {
    url: "http://127.0.0.1:9/mcp",
    clientVersion: "t",
  });
  await assert.rejects(
    new McpClient("down", closed, "t").initialize(),
    (e) => e instanceof McpTransportError && e.message.startsWith("MCP HTTP request error:"),
  );
});
