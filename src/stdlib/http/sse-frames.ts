// Writing and reading single SSE frames for the server-side builtins:
// `sse_event(event, options?)` renders an event dict (or any value as
// data) to wire text, and the mock receiver reads a frame back into the
// dict shape `sse_receive` reports. Multi-line data becomes several
// `data:` lines; ids and event names may not contain line breaks.

import { display } from "../../vm/display.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { fail } from "./options.ts";

function singleLine(field: string, value: string): string {
  if (value.includes("\n") || value.includes("\r"))
    throw fail(`sse_event: ${field} must not contain newlines`);
  return value;
}

function lines(value: string): string[] {
  return value.replace(/\r\n?/g, "\n").split("\n");
}

function multiline(field: string, value: string): string {
  if (value === "") return `${field}: \n`;
  return lines(value)
    .map((l) => `${field}: ${l}\n`)
    .join("");
}

/** `: text` lines (one per line of `text`), or a bare `:` for empty text. */
export function comment(text: string): string {
  if (text === "") return ":\n";
  return lines(text)
    .map((l) => `: ${l}\n`)
    .join("");
}

function retryField(v: Value): string {
  if (typeof v !== "number" && typeof v !== "bigint")
    throw fail("sse_event: retry/retry_ms must be a non-negative integer");
  if (v < 0) throw fail("sse_event: retry/retry_ms must be a non-negative integer");
  return `retry: ${v}\n`;
}

/** First present key of `dict`, then of `options`. */
function pick(
  dict: Dict | undefined,
  options: Dict,
  keys: readonly string[],
  optionKeys = keys,
): Value | undefined {
  for (const k of keys) if (dict?.map.has(k)) return dict.get(k);
  for (const k of optionKeys) if (options.map.has(k)) return options.get(k);
  return undefined;
}

/** The wire text of one event, ending with the blank line that dispatches it. */
export function sseFrame(event: Value, options: Dict): string {
  const dict = event instanceof Dict ? event : undefined;
  let frame = "";
  let payload = false;
  const note = pick(dict, options, ["comment"]);
  if (note !== undefined) frame += comment(display(note));
  const id = pick(dict, options, ["id"]);
  if (id !== undefined) frame += `id: ${singleLine("id", display(id))}\n`;
  const name = dict ? pick(dict, options, ["event", "name"], ["event"]) : pick(undefined, options, ["event"]);
  if (name !== undefined) {
    frame += `event: ${singleLine("event", display(name))}\n`;
    payload = dict !== undefined;
  }
  const retry = pick(dict, options, ["retry", "retry_ms"]);
  if (retry !== undefined) {
    frame += retryField(retry);
    payload = dict !== undefined;
  }
  if (dict === undefined) {
    frame += multiline("data", display(event));
    payload = true;
  } else {
    const data = pick(dict, options, ["data"]);
    if (data !== undefined) {
      frame += multiline("data", display(data));
      payload = true;
    } else if (frame !== "" && !dict.map.has("comment")) {
      frame += multiline("data", "");
      payload = true;
    }
  }
  if (frame === "" || (!payload && !frame.startsWith(":"))) frame += comment("");
  return `${frame}\n`;
}

/** An event dict as `sse_receive` reports it. */
export function eventValue(
  event: string,
  data: string,
  id: string | undefined,
  retryMs: number | undefined,
): Dict {
  return Dict.of({ type: "event", event, data, id: id ?? null, retry_ms: retryMs ?? null });
}

/** A written frame read back: an event dict, or `{type: "comment"}` for a comment-only frame; `raw` holds the text. */
export function parseFrame(frame: string): Dict {
  let event = "message";
  let id: string | undefined;
  let retry: number | undefined;
  const data: string[] = [];
  const comments: string[] = [];
  for (const raw of frame.split(/\r?\n/)) {
    if (raw === "") continue;
    if (raw.startsWith(":")) {
      comments.push(raw.slice(1).replace(/^ /, ""));
      continue;
    }
    const colon = raw.indexOf(":");
    const field = colon < 0 ? raw : raw.slice(0, colon);
    const value = colon < 0 ? "" : raw.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
    else if (field === "id") id = value === "" ? undefined : value;
    else if (field === "retry" && /^-?\d+$/.test(value)) retry = Number(value);
  }
  const value =
    comments.length === 0 || data.length > 0
      ? eventValue(event, data.join("\n"), id, retry)
      : Dict.of({ type: "comment", comment: comments.join("\n") });
  return value.with("raw", frame);
}
