// Runs the workflow fixtures (tests/fixtures/workflow/*.harn) on a VM with
// the workflow runtime installed, checking each against its `.expected`
// output or `.error` text like the main fixture runner does. The fixtures
// carry `// @skip` for that runner until registerWorkflows is wired into
// createVm; this runner installs the runtime itself, so it ignores the
// directive. Run records and worker snapshots go to a temporary directory.

import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { compileSource, createVm, knownNamesOf, uncaughtMessage } from "../../engine.ts";
import { nodeSystemHost } from "../../host/system-host.ts";
import { registerWorkflows } from "./index.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, "../../../tests/fixtures/workflow");
const stateDir = mkdtempSync(path.join(tmpdir(), "harn-workflow-fixtures-"));
process.env.HARN_WORKER_STATE_DIR = path.join(stateDir, "workers");
process.env.HARN_RUN_DIR = path.join(stateDir, "runs");
after(() => rmSync(stateDir, { recursive: true, force: true }));

async function run(file: string): Promise<{ stdout: string; error?: string }> {
  const out: string[] = [];
  const vm = createVm({ output: (s) => out.push(s), errorOutput: () => {} });
  registerWorkflows(vm, { system: nodeSystemHost });
  const source = readFileSync(file, "utf8");
  const compiled = compileSource(source, file, false, undefined, knownNamesOf(vm));
  if (!compiled.module) return { stdout: "", error: compiled.diagnostics.map((d) => d.message).join("\n") };
  const result = await vm.run(compiled.module);
  const stdout = out.join("");
  return result.error ? { stdout, error: uncaughtMessage(result.error) } : { stdout };
}

for (const name of readdirSync(fixtures)
  .filter((f) => f.endsWith(".harn"))
  .sort()) {
  test(`workflow/${name}`, async () => {
    const file = path.join(fixtures, name);
    const base = file.slice(0, -".harn".length);
    const actual = await run(file);
    if (existsSync(`${base}.error`)) {
      const wanted = readFileSync(`${base}.error`, "utf8").trim();
      assert.ok(actual.error !== undefined, `expected an error containing ${JSON.stringify(wanted)}`);
      assert.ok(actual.error.includes(wanted), `error text:\n${actual.error}`);
      return;
    }
    assert.equal(
      actual.error,
      undefined,
      `unexpected error: ${actual.error}\n--- stdout ---\n${actual.stdout}`,
    );
    assert.equal(actual.stdout.trimEnd(), readFileSync(`${base}.expected`, "utf8").trimEnd());
  });
}
