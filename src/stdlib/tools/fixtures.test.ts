// Runs tests/fixtures/tools/**.harn on a VM with the tools, skills and MCP
// builtins installed (registerTools through VmSetup.prepare, and the
// `skills` global discovered for each file). Same conventions as the main
// fixture runner: `.expected` is exact stdout, `.error` a substring or
// `re:` pattern per line. The fixtures carry a `@skip` header for the main
// runner until registerTools is wired into createVm; this runner ignores
// it. `UPDATE_EXPECTED=1` rewrites `.expected` files.

import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { renderDiagnostic } from "../../diagnostics/diagnostic.ts";
import { runSource, uncaughtMessage } from "../../engine.ts";
import { nodeCryptoProvider } from "../../host/crypto-host.ts";
import { nodeMcpHost } from "../../host/mcp-host.ts";
import { nodeSystemHost } from "../../host/system-host.ts";
import { installProjectSkills, registerTools } from "./index.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../tests/fixtures/tools");
const update = process.env.UPDATE_EXPECTED === "1";

function list(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...list(p));
    else if (e.name.endsWith(".harn")) out.push(p);
  }
  return out.sort();
}

async function run(file: string): Promise<{ stdout: string; error?: string }> {
  const source = readFileSync(file, "utf8");
  const chunks: string[] = [];
  const outcome = await runSource(source, file, {
    output: (t) => chunks.push(t),
    errorOutput: () => {},
    signal: AbortSignal.timeout(15_000),
    prepare: (vm) => {
      registerTools(vm, { system: nodeSystemHost, crypto: nodeCryptoProvider, mcp: nodeMcpHost });
      installProjectSkills(vm, file);
    },
  });
  const stdout = chunks.join("");
  if (outcome.kind === "ok") return { stdout };
  if (outcome.kind === "error") return { stdout, error: uncaughtMessage(outcome.error) };
  return { stdout, error: outcome.diagnostics.map((d) => renderDiagnostic(d, file, source)).join("") };
}

for (const file of list(root)) {
  const name = path.relative(root, file);
  test(`tools fixture ${name}`, { timeout: 20_000 }, async () => {
    const actual = await run(file);
    const base = file.slice(0, -".harn".length);
    if (existsSync(`${base}.error`)) {
      const lines = readFileSync(`${base}.error`, "utf8")
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l !== "");
      assert.ok(actual.error !== undefined, `expected an error, got output:\n${actual.stdout}`);
      const matches = (p: string): boolean =>
        p.startsWith("re:") ? new RegExp(p.slice(3)).test(actual.error!) : actual.error!.includes(p);
      assert.ok(lines.some(matches), `error does not match ${JSON.stringify(lines)}:\n${actual.error}`);
      return;
    }
    assert.equal(
      actual.error,
      undefined,
      `unexpected error: ${actual.error}\n--- stdout ---\n${actual.stdout}`,
    );
    if (update) writeFileSync(`${base}.expected`, `${actual.stdout.trimEnd()}\n`);
    const expected = readFileSync(`${base}.expected`, "utf8");
    assert.equal(actual.stdout.trimEnd(), expected.trimEnd());
  });
}
