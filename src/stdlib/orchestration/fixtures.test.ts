// Runs the orchestration fixtures (tests/fixtures/orchestration/*.harn) on a
// VM with registerOrchestration installed, checked against their `.expected`
// output or `.error` text like the main fixture runner does. Until createVm
// installs these builtins the fixtures carry an `@skip` line for the main
// runner; this runner ignores it. UPDATE_EXPECTED=1 rewrites `.expected` files.

import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { compileSource, createVm, knownNamesOf, uncaughtMessage } from "../../engine.ts";
import { nodeStdlibHost } from "../../host/stdlib-host.ts";
import { nodeDurableFs } from "../../host/state-host.ts";
import { nodeSystemHost } from "../../host/system-host.ts";
import { registerOrchestration } from "./index.ts";

const dir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../tests/fixtures/orchestration",
);

async function run(file: string): Promise<{ out: string; error?: string }> {
  const chunks: string[] = [];
  const vm = createVm({ output: (t) => chunks.push(t), errorOutput: () => {} });
  if (!vm.builtins.has("trigger_register")) {
    registerOrchestration(vm, { system: nodeSystemHost, stdlib: nodeStdlibHost, durable: nodeDurableFs });
  }
  const compiled = compileSource(readFileSync(file, "utf8"), file, false, undefined, knownNamesOf(vm));
  if (!compiled.module) return { out: "", error: compiled.diagnostics.map((d) => d.message).join("\n") };
  const result = await vm.run(compiled.module);
  const out = chunks.join("");
  return result.error ? { out, error: uncaughtMessage(result.error) } : { out };
}

for (const name of readdirSync(dir)
  .filter((f) => f.endsWith(".harn"))
  .sort()) {
  test(name, { timeout: 20_000 }, async () => {
    const file = path.join(dir, name);
    const base = file.slice(0, -".harn".length);
    const actual = await run(file);
    if (existsSync(`${base}.error`)) {
      const wanted = readFileSync(`${base}.error`, "utf8")
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l !== "");
      assert.ok(actual.error !== undefined, "expected the program to fail");
      assert.ok(
        wanted.some((w) => actual.error!.includes(w)),
        `error ${JSON.stringify(actual.error)} matches none of ${JSON.stringify(wanted)}`,
      );
      return;
    }
    assert.equal(actual.error, undefined, `unexpected error; output so far:\n${actual.out}`);
    if (process.env.UPDATE_EXPECTED === "1") writeFileSync(`${base}.expected`, `${actual.out.trimEnd()}\n`);
    assert.equal(actual.out.trimEnd(), readFileSync(`${base}.expected`, "utf8").trimEnd());
  });
}
