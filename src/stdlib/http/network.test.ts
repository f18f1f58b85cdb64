// Harn programs using the network builtins against local servers (real
// sockets on 127.0.0.1, never the internet): requests with retries that
// honour retry-after, sessions, timeouts and refused connections, streamed
// and downloaded bodies, live SSE, egress refusals before any connection,
// and a WebSocket round trip through websocket_server.

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { compileSource, createVm, knownNamesOf, uncaughtMessage } from "../../engine.ts";
import { nodeHttpHost } from "../../host/http-host.ts";
import { nodeSystemHost } from "../../host/system-host.ts";
import { registerHttpStdlib } from "./index.ts";

let base = "";
const hits = new Map<string, number>();
const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  const n = (hits.get(url.pathname) ?? 0) + 1;
  hits.set(url.pathname, n);
  switch (url.pathname) {
    case "/flaky":
      if (n === 1) {
        res.writeHead(429, { "retry-after": "0" });
        res.end("slow down");
      } else {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(`{"attempt": ${n}}`);
      }
      return;
    case "/echo": {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        res.writeHead(200, { "x-seen-auth": req.headers.authorization ?? "" });
        res.end(`${req.method} ${url.search} ${body}`);
      });
      return;
    }
    case "/events":
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("event: greet\ndata: hello\nid: 1\n\n");
      setTimeout(() => res.end("data: bye\n\n"), 20);
      return;
    case "/stall":
      res.writeHead(200);
      res.write("x");
      return;
    default:
      res.writeHead(404);
      res.end("nope");
  }
});

const dir = mkdtempSync(path.join(os.tmpdir(), "harn-http-test-"));
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(source: string): Promise<{ out: string; error?: string }> {
  const chunks: string[] = [];
  const vm = createVm({ output: (t) => chunks.push(t), errorOutput: () => {} });
  registerHttpStdlib(vm, nodeHttpHost, nodeSystemHost);
  const compiled = compileSource(source, path.join(dir, "main.harn"), false, undefined, knownNamesOf(vm));
  assert.ok(compiled.module, compiled.diagnostics.map((d) => d.message).join("\n"));
  const result = await vm.run(compiled.module);
  const out = chunks.join("");
  return result.error ? { out, error: uncaughtMessage(result.error) } : { out };
}

test("a 429 with retry-after is retried; JSON bodies, query params and auth go out", async () => {
  const { out, error } = await run(`
    let r = http_get("${base}/flaky", {retry: {max: 2, backoff_ms: 0}})
    println(r.status)
    println(json_parse(r.body).attempt)
    println(r.ok)
    let e = http_post("${base}/echo", "payload", {query: {q: "a b"}, auth: {bearer: "tok"}})
    println(e.body)
    println(e.headers["x-seen-auth"])
  `);
  assert.equal(error, undefined);
  assert.equal(out, `200\n2\ntrue\nPOST ?q=a+b payload\nBearer tok\n`);
});

test("sessions carry their options; refused connections and timeouts throw", async () => {
  const { out, error } = await run(`
    let s = http_session({headers: {Authorization: "Bearer from-session"}})
    println(http_session_request(s, "GET", "${base}/echo", {}).headers["x-seen-auth"])
    println(http_session_close(s))
    let refused = try { http_get("http://127.0.0.1:1/", {timeout_ms: 500}) }
    println(starts_with(unwrap_err(refused), "http: request failed:"))
    let slow = try { http_get("${base}/stall", {timeout_ms: 100}) }
    println(contains(unwrap_err(slow), "timed out"))
  `);
  assert.equal(error, undefined);
  assert.equal(out, "Bearer from-session\ntrue\ntrue\ntrue\n");
});

test("streams and downloads read real bodies", async () => {
  const dst = path.join(dir, "download.txt");
  const { out, error } = await run(`
    let s = http_stream_open("${base}/echo")
    println(http_stream_info(s).status)
    println(bytes_to_string(http_stream_read(s, 3)))
    println(http_stream_close(s))
    println(http_download("${base}/echo?x=1", "${dst}").bytes_written)
  `);
  assert.equal(error, undefined);
  assert.equal(out, "200\nGET\ntrue\n9\n");
  assert.equal(readFileSync(dst, "utf8"), "GET ?x=1 ");
});

test("live SSE: open, events in order, then nil at the end of the stream", async () => {
  const { out, error } = await run(`
    let s = sse_connect("GET", "${base}/events", {})
    println(sse_receive(s, 2000).type)
    let first = sse_receive(s, 2000)
    println("\${first.event} \${first.data} \${first.id}")
    println(sse_receive(s, 2000).data)
    println(sse_receive(s, 2000))
    println(sse_close(s))
  `);
  assert.equal(error, undefined);
  assert.equal(out, "open\ngreet hello 1\nbye\nnil\ntrue\n");
});

test("an egress policy refuses before connecting", async () => {
  const before = hits.get("/echo") ?? 0;
  const { out, error } = await run(`
    egress_policy({allow: ["example.test"], default: "deny"})
    let r = try { http_get("${base}/echo") }
    let e = unwrap_err(r)
    println("\${e.type} \${e.host} \${e.port} \${error_category(e)}")
  `);
  assert.equal(error, undefined);
  assert.match(out, /^EgressBlocked 127\.0\.0\.1 \d+ egress_blocked\n$/);
  assert.equal(hits.get("/echo") ?? 0, before);
});

test("a WebSocket round trip through websocket_server", async () => {
  const { out, error } = await run(`
    let server = websocket_server("127.0.0.1:0", {path: "/ws"})
    let client = websocket_connect(server.url + "/ws", {timeout_ms: 2000})
    let conn = websocket_accept(server, 2000)
    websocket_send(client, "ping?", {})
    println(websocket_receive(conn, 2000).data)
    websocket_send(conn, "pong!", {})
    println(websocket_receive(client, 2000).data)
    println(websocket_receive(client, 0).type)
    websocket_send(client, "", {type: "close", code: 4000, reason: "bye"})
    let closed = websocket_receive(conn, 2000)
    println("\${closed.type} \${closed.code} \${closed.reason}")
    println(websocket_server_close(server))
  `);
  assert.equal(error, undefined);
  assert.equal(out, "ping?\npong!\ntimeout\nclose 4000 bye\ntrue\n");
});
