// The dict agent_loop returns (spec: "agent_loop result"): `status`
// (`done`, `stuck`, `budget_exhausted`, `idle`, `failed`, `watchdog`),
// the text (`text` = every turn, `visible_text` = the last turn as the
// user should see it), `llm.*` counters, `tools.*` usage, daemon fields,
// the agent-trace summary and the transcript. A launch refused by the
// nested execution budget returns the same shape with `status: blocked`
// instead of throwing, so callers can branch on it.

import type { NestedDescent } from "../../runtime/budget/nested-budget.ts";
import { Dict, HFloat, type Value } from "../../vm/values.ts";
import { jsonToValue } from "../json.ts";
import type { LlmState } from "../state.ts";
import type { LoopEnv, LoopState } from "./loop-state.ts";
import { messagesToValues } from "./messages.ts";
import { newTranscript, transcriptEvent } from "./transcript.ts";
import { sanitizeVisibleText } from "./visible-text.ts";

export function loopTranscript(state: LoopState): Dict {
  return newTranscript({
    id: state.sessionId,
    messages: messagesToValues(state.visible),
    summary: state.summary,
    extraEvents: state.events,
    state: state.finalStatus === "done" ? "active" : "paused",
  });
}

export function loopResult(env: LoopEnv, state: LoopState, transcript: Dict): Dict {
  const trace = env.llm.trace.summary();
  const num = (v: unknown): number => (typeof v === "number" ? v : 0);
  return Dict.of({
    status: state.finalStatus,
    daemon_state: state.daemonState,
    daemon_snapshot_path: state.daemonSnapshotPath,
    text: state.totalText,
    visible_text: sanitizeVisibleText(state.lastIterationText),
    llm: Dict.of({
      iterations: state.totalIterations,
      duration_ms: Math.max(0, env.llm.host.now() - env.startedAt),
      input_tokens: num(trace.total_input_tokens),
      output_tokens: num(trace.total_output_tokens),
    }),
    tools: Dict.of({
      calls: [...state.allTools],
      successful: [...state.successfulTools],
      rejected: [...state.rejectedTools],
      mode: env.config.toolFormat,
    }),
    deferred_user_messages: [...state.deferredUserMessages],
    task_ledger: Dict.of({ root_task: "", deliverables: [], rationale: "" }),
    ledger_done_rejections: 0,
    trace: jsonToValue(trace),
    transcript,
  });
}

/** The result of a launch the nested execution budget refused (no model call was made). */
export function budgetDeniedResult(
  llm: LlmState,
  descent: NestedDescent,
  sessionId: string,
  task: string,
  toolFormat: string,
): Dict {
  const error = Dict.of({
    category: "budget_exceeded",
    kind: "budget_exhausted",
    reason: "nested_execution_budget_exhausted",
    message: descent.message,
  });
  const transcript = newTranscript({
    id: sessionId,
    messages: [],
    extraEvents: [
      transcriptEvent("nested_execution_budget_denied", "system", "internal", descent.message, {
        kind: descent.kind,
        label: descent.label,
        parent_recursion_limit: descent.parentLimit,
        rejected: true,
      }),
    ],
    state: "paused",
  });
  const zero: Value = 0;
  return Dict.of({
    status: "blocked",
    final_status: "budget_exhausted",
    stop_reason: "nested_execution_budget_exhausted",
    error,
    text: "",
    visible_text: "",
    llm: Dict.of({ iterations: zero, duration_ms: zero, input_tokens: zero, output_tokens: zero }),
    tools: Dict.of({ calls: [], successful: [], rejected: [], mode: toolFormat }),
    tokens_used: zero,
    cost_usd: new HFloat(0),
    session_id: sessionId,
    task,
    trace: jsonToValue(llm.trace.summary()),
    transcript,
  });
}
