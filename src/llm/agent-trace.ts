// The agent trace behind `agent_trace()` / `agent_trace_summary()`: a log
// of typed events (`{type: "llm_call" | "schema_retry" | "tool_execution"
// | ..., ...}`) that llm_call and, later, the agent loop append to. The
// summary folds the log into counts and totals with the reference's field
// names; events of types it does not count are kept but not summarised.

import type { JsonObject } from "./json.ts";

const num = (v: unknown): number => (typeof v === "number" ? v : 0);

export class AgentTrace {
  private readonly log: JsonObject[] = [];
  private callCounter = 0;

  emit(event: JsonObject & { type: string }): void {
    this.log.push(event);
  }

  events(): readonly JsonObject[] {
    return this.log;
  }

  /** A fresh id for an LLM call (a per-VM counter, so traces are deterministic). */
  nextCallId(): string {
    this.callCounter++;
    return `llm_call_${this.callCounter}`;
  }

  summary(): JsonObject {
    const count = (type: string): number => this.log.filter((e) => e.type === type).length;
    const sum = (type: string, field: string): number =>
      this.log.filter((e) => e.type === type).reduce((n, e) => n + num(e[field]), 0);
    const tools: string[] = [];
    for (const e of this.log) {
      if (e.type === "tool_execution" && typeof e.tool_name === "string" && !tools.includes(e.tool_name)) {
        tools.push(e.tool_name);
      }
    }
    const complete = this.log.filter((e) => e.type === "loop_complete").at(-1);
    const fallbacks = this.log.filter((e) => e.type === "native_tool_fallback");
    return {
      status: typeof complete?.status === "string" ? complete.status : "unknown",
      iterations: num(complete?.iterations),
      total_duration_ms: num(complete?.total_duration_ms),
      llm_calls: count("llm_call"),
      tool_executions: count("tool_execution"),
      tool_rejections: count("tool_rejected"),
      interventions: count("loop_intervention"),
      compactions: count("context_compaction"),
      native_text_tool_fallbacks: fallbacks.length,
      native_text_tool_fallback_rejections: fallbacks.filter((e) => e.accepted === false).length,
      empty_completion_retries: count("empty_completion_retry"),
      total_input_tokens: sum("llm_call", "input_tokens"),
      total_output_tokens: sum("llm_call", "output_tokens"),
      total_llm_duration_ms: sum("llm_call", "duration_ms"),
      total_tool_duration_ms: sum("tool_execution", "duration_ms"),
      tools_used: tools,
    };
  }
}
