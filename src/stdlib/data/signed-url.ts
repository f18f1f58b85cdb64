// Short-lived HMAC-signed links (spec: builtins "HMAC and signature
// comparison"): `signed_url(base, claims, secret, expires_at, options?)` and
// `verify_signed_url(url, secret_or_keys, now, options?)`.
//
// The signed payload is "harn-signed-url-v1\n<resource>\n<canonical query>",
// where the resource is origin + path (or the percent-encoded absolute
// path) and the canonical query is every pair except the signature,
// percent-encoded (RFC 3986 unreserved kept) and sorted. The signature is
// HMAC-SHA256, URL-safe base64 without padding, compared in constant time.

import { display, typeName } from "../../vm/display.ts";
import { normInt } from "../../vm/numbers.ts";
import { runtimeError, type VmError } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { constantTimeEqual, utf8 } from "./args.ts";
import { encodeBase64Url, isUnreserved, percentEncode } from "./encoding.ts";
import { hmacSha256 } from "./hashing.ts";
import { parseFormPairs, urlTail } from "./url.ts";

interface Options {
  readonly signature: string;
  readonly expires: string;
  readonly kid: string;
  readonly kidValue: string | undefined;
  readonly skew: number;
}

interface UrlParts {
  readonly resource: string;
  readonly prefix: string;
  readonly pairs: [string, string][];
}

const failure = (fn: string, message: string): VmError => runtimeError(`${fn}: ${message}`);

function optionText(opts: Dict, key: string, fn: string): string | undefined {
  const v = opts.get(key);
  if (v === null) return undefined;
  if (typeof v !== "string") throw failure(fn, `option \`${key}\` must be a string, got ${typeName(v)}`);
  return v;
}

function parseOptions(value: Value | undefined, fn: string): Options {
  if (value === undefined)
    return { signature: "sig", expires: "exp", kid: "kid", kidValue: undefined, skew: 0 };
  if (!(value instanceof Dict)) throw failure(fn, `options must be a dict, got ${typeName(value)}`);
  const skewValue = value.get("skew_seconds");
  if (skewValue !== null && typeof skewValue !== "number" && typeof skewValue !== "bigint") {
    throw failure(fn, `option \`skew_seconds\` must be an int, got ${typeName(skewValue)}`);
  }
  const options: Options = {
    signature: optionText(value, "signature_param", fn) ?? "sig",
    expires: optionText(value, "expires_param", fn) ?? "exp",
    kid: optionText(value, "kid_param", fn) ?? "kid",
    kidValue: optionText(value, "kid", fn),
    skew: skewValue === null ? 0 : Number(skewValue),
  };
  for (const [name, param] of [
    ["signature_param", options.signature],
    ["expires_param", options.expires],
    ["kid_param", options.kid],
  ]) {
    if (param === "") throw failure(fn, `option \`${name}\` cannot be empty`);
  }
  if (new Set([options.signature, options.expires, options.kid]).size !== 3) {
    throw failure(fn, "signature_param, expires_param, and kid_param must be distinct");
  }
  if (options.skew < 0) throw failure(fn, "skew_seconds must be greater than or equal to 0");
  return options;
}

/** Path bytes percent-encoded, keeping `/`, unreserved bytes and existing `%XX` (uppercased). */
function encodePath(path: string): string {
  return path.replace(/%[0-9A-Fa-f]{2}|[^/%]+|%/g, (piece) => {
    if (/^%[0-9A-Fa-f]{2}$/.test(piece)) return piece.toUpperCase();
    let out = "";
    for (const b of utf8(piece))
      out += isUnreserved(b) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
    return out;
  });
}

function urlParts(raw: string, fn: string): UrlParts {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url !== undefined) {
    if (url.hostname === "") {
      throw failure(fn, "expected an absolute URL with a host or an absolute path starting with `/`");
    }
    const pairs = parseFormPairs(urlTail(url.href).query ?? "");
    url.hash = "";
    url.search = "";
    const prefix = url.href.replace(/\?$/, "");
    return { resource: `${url.origin}${url.pathname}`, prefix, pairs };
  }
  const withoutFragment = raw.split("#")[0]!;
  const q = withoutFragment.indexOf("?");
  const path = (q < 0 ? withoutFragment : withoutFragment.slice(0, q)) || "/";
  if (!path.startsWith("/"))
    throw failure(fn, "expected an absolute URL or an absolute path starting with `/`");
  const encoded = encodePath(path);
  return {
    resource: encoded,
    prefix: encoded,
    pairs: q < 0 ? [] : parseFormPairs(withoutFragment.slice(q + 1)),
  };
}

function canonicalQuery(pairs: readonly (readonly [string, string])[]): string {
  return pairs
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

function signature(secret: string, resource: string, query: string): string {
  return encodeBase64Url(hmacSha256(utf8(secret), utf8(`harn-signed-url-v1\n${resource}\n${query}`)));
}

function arg<T>(
  args: readonly Value[],
  i: number,
  fn: string,
  name: string,
  type: string,
  ok: (v: Value) => v is Value & T,
): T {
  const v = args[i];
  if (v === undefined) throw failure(fn, `${name} is required`);
  if (!ok(v)) throw failure(fn, `${name} must be ${type}, got ${typeName(v)}`);
  return v;
}

const isString = (v: Value): v is string => typeof v === "string";
const isInt = (v: Value): v is number | bigint => typeof v === "number" || typeof v === "bigint";

function signUrl(args: Value[]): string {
  const fn = "signed_url";
  if (args.length < 4 || args.length > 5) {
    throw failure(fn, "requires 4 or 5 arguments: base, claims, secret, expires_at, options?");
  }
  const options = parseOptions(args[4], fn);
  const base = arg(args, 0, fn, "base", "a string", isString);
  const claims = args[1]!;
  if (!(claims instanceof Dict)) throw failure(fn, `claims must be a dict, got ${typeName(claims)}`);
  for (const reserved of [options.signature, options.expires, options.kid]) {
    if (claims.map.has(reserved))
      throw failure(fn, `claims cannot contain reserved parameter \`${reserved}\``);
  }
  const secret = arg(args, 2, fn, "secret", "a string", isString);
  const expiresAt = arg(args, 3, fn, "expires_at", "an int", isInt);
  const parts = urlParts(base, fn);
  const reserved = new Set([options.signature, options.expires, options.kid]);
  const pairs: [string, string][] = parts.pairs.filter(([k]) => !reserved.has(k));
  for (const k of claims.keys()) pairs.push([k, display(claims.map.get(k)!)]);
  pairs.push([options.expires, String(expiresAt)]);
  if (options.kidValue !== undefined) pairs.push([options.kid, options.kidValue]);
  pairs.push([options.signature, signature(secret, parts.resource, canonicalQuery(pairs))]);
  const query = canonicalQuery(pairs);
  return query === "" ? parts.prefix : `${parts.prefix}?${query}`;
}

function result(fields: {
  valid?: boolean;
  reason: string;
  signatureValid?: boolean;
  expired?: boolean;
  expiresAt?: number | bigint;
  kid?: string;
  claims?: Map<string, Value>;
}): Dict {
  return Dict.of({
    valid: fields.valid ?? false,
    reason: fields.reason,
    signature_valid: fields.signatureValid ?? false,
    expired: fields.expired ?? false,
    expires_at: fields.expiresAt === undefined ? null : normInt(BigInt(fields.expiresAt)),
    kid: fields.kid ?? null,
    claims: new Dict(fields.claims ?? new Map()),
  });
}

function verifyUrl(args: Value[]): Dict {
  const fn = "verify_signed_url";
  if (args.length < 3 || args.length > 4) {
    throw failure(fn, "requires 3 or 4 arguments: url, secret_or_keys, now, options?");
  }
  const options = parseOptions(args[3], fn);
  const raw = arg(args, 0, fn, "url", "a string", isString);
  const now = arg(args, 2, fn, "now", "an int", isInt);
  const parts = urlParts(raw, fn);
  const valuesOf = (key: string): string[] => parts.pairs.filter(([k]) => k === key).map(([, v]) => v);
  const signatures = valuesOf(options.signature);
  if (signatures.length !== 1) return result({ reason: "missing_signature" });
  const expiries = valuesOf(options.expires);
  if (expiries.length !== 1) return result({ reason: "missing_expiry" });
  if (!/^[+-]?[0-9]+$/.test(expiries[0]!)) return result({ reason: "invalid_expiry" });
  const expiresBig = BigInt(expiries[0]!);
  if (expiresBig < -(2n ** 63n) || expiresBig >= 2n ** 63n) return result({ reason: "invalid_expiry" });
  const expiresAt = expiresBig;
  const kids = valuesOf(options.kid);
  if (kids.length > 1) return result({ reason: "duplicate_kid", expiresAt });
  const kid = kids[0];
  const reserved = new Set([options.signature, options.expires, options.kid]);
  const claims = new Map<string, Value>(parts.pairs.filter(([k]) => !reserved.has(k)));
  const keys = args[1]!;
  let secret: string | undefined;
  if (typeof keys === "string") secret = keys;
  else if (keys instanceof Dict)
    secret = kid === undefined || !keys.map.has(kid) ? undefined : display(keys.map.get(kid)!);
  else throw failure(fn, `secret_or_keys must be a string or dict, got ${typeName(keys)}`);
  if (secret === undefined)
    return result({ reason: "unknown_key", expiresAt, ...(kid !== undefined && { kid }), claims });
  const unsigned = parts.pairs.filter(([k]) => k !== options.signature);
  const expected = signature(secret, parts.resource, canonicalQuery(unsigned));
  const signatureValid = constantTimeEqual(utf8(signatures[0]!), utf8(expected));
  const expired = BigInt(now) > expiresAt + BigInt(options.skew);
  const reason = !signatureValid ? "bad_signature" : expired ? "expired" : "ok";
  const valid = signatureValid && !expired;
  return result({
    valid,
    reason,
    signatureValid,
    expired,
    expiresAt,
    ...(kid !== undefined && { kid }),
    claims,
  });
}

export function registerSignedUrls(vm: Vm): void {
  vm.registerBuiltin("signed_url", signUrl);
  vm.registerBuiltin("verify_signed_url", verifyUrl);
}
