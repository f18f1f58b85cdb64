import assert from "node:assert/strict";
import { test } from "node:test";
import type { JsonObject } from "../json.ts";
import { callMcpTool, type LineTransport, McpClient, McpRpcError, McpTransportError } from "./client.ts";
import { McpServerRegistry } from "./registry.ts";

/** A transport whose server side is a function from request to the lines it answers with. */
function scripted(answer: (msg: JsonObject) => JsonObject[]): LineTransport & { sent: JsonObject[] } {
  const queue: string[] = [];
  const sent: JsonObject[] = [];
  let closed = false;
  return {
    sent,
    writeLine(line) {
      const msg = JSON.parse(line) as JsonObject;
      sent.push(msg);
      for (const reply of answer(msg)) queue.push(JSON.stringify(reply));
    },
    readLine: () => Promise.resolve(closed ? null : (queue.shift() ?? null)),
    close() {
      closed = true;
    },
  };
}

test("requests match responses by id, skipping noise and refusing server requests", async () => {
  const transport = scripted((msg): JsonObject[] => {
    if (msg.id === undefined) return [];
    return [
      { jsonrpc: "2.0", method: "notifications/progress", params: {} },
      { jsonrpc: "2.0", id: "srv", method: "sampling/createMessage", params: {} },
      { jsonrpc: "2.0", id: 999, result: "stale" },
      { jsonrpc: "2.0", id: msg.id as number, result: { echoed: String(msg.method) } },
    ];
  });
  const client = new McpClient("t", transport, "0.0.0");
  await client.initialize();
  assert.deepEqual(await client.request("ping"), { echoed: "ping" });
  assert.deepEqual(
    transport.sent.find((m) => m.method === "notifications/initialized"),
    { jsonrpc: "2.0", method: "notifications/initialized", params: {} },
  );
  assert.ok(transport.sent.some((m) => m.id === "srv" && (m.error as JsonObject).code === -32601));
});

test("tool results unwrap single text blocks; isError and JSON-RPC errors throw", async () => {
  const transport = scripted((msg): JsonObject[] => {
    const params = msg.params as JsonObject;
    const result: JsonObject | null =
      params.name === "one"
        ? { content: [{ type: "text", text: "hi" }] }
        : params.name === "many"
          ? {
              content: [
                { type: "text", text: "a" },
                { type: "image", data: "x" },
              ],
            }
          : params.name === "bad"
            ? { content: [{ type: "text", text: "boom" }], isError: true }
            : null;
    return [
      result === null
        ? { jsonrpc: "2.0", id: msg.id!, error: { code: -32602, message: "no" } }
        : { jsonrpc: "2.0", id: msg.id!, result },
    ];
  });
  const client = new McpClient("t", transport, "0.0.0");
  assert.equal(await callMcpTool(client, "one", {}), "hi");
  assert.equal(((await callMcpTool(client, "many", {})) as unknown[]).length, 2);
  await assert.rejects(
    callMcpTool(client, "bad", {}),
    (e) => e instanceof McpRpcError && e.message === "boom",
  );
  await assert.rejects(
    callMcpTool(client, "missing", {}),
    (e) => e instanceof McpRpcError && e.message === "MCP error (-32602): no",
  );
  client.disconnect();
  await assert.rejects(
    client.request("x"),
    (e) => e instanceof McpTransportError && /disconnected/.test(e.message),
  );
});

test("a closed stream fails the pending request", async () => {
  const client = new McpClient(
    "t",
    scripted(() => []),
    "0.0.0",
  );
  await assert.rejects(client.request("x"), /server closed connection/);
});

test("lazy registry counts binders and disconnects at zero", async () => {
  const registry = new McpServerRegistry();
  registry.register([
    {
      name: "gh",
      spec: { name: "gh", command: "gh-mcp", args: [], env: new Map() },
      lazy: true,
      card: null,
      keepAliveMs: 0,
    },
  ]);
  let connects = 0;
  const connect = async () => {
    connects++;
    return new McpClient(
      "gh",
      scripted(() => []),
      "0",
    );
  };
  const a = await registry.ensureActive("gh", connect);
  const b = await registry.ensureActive("gh", connect);
  assert.equal(a, b);
  assert.equal(connects, 1);
  assert.equal(registry.status()[0]!.refCount, 2);
  registry.release("gh", 0);
  assert.equal(registry.status()[0]!.active, true);
  registry.release("gh", 0);
  assert.equal(registry.status()[0]!.active, false);
  await assert.rejects(registry.ensureActive("nope", connect), /no server named 'nope'/);
});
