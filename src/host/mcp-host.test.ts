import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { callMcpTool, McpClient } from "../llm/mcp/client.ts";
import { nodeMcpHost } from "./mcp-host.ts";

const server = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../tests/fixtures/tools/mcp-echo-server.mjs",
);

test("a stdio MCP server subprocess answers tools/list and tools/call", async () => {
  const transport = await nodeMcpHost.spawnStdio({
    command: process.execPath,
    args: [server],
    env: new Map(),
  });
  const client = new McpClient("echo", transport, "0");
  try {
    await client.initialize();
    const list = (await client.request("tools/list")) as { tools: { name: string }[] };
    assert.deepEqual(
      list.tools.map((t) => t.name),
      ["echo", "add", "fail"],
    );
    assert.equal(await callMcpTool(client, "add", { a: 2, b: 3 }), "5");
  } finally {
    client.disconnect();
  }
});

test("a missing binary rejects with the OS error text", async () => {
  await assert.rejects(
    nodeMcpHost.spawnStdio({ command: "no_such_mcp_binary_here_7", args: [], env: new Map() }),
    /No such file or directory \(os error 2\)/,
  );
});
