// The tagged text protocol of text-mode agent turns (spec: "Tool calling
// contract"): a reply is a sequence of `<assistant_prose>`,
// `<user_response>`, `<tool_call>name({ ... })</tool_call>` and
// `<done>SENTINEL</done>` blocks. The reader splits a reply into calls,
// per-call parse errors, the prose to show, the done marker, protocol
// violations to feed back to the model, and a canonical re-rendering used
// as the assistant's history entry. Bare `name({...})` calls to known
// tools outside any tag are still executed (and reported as violations).

import type { JsonValue } from "../json.ts";
import type { AgentToolCall } from "./messages.ts";
import { LiteralError, TsLiteralReader } from "./ts-literal.ts";

export interface TaggedReply {
  readonly calls: AgentToolCall[];
  readonly errors: string[];
  /** `<user_response>` text when present, else the joined `<assistant_prose>` blocks ("" when neither). */
  readonly prose: string;
  readonly userResponse: string | null;
  readonly violations: string[];
  readonly doneMarker: string | null;
  readonly canonical: string;
}

const TAGS = ["tool_call", "assistant_prose", "user_response", "done"] as const;

function stripThinking(text: string): string {
  return text.replace(/<think>[\s\S]*?<\/think>/g, "").replace(/<\/?think>/g, "");
}

function matchBlock(src: string, at: number, tag: string): { body: string; after: number } | undefined {
  const open = `<${tag}>`;
  if (!src.startsWith(open, at)) return undefined;
  const close = `</${tag}>`;
  const end = src.indexOf(close, at + open.length);
  if (end < 0) return undefined;
  return { body: src.slice(at + open.length, end), after: end + close.length };
}

const canonicalCall = (c: AgentToolCall): string =>
  `<tool_call>\n${c.name}(${JSON.stringify(c.arguments, null, 2)})\n</tool_call>`;

/** Mints ids for calls parsed out of text (the loop numbers them per conversation). */
export type CallIdFactory = (name: string) => string;

function parseCallBody(body: string, nextId: CallIdFactory): AgentToolCall {
  const trimmed = body.trim();
  const name = /^[A-Za-z_][\w.-]*/.exec(trimmed)?.[0];
  if (name === undefined) throw new LiteralError(`tool call has no name: ${preview(trimmed)}`);
  const reader = new TsLiteralReader(trimmed, name.length);
  const args = reader.callArguments();
  return { id: nextId(name), name, arguments: args as JsonValue };
}

function preview(s: string, max = 80): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, max).join("")}…`;
}

/** Calls to known tools written without tags (`read({ path: "x" })`). */
function bareCalls(text: string, known: ReadonlySet<string>, nextId: CallIdFactory): AgentToolCall[] {
  const out: AgentToolCall[] = [];
  const re = /([A-Za-z_][\w.-]*)\s*\(/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const name = m[1]!;
    if (!known.has(name)) continue;
    try {
      const reader = new TsLiteralReader(text, m.index + name.length);
      const args = reader.callArguments();
      out.push({ id: nextId(name), name, arguments: args });
      re.lastIndex = reader.pos;
    } catch {
      // Narration that merely mentions a tool; not a call.
    }
  }
  return out;
}

/** Splits a text-mode reply into its protocol parts. `known` are the declared tool names. */
export function parseTaggedReply(
  text: string,
  known: ReadonlySet<string>,
  nextId: CallIdFactory,
): TaggedReply {
  const src = stripThinking(text);
  const calls: AgentToolCall[] = [];
  const errors: string[] = [];
  const violations: string[] = [];
  const prose: string[] = [];
  const responses: string[] = [];
  const canonical: string[] = [];
  let doneMarker: string | null = null;
  let cursor = 0;
  while (cursor < src.length) {
    while (cursor < src.length && /\s/.test(src[cursor]!)) cursor++;
    if (cursor >= src.length) break;
    if (src[cursor] !== "<") {
      const next = src.indexOf("<", cursor);
      const stray = src.slice(cursor, next < 0 ? src.length : next).trim();
      cursor = next < 0 ? src.length : next;
      const found = bareCalls(stray, known, nextId);
      if (found.length > 0) {
        calls.push(...found);
        canonical.push(...found.map(canonicalCall));
        violations.push(
          `Tool call(s) ${found.map((c) => `\`${c.name}\``).join(", ")} were written outside <tool_call> tags. Executed this turn; wrap each call in <tool_call> tags from now on.`,
        );
      } else {
        violations.push(`Text outside the accepted tags: ${JSON.stringify(preview(stray, 60))}.`);
      }
      continue;
    }
    const tag = TAGS.find((t) => matchBlock(src, cursor, t) !== undefined);
    if (tag === undefined) {
      const gt = src.indexOf(">", cursor);
      const nl = src.indexOf("\n", cursor);
      const end = gt >= 0 && (nl < 0 || gt < nl) ? gt + 1 : nl < 0 ? src.length : nl;
      const fragment = src.slice(cursor, end);
      violations.push(
        fragment.includes(">")
          ? `Unknown top-level tag ${JSON.stringify(preview(fragment, 40))}. Use <tool_call>, <assistant_prose>, <user_response>, or <done>.`
          : `Unclosed tag starting at ${JSON.stringify(preview(fragment, 40))}.`,
      );
      cursor = Math.max(end, cursor + 1);
      continue;
    }
    const block = matchBlock(src, cursor, tag)!;
    cursor = block.after;
    const body = block.body.trim();
    switch (tag) {
      case "tool_call":
        try {
          const call = parseCallBody(body, nextId);
          calls.push(call);
          canonical.push(canonicalCall(call));
        } catch (e) {
          errors.push(e instanceof Error ? e.message : String(e));
        }
        break;
      case "assistant_prose":
        if (body !== "") {
          prose.push(body);
          canonical.push(`<assistant_prose>\n${body}\n</assistant_prose>`);
        }
        break;
      case "user_response":
        if (body !== "") {
          responses.push(body);
          canonical.push(`<user_response>\n${body}\n</user_response>`);
        }
        break;
      case "done":
        if (body === "")
          violations.push("<done> block is empty. Emit the configured done sentinel inside it.");
        else {
          doneMarker = body;
          canonical.push(`<done>${body}</done>`);
        }
        break;
    }
  }
  const userResponse = responses.length > 0 ? responses.join("\n\n") : null;
  return {
    calls,
    errors,
    prose: userResponse ?? prose.join("\n\n"),
    userResponse,
    violations,
    doneMarker,
    canonical: canonical.join("\n\n"),
  };
}
