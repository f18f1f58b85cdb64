import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { compileSource, createVm, knownNamesOf } from "../../engine.ts";
import { nodeCryptoProvider } from "../../host/crypto-host.ts";
import { nodeMcpHost } from "../../host/mcp-host.ts";
import { nodeSystemHost } from "../../host/system-host.ts";
import { connectProjectMcp, registerTools } from "./index.ts";

const server = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../tests/fixtures/tools/mcp-echo-server.mjs",
);

test("harn.toml [[mcp]] servers: eager ones connect into the `mcp` global, lazy ones start on demand", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "harn-mcp-project-"));
  try {
    const quote = JSON.stringify;
    writeFileSync(
      path.join(dir, "harn.toml"),
      [
        "[[mcp]]",
        `name = "echo"\ncommand = ${quote(process.execPath)}\nargs = [${quote(server)}]`,
        "[[mcp]]",
        `name = "later"\ncommand = ${quote(process.execPath)}\nargs = [${quote(server)}]\nlazy = true\ncard = "card.json"`,
        "[[mcp]]",
        'name = "remote"\ntransport = "http"\nurl = "http://127.0.0.1:1/mcp"\nlazy = true',
      ].join("\n"),
    );
    const file = path.join(dir, "main.harn");
    const source = `pipeline default() {
  println(mcp_call(mcp.echo, "echo", {message: "eager"}))
  println(mcp_registry_status().map({ s -> s.name + ":" + to_string(s.active) }))
  let later = mcp_ensure_active("later")
  println(mcp_call(later, "add", {a: 1, b: 2}))
  mcp_release("later")
  println(mcp_registry_status().map({ s -> s.name + ":" + to_string(s.active) }))
  let remote = try { mcp_ensure_active("remote") }
  println(unwrap_err(remote))
  mcp_disconnect(mcp.echo)
}`;
    const out: string[] = [];
    const vm = createVm({ output: (t) => out.push(t) });
    registerTools(vm, { system: nodeSystemHost, crypto: nodeCryptoProvider, mcp: nodeMcpHost });
    await connectProjectMcp(vm, file);
    const compiled = compileSource(source, file, false, undefined, knownNamesOf(vm));
    assert.ok(compiled.module, JSON.stringify(compiled.diagnostics));
    const result = await vm.run(compiled.module);
    assert.equal(result.error, null, result.error?.message);
    assert.equal(
      out.join(""),
      [
        "eager",
        "[echo:true, later:false, remote:false]",
        "3",
        "[echo:true, later:false, remote:false]",
        // HTTP servers are reached by URL; fetch refuses port 1 outright.
        "Runtime error: MCP HTTP request error: error sending request (http://127.0.0.1:1/mcp): bad port",
        "",
      ].join("\n"),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
