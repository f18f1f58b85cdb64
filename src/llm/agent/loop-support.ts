// Pieces several loop phases share: compacting the conversation when it
// outgrows the threshold (recording a `compaction` event and merging the
// summary into the transcript summary), model-written summaries for the
// `llm` strategy, and daemon snapshots.

import type { Dict, Value } from "../../vm/values.ts";
import { attemptOnce, type CallContext } from "../call.ts";
import { autoCompactMessages, type CompactionServices, estimateTokens } from "./compaction.ts";
import { effectivePersistPath, persistSnapshot } from "./daemon.ts";
import { callInLoop, type LoopEnv, type LoopState } from "./loop-state.ts";
import { messagesToValues } from "./messages.ts";
import { transcriptEvent } from "./transcript.ts";
import { valueToJson } from "../json.ts";

/** Asks the loop's provider for a plain-text completion of `prompt` (no tools, no schema). */
export async function plainCompletion(env: LoopEnv, prompt: string): Promise<string> {
  const ctx: CallContext = { vm: env.vm, state: env.llm, signal: env.signal };
  const request = {
    ...env.call.request,
    messages: [{ role: "user", content: prompt }],
    system: null,
    tools: null,
    toolChoice: null,
    outputFormat: { kind: "text" as const },
  };
  const response = await attemptOnce(ctx, { ...env.call, budget: null, request }, request);
  return response.text;
}

export function compactionServices(env: LoopEnv): CompactionServices {
  const render = env.runtime.renderPrompt;
  const owner = env.host.owner;
  return {
    ...(render !== null &&
      owner !== null && { renderPrompt: (path: string, bindings: Dict) => render(path, bindings, owner) }),
    summarize: (prompt) => plainCompletion(env, prompt),
    call: (fn, args) => callInLoop(env, fn, args),
    toValue: (messages) => messagesToValues(messages),
  };
}

const ENGINE_NAMES: Readonly<Record<string, string>> = {
  llm: "llm",
  truncate: "truncate",
  custom: "custom",
  observation_mask: "observation_mask",
};

/**
 * Compacts the visible conversation when its estimate (plus the system
 * prompt, when given) reaches the threshold. `mode` is recorded in the
 * event: "preflight" before a call, "auto" after a tool turn, "idle" for
 * daemon consolidation.
 */
export async function compactNow(
  env: LoopEnv,
  state: LoopState,
  mode: "preflight" | "auto" | "idle",
  iteration: number,
  system: string | null = null,
): Promise<boolean> {
  const ac = env.config.autoCompact;
  if (ac === null) return false;
  const systemTokens = system === null ? 0 : Math.floor(system.length / 4);
  const before = estimateTokens(state.visible) + systemTokens;
  const due = mode === "auto" ? before > ac.tokenThreshold : before >= ac.tokenThreshold;
  if (!due) return false;
  const originalCount = state.visible.length;
  const summary = await autoCompactMessages(state.visible, ac, compactionServices(env));
  if (summary === null) return false;
  const after = estimateTokens(state.visible) + systemTokens;
  const archived = Math.max(0, originalCount - state.visible.length) + 1;
  if (mode !== "idle") {
    env.llm.trace.emit({
      type: "context_compaction",
      archived_messages: archived,
      new_summary_len: summary.length,
      iteration,
    });
    state.event(
      transcriptEvent(
        "compaction",
        "system",
        "internal",
        mode === "preflight"
          ? "Transcript compacted before agent LLM call"
          : "Transcript compacted during agent loop",
        {
          mode: mode === "preflight" ? "preflight" : "auto",
          strategy: ac.policyStrategy,
          engine_strategy: ENGINE_NAMES[ac.strategy] ?? ac.strategy,
          archived_messages: archived,
          estimated_tokens_before: before,
          estimated_tokens_after: after,
          keep_first: ac.keepFirst,
          keep_last: ac.keepLast,
        },
      ),
    );
  }
  const existing = state.summary;
  state.summary =
    existing !== null && existing.trim() !== "" && existing.trim() !== summary.trim()
      ? `${existing}\n\n${summary}`
      : summary;
  return true;
}

/** Writes the daemon snapshot when a persist path is configured. */
export function persistDaemonSnapshot(env: LoopEnv, state: LoopState): void {
  const path = effectivePersistPath(env.config.daemonConfig);
  const files = env.runtime.files;
  if (path === null || files === null) return;
  state.daemonSnapshotPath = persistSnapshot(files, path, {
    daemon_state: state.daemonState,
    visible_messages: state.visible,
    recorded_messages: state.recorded,
    transcript_summary: state.summary,
    transcript_events: state.events.map((e) => valueToJson(e as Value)),
    total_text: state.totalText,
    last_iteration_text: state.lastIterationText,
    all_tools_used: state.allTools,
    rejected_tools: state.rejectedTools,
    deferred_user_messages: state.deferredUserMessages,
    total_iterations: state.totalIterations,
    idle_backoff_ms: state.idleBackoffMs,
    last_run_exit_code: state.lastRunExitCode,
    watch_state: state.watchStamps,
  });
}

/** The system prompt of a turn: the caller's, the tool contract, the persistence instruction. */
export function systemPrompt(parts: readonly (string | null)[]): string | null {
  const kept = parts.map((p) => (p ?? "").trim()).filter((p) => p !== "");
  return kept.length === 0 ? null : kept.join("\n\n");
}
