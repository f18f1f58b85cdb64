// The file-backed event log against an in-memory DurableFs: ids per topic,
// reads after a cursor, a second log on the same directory seeing the
// first one's appends, torn last lines, and JSON round trips that keep
// ints and floats apart.

import assert from "node:assert/strict";
import { test } from "node:test";
import { logEvent } from "../runtime/events/event-log.ts";
import { parseJson } from "../stdlib/data/json-codec.ts";
import { Dict, HFloat } from "../vm/values.ts";
import type { DurableDirEntry, DurableFs } from "./durable-fs.ts";
import { FileEventLog } from "./event-log-file.ts";
import { parentPath } from "./state-paths.ts";

class MemoryFs implements DurableFs {
  readonly files = new Map<string, string>();
  readonly dirs = new Set<string>(["/"]);
  readText(p: string): string | null {
    return this.files.get(p) ?? null;
  }
  writeSynced(p: string, data: Uint8Array): void {
    this.files.set(p, new TextDecoder().decode(data));
  }
  appendSynced(p: string, data: Uint8Array): void {
    assert.ok(this.dirs.has(parentPath(p)), `parent of ${p} exists`);
    this.files.set(p, (this.files.get(p) ?? "") + new TextDecoder().decode(data));
  }
  rename(from: string, to: string): void {
    this.files.set(to, this.files.get(from) ?? "");
    this.files.delete(from);
  }
  syncDir(): void {}
  makeDirs(p: string): void {
    for (let d = p; d !== "/"; d = parentPath(d)) this.dirs.add(d);
  }
  removeFile(p: string): boolean {
    return this.files.delete(p);
  }
  removeEmptyDir(p: string): boolean {
    return this.dirs.delete(p);
  }
  readDir(p: string): DurableDirEntry[] | null {
    if (!this.dirs.has(p)) return null;
    return [...this.files.keys()]
      .filter((f) => parentPath(f) === p)
      .map((f) => ({ name: f.slice(p.length + 1), isDir: false, isFile: true }));
  }
  isDir(p: string): boolean {
    return this.dirs.has(p);
  }
}

const event = (kind: string, n: number) =>
  logEvent(kind, Dict.of({ n, ratio: new HFloat(2) }), 1_000, new Map([["source", "test"]]));

test("appends number events per topic and read back in order", () => {
  const fs = new MemoryFs();
  const log = new FileEventLog(fs, "/state/events", parseJson);
  assert.equal(log.latest("a.topic"), null);
  assert.equal(log.append("a.topic", event("one", 1)), 1);
  assert.equal(log.append("a.topic", event("two", 2)), 2);
  assert.equal(log.append("b-topic", event("other", 3)), 1);
  assert.deepEqual(
    log.read("a.topic").map((r) => [r.id, r.event.kind]),
    [
      [1, "one"],
      [2, "two"],
    ],
  );
  assert.deepEqual(
    log.read("a.topic", 1).map((r) => r.id),
    [2],
  );
  assert.deepEqual(log.topics(), ["a.topic", "b-topic"]);
  const payload = log.read("a.topic")[0]!.event.payload as Dict;
  assert.equal(payload.get("n"), 1);
  assert.ok(payload.get("ratio") instanceof HFloat, "an integral float stays a float");
  assert.equal(log.read("a.topic")[0]!.event.headers.get("source"), "test");
});

test("a second log on the same directory sees the first one's events", () => {
  const fs = new MemoryFs();
  const writer = new FileEventLog(fs, "/state/events", parseJson);
  const reader = new FileEventLog(fs, "/state/events", parseJson);
  writer.append("shared", event("first", 1));
  assert.equal(reader.latest("shared"), 1);
  writer.append("shared", event("second", 2));
  assert.deepEqual(
    reader.read("shared").map((r) => r.event.kind),
    ["first", "second"],
  );
  assert.equal(reader.append("shared", event("third", 3)), 3, "ids continue after the other writer's");
});

test("a torn last line is skipped until it is complete", () => {
  const fs = new MemoryFs();
  const log = new FileEventLog(fs, "/state/events", parseJson);
  log.append("t", event("whole", 1));
  fs.files.set("/state/events/t.jsonl", `${fs.files.get("/state/events/t.jsonl")}{"id":2,"kind":"to`);
  assert.deepEqual(
    log.read("t").map((r) => r.event.kind),
    ["whole"],
  );
});

test("listeners hear appends and topics stay inside the directory", () => {
  const log = new FileEventLog(new MemoryFs(), "/state/events", parseJson);
  const heard: string[] = [];
  const stop = log.listen("live", (r) => heard.push(r.event.kind));
  log.append("live", event("a", 1));
  stop();
  log.append("live", event("b", 2));
  assert.deepEqual(heard, ["a"]);
  assert.throws(() => log.append("../escape", event("x", 1)), /unsupported characters/);
});
