// The Node HttpHost: development certificates that Node's own X.509 parser
// accepts (names, key match, self-signature), and WebSocket sockets on
// 127.0.0.1 — upgrade refusals with their status, frames both ways, close
// codes, and the events a server connection reports; requests through a
// local forward proxy.

import assert from "node:assert/strict";
import { createPrivateKey, X509Certificate } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { TransportError } from "../llm/transport/errors.ts";
import type { WsEvent } from "../stdlib/http/host.ts";
import { nodeHttpHost as host } from "./http-host.ts";

test("self-signed certificates parse, name their hosts and match their key", () => {
  const { certPem, keyPem } = host.selfSignedCertificate(["localhost", "127.0.0.1", "::1"]);
  assert.match(keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
  const cert = new X509Certificate(certPem);
  assert.equal(cert.subject, "CN=localhost");
  assert.equal(cert.subjectAltName, "DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1");
  assert.ok(cert.checkPrivateKey(createPrivateKey(keyPem)));
  assert.ok(cert.verify(cert.publicKey));
  assert.ok(new Date(cert.validTo).getTime() > Date.now());
});

/** Resolves with the next event a listener receives. */
function collector(): { onEvent: (e: WsEvent) => void; next: () => Promise<WsEvent> } {
  const queue: WsEvent[] = [];
  const waiting: ((e: WsEvent) => void)[] = [];
  return {
    onEvent: (e) => {
      const w = waiting.shift();
      if (w) w(e);
      else queue.push(e);
    },
    next: () => {
      const e = queue.shift();
      return e ? Promise.resolve(e) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

test("WebSocket upgrades: refusals carry their status, accepted sockets exchange frames", async () => {
  // Sockets are unref'd (a forgotten server must not keep a finished program
  // alive); the builtins always wait with a timer, which this one stands in for.
  const keepAlive = setInterval(() => {}, 1000);
  const serverSide = collector();
  const server = await host.listenWebSocket("127.0.0.1:0", (req) => {
    if (req.path !== "/ok") return { reject: { status: 404, message: "no such route" } };
    if (req.headers.get("authorization") !== "Bearer s") return { reject: { status: 401, message: "who?" } };
    return {
      open: (conn) => {
        conn.send("text", "welcome").catch(() => {});
        return serverSide.onEvent;
      },
    };
  });
  try {
    const url = `ws://${server.address}`;
    await assert.rejects(
      host.connectWebSocket(`${url}/nope`, { headers: [], timeoutMs: 2000 }, () => {}),
      /404/,
    );
    await assert.rejects(
      host.connectWebSocket(`${url}/ok`, { headers: [], timeoutMs: 2000 }, () => {}),
      /401/,
    );
    const clientSide = collector();
    const client = await host.connectWebSocket(
      `${url}/ok`,
      { headers: [["Authorization", "Bearer s"]], timeoutMs: 2000 },
      clientSide.onEvent,
    );
    assert.deepEqual(await clientSide.next(), { type: "text", data: "welcome" });
    await client.send("binary", new Uint8Array([1, 2, 3]));
    assert.deepEqual(await serverSide.next(), { type: "binary", data: new Uint8Array([1, 2, 3]) });
    await client.send("ping", "p");
    assert.deepEqual(await serverSide.next(), { type: "ping", data: new TextEncoder().encode("p") });
    assert.equal((await clientSide.next()).type, "pong");
    client.close(4001, "done");
    assert.deepEqual(await serverSide.next(), { type: "close", code: 4001, reason: "done" });
    await assert.rejects(client.send("text", "late"));
  } finally {
    server.close();
    clearInterval(keepAlive);
  }
});

test("proxied requests: absolute-URI requests with proxy auth, no_proxy bypass, refused tunnels", async () => {
  const seen: { method?: string; url?: string; auth?: string }[] = [];
  const proxy = http.createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, auth: req.headers["proxy-authorization"] });
    res.writeHead(200, { "x-via": "proxy" });
    res.end("proxied");
  });
  proxy.on("connect", (_req, socket: import("node:net").Socket) => {
    socket.end("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n");
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  try {
    const res = await host.transport.send({
      method: "GET",
      url: "http://example.invalid/check?x=1",
      headers: [["Accept", "text/plain"]],
      timeoutMs: 2000,
      proxy: { url: proxyUrl, username: "user", password: "pass" },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-via"), "proxy");
    assert.equal(await res.text(), "proxied");
    assert.deepEqual(seen[0], {
      method: "GET",
      url: "http://example.invalid/check?x=1",
      auth: `Basic ${Buffer.from("user:pass").toString("base64")}`,
    });
    await assert.rejects(
      host.transport.send({
        method: "GET",
        url: "https://example.invalid/",
        headers: [],
        timeoutMs: 2000,
        proxy: { url: proxyUrl },
      }),
      (e: unknown) => e instanceof TransportError && e.kind === "connect" && /407/.test(e.message),
    );
    // Bypassed hosts go direct: the refused direct connection proves the proxy was skipped.
    await assert.rejects(
      host.transport.send({
        method: "GET",
        url: "http://127.0.0.1:1/",
        headers: [],
        timeoutMs: 2000,
        proxy: { url: proxyUrl, noProxy: "localhost,127.0.0.1" },
      }),
      (e: unknown) => e instanceof TransportError && e.kind === "connect",
    );
    assert.equal(seen.length, 1);
  } finally {
    proxy.close();
  }
});
