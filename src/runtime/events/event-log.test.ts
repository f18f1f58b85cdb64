// The in-memory event log and the JSON shaping of payloads.

import assert from "node:assert/strict";
import { test } from "node:test";
import { Closure, Dict, HFloat } from "../../vm/values.ts";
import { logEvent, MemoryEventLog } from "./event-log.ts";
import { canonicalJson, toJsonData } from "./json-data.ts";
import { checkTopic, sanitizeTopicComponent } from "./topic.ts";

test("ids count per topic; reads take a cursor and a limit", () => {
  const log = new MemoryEventLog();
  for (const kind of ["a", "b", "c"]) log.append("t", logEvent(kind, null, 0));
  log.append("u", logEvent("x", null, 0));
  assert.equal(log.latest("t"), 3);
  assert.equal(log.latest("u"), 1);
  assert.equal(log.latest("empty"), null);
  assert.deepEqual(
    log.read("t", 1, 1).map((r) => r.event.kind),
    ["b"],
  );
  assert.deepEqual(log.topics(), ["t", "u"]);
});

test("listeners see later appends only until they unsubscribe", () => {
  const log = new MemoryEventLog();
  const seen: number[] = [];
  log.append("t", logEvent("before", null, 0));
  const stop = log.listen("t", (r) => seen.push(r.id));
  log.append("t", logEvent("during", null, 0));
  stop();
  log.append("t", logEvent("after", null, 0));
  assert.deepEqual(seen, [2]);
});

test("topic names are validated and sanitized", () => {
  assert.equal(checkTopic("triggers.lifecycle"), "triggers.lifecycle");
  assert.throws(() => checkTopic(""), /cannot be empty/);
  assert.throws(() => checkTopic("a b"), /unsupported characters/);
  assert.equal(sanitizeTopicComponent("bot/α 1"), "bot___1");
});

test("payloads become JSON data with sorted canonical text", () => {
  const data = toJsonData(Dict.of({ b: new HFloat(1), a: [1, new HFloat(Number.NaN)], s: 'q"\n' }));
  assert.equal(canonicalJson(data), '{"a":[1,null],"b":1.0,"s":"q\\"\\n"}');
  const opaque = toJsonData(
    new Closure({ name: "f" } as never, [], { globals: [], file: "" }),
    () => "opaque",
  );
  assert.equal(opaque, "opaque");
});
