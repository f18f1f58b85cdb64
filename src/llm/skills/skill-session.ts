// The skills side of one agent loop run, as one object the loop drives
// (spec: "Skills: lifecycle"). Before a turn, `beforeTurn` matches skills
// (always on the first turn, every turn when `sticky: false`, and not on a
// resumed session's first turn when sticky), deactivating and activating
// skills with their hooks and MCP bindings. During the turn the loop asks
// for the system-prompt suffix, the tool scope and the `load_skill` tool;
// a `load_skill` call goes to `loadSkill`. Each step returns the transcript
// events it produced (`skill_matched`, `skill_activated`, ...), for the
// loop to record and publish.

import type { Dict, Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import type { JsonObject, JsonValue } from "../json.ts";
import {
  parseSkillMatchConfig,
  pickSkills,
  type SkillCandidate,
  type SkillMatchConfig,
  scoreSkills,
} from "./match.ts";
import { findSkill, skillEntries } from "./registry.ts";
import { loadSkillTool, runtimeLoadSkill } from "./runtime-load.ts";
import {
  type ActiveSkill,
  activeSkillFromEntry,
  activeSkillsSection,
  allowedToolScope,
  scopeNativeTools,
} from "./scope.ts";

/** A transcript event for the loop to record (role "system", visibility "internal"). */
export interface SkillEvent {
  readonly kind: string;
  readonly text: string;
  readonly metadata: JsonObject;
}

export interface SkillSessionHooks {
  /** Runs a lifecycle hook closure (`on_activate` / `on_deactivate`); errors should be logged, not thrown. */
  readonly runHook: (hook: Value) => Promise<void>;
  /** Binds / releases a declared MCP server for a skill's `requires_mcp`; null when MCP is unavailable. */
  readonly mcp: {
    bind(server: string): Promise<void>;
    release(server: string): void;
    isRegistered(server: string): boolean;
  } | null;
  /** Host scoring for the "host"/"embedding" strategies; null falls back to metadata scoring. */
  readonly hostMatch: ((prompt: string, workingFiles: readonly string[]) => Promise<SkillCandidate[]>) | null;
  readonly env: (name: string) => string | undefined;
}

export class SkillSession {
  readonly config: SkillMatchConfig;
  private active: ActiveSkill[];
  /** Skills promoted by `load_skill` (their prompt is the rendered body). */
  private readonly loaded: ActiveSkill[] = [];
  private readonly resumed: boolean;

  constructor(
    private readonly vm: Vm,
    /** The `skills:` registry. */
    readonly registry: Value,
    skillMatch: Value | undefined,
    private readonly workingFiles: readonly string[],
    private readonly sessionId: string,
    private readonly hooks: SkillSessionHooks,
    /** Active skill names persisted by the previous run of this session. */
    resumeNames: readonly string[] = [],
  ) {
    this.config = parseSkillMatchConfig(skillMatch);
    this.active = resumeNames
      .map((n) => findSkill(registry, n))
      .filter((e): e is Dict => e !== null)
      .map(activeSkillFromEntry);
    this.resumed = this.active.length > 0;
  }

  /** Names to persist with the session so a later run resumes the same skills. */
  activeNames(): string[] {
    return this.active.map((s) => s.name);
  }

  /** Active skills as the prompt shows them: matched ones, replaced or joined by loaded ones. */
  promptSkills(): ActiveSkill[] {
    const merged = [...this.active];
    for (const l of this.loaded) {
      const at = merged.findIndex((s) => s.name === l.name);
      if (at >= 0) merged[at] = l;
      else merged.push(l);
    }
    return merged;
  }

  /** Text to append to the system prompt, or null. */
  systemSuffix(): string | null {
    return activeSkillsSection(this.promptSkills());
  }

  /** The turn's provider tools: scoped by active skills, plus the `load_skill` tool. */
  scopeTools(tools: readonly JsonObject[], provider: string): JsonObject[] {
    const scope = allowedToolScope([...this.active, ...this.loaded]);
    return [...scopeNativeTools(tools, scope), loadSkillTool(provider)];
  }

  /** The allowlist active skills impose (null: none). */
  toolScope(): ReadonlySet<string> | null {
    return allowedToolScope([...this.active, ...this.loaded]);
  }

  /** Runs the match phase before turn `iteration`, given the latest user message. */
  async beforeTurn(iteration: number, latestUserPrompt: string): Promise<SkillEvent[]> {
    const skip = iteration === 0 && this.resumed && this.config.sticky;
    if (skip || !(iteration === 0 || !this.config.sticky) || skillEntries(this.registry).length === 0)
      return [];
    let ranked: SkillCandidate[];
    const host = this.config.strategy !== "metadata" ? this.hooks.hostMatch : null;
    try {
      ranked = host
        ? await host(latestUserPrompt, this.workingFiles)
        : scoreSkills(this.registry, latestUserPrompt, this.workingFiles);
    } catch {
      ranked = scoreSkills(this.registry, latestUserPrompt, this.workingFiles);
    }
    ranked = [...ranked].sort((a, b) => b.score - a.score);
    const events: SkillEvent[] = [
      {
        kind: "skill_matched",
        text: "",
        metadata: {
          strategy: this.config.strategy,
          iteration,
          reassess: iteration > 0,
          candidates: ranked.map((c) => ({ name: c.name, score: c.score, reason: c.reason })),
          working_files: [...this.workingFiles],
        },
      },
    ];
    const chosen = pickSkills(ranked, this.config);
    const current = this.active.map((s) => s.name);
    if (chosen.length === current.length && chosen.every((n, i) => n === current[i])) return events;
    for (const skill of this.active.filter((s) => !chosen.includes(s.name))) {
      events.push({ kind: "skill_deactivated", text: skill.name, metadata: { name: skill.name, iteration } });
      for (const server of skill.mcpServers) {
        if (!this.hooks.mcp?.isRegistered(server)) continue;
        this.hooks.mcp.release(server);
        events.push({ kind: "skill_mcp_unbound", text: skill.name, metadata: { skill: skill.name, server } });
      }
      await this.runHook(skill.name, "on_deactivate");
    }
    this.active = this.active.filter((s) => chosen.includes(s.name));
    for (const name of chosen) {
      if (this.active.some((s) => s.name === name)) continue;
      const entry = findSkill(this.registry, name);
      if (entry === null) continue;
      const skill = activeSkillFromEntry(entry);
      const cand = ranked.find((c) => c.name === name);
      events.push({
        kind: "skill_activated",
        text: skill.name,
        metadata: {
          name: skill.name,
          description: skill.description,
          iteration,
          score: cand?.score ?? 0,
          reason: cand?.reason ?? "",
          allowed_tools: [...skill.allowedTools],
        },
      });
      if (skill.allowedTools.length > 0) {
        events.push({
          kind: "skill_scope_tools",
          text: skill.name,
          metadata: { name: skill.name, allowed_tools: [...skill.allowedTools] },
        });
      }
      events.push(...(await this.bindServers(skill)));
      await this.runHook(skill.name, "on_activate");
      this.active.push(skill);
    }
    return events;
  }

  private async bindServers(skill: ActiveSkill): Promise<SkillEvent[]> {
    const events: SkillEvent[] = [];
    const mcp = this.hooks.mcp;
    if (mcp === null) return events;
    for (const server of skill.mcpServers) {
      try {
        await mcp.bind(server);
        events.push({ kind: "skill_mcp_bound", text: skill.name, metadata: { skill: skill.name, server } });
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        events.push({
          kind: "skill_mcp_bind_failed",
          text: skill.name,
          metadata: { skill: skill.name, server, error },
        });
      }
    }
    return events;
  }

  private async runHook(name: string, key: "on_activate" | "on_deactivate"): Promise<void> {
    const hook = findSkill(this.registry, name)?.map.get(key);
    if (hook !== undefined && hook !== null) await this.hooks.runHook(hook);
  }

  /** Handles a `load_skill` tool call: the tool result text and the events to record. */
  loadSkill(args: JsonValue): { readonly resultText: string; readonly events: SkillEvent[] } {
    const r = runtimeLoadSkill(this.vm, this.registry, args, {
      sessionId: this.sessionId,
      env: this.hooks.env,
    });
    const events: SkillEvent[] =
      r.loadedEvent === null
        ? []
        : [{ kind: "skill.loaded", text: String(r.loadedEvent.skill_id), metadata: r.loadedEvent }];
    if (r.loaded !== null) {
      const loaded = r.loaded;
      const at = this.loaded.findIndex((s) => s.name === loaded.name);
      if (at >= 0) this.loaded[at] = loaded;
      else this.loaded.push(loaded);
      this.active = this.active.map((s) => (s.name === loaded.name ? loaded : s));
    }
    return { resultText: r.resultText, events };
  }
}
