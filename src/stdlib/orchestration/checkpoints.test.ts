// Checkpoints persist per entry file under `<state root>/checkpoints/`:
// a second VM (a rerun after a crash) sees what the first one stored.
// Runs against an in-memory DurableFs so nothing touches the disk.

import assert from "node:assert/strict";
import { test } from "node:test";
import { compileSource, createVm, knownNamesOf } from "../../engine.ts";
import { nodeStdlibHost } from "../../host/stdlib-host.ts";
import { nodeSystemHost } from "../../host/system-host.ts";
import type { DurableDirEntry, DurableFs } from "../../state/durable-fs.ts";
import { parentPath } from "../../state/state-paths.ts";
import { registerOrchestration } from "./index.ts";

class MemoryFs implements DurableFs {
  readonly files = new Map<string, string>();
  readText(p: string): string | null {
    return this.files.get(p) ?? null;
  }
  writeSynced(p: string, data: Uint8Array): void {
    this.files.set(p, new TextDecoder().decode(data));
  }
  appendSynced(p: string, data: Uint8Array): void {
    this.files.set(p, (this.files.get(p) ?? "") + new TextDecoder().decode(data));
  }
  rename(from: string, to: string): void {
    this.files.set(to, this.files.get(from) ?? "");
    this.files.delete(from);
  }
  syncDir(): void {}
  makeDirs(): void {}
  removeFile(p: string): boolean {
    return this.files.delete(p);
  }
  removeEmptyDir(): boolean {
    return true;
  }
  readDir(p: string): DurableDirEntry[] | null {
    return [...this.files.keys()]
      .filter((f) => parentPath(f) === p)
      .map((f) => ({ name: f.slice(p.length + 1), isDir: false, isFile: true }));
  }
  isDir(): boolean {
    return true;
  }
}

const FILE = "/virtual/project/nightly_sync.harn";

async function run(fs: MemoryFs, source: string): Promise<string> {
  const out: string[] = [];
  const vm = createVm({ output: (t) => out.push(t), errorOutput: () => {} });
  registerOrchestration(vm, { system: nodeSystemHost, stdlib: nodeStdlibHost, durable: fs });
  const compiled = compileSource(source, FILE, false, undefined, knownNamesOf(vm));
  assert.ok(compiled.module, compiled.diagnostics.map((d) => d.message).join("\n"));
  const result = await vm.run(compiled.module);
  assert.equal(result.error, null);
  return out.join("");
}

test("checkpoints survive into the next run of the same program", async () => {
  const fs = new MemoryFs();
  const first = await run(
    fs,
    `import { checkpoint_stage } from "std/checkpoint"
pipeline default() {
  println(checkpoint_stage("fetch", { -> {rows: 3, ratio: 0.5} }))
  checkpoint("empty", nil)
  println(checkpoint_list())
}`,
  );
  assert.equal(first, "{ratio: 0.5, rows: 3}\n[empty, fetch]\n");
  const stored = fs.files.get("/virtual/project/.harn/checkpoints/nightly_sync.json");
  assert.ok(stored !== undefined, `stored under the entry file's stem: ${[...fs.files.keys()]}`);
  assert.match(stored, /"rows": 3/);

  const second = await run(
    fs,
    `import { checkpoint_stage, checkpoint_stage_retry } from "std/checkpoint"
pipeline default() {
  println(checkpoint_stage("fetch", { -> "recomputed" }).rows)
  println(checkpoint_exists("empty"))
  let failing = try { checkpoint_stage_retry("flaky", 2, { -> throw "nope" }) }
  println(unwrap_err(failing))
  checkpoint_delete("fetch")
  println(checkpoint_get("fetch"))
  checkpoint_clear()
  println(checkpoint_list())
}`,
  );
  assert.equal(second, "3\ntrue\ncheckpoint_stage_retry failed after 2 attempts: nope\nnil\n[]\n");
  assert.equal(fs.files.has("/virtual/project/.harn/checkpoints/nightly_sync.json"), false);
});
