// The nested execution budget's descent log on a real VM: each nested
// surface records exactly one descent (kind, label, parent and child
// limits), and a refusal is recorded as rejected.

import assert from "node:assert/strict";
import { test } from "node:test";
import { compileSource, createVm, knownNamesOf, uncaughtMessage } from "../../engine.ts";
import { nodeStdlibHost } from "../../host/stdlib-host.ts";
import { nodeSystemHost } from "../../host/system-host.ts";
import { agentRuntimeOf } from "../../llm/agent/runtime-state.ts";
import { descentMetadata } from "../../runtime/budget/nested-budget.ts";
import { registerAgents } from "./index.ts";

const PROGRAM = `
pipeline main() {
  let tools = {_type: "tool_registry", tools: [{name: "nest", description: "", executor: "harn", parameters: {}, handler: { args ->
    sub_agent_run("child", {provider: "mock", name: "kid", session_id: "kid-session"}).ok
  }}]}
  llm_mock({tool_calls: [{id: "n", name: "nest", arguments: {}}]})
  with_execution_policy({recursion_limit: 1}, { ->
    agent_loop("outer", nil, {provider: "mock", tools: tools, tool_format: "native", max_iterations: 1, session_id: "outer-session"})
  })
}
`;

test("one descent per nested surface, refusals marked rejected", async () => {
  const vm = createVm({ output: () => {}, errorOutput: () => {} });
  registerAgents(vm, nodeStdlibHost, nodeSystemHost);
  const compiled = compileSource(PROGRAM, "descents.harn", false, undefined, knownNamesOf(vm));
  assert.ok(compiled.module);
  const result = await vm.run(compiled.module);
  assert.equal(result.error === null ? null : uncaughtMessage(result.error), null);
  assert.deepEqual(agentRuntimeOf(vm).descents.map(descentMetadata), [
    {
      kind: "agent_loop",
      label: "outer-session",
      parent_recursion_limit: 1,
      child_recursion_limit: 0,
      rejected: false,
    },
    {
      kind: "sub_agent_run",
      label: "kid-session",
      parent_recursion_limit: 0,
      child_recursion_limit: null,
      rejected: true,
    },
  ]);
});
