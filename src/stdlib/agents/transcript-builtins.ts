// The transcript builtins (spec: "Transcripts"): constructing and
// appending (`transcript`, `add_user`, ...), reading (`transcript_messages`,
// `_events`, `_events_by_kind`, `_assets`, `_stats`, `_summary`, `_id`),
// rendering (`_render_visible` shows public events as `role: text`,
// `_render_full` every event as `[visibility] role: text`), lifecycle
// markers (fork, archive, resume, abandon, reset) and JSON export/import.
// Appending to a plain message list works too, as in the reference.

import {
  assetsOf,
  eventsOf,
  idOf,
  isTranscript,
  messagesOf,
  newTranscript,
  normalizeAsset,
  rebuildTranscript,
  requireTranscript,
  stateOf,
  summaryOf,
  transcriptEvent,
} from "../../llm/agent/transcript.ts";
import { valueToJson } from "../../llm/json.ts";
import { llmStateOf } from "../../llm/state.ts";
import { display, truthy } from "../../vm/display.ts";
import { runtimeError, thrown } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";

const message = (role: string, content: Value | undefined): Dict => Dict.of({ role, content: content ?? "" });

/**
 * Appends `msg` to a message list or a transcript (the first argument of
 * `builtin`). The role helpers (`add_user`, ...) rebuild the transcript
 * from its messages alone, dropping runtime events, as the reference does;
 * `add_message` and `add_tool_result` keep them.
 */
function appendTo(target: Value | undefined, msg: Dict, builtin: string, keepEvents: boolean): Value {
  if (Array.isArray(target)) return [...target, msg];
  if (!isTranscript(target)) throw thrown(`${builtin}: first argument must be a message list or transcript`);
  if (keepEvents) return rebuildTranscript(target, { messages: [...messagesOf(target), msg] });
  return newTranscript({
    id: idOf(target),
    messages: [...messagesOf(target), msg],
    summary: summaryOf(target),
    metadata: target.map.get("metadata") ?? null,
    assets: assetsOf(target),
    state: stateOf(target),
  });
}

function lifecycle(args: Value[], builtin: string, kind: string, text: string, state: string): Dict {
  const t = requireTranscript(args[0], builtin);
  return rebuildTranscript(t, { newEvents: [transcriptEvent(kind, "system", "internal", text)], state });
}

function renderEvents(t: Dict, line: (e: Dict) => string | null): string {
  return eventsOf(t)
    .filter((e): e is Dict => e instanceof Dict)
    .map(line)
    .filter((l): l is string => l !== null)
    .join("\n");
}

const text = (e: Dict, key: string): string => {
  const v = e.map.get(key);
  return v === undefined || v === null ? "" : display(v);
};

function stats(t: Value | undefined): Dict {
  const counts = {
    message: 0,
    userFacing: 0,
    toolResult: 0,
    toolCalls: 0,
    assistant: 0,
    user: 0,
    visible: 0,
  };
  const messages =
    t instanceof Dict && Array.isArray(t.map.get("messages")) ? (t.map.get("messages") as Value[]) : [];
  for (const m of messages) {
    if (!(m instanceof Dict)) continue;
    counts.message++;
    const role = m.map.get("role");
    if (role === "assistant") {
      counts.assistant++;
      counts.userFacing++;
    } else if (role === "user") {
      counts.user++;
      counts.userFacing++;
    } else if (role === "tool" || role === "tool_result") counts.toolResult++;
    const calls = m.map.get("tool_calls");
    if (Array.isArray(calls)) counts.toolCalls += calls.length;
  }
  for (const e of eventsOf(t)) if (e instanceof Dict && e.get("visibility") === "visible") counts.visible++;
  return Dict.of({
    message_count: counts.message,
    user_facing_message_count: counts.userFacing,
    tool_result_message_count: counts.toolResult,
    tool_call_count: counts.toolCalls,
    assistant_message_count: counts.assistant,
    user_message_count: counts.user,
    visible_event_count: counts.visible,
  });
}

export function registerTranscriptBuiltins(vm: Vm): void {
  const b = vm.registerBuiltin.bind(vm);
  b("conversation", () => []);
  b("transcript", (args) => newTranscript({ messages: [], metadata: args[0] ?? null }));
  b("transcript_from_messages", (args) => {
    const src = args[0];
    if (Array.isArray(src)) return newTranscript({ messages: src });
    if (isTranscript(src)) return newTranscript({ messages: messagesOf(src) });
    throw thrown("transcript_from_messages: argument must be a message list or transcript");
  });
  b("transcript_messages", (args) => messagesOf(requireTranscript(args[0], "transcript_messages")));
  b("transcript_assets", (args) => assetsOf(requireTranscript(args[0], "transcript_assets")));
  b("transcript_events", (args) => eventsOf(requireTranscript(args[0], "transcript_events")));
  b("transcript_events_by_kind", (args) => {
    const kind = args[1] === undefined ? "" : display(args[1]);
    return eventsOf(args[0]).filter((e) => e instanceof Dict && e.get("kind") === kind);
  });
  b("transcript_stats", (args) => stats(args[0]));
  b("transcript_summary", (args) => requireTranscript(args[0], "transcript_summary").get("summary"));
  b("transcript_id", (args) => idOf(requireTranscript(args[0], "transcript_id")) ?? "");
  b("transcript_add_asset", (args) => {
    const t = requireTranscript(args[0], "transcript_add_asset");
    if (args[1] === undefined) throw thrown("transcript_add_asset: missing asset");
    const asset = normalizeAsset(args[1]);
    const id = asset.get("id");
    const assets = assetsOf(t).filter((a) => !(a instanceof Dict && a.get("id") === id));
    return rebuildTranscript(t, { assets: [...assets, asset] });
  });
  b("transcript_render_visible", (args) =>
    renderEvents(requireTranscript(args[0], "transcript_render_visible"), (e) => {
      if (text(e, "visibility") !== "public") return null;
      const body = text(e, "text");
      return body === "" ? null : `${text(e, "role")}: ${body}`;
    }),
  );
  b("transcript_render_full", (args) =>
    renderEvents(
      requireTranscript(args[0], "transcript_render_full"),
      (e) => `[${text(e, "visibility")}] ${text(e, "role")}: ${text(e, "text")}`,
    ),
  );
  b("transcript_export", (args) => {
    if (!isTranscript(args[0])) throw thrown("transcript_export: argument must be a transcript");
    return JSON.stringify(valueToJson(args[0]), null, 2);
  });
  b("transcript_import", (args) => {
    try {
      return llmStateOf(vm).json.parse(args[0] === undefined ? "" : display(args[0]));
    } catch (e) {
      throw runtimeError(`transcript_import: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  b("transcript_fork", (args) => {
    const t = requireTranscript(args[0], "transcript_fork");
    const o = args[1] instanceof Dict ? args[1] : null;
    const keep = (key: string): boolean => (o?.map.has(key) ? truthy(o.get(key)) : true);
    return rebuildTranscript(t, {
      messages: keep("retain_messages") ? messagesOf(t) : [],
      summary: keep("retain_summary") ? summaryOf(t) : null,
      newEvents: [transcriptEvent("transcript_fork", "system", "internal", "transcript forked")],
      state: "forked",
    });
  });
  b("transcript_reset", (args) => {
    const o = args[0];
    return newTranscript({
      messages: [],
      metadata: o instanceof Dict ? o.get("metadata") : null,
      extraEvents: [transcriptEvent("transcript_reset", "system", "internal", "transcript reset")],
      state: "active",
    });
  });
  b("transcript_archive", (args) =>
    lifecycle(args, "transcript_archive", "transcript_archive", "transcript archived", "archived"),
  );
  b("transcript_abandon", (args) =>
    lifecycle(args, "transcript_abandon", "transcript_abandon", "transcript abandoned", "abandoned"),
  );
  b("transcript_resume", (args) =>
    lifecycle(args, "transcript_resume", "transcript_resume", "transcript resumed", "active"),
  );
  b("add_message", (args) =>
    appendTo(args[0], message(args[1] === undefined ? "" : display(args[1]), args[2]), "add_message", true),
  );
  for (const role of ["user", "assistant", "system"]) {
    b(`add_${role}`, (args) => appendTo(args[0], message(role, args[1]), `add_${role}`, false));
  }
  b("add_tool_result", (args) =>
    appendTo(
      args[0],
      Dict.of({
        role: "tool_result",
        tool_use_id: args[1] === undefined ? "" : display(args[1]),
        content: args[2] === undefined ? "" : display(args[2]),
      }),
      "add_tool_result",
      true,
    ),
  );
}
