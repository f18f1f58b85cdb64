// The store and metadata builtins end to end: a VM with the state stdlib
// whose state root is a temp directory (through HARN_STATE_DIR), so values
// written by one VM must be read back by the next.

import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { compileSource, createVm, knownNamesOf, uncaughtMessage } from "../../engine.ts";
import { nodeDurableFs } from "../../host/state-host.ts";
import { nodeStdlibHost } from "../../host/stdlib-host.ts";
import { nodeSystemHost } from "../../host/system-host.ts";
import type { SystemHost } from "../system/host.ts";
import { registerStateStdlib } from "./index.ts";

async function run(source: string, stateDir: string, cwd: string): Promise<string> {
  let out = "";
  const system: SystemHost = {
    ...nodeSystemHost,
    env: (name) => (name === "HARN_STATE_DIR" ? stateDir : nodeSystemHost.env(name)),
    cwd: () => cwd,
  };
  const vm = createVm({ output: (s) => (out += s), systemHost: system });
  registerStateStdlib(vm, { system, stdlib: nodeStdlibHost, durable: nodeDurableFs });
  const file = path.join(cwd, "main.harn");
  const compiled = compileSource(source, file, false, undefined, knownNamesOf(vm));
  assert.ok(compiled.module, compiled.diagnostics.map((d) => d.message).join("; "));
  const result = await vm.run(compiled.module);
  if (result.error) throw new Error(uncaughtMessage(result.error));
  return out;
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "harn-state-builtins-"));
}

test("the store persists values with their types across runs", async () => {
  const dir = tempDir();
  try {
    const state = path.join(dir, "state");
    await run(
      'store_set("ratio", 2.0)\nstore_set("n", 9007199254740993)\nstore_set("cfg", {a: [1, nil, "x"]})\nstore_set("gone", 1)\nstore_delete("gone")',
      state,
      dir,
    );
    const text = fs.readFileSync(path.join(state, "store.json"), "utf8");
    assert.match(text, /"ratio": 2\.0/);
    const out = await run(
      'println(type_of(store_get("ratio")))\nprintln(store_get("n"))\nprintln(store_get("cfg"))\nprintln(store_list())',
      state,
      dir,
    );
    assert.equal(out, "float\n9007199254740993\n{a: [1, nil, x]}\n[cfg, n, ratio]\n");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("metadata is saved per namespace and resolved hierarchically by the next run", async () => {
  const dir = tempDir();
  const state = tempDir();
  try {
    fs.mkdirSync(path.join(dir, "src"));
    await run(
      [
        'metadata_set(".", "classification", {language: "rust"})',
        'metadata_set("src", "classification", {owner: "vm"})',
        'metadata_set("src", "odd/name", {x: 1})',
        "metadata_refresh_hashes()",
        "metadata_save()",
      ].join("\n"),
      state,
      dir,
    );
    assert.ok(fs.existsSync(path.join(state, "metadata", "classification", "entries.json")));
    assert.ok(fs.existsSync(path.join(state, "metadata", "odd_2Fname", "entries.json")));
    const out = await run(
      [
        'let c = metadata_get("src", "classification")',
        "println([c.language, c.owner, type_of(c.structureHash)])",
        'println(metadata_get("src/deeper").x)',
        "let s = metadata_status()",
        "println(s.namespaces)",
        "println(s.missing_content_hash)",
        "println(s.stale.any_stale)",
        'write_file("src/new.rs", "fn main() {}")',
        "println(metadata_stale().tier1)",
      ].join("\n"),
      state,
      dir,
    );
    assert.equal(out, "[rust, vm, string]\n1\n[classification, odd/name]\n[., src]\nfalse\n[src]\n");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(state, { recursive: true, force: true });
  }
});

test("scan_directory lists relative paths in name order with depth and hidden filters", async () => {
  const dir = tempDir();
  try {
    fs.mkdirSync(path.join(dir, "p/a"), { recursive: true });
    fs.writeFileSync(path.join(dir, "p/z.txt"), "z");
    fs.writeFileSync(path.join(dir, "p/.h.txt"), "h");
    fs.writeFileSync(path.join(dir, "p/a/b.txt"), "b");
    const out = await run(
      [
        'println(scan_directory("p").map({ e -> e.path }))',
        'println(scan_directory("p", "*.txt", {max_depth: 0}).map({ e -> e.path }))',
        'println(scan_directory("p", {include_hidden: true, include_dirs: false}).map({ e -> e.path }))',
      ].join("\n"),
      path.join(dir, "state"),
      dir,
    );
    assert.equal(out, "[p/a, p/a/b.txt, p/z.txt]\n[p/z.txt]\n[p/.h.txt, p/a/b.txt, p/z.txt]\n");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
