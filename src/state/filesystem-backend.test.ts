// The filesystem backend against an in-memory DurableFs that can fail at a
// chosen step (crash safety without killing a process), plus one round
// trip on the real disk under a temp directory.

import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { nodeDurableFs } from "../host/state-host.ts";
import { type BackendScope, StateError, type WriteOptions } from "./backend.ts";
import type { DurableDirEntry, DurableFs } from "./durable-fs.ts";
import { FilesystemBackend } from "./filesystem-backend.ts";
import { parentPath } from "./state-paths.ts";

/** Files and directories in maps; `failOn` makes the named operation throw once. */
class MemoryFs implements DurableFs {
  readonly files = new Map<string, string>();
  readonly dirs = new Set<string>(["/"]);
  readonly synced: string[] = [];
  failOn: "writeSynced" | "rename" | null = null;

  private fail(op: "writeSynced" | "rename"): void {
    if (this.failOn === op) {
      this.failOn = null;
      throw new Error(`simulated crash in ${op}`);
    }
  }
  readText(p: string): string | null {
    return this.files.get(p) ?? null;
  }
  writeSynced(p: string, data: Uint8Array): void {
    assert.ok(this.dirs.has(parentPath(p)), `parent of ${p} exists`);
    this.fail("writeSynced");
    this.files.set(p, new TextDecoder().decode(data));
  }
  appendSynced(p: string, data: Uint8Array): void {
    this.files.set(p, (this.files.get(p) ?? "") + new TextDecoder().decode(data));
  }
  rename(from: string, to: string): void {
    this.fail("rename");
    const v = this.files.get(from);
    assert.ok(v !== undefined);
    this.files.delete(from);
    this.files.set(to, v);
  }
  syncDir(p: string): void {
    this.synced.push(p);
  }
  makeDirs(p: string): void {
    for (let d = p; d !== "/"; d = parentPath(d)) this.dirs.add(d);
  }
  removeFile(p: string): boolean {
    return this.files.delete(p);
  }
  removeEmptyDir(p: string): boolean {
    if (this.readDir(p)?.length !== 0) return false;
    return this.dirs.delete(p);
  }
  readDir(p: string): DurableDirEntry[] | null {
    if (!this.dirs.has(p)) return null;
    const out: DurableDirEntry[] = [];
    for (const d of this.dirs) if (d !== p && parentPath(d) === p) out.push(entry(d, true));
    for (const f of this.files.keys()) if (parentPath(f) === p) out.push(entry(f, false));
    return out;
  }
  isDir(p: string): boolean {
    return this.dirs.has(p);
  }
}

function entry(p: string, isDir: boolean): DurableDirEntry {
  return { name: p.slice(p.lastIndexOf("/") + 1), isDir, isFile: !isDir };
}

let counter = 0;
const clock = { now: () => 1_700_000_000_000, uniqueId: () => `id${counter++}` };
const scope: BackendScope = { root: "/state", namespace: "session-a" };
const writerA: WriteOptions = {
  writer: { writerId: "writer-a", sessionId: "session-a" },
  conflictPolicy: "ignore",
};
const writerB: WriteOptions = {
  writer: { writerId: "writer-b", sessionId: "session-a" },
  conflictPolicy: "error",
};

async function backendWithSession(): Promise<{ mem: MemoryFs; backend: FilesystemBackend }> {
  const mem = new MemoryFs();
  const backend = new FilesystemBackend(mem, clock);
  await backend.ensureScope(scope);
  return { mem, backend };
}

test("round trip, nested keys, sorted listing, delete prunes empty directories", async () => {
  const { mem, backend } = await backendWithSession();
  await backend.write(scope, "plan.md", "plan", writerA);
  await backend.write(scope, "evidence/b.json", "{}", writerA);
  await backend.write(scope, "./evidence/a.json", "", writerA);
  assert.equal(await backend.read(scope, "plan.md"), "plan");
  assert.equal(await backend.read(scope, "evidence/a.json"), "");
  assert.equal(await backend.read(scope, "missing"), null);
  assert.deepEqual(await backend.list(scope), ["evidence/a.json", "evidence/b.json", "plan.md"]);
  await backend.delete(scope, "evidence/a.json");
  await backend.delete(scope, "evidence/b.json");
  await backend.delete(scope, "never-written");
  assert.deepEqual(await backend.list(scope), ["plan.md"]);
  assert.ok(!mem.dirs.has("/state/session-a/evidence"));
  assert.ok(!mem.dirs.has("/state/session-a/.agent_state_meta/evidence"));
  assert.ok(mem.dirs.has("/state/session-a"));
});

test("writer metadata is stored beside the session and the directory is fsynced", async () => {
  const { mem, backend } = await backendWithSession();
  await backend.write(scope, "ledger.md", "one", writerA);
  const meta = JSON.parse(mem.files.get("/state/session-a/.agent_state_meta/ledger.md.json")!);
  assert.deepEqual(meta, {
    writer: { writer_id: "writer-a", session_id: "session-a" },
    updated_at: 1_700_000_000,
  });
  assert.ok(mem.synced.includes("/state/session-a"));
});

test("keys and session ids cannot escape their root or name internals", async () => {
  const { backend } = await backendWithSession();
  const cases: [string, RegExp][] = [
    ["../oops", /must not escape the session root/],
    ["a/../../b", /must not escape/],
    ["/etc/passwd", /must be relative/],
    ["  ", /non-empty relative path/],
    ["./.", /at least one path component/],
    [".agent_state_meta/x.json", /reserved internal path/],
    ["x.agent_state_tmp.1", /reserved internal path/],
  ];
  for (const [key, pattern] of cases) {
    await assert.rejects(backend.write(scope, key, "bad", writerA), (e: Error) => {
      assert.ok(e instanceof StateError);
      assert.match(e.message, pattern);
      return true;
    });
  }
  await assert.rejects(backend.ensureScope({ root: "/state", namespace: "../elsewhere" }), /must not escape/);
});

test("a second writer is refused under policy error and the first value stays", async () => {
  const { backend } = await backendWithSession();
  const first = await backend.write(scope, "ledger.md", "one", writerA);
  assert.equal(first.conflict, null);
  await assert.rejects(backend.write(scope, "ledger.md", "two", writerB), (e: Error) => {
    assert.match(e.message, /previously written by 'writer-a' and is now being written by 'writer-b'/);
    return true;
  });
  assert.equal(await backend.read(scope, "ledger.md"), "one");
  const ignored = await backend.write(scope, "ledger.md", "three", { ...writerB, conflictPolicy: "ignore" });
  assert.equal(ignored.conflict?.previous.writerId, "writer-a");
  assert.equal(await backend.read(scope, "ledger.md"), "three");
});

test("a crash before the rename keeps the old value and leaves no visible debris", async () => {
  const { mem, backend } = await backendWithSession();
  await backend.write(scope, "plan.md", "before", writerA);
  for (const step of ["writeSynced", "rename"] as const) {
    mem.failOn = step;
    await assert.rejects(backend.write(scope, "plan.md", "after", writerA), /simulated crash/);
    assert.equal(await backend.read(scope, "plan.md"), "before");
    assert.deepEqual(await backend.list(scope), ["plan.md"]);
    assert.deepEqual(
      [...mem.files.keys()].filter((f) => f.includes(".agent_state_tmp")),
      [],
      `no temp file left after a failed ${step}`,
    );
  }
});

test("resume fails for a missing session", async () => {
  const { backend } = await backendWithSession();
  await backend.resumeScope(scope);
  await assert.rejects(
    backend.resumeScope({ root: "/state", namespace: "nope" }),
    /session 'nope' not found under \/state/,
  );
});

test("the Node host round-trips on disk", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "harn-state-"));
  try {
    const backend = new FilesystemBackend(nodeDurableFs, clock);
    const disk: BackendScope = { root, namespace: "disk" };
    await backend.ensureScope(disk);
    await backend.write(disk, "a/b.txt", "hello", writerA);
    assert.equal(await backend.read(disk, "a/b.txt"), "hello");
    assert.deepEqual(await backend.list(disk), ["a/b.txt"]);
    assert.deepEqual(fs.readdirSync(path.join(root, "disk", "a")), ["b.txt"]);
    await backend.delete(disk, "a/b.txt");
    assert.deepEqual(fs.readdirSync(path.join(root, "disk")), [".agent_state_meta"]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
