// The Node implementation of HttpHost: the fetch transport (with proxied
// requests sent through node:http, which fetch cannot do), WebSocket
// client and server sockets through the `ws` package (loaded on first use:
// it costs ~40 ms to import and most programs never open a socket), and
// self-signed development certificates. Sockets and listeners are unref'd
// so a server a program forgot to close does not keep the process alive
// after the program ends; a task waiting on a socket always has a receive
// timer, which keeps the process running while it waits.

import type * as HttpT from "node:http";
import type * as NetT from "node:net";
import type * as TlsT from "node:tls";
import type { WebSocket as WsSocket } from "ws";
import { TransportError } from "../llm/transport/errors.ts";
import { fetchTransport } from "../llm/transport/fetch-transport.ts";
import {
  bypassesProxy,
  type ProxyConfig,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from "../llm/transport/types.ts";
import { selfSignedCertificatePem } from "../stdlib/http/certificate-der.ts";
import { lazyBuiltin } from "./lazy-builtin.ts";

const nodeCrypto = lazyBuiltin<typeof import("node:crypto")>("node:crypto");
const nodeHttp = lazyBuiltin<typeof import("node:http")>("node:http");
const nodeHttps = lazyBuiltin<typeof import("node:https")>("node:https");
const nodeNet = lazyBuiltin<typeof import("node:net")>("node:net");
const nodeTls = lazyBuiltin<typeof import("node:tls")>("node:tls");
import type {
  HttpHost,
  WsConnection,
  WsEvent,
  WsOutgoingType,
  WsServer,
  WsUpgradeDecision,
  WsUpgradeRequest,
} from "../stdlib/http/host.ts";

type WsModule = typeof import("ws");
let wsModule: Promise<WsModule> | undefined;
const loadWs = (): Promise<WsModule> => (wsModule ??= import("ws"));

/** Close codes that mean "no code was sent" and are not reported. */
const NO_STATUS = new Set([1005, 1006]);

function wrap(socket: WsSocket): WsConnection {
  let pending = 0;
  const deliver = (type: WsOutgoingType, data: Uint8Array | string, done: (e?: Error) => void): void => {
    switch (type) {
      case "text":
        socket.send(typeof data === "string" ? data : Buffer.from(data).toString("utf8"), done);
        return;
      case "binary":
        socket.send(Buffer.from(typeof data === "string" ? Buffer.from(data) : data), { binary: true }, done);
        return;
      case "ping":
        socket.ping(Buffer.from(data), undefined, done);
        return;
      case "pong":
        socket.pong(Buffer.from(data), undefined, done);
        return;
    }
  };
  return {
    send(type, data) {
      if (socket.readyState !== socket.OPEN) return Promise.reject(new Error("connection closed"));
      pending++;
      return new Promise((resolve, reject) => {
        deliver(type, data, (error) => {
          pending--;
          if (error) reject(error);
          else resolve();
        });
      });
    },
    close(code, reason) {
      if (socket.readyState === socket.CLOSED) return;
      if (code === undefined && reason === undefined) socket.close();
      else socket.close(code ?? 1000, reason ?? "");
    },
    get pendingSends() {
      return pending;
    },
  };
}

function attach(socket: WsSocket, onEvent: (event: WsEvent) => void): void {
  socket.on("message", (data, isBinary) => {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    onEvent(
      isBinary
        ? { type: "binary", data: new Uint8Array(bytes) }
        : { type: "text", data: bytes.toString("utf8") },
    );
  });
  socket.on("ping", (data) => onEvent({ type: "ping", data: new Uint8Array(data) }));
  socket.on("pong", (data) => onEvent({ type: "pong", data: new Uint8Array(data) }));
  socket.on("close", (code, reason) =>
    onEvent(
      NO_STATUS.has(code) ? { type: "close" } : { type: "close", code, reason: reason.toString("utf8") },
    ),
  );
  socket.on("error", (error) => onEvent({ type: "error", message: error.message }));
}

function splitBind(bind: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(bind);
  if (!m) throw new Error(`invalid bind address '${bind}' (expected host:port)`);
  return { host: m[1] === "" ? "127.0.0.1" : m[1]!, port: Number(m[2]) };
}

function rejectUpgrade(socket: NetT.Socket, status: number, message: string): void {
  const reason = nodeHttp().STATUS_CODES[status] ?? "Error";
  const body = Buffer.from(message, "utf8");
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\n\r\n${message}`,
  );
}

function upgradeRequest(req: HttpT.IncomingMessage, socket: NetT.Socket): WsUpgradeRequest {
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name.toLowerCase(), Array.isArray(value) ? value.join(", ") : value);
  }
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  const peerHost = socket.remoteAddress ?? "";
  const peer = peerHost.includes(":")
    ? `[${peerHost}]:${socket.remotePort}`
    : `${peerHost}:${socket.remotePort}`;
  return { path, headers, peer };
}

async function listenWebSocket(
  bind: string,
  decide: (request: WsUpgradeRequest) => WsUpgradeDecision,
): Promise<WsServer> {
  const { WebSocketServer } = await loadWs();
  const { host, port } = splitBind(bind);
  // Limits are enforced by the builtins, which report them as Harn errors.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 * 1024 });
  const server = nodeHttp().createServer((_req, res) => {
    res.writeHead(426, { "content-type": "text/plain" });
    res.end("websocket upgrade required");
  });
  server.on("upgrade", (req: HttpT.IncomingMessage, socket: NetT.Socket, head: Buffer) => {
    socket.unref();
    const decision = decide(upgradeRequest(req, socket));
    if ("reject" in decision) {
      rejectUpgrade(socket, decision.reject.status, decision.reject.message);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, decision.open(wrap(ws))));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  server.unref();
  const address = server.address() as NetT.AddressInfo;
  const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    address: `${shown}:${address.port}`,
    close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.close();
    },
  };
}

async function connectWebSocket(
  url: string,
  options: { headers: ReadonlyArray<readonly [string, string]>; timeoutMs: number },
  onEvent: (event: WsEvent) => void,
): Promise<WsConnection> {
  const { WebSocket } = await loadWs();
  const socket = new WebSocket(url, {
    headers: Object.fromEntries(options.headers),
    handshakeTimeout: options.timeoutMs,
    maxPayload: 256 * 1024 * 1024,
    createConnection: ((opts: NetT.NetConnectOpts & TlsT.ConnectionOptions) => {
      const s = url.startsWith("wss:") ? nodeTls().connect(opts) : nodeNet().connect(opts);
      s.unref();
      return s;
    }) as never,
  });
  return new Promise<WsConnection>((resolve, reject) => {
    socket.once("open", () => {
      socket.removeAllListeners("error");
      attach(socket, onEvent);
      resolve(wrap(socket));
    });
    socket.once("unexpected-response", (_req, res) => {
      reject(new Error(`HTTP error: ${res.statusCode} ${res.statusMessage ?? ""}`.trim()));
      res.resume();
      socket.terminate();
    });
    socket.once("error", (error) => reject(error));
  });
}

// ---- forward proxies ----------------------------------------------------------
// fetch cannot talk to a proxy, so proxied requests go through node:http:
// an absolute-URI request for http:// targets, a CONNECT tunnel for https://.
// Redirects are not followed on this path; the deadline covers the body.

function proxyHeaders(proxy: ProxyConfig): Record<string, string> {
  if (proxy.username === undefined) return {};
  const token = Buffer.from(`${proxy.username}:${proxy.password ?? ""}`).toString("base64");
  return { "proxy-authorization": `Basic ${token}` };
}

function incoming(
  res: HttpT.IncomingMessage,
  url: string,
  finish: (error?: TransportError) => TransportError | undefined,
): TransportResponse {
  const headers = new Map<string, string>();
  for (const [k, v] of Object.entries(res.headers)) {
    if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(k === "set-cookie" ? "\n" : ", ") : v);
  }
  let consumed = false;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    if (consumed) throw new TransportError("protocol", "response body already read");
    consumed = true;
    try {
      for await (const chunk of res) yield new Uint8Array(chunk as Buffer);
      finish();
    } catch (e) {
      throw finish(
        new TransportError("protocol", `reading the response failed (${url}): ${(e as Error).message}`),
      );
    }
  }
  const bytes = async (): Promise<Uint8Array> => {
    const parts: Uint8Array[] = [];
    for await (const c of chunks()) parts.push(c);
    return new Uint8Array(Buffer.concat(parts));
  };
  return {
    status: res.statusCode ?? 0,
    url,
    headers,
    chunks,
    bytes,
    text: async () => Buffer.from(await bytes()).toString("utf8"),
    cancel: () => {
      finish();
      res.destroy();
    },
  };
}

function sendViaProxy(req: TransportRequest, proxy: ProxyConfig): Promise<TransportResponse> {
  const via = new URL(proxy.url);
  const target = new URL(req.url);
  const headers: Record<string, string> = { host: target.host };
  for (const [k, v] of req.headers) headers[k.toLowerCase()] = v;
  const live = new Set<{ destroy(): void }>();
  return new Promise((resolve, reject) => {
    let outcome: TransportError | undefined;
    let settled = false;
    const timer =
      req.timeoutMs === undefined
        ? undefined
        : setTimeout(
            () =>
              stop(
                new TransportError("timeout", `operation timed out after ${req.timeoutMs}ms (${req.url})`),
              ),
            req.timeoutMs,
          );
    const onAbort = (): void => void stop(new TransportError("aborted", `request aborted (${req.url})`));
    req.signal?.addEventListener("abort", onAbort, { once: true });
    /** Ends the exchange; the first error wins and is what later reads report. */
    function stop(error?: TransportError): TransportError | undefined {
      if (timer !== undefined) clearTimeout(timer);
      req.signal?.removeEventListener("abort", onAbort);
      outcome ??= error;
      if (error !== undefined) for (const r of live) r.destroy();
      if (!settled && outcome !== undefined) {
        settled = true;
        reject(outcome);
      }
      return outcome ?? error;
    }
    const respond = (res: HttpT.IncomingMessage): void => {
      settled = true;
      resolve(incoming(res, req.url, stop));
    };
    const connectError = (e: Error): void =>
      void stop(new TransportError("connect", `proxy request failed (${req.url}): ${e.message}`));
    const port = Number(via.port || (via.protocol === "https:" ? 443 : 80));
    if (target.protocol === "http:") {
      const r = nodeHttp().request({
        host: via.hostname,
        port,
        method: req.method,
        path: target.href,
        headers: { ...headers, ...proxyHeaders(proxy) },
      });
      live.add(r);
      r.on("response", respond).on("error", connectError);
      r.end(req.body === undefined ? undefined : Buffer.from(req.body));
      return;
    }
    const tunnel = nodeHttp().request({
      host: via.hostname,
      port,
      method: "CONNECT",
      path: `${target.hostname}:${target.port || 443}`,
      headers: { host: target.host, ...proxyHeaders(proxy) },
    });
    live.add(tunnel);
    tunnel.on("error", connectError);
    tunnel.on("connect", (res: HttpT.IncomingMessage, socket: NetT.Socket) => {
      live.add(socket);
      if (res.statusCode !== 200) {
        stop(
          new TransportError(
            "connect",
            `proxy refused the tunnel with status ${res.statusCode} (${req.url})`,
          ),
        );
        return;
      }
      const r = nodeHttps().request({
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers,
        agent: false,
        createConnection: () => nodeTls().connect({ socket, servername: target.hostname }),
      });
      live.add(r);
      r.on("response", respond).on("error", connectError);
      r.end(req.body === undefined ? undefined : Buffer.from(req.body));
    });
    tunnel.end();
  });
}

/** `base` for direct requests; proxied ones (not bypassed by no_proxy) go through node:nodeHttp(). */
function withProxies(base: Transport): Transport {
  return {
    send(request) {
      const { proxy, ...direct } = request;
      if (proxy === undefined || bypassesProxy(proxy.noProxy, new URL(request.url).hostname))
        return base.send(direct);
      return sendViaProxy(request, proxy);
    },
  };
}

// ---- development certificates ----------------------------------------------------

/** An ECDSA P-256 key and a self-signed certificate for `hosts`, valid from an hour ago for a year. */
function selfSignedCertificate(hosts: readonly string[]): { certPem: string; keyPem: string } {
  const { publicKey, privateKey } = nodeCrypto().generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const now = Date.now();
  const certPem = selfSignedCertificatePem({
    hosts,
    publicKeyDer: new Uint8Array(publicKey.export({ type: "spki", format: "der" })),
    serial: new Uint8Array(nodeCrypto().randomBytes(16)),
    notBeforeMs: now - 3_600_000,
    notAfterMs: now + 365 * 86_400_000,
    sign: (data) => new Uint8Array(nodeCrypto().sign("sha256", data, privateKey)),
  });
  return { certPem, keyPem: String(privateKey.export({ type: "pkcs8", format: "pem" })) };
}

export const nodeHttpHost: HttpHost = {
  transport: withProxies(fetchTransport()),
  connectWebSocket,
  listenWebSocket,
  selfSignedCertificate,
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
