import assert from "node:assert/strict";
import { test } from "node:test";
import { compileSource, createVm, knownNamesOf } from "../../engine.ts";
import { nodeCryptoProvider } from "../../host/crypto-host.ts";
import { nodeMcpHost } from "../../host/mcp-host.ts";
import { nodeSystemHost } from "../../host/system-host.ts";
import type { JsonObject } from "../../llm/json.ts";
import { mcpServerFor, registerTools } from "./index.ts";

const program = `
var tools = tool_registry()
tools = tool_define(tools, "greet", "Say hello", {
  parameters: {name: {type: "string", description: "Who", required: true}},
  annotations: {title: "Greeter", readOnlyHint: true, kind: "read"},
  handler: { args -> "hello " + args.name },
})
tools = tool_define(tools, "boom", "Fails", {parameters: {}, handler: { _ -> throw "kaboom" }})
mcp_tools(tools)
mcp_resource({uri: "docs://readme", name: "README", text: "# Hi", mime_type: "text/markdown"})
mcp_resource_template({uri_template: "file:///{path}", name: "Files", handler: { args -> "contents of " + args.path }})
mcp_prompt({name: "review", arguments: [{name: "code", required: true}], handler: { args -> [{role: "user", content: "Review " + args.code}] }})
`;

test("a program's MCP declarations are served over JSON-RPC", async () => {
  const vm = createVm();
  registerTools(vm, { system: nodeSystemHost, crypto: nodeCryptoProvider, mcp: nodeMcpHost });
  const compiled = compileSource(program, "serve.harn", false, undefined, knownNamesOf(vm));
  assert.ok(compiled.module);
  assert.equal((await vm.run(compiled.module)).error, null);
  const server = mcpServerFor(vm);
  let id = 0;
  const ask = async (method: string, params: JsonObject = {}) =>
    (await server.handle({ jsonrpc: "2.0", id: ++id, method, params })) as JsonObject;
  const init = (await ask("initialize")).result as JsonObject;
  assert.deepEqual(Object.keys(init.capabilities as JsonObject).sort(), [
    "logging",
    "prompts",
    "resources",
    "tools",
  ]);
  assert.equal(await server.handle({ jsonrpc: "2.0", method: "notifications/initialized" }), null);
  const tools = ((await ask("tools/list")).result as JsonObject).tools as JsonObject[];
  assert.deepEqual(tools[0], {
    name: "greet",
    description: "Say hello",
    inputSchema: {
      type: "object",
      properties: { name: { type: "string", description: "Who" } },
      required: ["name"],
    },
    annotations: { title: "Greeter", readOnlyHint: true },
  });
  assert.deepEqual((await ask("tools/call", { name: "greet", arguments: { name: "Ada" } })).result, {
    content: [{ type: "text", text: "hello Ada" }],
    isError: false,
  });
  const boom = (await ask("tools/call", { name: "boom" })).result as JsonObject;
  assert.equal(boom.isError, true);
  assert.match(JSON.stringify(boom.content), /kaboom/);
  assert.equal(((await ask("tools/call", { name: "nope" })).error as JsonObject).code, -32602);
  const read = async (uri: string) => ((await ask("resources/read", { uri })).result as JsonObject).contents;
  assert.deepEqual(await read("docs://readme"), [
    { uri: "docs://readme", text: "# Hi", mimeType: "text/markdown" },
  ]);
  assert.deepEqual(await read("file:///src/a.rs"), [
    { uri: "file:///src/a.rs", text: "contents of src/a.rs" },
  ]);
  assert.equal(((await ask("resources/read", { uri: "x://y" })).error as JsonObject).code, -32002);
  const prompt = (await ask("prompts/get", { name: "review", arguments: { code: "x" } }))
    .result as JsonObject;
  assert.deepEqual(prompt.messages, [{ role: "user", content: { type: "text", text: "Review x" } }]);
  assert.equal(((await ask("bogus")).error as JsonObject).message, "Method not found: bogus");
});
