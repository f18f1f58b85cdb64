// `agent_loop` options (spec: "agent_loop options") parsed into one typed
// config. A profile (`tool_using`, the default; `researcher`, `verifier`,
// `completer`) supplies defaults for the iteration, nudge and retry
// counts; explicit options always win. Policies, permissions and the
// approval policy stay Harn values here and are interpreted where they
// are enforced.

import type { McpServerSpec } from "../mcp/registry.ts";
import { parseMcpServers } from "./loop-mcp.ts";
import { CapabilityPolicy } from "../../runtime/policy/capability-policy.ts";
import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { type BudgetEnvelope, parseBudget } from "../budget.ts";
import { type Options, optBool, optInt, optStr, optValue } from "../option-values.ts";
import { type AutoCompactConfig, parseLoopCompaction } from "./compaction.ts";
import { type DaemonConfig, parseDaemonConfig } from "./daemon.ts";

interface ProfileDefaults {
  readonly maxIterations: number;
  readonly maxNudges: number;
  readonly toolRetries: number;
  readonly llmRetries: number;
  readonly schemaRetries: number;
}

const PROFILES: Readonly<Record<string, ProfileDefaults>> = {
  tool_using: { maxIterations: 50, maxNudges: 8, toolRetries: 0, llmRetries: 2, schemaRetries: 0 },
  researcher: { maxIterations: 30, maxNudges: 4, toolRetries: 0, llmRetries: 2, schemaRetries: 0 },
  verifier: { maxIterations: 5, maxNudges: 0, toolRetries: 0, llmRetries: 2, schemaRetries: 3 },
  completer: { maxIterations: 1, maxNudges: 0, toolRetries: 0, llmRetries: 2, schemaRetries: 0 },
};

export function profileDefaults(o: Options, builtin: string): ProfileDefaults {
  const name = optStr(o, "profile") ?? "tool_using";
  const p = PROFILES[name];
  if (p) return p;
  throw runtimeError(
    `${builtin}: profile must be one of tool_using, researcher, verifier, completer; got \`${name}\``,
  );
}

export type NativeToolFallback = "allow" | "allow_once" | "reject";

export interface TurnPolicy {
  readonly requireActionOrYield: boolean;
  readonly allowDoneSentinel: boolean;
  readonly maxProseChars: number | null;
}

export interface AgentLoopConfig {
  readonly persistent: boolean;
  readonly maxIterations: number;
  readonly maxNudges: number;
  readonly nudge: string | null;
  readonly doneSentinel: string;
  readonly breakUnlessPhase: string | null;
  readonly toolRetries: number;
  readonly toolBackoffMs: number;
  readonly schemaRetries: number;
  /** "native" sends tool schemas through the provider; anything else uses the tagged text protocol. */
  readonly toolFormat: string;
  readonly nativeToolFallback: NativeToolFallback;
  readonly autoCompact: AutoCompactConfig | null;
  readonly policy: CapabilityPolicy | null;
  readonly approvalPolicy: Dict | null;
  readonly commandPolicy: Value | null;
  readonly permissions: Dict | null;
  /** Servers the loop connects for itself (`mcp_servers`); see loop-mcp.ts. */
  readonly mcpServers: readonly McpServerSpec[];
  readonly daemon: boolean;
  readonly daemonConfig: DaemonConfig;
  readonly llmRetries: number;
  readonly llmBackoffMs: number;
  readonly tokenBudget: number | null;
  readonly budget: BudgetEnvelope | null;
  readonly exitWhenVerified: boolean;
  readonly loopDetect: { readonly warn: number; readonly block: number; readonly skip: number };
  readonly turnPolicy: TurnPolicy | null;
  readonly stopAfterSuccessfulTools: readonly string[] | null;
  readonly requireSuccessfulTools: readonly string[] | null;
  /** "" = an anonymous session that is not persisted. */
  readonly sessionId: string;
  readonly postTurnCallback: Value | null;
  /** The tool registry value (`tools:` option), or null. */
  readonly tools: Value | null;
}

function strList(o: Options, key: string): string[] | null {
  const v = optValue(o, key);
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.map((x) => display(x));
  return [display(v)];
}

function parseTurnPolicy(v: Value | undefined): TurnPolicy | null {
  if (!(v instanceof Dict)) return null;
  const max = v.get("max_prose_chars");
  return {
    requireActionOrYield: v.get("require_action_or_yield") === true,
    allowDoneSentinel: v.get("allow_done_sentinel") !== false,
    maxProseChars: typeof max === "number" ? max : null,
  };
}

function parseFallback(o: Options, builtin: string): NativeToolFallback {
  const v = optStr(o, "native_tool_fallback");
  if (v === undefined) return "allow";
  if (v === "allow" || v === "allow_once" || v === "reject") return v;
  throw runtimeError(
    `${builtin}: native_tool_fallback must be one of allow, allow_once, reject; got \`${v}\``,
  );
}

function parsePermissions(o: Options, builtin: string): Dict | null {
  const v = optValue(o, "permissions");
  if (v === undefined) return null;
  if (!(v instanceof Dict)) throw runtimeError(`${builtin}: permissions must be a dict`);
  return v;
}

/** The command-runner policy: `command_policy`, or `policy.command_policy`. */
function parseCommandPolicy(o: Options): Value | null {
  const direct = optValue(o, "command_policy");
  if (direct !== undefined) return direct;
  const policy = optValue(o, "policy");
  const nested = policy instanceof Dict ? policy.map.get("command_policy") : undefined;
  return nested === undefined || nested === null ? null : nested;
}

/** Parses the options dict of `agent_loop` (or `sub_agent_run`, named by `builtin`). */
export function parseAgentConfig(o: Options, builtin: string, defaultToolFormat: string): AgentLoopConfig {
  const profile = profileDefaults(o, builtin);
  const policyValue = optValue(o, "policy");
  const approval = optValue(o, "approval_policy");
  const callback = optValue(o, "post_turn_callback");
  return {
    persistent: optBool(o, "persistent"),
    maxIterations: Math.max(0, optInt(o, "max_iterations") ?? profile.maxIterations),
    maxNudges: Math.max(0, optInt(o, "max_nudges") ?? profile.maxNudges),
    nudge: optStr(o, "nudge") ?? null,
    doneSentinel: optStr(o, "done_sentinel") ?? "##DONE##",
    breakUnlessPhase: optStr(o, "break_unless_phase") ?? null,
    toolRetries: Math.max(0, optInt(o, "tool_retries") ?? profile.toolRetries),
    toolBackoffMs: Math.max(0, optInt(o, "tool_backoff_ms") ?? 1000),
    schemaRetries: Math.max(0, optInt(o, "schema_retries") ?? profile.schemaRetries),
    toolFormat: optStr(o, "tool_format") ?? defaultToolFormat,
    nativeToolFallback: parseFallback(o, builtin),
    autoCompact: parseLoopCompaction(o, builtin),
    policy: policyValue === undefined ? null : CapabilityPolicy.fromValue(policyValue),
    approvalPolicy: approval instanceof Dict ? approval : null,
    commandPolicy: parseCommandPolicy(o),
    permissions: parsePermissions(o, builtin),
    mcpServers: parseMcpServers(optValue(o, "mcp_servers")),
    daemon: optBool(o, "daemon"),
    daemonConfig: parseDaemonConfig(o),
    llmRetries: Math.max(0, optInt(o, "llm_retries") ?? profile.llmRetries),
    llmBackoffMs: Math.max(0, optInt(o, "llm_backoff_ms") ?? 2000),
    tokenBudget: optInt(o, "token_budget") ?? null,
    budget: parseBudget(o),
    exitWhenVerified: optBool(o, "exit_when_verified"),
    loopDetect: {
      warn: Math.max(0, optInt(o, "loop_detect_warn") ?? 2),
      block: Math.max(0, optInt(o, "loop_detect_block") ?? 3),
      skip: Math.max(0, optInt(o, "loop_detect_skip") ?? 4),
    },
    turnPolicy: parseTurnPolicy(optValue(o, "turn_policy")),
    stopAfterSuccessfulTools: strList(o, "stop_after_successful_tools"),
    requireSuccessfulTools: strList(o, "require_successful_tools"),
    sessionId: optStr(o, "session_id") ?? "",
    postTurnCallback: callback ?? null,
    tools: optValue(o, "tools") ?? null,
  };
}
