// The nested execution budget: decrement per descent, min with the
// requested limit, refusal at zero naming kind and label, carriers that
// keep the parent's ceilings, and the descent log.

import assert from "node:assert/strict";
import { test } from "node:test";
import { CapabilityPolicy } from "../policy/capability-policy.ts";
import { push, type Stack, top } from "../task-context.ts";
import {
  enterNestedExecution,
  NestedBudgetExhausted,
  type NestedDescent,
  parseNestedKind,
} from "./nested-budget.ts";

const limited = (n: number | null): CapabilityPolicy => new CapabilityPolicy([], new Map(), [], null, n);

function limitOf(stack: Stack<unknown>): number | null | undefined {
  return (top(stack) as CapabilityPolicy | undefined)?.recursionLimit;
}

test("no parent budget keeps the requested limit", () => {
  const entry = enterNestedExecution(null, limited(3), "agent_loop", "session-a");
  assert.equal(entry.descent.parentLimit, null);
  assert.equal(entry.descent.childLimit, 3);
  assert.equal(limitOf(entry.policies), 3);
});

test("a budget of one allows one child, which gets zero", () => {
  const entry = enterNestedExecution(push(null, limited(1)), null, "sub_agent_run", "child-1");
  assert.equal(entry.descent.childLimit, 0);
  assert.equal(limitOf(entry.policies), 0);
});

test("a budget of zero refuses with budget_exceeded naming kind and label", () => {
  const seen: NestedDescent[] = [];
  assert.throws(
    () =>
      enterNestedExecution(push(null, limited(0)), null, "agent_loop", "research-worker", (d) =>
        seen.push(d),
      ),
    (e: unknown) => {
      assert.ok(e instanceof NestedBudgetExhausted);
      const vmError = e.toVmError();
      assert.equal(vmError.category, "budget_exceeded");
      assert.match(vmError.detail, /agent_loop/);
      assert.match(vmError.detail, /research-worker/);
      return true;
    },
  );
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.rejected, true);
});

test("a chain decrements until exhausted", () => {
  const outer = enterNestedExecution(null, limited(2), "agent_loop", "outer");
  const middle = enterNestedExecution(outer.policies, null, "sub_agent_run", "middle");
  const inner = enterNestedExecution(middle.policies, null, "agent_loop", "inner");
  assert.deepEqual(
    [outer, middle, inner].map((e) => e.descent.childLimit),
    [2, 1, 0],
  );
  assert.throws(() => enterNestedExecution(inner.policies, null, "sub_agent_run", "innermost"));
});

test("a requested limit caps below the decremented parent", () => {
  const entry = enterNestedExecution(push(null, limited(8)), limited(2), "workflow_stage", "stage-1");
  assert.equal(entry.descent.childLimit, 2);
});

test("neither side limited pushes nothing", () => {
  const entry = enterNestedExecution(null, null, "nested_workflow", "wf-1");
  assert.equal(entry.policies, null);
  assert.equal(entry.descent.childLimit, null);
});

test("a top-level carrier carries only the budget, not the requested ceilings", () => {
  const requested = new CapabilityPolicy(
    ["read_only"],
    new Map([["workspace", ["read_text"]]]),
    [],
    "read_only",
    4,
  );
  const carrier = top(enterNestedExecution(null, requested, "agent_loop", "s").policies) as CapabilityPolicy;
  assert.equal(carrier.recursionLimit, 4);
  assert.deepEqual(carrier.tools, []);
  assert.equal(carrier.capabilities.size, 0);
  assert.equal(carrier.sideEffectLevel, null);
});

test("a nested carrier keeps the parent's ceilings", () => {
  const outer = new CapabilityPolicy([], new Map([["workspace", ["read_text"]]]), [], "read_only", 3);
  const carrier = top(
    enterNestedExecution(push(null, outer), null, "workflow_stage", "s").policies,
  ) as CapabilityPolicy;
  assert.equal(carrier.recursionLimit, 2);
  assert.deepEqual(carrier.capabilities.get("workspace"), ["read_text"]);
  assert.equal(carrier.sideEffectLevel, "read_only");
});

test("unknown kinds in options fall back to agent_loop", () => {
  assert.equal(parseNestedKind("sub_agent_run"), "sub_agent_run");
  assert.equal(parseNestedKind("bogus"), "agent_loop");
  assert.equal(parseNestedKind(null), "agent_loop");
});
