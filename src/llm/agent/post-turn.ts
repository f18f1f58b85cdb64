// After each turn: decide whether the loop continues. A tool turn records
// which tools ran, feeds text-mode results back, calls
// `post_turn_callback` (which may inject a message or stop the loop),
// honours `stop_after_successful_tools`, and compacts the conversation
// when it grew past the threshold. A text-only turn ends a one-shot loop;
// a persistent loop is nudged to continue until the done sentinel or
// until `max_nudges` text-only turns in a row (status `stuck`); a daemon
// goes idle and waits for a wake source.

import { Dict, type Value } from "../../vm/values.ts";
import { jsonToValue } from "../json.ts";
import { feedbackMessage } from "./messages.ts";
import { callInLoop, type LoopEnv, type LoopState, offersTools } from "./loop-state.ts";
import { compactNow, persistDaemonSnapshot } from "./loop-support.ts";
import { changedWatchPaths, hasWakeSource, idleWaitMs, nextIdleBackoff } from "./daemon.ts";
import { emitAgentEvent } from "./events.ts";
import type { DispatchResult } from "./tool-dispatch.ts";
import { transcriptEvent } from "./transcript.ts";
import type { TurnReply } from "./turn-call.ts";

export type Outcome = "continue" | "break";

/** `nil`/"" do nothing; a string is injected; `true` stops; `{message?, stop?}` does both. */
function interpretCallback(v: Value): { message: string | null; stop: boolean } {
  if (typeof v === "boolean") return { message: null, stop: v };
  if (typeof v === "string") return { message: v === "" ? null : v, stop: false };
  if (v instanceof Dict) {
    const message = v.map.get("message");
    return {
      message: typeof message === "string" && message !== "" ? message : null,
      stop: v.map.get("stop") === true,
    };
  }
  return { message: null, stop: false };
}

function historyText(reply: TurnReply): string {
  if (reply.parseErrors.length > 0) {
    return `<assistant turn partially elided: ${reply.calls.length} tool call(s) executed successfully (${reply.calls.map((c) => c.name).join(", ")}), ${reply.parseErrors.length} malformed tool call(s) rejected. See tool results and parse errors that follow.>`;
  }
  const source = (reply.canonical ?? "").trim() || reply.text.trim();
  const chars = Array.from(source);
  const cap = 131_072;
  if (chars.length <= cap) return source;
  return `${chars.slice(0, cap).join("")}\n\n<assistant turn truncated: raw length ${chars.length} chars exceeded history cap (${cap})>`;
}

async function afterToolTurn(
  env: LoopEnv,
  state: LoopState,
  reply: TurnReply,
  d: DispatchResult,
  iteration: number,
): Promise<Outcome> {
  state.allTools.push(...d.used);
  if (env.config.toolFormat !== "native" && d.observations !== "") {
    state.append(feedbackMessage("tool_results", d.observations.trimEnd()));
  }
  state.consecutiveSingleToolTurns = reply.calls.length === 1 ? state.consecutiveSingleToolTurns + 1 : 0;
  const successful = d.results.filter((r) => r.status === "ok").map((r) => r.tool_name);
  for (const name of successful) if (!state.successfulTools.includes(name)) state.successfulTools.push(name);
  await emitAgentEvent(env, state, "turn_end", {
    iteration,
    turn_info: {
      tool_names: reply.calls.map((c) => c.name),
      tool_results: d.results.map((r) => ({ ...r })),
      successful_tool_names: successful,
      tool_count: reply.calls.length,
    },
  });
  const stopTools = env.config.stopAfterSuccessfulTools;
  if (stopTools !== null && successful.some((n) => stopTools.includes(n))) return "break";
  const callback = env.config.postTurnCallback;
  if (callback !== null) {
    const info = jsonToValue({
      tool_names: reply.calls.map((c) => c.name),
      tool_results: d.results.map((r) => ({ ...r })),
      successful_tool_names: successful,
      tool_count: reply.calls.length,
      iteration,
      failed: d.results.some((r) => r.status !== "ok") || reply.parseErrors.length > 0,
      consecutive_single_tool_turns: state.consecutiveSingleToolTurns,
      session_tools_used: state.allTools,
      session_successful_tools: state.successfulTools,
    });
    const { message, stop } = interpretCallback(await callInLoop(env, callback, [info]));
    if (message !== null && message.trim() !== "")
      state.append(feedbackMessage("post_turn_callback", message));
    if (stop) return "break";
  }
  await compactNow(env, state, "auto", iteration);
  if (reply.parseErrors.length > 0)
    state.append(feedbackMessage("parse_error", reply.parseErrors.join("\n\n")));
  return reply.sentinelHit ? "break" : "continue";
}

async function idleDaemon(env: LoopEnv, state: LoopState): Promise<Outcome> {
  const cfg = env.config.daemonConfig;
  state.daemonState = "idle";
  if (cfg.consolidateOnIdle) await compactNow(env, state, "idle", state.totalIterations);
  persistDaemonSnapshot(env, state);
  if (!hasWakeSource(cfg)) {
    state.finalStatus = "idle";
    return "break";
  }
  const files = env.runtime.files;
  for (let attempts = 1; ; attempts++) {
    await new Promise<void>((r) => {
      const timer = setTimeout(r, idleWaitMs(cfg, state.idleBackoffMs));
      // A background daemon's wait is not the program's work (see daemon.ts).
      if (cfg.wakeOnInput) (timer as { unref?: () => void }).unref?.();
    });
    if (env.signal.aborted) return "break";
    // Input queued for the session (daemon_trigger) wakes the daemon first; it is the next turn's message.
    const queued = cfg.wakeOnInput ? env.runtime.drainFeedback(state.sessionId) : [];
    for (const item of queued) state.append(feedbackMessage(item.kind, item.content));
    const changed = files === null ? [] : changedWatchPaths(files, cfg.watchPaths, state.watchStamps);
    const reason =
      queued.length > 0
        ? "message"
        : changed.length > 0
          ? "watch"
          : cfg.wakeIntervalMs !== null
            ? "timer"
            : null;
    if (reason !== null) {
      const message =
        reason === "message"
          ? null
          : reason === "watch"
            ? `Daemon wake: watched paths changed: ${changed.join(", ")}. Re-check the task state and act only if something actually changed.`
            : "Daemon timer wake fired. Re-check for background work and act only on new information or a pending follow-up.";
      if (message !== null) state.append(feedbackMessage(reason, message));
      state.event(
        transcriptEvent("daemon_wake", "system", "internal", reason, {
          reason,
          watch_paths: changed,
          resumed: false,
        }),
      );
      state.daemonState = "active";
      state.consecutiveTextOnly = 0;
      state.idleBackoffMs = 100;
      return "continue";
    }
    if (cfg.idleWatchdogAttempts !== null && attempts >= cfg.idleWatchdogAttempts) {
      state.finalStatus = "watchdog";
      return "break";
    }
    state.idleBackoffMs = nextIdleBackoff(cfg, state.idleBackoffMs);
  }
}

async function afterTextTurn(env: LoopEnv, state: LoopState, reply: TurnReply): Promise<Outcome> {
  const { config } = env;
  if (reply.sentinelHit) {
    state.append({ role: "assistant", content: historyText(reply) });
    return "break";
  }
  if (reply.parseErrors.length > 0) {
    state.append(feedbackMessage("parse_error", reply.parseErrors.join("\n\n")));
    state.consecutiveTextOnly = 0;
    return "continue";
  }
  const actionRequired =
    config.toolFormat === "native" &&
    config.turnPolicy?.requireActionOrYield === true &&
    state.allTools.length === 0;
  if (!actionRequired) state.append({ role: "assistant", content: historyText(reply) });
  if (!actionRequired && !config.persistent && !config.daemon) return "break";
  if (!actionRequired && config.daemon && !config.persistent) return idleDaemon(env, state);
  state.consecutiveTextOnly++;
  if (state.consecutiveTextOnly > config.maxNudges) {
    state.finalStatus = "stuck";
    await emitAgentEvent(env, state, "loop_stuck", {
      max_nudges: config.maxNudges,
      last_iteration: state.totalIterations - 1,
      tail_excerpt: Array.from(reply.text.trim()).slice(0, 240).join(""),
    });
    return "break";
  }
  const hasTools = offersTools(env);
  const nudge = actionRequired
    ? `You returned assistant text before using any tool. This stage needs at least one tool action before an answer counts; that reply was not accepted. ${hasTools ? "Use a tool call to make progress." : "Make concrete progress in your reply."}`
    : (config.nudge ??
      (hasTools
        ? "Continue — use a tool call to make progress."
        : "Continue — make progress in your reply."));
  state.append(feedbackMessage(actionRequired ? "action_required" : "nudge", nudge));
  return "continue";
}

export async function runPostTurn(
  env: LoopEnv,
  state: LoopState,
  reply: TurnReply,
  dispatch: DispatchResult | null,
  iteration: number,
): Promise<Outcome> {
  return dispatch === null
    ? afterTextTurn(env, state, reply)
    : afterToolTurn(env, state, reply, dispatch, iteration);
}
