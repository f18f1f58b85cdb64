// The replay journal: live results are recorded during a dispatch and
// handed back, in order, when the same event is replayed.

import assert from "node:assert/strict";
import { test } from "node:test";
import { Task } from "../../vm/task.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { MemoryEventLog } from "../events/event-log.ts";
import { TaskContext } from "../task-context.ts";
import { attachDispatchContext, type DispatchContext } from "./dispatch-context.ts";
import { journaled } from "./replay-journal.ts";

function dispatchTask(replayOf: string | null): Task {
  const task = new Task(1, new TaskContext(), "handler");
  const d: DispatchContext = {
    event: Dict.of({ id: "evt-1" }),
    traceId: "trace-1",
    replayOfEventId: replayOf,
    bindingId: "b",
    bindingVersion: 1,
    agent: "b",
    action: "github.issue.opened",
    autonomyTier: "act_auto",
  };
  attachDispatchContext(task, d);
  return task;
}

test("a replay gets the live results of the original dispatch, in order", async () => {
  const log = new MemoryEventLog();
  const answers: Value[] = ["yes", "approved"];
  const live = dispatchTask(null);
  assert.equal(await journaled(log, live, "hitl", 0, () => answers.shift()!), "yes");
  assert.equal(await journaled(log, live, "hitl", 0, () => answers.shift()!), "approved");
  const replay = dispatchTask("evt-1");
  const asked: string[] = [];
  const ask = (): Value => {
    asked.push("asked");
    return "fresh";
  };
  assert.equal(await journaled(log, replay, "hitl", 0, ask), "yes");
  assert.equal(await journaled(log, replay, "hitl", 0, ask), "approved");
  assert.equal(await journaled(log, replay, "hitl", 0, ask), "fresh", "beyond the record, the replay asks");
  assert.deepEqual(asked, ["asked"]);
});

test("outside a dispatch nothing is recorded", async () => {
  const log = new MemoryEventLog();
  const plain = new Task(2, new TaskContext(), "plain");
  assert.equal(await journaled(log, plain, "hitl", 0, () => 7), 7);
  assert.equal(log.latest("trigger.replay.journal"), null);
});
