// The Node implementation of HttpHost: the fetch transport, WebSocket
// client and server sockets through the `ws` package (loaded on first use:
// it costs ~40 ms to import and most programs never open a socket), and
// self-signed development certificates. Sockets and listeners are unref'd
// so a server a program forgot to close does not keep the process alive
// after the program ends; a task waiting on a socket always has a receive
// timer, which keeps the process running while it waits.

import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import http from "node:http";
import net from "node:net";
import tls from "node:tls";
import type { WebSocket as WsSocket } from "ws";
import { fetchTransport } from "../llm/transport/fetch-transport.ts";
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

function rejectUpgrade(socket: net.Socket, status: number, message: string): void {
  const reason = http.STATUS_CODES[status] ?? "Error";
  const body = Buffer.from(message, "utf8");
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\n\r\n${message}`,
  );
}

function upgradeRequest(req: http.IncomingMessage, socket: net.Socket): WsUpgradeRequest {
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
  const server = http.createServer((_req, res) => {
    res.writeHead(426, { "content-type": "text/plain" });
    res.end("websocket upgrade required");
  });
  server.on("upgrade", (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
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
  const address = server.address() as net.AddressInfo;
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
    createConnection: ((opts: net.NetConnectOpts & tls.ConnectionOptions) => {
      const s = url.startsWith("wss:") ? tls.connect(opts) : net.connect(opts);
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

// ---- development certificates (DER writer) --------------------------------

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
const explicit = (n: number, body: Buffer): Buffer => tlv(0xa0 + n, body);

function oid(text: string): Buffer {
  const parts = text.split(".").map(Number);
  const out = [parts[0]! * 40 + parts[1]!];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let v = p >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function integer(bytes: Buffer): Buffer {
  // A leading 1 bit would make the number negative; pad with a zero byte.
  return tlv(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function utcTime(date: Date): Buffer {
  const two = (n: number): string => String(n).padStart(2, "0");
  const text = `${two(date.getUTCFullYear() % 100)}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(text, "ascii"));
}

function ipBytes(host: string): Buffer {
  if (net.isIP(host) === 4) return Buffer.from(host.split(".").map(Number));
  const [head = "", tail = ""] = host.split("::");
  const groups = (s: string): string[] => (s === "" ? [] : s.split(":"));
  const h = groups(head);
  const t = groups(tail);
  const all = host.includes("::") ? [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t] : h;
  return Buffer.from(all.flatMap((g) => [Number.parseInt(g, 16) >> 8, Number.parseInt(g, 16) & 0xff]));
}

function subjectAltName(hosts: readonly string[]): Buffer {
  const names = hosts.map((h) => (net.isIP(h) ? tlv(0x87, ipBytes(h)) : tlv(0x82, Buffer.from(h, "ascii"))));
  return seq(oid("2.5.29.17"), tlv(0x04, seq(...names)));
}

/**
 * A self-signed X.509 v3 certificate for local development TLS: an ECDSA
 * P-256 key, the certificate body encoded by the small DER writer above
 * (Node parses certificates but cannot create them), the hosts as
 * subjectAltName entries (DNS names, or IP addresses for IP literals),
 * valid from an hour ago for one year.
 */
function selfSignedCertificate(hosts: readonly string[]): { certPem: string; keyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const ecdsaWithSha256 = seq(oid("1.2.840.10045.4.3.2"));
  const name = seq(set(seq(oid("2.5.4.3"), tlv(0x0c, Buffer.from(hosts[0] ?? "localhost", "utf8")))));
  const now = Date.now();
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(randomBytes(16)),
    ecdsaWithSha256,
    name,
    seq(utcTime(new Date(now - 3_600_000)), utcTime(new Date(now + 365 * 86_400_000))),
    name,
    publicKey.export({ type: "spki", format: "der" }),
    explicit(3, seq(subjectAltName(hosts))),
  );
  const signature = sign("sha256", tbs, privateKey);
  const der = seq(tbs, ecdsaWithSha256, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const body = der.toString("base64").replace(/.{1,64}/g, "$&\n");
  return {
    certPem: `-----BEGIN CERTIFICATE-----\n${body}-----END CERTIFICATE-----\n`,
    keyPem: String(privateKey.export({ type: "pkcs8", format: "pem" })),
  };
}

export const nodeHttpHost: HttpHost = {
  transport: fetchTransport(),
  connectWebSocket,
  listenWebSocket,
  selfSignedCertificate,
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
