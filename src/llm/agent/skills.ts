// Skills inside an agent loop (spec: "Skills: lifecycle"): the loop opens
// a SkillSession (llm/skills/skill-session.ts) for its `skills:` registry,
// runs its match phase before each turn, appends the active-skill section
// to the system prompt, narrows the offered tools to the active skills'
// `allowed_tools` (plus `load_skill`), routes `load_skill` calls to it,
// and persists the active skill names with a named session so a resumed
// session keeps them. Skill MCP servers are bound through the binder the
// stdlib layer installs (`AgentRuntime.skillMcp`).

import { Dict, type Value } from "../../vm/values.ts";
import type { JsonObject } from "../json.ts";
import { emptySkillRegistry, isSkillRegistry } from "../skills/registry.ts";
import { SkillSession, type SkillEvent } from "../skills/skill-session.ts";
import { callInLoop, type LoopEnv } from "./loop-state.ts";
import { transcriptEvent } from "./transcript.ts";

/** The `skills:` option as a registry (a registry, or a list of skill entries), else null. */
function skillRegistry(v: Value | undefined): Value | null {
  if (isSkillRegistry(v)) return v;
  if (Array.isArray(v)) return emptySkillRegistry(v.filter((e) => e instanceof Dict));
  return null;
}

function workingFiles(v: Value | undefined): string[] {
  if (Array.isArray(v)) return v.map((x) => (typeof x === "string" ? x : "")).filter((x) => x !== "");
  return typeof v === "string" ? [v] : [];
}

/**
 * The skills a workflow run installed in the loop's scope (TaskContext
 * `workflowSkills`, set by stdlib/workflow): used when the loop's own
 * options name none, so stages and the sub-agents they delegate to share
 * the workflow's skill firewall.
 */
function workflowSkills(env: LoopEnv): { registry: Value | null; match: Value | null } {
  const installed = env.host.ctx.slots.workflowSkills;
  if (!(installed instanceof Dict)) return { registry: null, match: null };
  return { registry: installed.get("registry"), match: installed.get("match") };
}

/** Opens the loop's skill session, or null when the loop has no skills. */
export function openSkillSession(
  env: LoopEnv,
  options: Dict | null,
  sessionId: string,
  anonymous: boolean,
): SkillSession | null {
  const ambient = workflowSkills(env);
  const registry = skillRegistry(options?.map.get("skills") ?? ambient.registry ?? undefined);
  if (registry === null) return null;
  const resume = anonymous ? [] : env.runtime.sessions.activeSkills(sessionId);
  return new SkillSession(
    env.vm,
    registry,
    options?.map.get("skill_match") ?? ambient.match ?? undefined,
    workingFiles(options?.map.get("working_files")),
    sessionId,
    {
      runHook: async (hook) => {
        try {
          await callInLoop(env, hook, []);
        } catch {
          // A failing lifecycle hook must not stop the loop.
        }
      },
      mcp: env.runtime.skillMcp?.(env.vm) ?? null,
      hostMatch: null,
      env: (name) => env.llm.env(name),
    },
    resume,
  );
}

export function skillEventValue(e: SkillEvent) {
  return transcriptEvent(e.kind, "system", "internal", e.text, e.metadata);
}

/** The latest user message text of the conversation (what skills are matched against). */
export function latestUserPrompt(messages: readonly JsonObject[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role === "user" && typeof m.content === "string") return m.content;
  }
  return "";
}
