import assert from "node:assert/strict";
import { test } from "node:test";
import { Dict, type Value } from "../../vm/values.ts";
import { Vm } from "../../vm/vm.ts";
import type { JsonObject } from "../json.ts";
import { defineSkill, emptySkillRegistry } from "./registry.ts";
import { SkillSession, type SkillSessionHooks } from "./skill-session.ts";

function registry(skills: Record<string, Record<string, Value>>): Dict {
  let r = emptySkillRegistry();
  for (const [name, config] of Object.entries(skills)) r = defineSkill([r, name, Dict.of(config)]);
  return r;
}

const hookLog: string[] = [];
const hooks: SkillSessionHooks = {
  runHook: async (hook) => void hookLog.push(String(hook)),
  mcp: {
    bind: async (s) => {
      if (s === "down") throw new Error("cannot start");
    },
    release: () => {},
    isRegistered: () => true,
  },
  hostMatch: null,
  env: () => undefined,
};

const reg = registry({
  draft: {
    description: "Draft a new document",
    when_to_use: "User asks to draft/write",
    on_activate: "draft-on",
    on_deactivate: "draft-off",
  },
  review_skill: {
    description: "Review existing code",
    when_to_use: "User asks to review/audit",
    requires_mcp: ["gh", "down"],
    allowed_tools: ["read"],
  },
});
const vm = new Vm({ rootContext: {} as never });
const kinds = (events: { kind: string }[]) => events.map((e) => e.kind);

test("sticky: false reassesses each turn and swaps skills with hooks and MCP bindings", async () => {
  const s = new SkillSession(vm, reg, Dict.of({ sticky: false }), [], "s1", hooks);
  assert.deepEqual(kinds(await s.beforeTurn(0, "Please draft the launch memo")), [
    "skill_matched",
    "skill_activated",
  ]);
  assert.deepEqual(hookLog, ["draft-on"]);
  assert.match(s.systemSuffix()!, /### draft/);
  const swap = await s.beforeTurn(1, "Actually, please review the existing launch memo.");
  assert.deepEqual(kinds(swap), [
    "skill_matched",
    "skill_deactivated",
    "skill_activated",
    "skill_scope_tools",
    "skill_mcp_bound",
    "skill_mcp_bind_failed",
  ]);
  assert.deepEqual(hookLog, ["draft-on", "draft-off"]);
  const tools: JsonObject[] = [{ name: "read" }, { name: "write" }];
  assert.deepEqual(
    s.scopeTools(tools, "anthropic").map((t) => t.name),
    ["read", "load_skill"],
  );
  assert.deepEqual(s.activeNames(), ["review_skill"]);
});

test("sticky sessions keep their skill and a resumed session skips the first match", async () => {
  const sticky = new SkillSession(vm, reg, undefined, [], "s2", hooks);
  await sticky.beforeTurn(0, "draft something");
  assert.deepEqual(await sticky.beforeTurn(1, "review it"), []);
  const resumed = new SkillSession(vm, reg, undefined, [], "s2", hooks, ["draft"]);
  assert.deepEqual(await resumed.beforeTurn(0, "continue"), []);
  assert.match(resumed.systemSuffix()!, /### draft/);
});

test("load_skill joins the prompt with its rendered body", () => {
  const s = new SkillSession(
    vm,
    registry({ notes: { prompt: "Write it down for $1" } }),
    undefined,
    [],
    "s3",
    hooks,
  );
  const r = s.loadSkill({ name: "notes" });
  assert.equal(r.resultText, "Write it down for $1");
  assert.deepEqual(kinds(r.events), ["skill.loaded"]);
  assert.match(s.systemSuffix()!, /### notes\n\nWrite it down for \$1\n/);
});
