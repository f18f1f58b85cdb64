// TaskContext inheritance: inline subtasks copy every slot, spawned
// workers get exactly the inherited set, and the classification table
// covers every slot (enforced at compile time, checked by tsc in lint).

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  EMPTY_SLOTS,
  type Inheritance,
  push,
  SPAWN_INHERITANCE,
  stackDepth,
  TaskContext,
  type TaskContextSlots,
  top,
} from "./task-context.ts";

// A slot added without a classification fails to type-check: the table must
// name every key of TaskContextSlots. (tsc reports an unused directive if it
// ever stops being an error.)
// @ts-expect-error "newSlot" is not classified in SPAWN_INHERITANCE
const _unclassified: Readonly<Record<keyof TaskContextSlots | "newSlot", Inheritance>> = SPAWN_INHERITANCE;
void _unclassified;

function busyContext(): TaskContext {
  return new TaskContext().with({
    executionPolicies: push(null, "exec"),
    approvalPolicies: push(null, "approve"),
    commandPolicies: push(null, "command"),
    dynamicPermissions: push(null, "perm"),
    runtimeValues: new Map([["k", "v"]]),
    autonomyPolicy: "tier",
    llmRenderFrames: push(null, "render"),
    connectorContext: push(null, "connector"),
    agentSessions: push(null, "session"),
    executionContext: { cwd: "/w", env: new Map(), sourceDir: "/s", pathScopeRoot: null },
    mutationSession: "mutation",
    hostBridge: "bridge",
    trustedBridgeDepth: 2,
    commandHookDepth: 3,
    activeSteps: push(null, "step"),
    personaFrames: push(null, "persona"),
  });
}

test("an inline subtask copies every slot", () => {
  const parent = busyContext();
  const child = parent.forInlineSubtask();
  for (const key of Object.keys(SPAWN_INHERITANCE) as (keyof TaskContextSlots)[]) {
    assert.equal(child.slots[key], parent.slots[key], key);
  }
});

test("a spawned worker inherits exactly the inherited set and starts the rest empty", () => {
  const parent = busyContext();
  const worker = parent.forSpawnedWorker();
  for (const key of Object.keys(SPAWN_INHERITANCE) as (keyof TaskContextSlots)[]) {
    const expected = SPAWN_INHERITANCE[key] === "inherit" ? parent.slots[key] : EMPTY_SLOTS[key];
    assert.equal(worker.slots[key], expected, key);
  }
  assert.equal(top(worker.slots.agentSessions), undefined);
  assert.equal(worker.slots.trustedBridgeDepth, 0);
  assert.equal(top(worker.slots.commandPolicies), "command");
});

test("a child's pushes never reach its parent", () => {
  const parent = busyContext();
  const child = parent
    .forInlineSubtask()
    .with({ executionPolicies: push(parent.slots.executionPolicies, "child") });
  assert.equal(stackDepth(child.slots.executionPolicies), 2);
  assert.equal(stackDepth(parent.slots.executionPolicies), 1);
  assert.equal(top(parent.slots.executionPolicies), "exec");
});
