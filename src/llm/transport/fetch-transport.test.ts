// The fetch transport against a local HTTP server (real sockets, no
// internet): statuses and headers, streamed bodies, redirects (followed,
// counted, refused), the whole-exchange deadline, caller aborts, and a
// refused connection classified as retryable.

import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { TransportError } from "./errors.ts";
import { fetchTransport } from "./fetch-transport.ts";
import { bypassesProxy } from "./types.ts";

let base = "";
const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  switch (url.pathname) {
    case "/echo": {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        res.writeHead(201, { "x-method": req.method ?? "", "set-cookie": ["a=1", "b=2"] });
        res.end(`${req.headers["x-token"] ?? ""}:${body}`);
      });
      return;
    }
    case "/chunks":
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("one,");
      setTimeout(() => res.end("two"), 20);
      return;
    case "/redirect":
      res.writeHead(303, { location: "/echo" });
      res.end();
      return;
    case "/loop":
      res.writeHead(302, { location: "/loop" });
      res.end();
      return;
    case "/stall":
      res.writeHead(200);
      res.write("partial");
      return;
    default:
      res.writeHead(404);
      res.end("missing");
  }
});

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const transport = fetchTransport();

test("a request with headers and a body; repeated set-cookie headers are kept apart", async () => {
  const res = await transport.send({
    method: "post",
    url: `${base}/echo`,
    headers: [["X-Token", "t1"]],
    body: "hi",
  });
  assert.equal(res.status, 201);
  assert.equal(res.headers.get("x-method"), "POST");
  assert.equal(res.headers.get("set-cookie"), "a=1\nb=2");
  assert.equal(await res.text(), "t1:hi");
});

test("bodies stream chunk by chunk; a non-2xx status is not an error", async () => {
  const res = await transport.send({ method: "GET", url: `${base}/chunks`, headers: [] });
  const parts: string[] = [];
  for await (const chunk of res.chunks()) parts.push(new TextDecoder().decode(chunk));
  assert.equal(parts.join(""), "one,two");
  const missing = await transport.send({ method: "GET", url: `${base}/nope`, headers: [] });
  assert.equal(missing.status, 404);
  assert.equal(await missing.text(), "missing");
});

test("redirects: 303 becomes a GET, loops stop, refusals and opting out are honoured", async () => {
  const res = await transport.send({ method: "POST", url: `${base}/redirect`, headers: [], body: "x" });
  assert.equal(res.status, 201);
  assert.equal(res.headers.get("x-method"), "GET");
  assert.equal(res.url, `${base}/echo`);
  await res.text();
  await assert.rejects(
    transport.send({ method: "GET", url: `${base}/loop`, headers: [], maxRedirects: 3 }),
    (e: unknown) =>
      e instanceof TransportError && e.kind === "protocol" && /too many redirects/.test(e.message),
  );
  await assert.rejects(
    transport.send({ method: "GET", url: `${base}/redirect`, headers: [], allowRedirect: () => false }),
    /was refused/,
  );
  const raw = await transport.send({
    method: "GET",
    url: `${base}/redirect`,
    headers: [],
    followRedirects: false,
  });
  assert.equal(raw.status, 303);
  raw.cancel();
});

test("the deadline covers the body; a caller abort is reported as such", async () => {
  const res = await transport.send({ method: "GET", url: `${base}/stall`, headers: [], timeoutMs: 100 });
  await assert.rejects(res.text(), (e: unknown) => e instanceof TransportError && e.kind === "timeout");
  const controller = new AbortController();
  const pending = transport.send({
    method: "GET",
    url: `${base}/stall`,
    headers: [],
    signal: controller.signal,
  });
  const stalled = await pending;
  controller.abort();
  await assert.rejects(stalled.text(), (e: unknown) => e instanceof TransportError && e.kind === "aborted");
});

test("a refused connection is a retryable connect error", async () => {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  await assert.rejects(
    transport.send({ method: "GET", url: `http://127.0.0.1:${port}/`, headers: [], timeoutMs: 2000 }),
    (e: unknown) => e instanceof TransportError && e.kind === "connect" && e.isRetryable,
  );
});

test("fetch cannot proxy and says so; no_proxy lists match exact hosts, subdomains and *", async () => {
  await assert.rejects(
    transport.send({ method: "GET", url: `${base}/echo`, headers: [], proxy: { url: "http://127.0.0.1:9" } }),
    (e: unknown) => e instanceof TransportError && e.kind === "invalid_request",
  );
  assert.ok(bypassesProxy("example.com, .internal", "api.example.com"));
  assert.ok(bypassesProxy("example.com", "EXAMPLE.com"));
  assert.ok(bypassesProxy(".internal", "db.internal"));
  assert.ok(bypassesProxy("*", "anything"));
  assert.ok(!bypassesProxy("example.com", "notexample.com"));
  assert.ok(!bypassesProxy(undefined, "example.com"));
});
