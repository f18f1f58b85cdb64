// DER encoding of a self-signed X.509 v3 certificate (RFC 5280), for
// `http_server_tls_self_signed_dev`. Pure byte work, so it lives here; the
// host supplies the key pair and the ECDSA P-256 / SHA-256 signature. The
// host names become subjectAltName entries (IP literals as iPAddress),
// and the first one is the subject's common name.

import { concatBytes } from "../../vm/bytes.ts";

function lengthBytes(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

function tlv(tag: number, body: Uint8Array): Uint8Array {
  return concatBytes([Uint8Array.of(tag), lengthBytes(body.length), body]);
}

const seq = (...items: Uint8Array[]): Uint8Array => tlv(0x30, concatBytes(items));
const set = (...items: Uint8Array[]): Uint8Array => tlv(0x31, concatBytes(items));
const explicit = (n: number, body: Uint8Array): Uint8Array => tlv(0xa0 + n, body);
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

function oid(text: string): Uint8Array {
  const parts = text.split(".").map(Number);
  const out = [parts[0]! * 40 + parts[1]!];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let v = p >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(out));
}

function integer(bytes: Uint8Array): Uint8Array {
  // A leading 1 bit would make the number negative; pad with a zero byte.
  return tlv(0x02, bytes[0]! & 0x80 ? concatBytes([Uint8Array.of(0), bytes]) : bytes);
}

function utcTime(ms: number): Uint8Array {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, "0");
  const text = `${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}Z`;
  return tlv(0x17, ascii(text));
}

/** The 4 or 16 bytes of an IP literal, or undefined for a DNS name. */
function ipBytes(host: string): Uint8Array | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return Uint8Array.from(host.split(".").map(Number));
  if (!host.includes(":") || !/^[0-9a-f:]+$/i.test(host)) return undefined;
  const [head = "", tail = ""] = host.split("::");
  const groups = (s: string): string[] => (s === "" ? [] : s.split(":"));
  const h = groups(head);
  const t = groups(tail);
  const all = host.includes("::") ? [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t] : h;
  return Uint8Array.from(all.flatMap((g) => [Number.parseInt(g, 16) >> 8, Number.parseInt(g, 16) & 0xff]));
}

function subjectAltName(hosts: readonly string[]): Uint8Array {
  const names = hosts.map((h) => {
    const ip = ipBytes(h);
    return ip === undefined ? tlv(0x82, ascii(h)) : tlv(0x87, ip);
  });
  return seq(oid("2.5.29.17"), tlv(0x04, seq(...names)));
}

export interface CertificateRequest {
  readonly hosts: readonly string[];
  /** DER SubjectPublicKeyInfo of an EC P-256 key. */
  readonly publicKeyDer: Uint8Array;
  readonly serial: Uint8Array;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  /** DER-encoded ECDSA-with-SHA-256 signature of `data` by the matching private key. */
  sign(data: Uint8Array): Uint8Array;
}

/** The certificate as PEM text. */
export function selfSignedCertificatePem(req: CertificateRequest): string {
  const algorithm = seq(oid("1.2.840.10045.4.3.2"));
  const name = seq(
    set(seq(oid("2.5.4.3"), tlv(0x0c, new TextEncoder().encode(req.hosts[0] ?? "localhost")))),
  );
  const tbs = seq(
    explicit(0, integer(Uint8Array.of(2))),
    integer(req.serial),
    algorithm,
    name,
    seq(utcTime(req.notBeforeMs), utcTime(req.notAfterMs)),
    name,
    req.publicKeyDer,
    explicit(3, seq(subjectAltName(req.hosts))),
  );
  const der = seq(tbs, algorithm, tlv(0x03, concatBytes([Uint8Array.of(0), req.sign(tbs)])));
  let binary = "";
  for (const b of der) binary += String.fromCharCode(b);
  const body = btoa(binary).replace(/.{1,64}/g, "$&\n");
  return `-----BEGIN CERTIFICATE-----\n${body}-----END CERTIFICATE-----\n`;
}
