// Compaction builtins (spec: "Transcript compaction"): `estimate_tokens`
// (four characters a token), `microcompact(text, max_chars)`,
// `transcript_auto_compact(messages, options)` over a message list, and
// `transcript_compact(transcript, options)`, which also records a
// `compaction` event and keeps the pre-compaction transcript as a
// snapshot asset.

import { type CallbackHost, callHarn } from "../../llm/agent/callbacks.ts";
import {
  type AutoCompactConfig,
  autoCompactMessages,
  type CompactStrategy,
  type CompactionServices,
  defaultCompaction,
  estimateTokens,
  microcompact,
  parseCompactStrategy,
} from "../../llm/agent/compaction.ts";
import { messagesToValues, valuesToMessages } from "../../llm/agent/messages.ts";
import { agentRuntimeOf } from "../../llm/agent/runtime-state.ts";
import { summarizeWithModel } from "../../llm/agent/summarize.ts";
import {
  assetsOf,
  extraEventsOf,
  idOf,
  isTranscript,
  messagesOf,
  newId,
  newTranscript,
  normalizeAsset,
  stateOf,
  summaryOf,
  transcriptEvent,
} from "../../llm/agent/transcript.ts";
import { type JsonObject, valueToJson } from "../../llm/json.ts";
import { contextOf, top } from "../../runtime/task-context.ts";
import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { cancellable } from "../../vm/scheduler.ts";
import { type BuiltinContext, Closure, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";

function services(
  vm: Vm,
  ctx: BuiltinContext,
  options: Value | undefined,
  signal: AbortSignal,
): CompactionServices {
  const host: CallbackHost = { vm, owner: ctx.task, ctx: contextOf(ctx.task) };
  return {
    summarize: (prompt) => summarizeWithModel(vm, options, prompt, signal),
    renderPrompt: (path, bindings) => {
      const render = vm.builtins.get("render");
      if (render === undefined) throw runtimeError("summarize_prompt needs the template builtins");
      return display(render.fn([path, bindings], ctx) as Value);
    },
    call: (fn, args) => callHarn(host, fn, args),
    toValue: (messages) => messagesToValues(messages),
  };
}

function intOption(o: Dict | null, key: string): number | undefined {
  const v = o?.map.get(key);
  return typeof v === "number" ? Math.max(0, v) : undefined;
}

function autoCompactConfig(o: Dict | null): AutoCompactConfig {
  const config = defaultCompaction();
  config.tokenThreshold = intOption(o, "compact_threshold") ?? config.tokenThreshold;
  config.toolOutputMaxChars = intOption(o, "tool_output_max_chars") ?? config.toolOutputMaxChars;
  config.keepLast = intOption(o, "keep_last") ?? config.keepLast;
  const strategy = o?.map.get("compact_strategy");
  if (strategy !== undefined && strategy !== null) config.strategy = parseCompactStrategy(display(strategy));
  const callback = o?.map.get("compact_callback");
  if (callback !== undefined && callback !== null) {
    config.customCompactor = callback;
    if (strategy === undefined || strategy === null) config.strategy = "custom";
  }
  return config;
}

function run<T extends Value>(work: (signal: AbortSignal) => Promise<T>): Promise<Value> {
  const controller = new AbortController();
  return cancellable(work(controller.signal), () => controller.abort());
}

function compactOptions(o: Dict | null): {
  strategy: CompactStrategy;
  keepLast: number;
  target: number | undefined;
} {
  const raw = o?.map.get("strategy") ?? o?.map.get("compact_strategy");
  const strategy = parseCompactStrategy(
    raw === undefined || raw === null ? "observation_mask" : display(raw),
  );
  if (strategy === "custom") {
    throw runtimeError(
      "transcript_compact: strategy 'custom' is not supported; use 'llm', 'truncate', or 'observation_mask'",
    );
  }
  const keep = o?.map.get("keep_last");
  if (typeof keep === "number" && keep < 0) throw runtimeError("transcript_compact: keep_last must be >= 0");
  const target = o?.map.get("target_tokens");
  if (typeof target === "number" && target < 0)
    throw runtimeError("transcript_compact: target_tokens must be >= 0");
  return {
    strategy,
    keepLast: typeof keep === "number" ? keep : defaultCompaction().keepLast,
    target: typeof target === "number" ? target : undefined,
  };
}

/** Tells `agent_subscribe` callbacks of the transcript's session that it was compacted. */
async function announce(vm: Vm, host: CallbackHost, sessionId: string | null, fields: Dict): Promise<void> {
  if (sessionId === null) return;
  const event = new Dict(
    new Map([["type", "transcript_compacted"], ["session_id", sessionId], ...fields.map]),
  );
  for (const callback of agentRuntimeOf(vm).subscribersOf(sessionId)) {
    try {
      await callHarn(host, callback, [event]);
    } catch {
      // Observers cannot fail the compaction.
    }
  }
}

async function compactTranscript(
  vm: Vm,
  ctx: BuiltinContext,
  t: Dict,
  o: Dict | null,
  signal: AbortSignal,
): Promise<Value> {
  const { strategy, keepLast, target } = compactOptions(o);
  const prompt = o?.map.get("summarize_prompt");
  const config: AutoCompactConfig = {
    ...defaultCompaction(),
    keepLast,
    strategy,
    hardLimitStrategy: strategy,
    tokenThreshold: target ?? 0,
    hardLimitTokens: target ?? null,
    summarizePrompt: typeof prompt === "string" ? prompt : null,
  };
  const messages = valuesToMessages(messagesOf(t));
  const before = estimateTokens(messages);
  if (target !== undefined && before <= target) return t;
  const originalCount = messages.length;
  const produced = await autoCompactMessages(messages, config, services(vm, ctx, o ?? undefined, signal));
  if (produced === null) return t;
  const given = o?.map.get("summary");
  const summary = given === undefined || given === null ? produced : display(given);
  const after = estimateTokens(messages);
  const archived = Math.max(0, originalCount - messages.length) + 1;
  const snapshot = normalizeAsset(
    Dict.of({
      id: `compaction-source-${newId()}`,
      kind: "compaction_source_transcript",
      title: "Pre-compaction transcript",
      visibility: "internal",
      data: t,
      metadata: Dict.of({
        strategy,
        archived_messages: archived,
        estimated_tokens_before: before,
        estimated_tokens_after: after,
      }),
    }),
  );
  const snapshotId = display(snapshot.get("id"));
  const event = transcriptEvent("compaction", "system", "internal", `Transcript compacted via ${strategy}`, {
    mode: "manual",
    strategy,
    keep_last: keepLast,
    target_tokens: target ?? null,
    archived_messages: archived,
    estimated_tokens_before: before,
    estimated_tokens_after: after,
    snapshot_asset_id: snapshotId,
  });
  const host: CallbackHost = { vm, owner: ctx.task, ctx: contextOf(ctx.task) };
  await announce(
    vm,
    host,
    idOf(t) ?? top(contextOf(ctx.task).slots.agentSessions) ?? null,
    Dict.of({
      mode: "manual",
      strategy,
      archived_messages: archived,
      estimated_tokens_before: before,
      estimated_tokens_after: after,
      snapshot_asset_id: snapshotId,
    }),
  );
  const existing = summaryOf(t);
  return newTranscript({
    id: idOf(t),
    messages: messagesToValues(messages),
    summary:
      existing !== null && existing.trim() !== "" && existing.trim() !== summary.trim()
        ? `${existing}\n\n${summary}`
        : summary,
    metadata: t.map.get("metadata") ?? null,
    extraEvents: [...extraEventsOf(t), event],
    assets: [...assetsOf(t), snapshot],
    state: stateOf(t),
  });
}

const SESSION_COMPACT_KEYS = [
  "keep_last",
  "token_threshold",
  "tool_output_max_chars",
  "compact_strategy",
  "hard_limit_tokens",
  "hard_limit_strategy",
  "custom_compactor",
  "mask_callback",
  "compress_callback",
];

/** `agent_session_compact(id, opts)`: options are checked by name, callbacks must be closures. */
function sessionCompactConfig(o: Dict | null): AutoCompactConfig {
  const config = defaultCompaction();
  if (o === null) return config;
  for (const key of o.keys()) {
    if (!SESSION_COMPACT_KEYS.includes(key)) {
      throw runtimeError(
        `agent_session_compact: unknown option key '${key}' (expected one of: ${SESSION_COMPACT_KEYS.join(", ")})`,
      );
    }
  }
  const keep = o.map.get("keep_last");
  if (typeof keep === "number") {
    if (keep < 0) throw runtimeError("agent_session_compact: `keep_last` must be >= 0");
    config.keepLast = keep;
  }
  config.tokenThreshold = intOption(o, "token_threshold") ?? config.tokenThreshold;
  config.toolOutputMaxChars = intOption(o, "tool_output_max_chars") ?? config.toolOutputMaxChars;
  const hard = intOption(o, "hard_limit_tokens");
  if (hard !== undefined) config.hardLimitTokens = hard;
  const strategy = o.map.get("compact_strategy");
  if (typeof strategy === "string") config.strategy = parseCompactStrategy(strategy);
  const hardStrategy = o.map.get("hard_limit_strategy");
  if (typeof hardStrategy === "string") config.hardLimitStrategy = parseCompactStrategy(hardStrategy);
  for (const [key, field] of [
    ["custom_compactor", "customCompactor"],
    ["mask_callback", "maskCallback"],
    ["compress_callback", "compressCallback"],
  ] as const) {
    const v = o.map.get(key);
    if (v === undefined || v === null) continue;
    if (!(v instanceof Closure)) throw runtimeError(`agent_session_compact: \`${key}\` must be a closure`);
    config[field] = v;
  }
  return config;
}

export function registerCompactionBuiltins(vm: Vm): void {
  vm.registerBuiltin("agent_session_compact", (args, ctx) => {
    const id = args[0];
    if (typeof id !== "string" || id === "") {
      throw runtimeError("agent_session_compact: `id` must be a non-empty string");
    }
    const sessions = agentRuntimeOf(vm).sessions;
    const transcript = sessions.transcript(id);
    if (transcript === undefined) throw runtimeError(`agent_session_compact: unknown session id '${id}'`);
    const o = args[1];
    if (o !== undefined && o !== null && !(o instanceof Dict)) {
      throw runtimeError("agent_session_compact: `opts` must be a dict or nil");
    }
    const config = sessionCompactConfig(o instanceof Dict ? o : null);
    return run(async (signal) => {
      const messages = valuesToMessages(messagesOf(transcript));
      await autoCompactMessages(messages, config, services(vm, ctx, undefined, signal));
      sessions.replaceMessages(id, messagesToValues(messages));
      return messages.length;
    });
  });
  vm.registerBuiltin("transcript_summarize", (args) => {
    const t = args[0];
    if (!isTranscript(t)) throw runtimeError("transcript_summarize: argument must be a transcript");
    const o = args[1] instanceof Dict ? args[1] : null;
    const keep = intOption(o, "keep_last") ?? 6;
    const instruction = o?.map.get("prompt");
    return run(async (signal) => {
      const messages = messagesOf(t);
      const formatted = valuesToMessages(messages)
        .map(
          (m) =>
            `${String(m.role ?? "user").toUpperCase()}: ${typeof m.content === "string" ? m.content : JSON.stringify(m.content)}`,
        )
        .join("\n");
      const ask =
        typeof instruction === "string"
          ? instruction
          : "Summarize this conversation for a follow-on agent. Keep goals, constraints, decisions, open questions and concrete next actions. Be brief but complete.";
      const summary = await summarizeWithModel(
        vm,
        o ?? undefined,
        `${ask}\n\nConversation:\n${formatted}`,
        signal,
      );
      const retained = messages.slice(Math.max(0, messages.length - keep));
      return newTranscript({
        id: idOf(t),
        messages: retained,
        summary,
        metadata: t.map.get("metadata") ?? null,
        extraEvents: extraEventsOf(t),
        assets: assetsOf(t),
        state: stateOf(t),
      }).with("archived_messages", messages.length - retained.length);
    });
  });
  vm.registerBuiltin("estimate_tokens", (args) => {
    const list = Array.isArray(args[0]) ? args[0] : [];
    return estimateTokens(list.map((m) => (m instanceof Dict ? (valueToJson(m) as JsonObject) : {})));
  });
  vm.registerBuiltin("microcompact", (args) => {
    const text = args[0] === undefined ? "" : display(args[0]);
    const max = typeof args[1] === "number" ? args[1] : 20_000;
    return microcompact(text, max);
  });
  vm.registerBuiltin("transcript_auto_compact", (args, ctx) => {
    if (!Array.isArray(args[0])) {
      throw runtimeError("transcript_auto_compact: first argument must be a message list");
    }
    const list = args[0];
    const o = args[1] instanceof Dict ? args[1] : null;
    return run(async (signal) => {
      const messages = valuesToMessages(list);
      await autoCompactMessages(messages, autoCompactConfig(o), services(vm, ctx, o ?? undefined, signal));
      return messagesToValues(messages);
    });
  });
  vm.registerBuiltin("transcript_compact", (args, ctx) => {
    const t = args[0];
    if (!isTranscript(t)) throw runtimeError("transcript_compact: first argument must be a transcript");
    const o = args[1] instanceof Dict ? args[1] : null;
    return run((signal) => compactTranscript(vm, ctx, t, o, signal));
  });
}
