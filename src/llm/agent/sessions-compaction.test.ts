// The session store's fork tree and the compaction engine's split rules.

import assert from "node:assert/strict";
import { test } from "node:test";
import { Dict, type Value } from "../../vm/values.ts";
import type { JsonObject } from "../json.ts";
import { autoCompactMessages, defaultCompaction, estimateTokens, microcompact } from "./compaction.ts";
import { messagesToValues } from "./messages.ts";
import { SessionStore } from "./sessions.ts";
import { eventsOf, messagesOf } from "./transcript.ts";

test("forks copy, fork_at truncates and records the branch point, ancestry finds the root", () => {
  const store = new SessionStore();
  store.open("a");
  for (const content of ["1", "2", "3"]) store.inject("a", Dict.of({ role: "user", content }));
  const b = store.forkAt("a", 1, "b")!;
  const c = store.fork(b, "c")!;
  assert.equal(store.length(b), 1);
  assert.equal(store.snapshot(b)!.get("branched_at_event_index"), 1);
  assert.deepEqual(store.ancestry(c), { parentId: "b", childIds: [], rootId: "a" });
  assert.deepEqual(store.snapshot("a")!.get("child_ids"), ["b"]);
});

test("the least recently used session is evicted past the cap", () => {
  const store = new SessionStore(2);
  store.open("x");
  store.open("y");
  store.open("x");
  store.open("z");
  assert.deepEqual(
    ["x", "y", "z"].map((id) => store.exists(id)),
    [true, false, true],
  );
});

test("appended events leave messages alone", () => {
  const store = new SessionStore();
  store.open("s");
  store.inject("s", Dict.of({ role: "user", content: "hi" }));
  store.appendEvent("s", Dict.of({ kind: "sub_agent_start" }));
  const t = store.transcript("s")!;
  assert.equal(messagesOf(t).length, 1);
  assert.equal(eventsOf(t).length, 2);
});

test("compaction keeps tool results with the assistant turn that asked for them", async () => {
  const messages: JsonObject[] = [
    { role: "user", content: "goal" },
    { role: "assistant", content: "step" },
    { role: "user", content: "more" },
    { role: "assistant", content: "", tool_calls: [] },
    { role: "tool", content: "result" },
  ];
  const config = { ...defaultCompaction(), keepLast: 1, strategy: "truncate" as const };
  const services = { call: async (): Promise<Value> => null, toValue: messagesToValues };
  const summary = await autoCompactMessages(messages, config, services);
  assert.match(summary!, /^\[auto-compacted 2 older messages via truncate strategy\]/);
  assert.deepEqual(
    messages.map((m) => m.role),
    ["user", "user", "assistant", "tool"],
  );
});

test("token estimates and microcompaction", () => {
  assert.equal(estimateTokens([{ role: "user", content: "x".repeat(41) }]), 10);
  const out = microcompact(`${"a".repeat(300)}\nsrc/x.rs:4: error: expected item\n${"b".repeat(300)}`, 400);
  assert.match(out, /\[diagnostic lines preserved\]\nsrc\/x\.rs:4: error: expected item/);
});
