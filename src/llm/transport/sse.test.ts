// The SSE decoder against the WHATWG parsing rules: any line ending, events
// split across chunks (even inside a CRLF or a UTF-8 sequence), comments,
// multi-line data, persistent ids, retry, and data-less events.

import assert from "node:assert/strict";
import { test } from "node:test";
import { SseDecoder } from "./sse.ts";

test("events, named events, multi-line data and comments", () => {
  const d = new SseDecoder();
  const events = d.push(": hello\n\ndata: one\n\nevent: progress\ndata: a\ndata: b\nid: 7\nretry: 1500\n\n");
  assert.deepEqual(events, [
    { event: "message", data: "one" },
    { event: "progress", data: "a\nb", id: "7", retryMs: 1500 },
  ]);
});

test("chunk boundaries anywhere, including between CR and LF", () => {
  const d = new SseDecoder();
  const text = "data: first\r\n\r\ndata: sec";
  const out = [...d.push(text.slice(0, 12)), ...d.push(text.slice(12, 13)), ...d.push(text.slice(13))];
  assert.deepEqual(out, [{ event: "message", data: "first" }]);
  // A CR ending a chunk waits: it may be the first half of a CRLF.
  assert.deepEqual(d.push("ond\r\r"), []);
  assert.deepEqual(d.push("\n"), [{ event: "message", data: "second" }]);
});

test("bytes are decoded across chunk splits and a BOM is dropped", () => {
  const d = new SseDecoder();
  const bytes = new TextEncoder().encode("\ufeffdata: café\n\n");
  assert.deepEqual(d.pushBytes(bytes.slice(0, 11)), []);
  assert.deepEqual(d.pushBytes(bytes.slice(11)), [{ event: "message", data: "café" }]);
});

test("the last id persists, events without data are not dispatched, odd fields are ignored", () => {
  const d = new SseDecoder();
  const out = d.push("id: 1\nevent: ping\n\ndata\nfoo: bar\nretry: soon\n\ndata:  two spaces\n\n");
  assert.deepEqual(out, [
    { event: "message", data: "", id: "1" },
    { event: "message", data: " two spaces", id: "1" },
  ]);
});
