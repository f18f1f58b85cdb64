// The live agent event stream (spec: "agent_subscribe"): while a loop
// runs, events of its session — `turn_start`, `turn_end`,
// `feedback_injected`, `tool_search_query`, `tool_search_result`,
// `budget_exhausted`, `loop_stuck` — go to every callback subscribed to
// that session. A subscriber may queue feedback for the next turn with
// `agent_inject_feedback`. A failing subscriber is ignored: one broken
// observer must not stop the loop.

import type { JsonObject } from "../json.ts";
import { jsonToValue } from "../json.ts";
import { callInLoop, type LoopEnv, type LoopState } from "./loop-state.ts";

export async function emitAgentEvent(
  env: LoopEnv,
  state: LoopState,
  type: string,
  fields: JsonObject,
): Promise<void> {
  const subscribers = env.runtime.subscribersOf(state.sessionId);
  if (subscribers.length === 0) return;
  const event = jsonToValue({ type, session_id: state.sessionId, ...fields });
  for (const callback of subscribers) {
    try {
      await callInLoop(env, callback, [event]);
    } catch {
      // Observers cannot fail the loop.
    }
  }
}
