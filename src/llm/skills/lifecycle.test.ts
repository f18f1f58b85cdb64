import assert from "node:assert/strict";
import { test } from "node:test";
import { Dict } from "../../vm/values.ts";
import { Vm } from "../../vm/vm.ts";
import type { JsonObject } from "../json.ts";
import { parseSkillMatchConfig, pickSkills, scoreSkills, skillGlobMatch } from "./match.ts";
import { defineSkill, emptySkillRegistry, skillEntries } from "./registry.ts";
import { runtimeLoadSkill } from "./runtime-load.ts";
import { activeSkillFromEntry, activeSkillsSection, allowedToolScope, scopeNativeTools } from "./scope.ts";

function registry(skills: Record<string, Record<string, unknown>>): Dict {
  let r = emptySkillRegistry();
  for (const [name, config] of Object.entries(skills)) r = defineSkill([r, name, Dict.of(config as never)]);
  return r;
}

const skills = registry({
  ship: {
    description: "Ship a production release",
    when_to_use: "User says ship/release/deploy",
    allowed_tools: ["deploy"],
  },
  inspect: { description: "Inspect observability signals", when_to_use: "User asks to check metrics" },
  infra: { description: "Infrastructure work", paths: ["infra/**", "Dockerfile"] },
  secret: { description: "Ship secrets", "disable-model-invocation": true },
});

test("globs: * stays in a segment, ** crosses segments", () => {
  assert.ok(skillGlobMatch("infra/**", "infra/terraform/cluster.tf"));
  assert.ok(skillGlobMatch("docs/**/*.md", "docs/a/b.md"));
  assert.ok(!skillGlobMatch("docs/*.md", "docs/a/b.md"));
  assert.ok(skillGlobMatch("?ockerfile", "Dockerfile"));
});

test("metadata matching: keywords, explicit names and paths; gated skills never match", () => {
  const ranked = scoreSkills(skills, "Ship the new release to production", []);
  assert.deepEqual(
    ranked.map((c) => c.name),
    ["ship"],
  );
  assert.match(ranked[0]!.reason, /keyword hit/);
  assert.deepEqual(
    pickSkills(scoreSkills(skills, "fix the edge case", ["infra/x.tf"]), parseSkillMatchConfig(undefined)),
    ["infra"],
  );
  assert.equal(scoreSkills(skills, "please inspect things", [])[0]!.score > 2, true);
  assert.deepEqual(parseSkillMatchConfig(Dict.of({ strategy: "fuzzy", top_n: 0, sticky: false })), {
    strategy: "metadata",
    topN: 1,
    sticky: false,
  });
});

test("active skills render a prompt section and narrow the tool surface", () => {
  const ship = activeSkillFromEntry(skillEntries(skills)[0]!);
  assert.equal(activeSkillsSection([]), null);
  assert.match(
    activeSkillsSection([ship])!,
    /## Active skills\n\n### ship\nShip a production release\nWhen to use: .*\nScoped tools: deploy\n/,
  );
  const tools: JsonObject[] = [
    { type: "function", function: { name: "deploy" } },
    { type: "function", function: { name: "metrics" } },
    { type: "function", function: { name: "reader" }, namespace: "read" },
    { type: "function", function: { name: "__harn_tool_search" } },
  ];
  const names = (ts: JsonObject[]) => ts.map((t) => (t.function as JsonObject).name);
  assert.deepEqual(names(scopeNativeTools(tools, allowedToolScope([ship]))), [
    "deploy",
    "__harn_tool_search",
  ]);
  assert.deepEqual(names(scopeNativeTools(tools, new Set(["namespace:read"]))), [
    "reader",
    "__harn_tool_search",
  ]);
  assert.equal(allowedToolScope([{ ...ship, allowedTools: ["*"] }]), null);
});

test("runtime load_skill: typed refusals, signature gates, rendered body", () => {
  const vm = new Vm({ rootContext: {} as never });
  const reg = registry({
    open: { prompt: "Body for $S{HARN_SESSION_ID}".replace("$S", "$") },
    gated: { prompt: "hidden", disable_model_invocation: true },
    unsigned: { prompt: "never", require_signature: true },
  });
  const env = () => undefined;
  const opts = { sessionId: "s-1", env };
  const ok = runtimeLoadSkill(vm, reg, { name: "open" }, opts);
  assert.equal(ok.resultText, "Body for s-1");
  assert.equal(ok.loaded?.prompt, "Body for s-1");
  assert.deepEqual(ok.loadedEvent, {
    skill_id: "open",
    signer_fingerprint: null,
    signed: false,
    trusted: false,
  });
  const gated = runtimeLoadSkill(vm, reg, { name: "gated" }, opts);
  assert.equal(JSON.parse(gated.resultText).error, "skill_model_invocation_disabled");
  assert.ok(!gated.resultText.includes("hidden"));
  assert.equal(
    JSON.parse(runtimeLoadSkill(vm, reg, { name: "unsigned" }, opts).resultText).error,
    "UnsignedSkillError",
  );
  assert.equal(
    JSON.parse(runtimeLoadSkill(vm, reg, { name: "open", require_signature: true }, opts).resultText).error,
    "UnsignedSkillError",
  );
  assert.equal(
    JSON.parse(runtimeLoadSkill(vm, reg, { name: "nope" }, opts).resultText).error,
    "skill_not_found",
  );
  assert.equal(runtimeLoadSkill(vm, reg, { name: "nope" }, opts).loadedEvent, null);
  assert.equal(
    JSON.parse(runtimeLoadSkill(vm, reg, { name: "open", require_signature: "yes" }, opts).resultText).error,
    "invalid_arguments",
  );
});
