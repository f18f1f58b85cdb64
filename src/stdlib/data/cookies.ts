// Cookie and stateless-session builtins (spec: builtins "Cookies and
// sessions"): parsing `Cookie` headers, serializing `Set-Cookie` values
// with validated names, values and attributes, HMAC-signed cookie values
// (`value.signature`), signed session tokens (`v1.<payload>.<signature>`,
// base64url JSON payloads), and `cookie_round_trip`, which applies response
// `Set-Cookie` headers to a request's cookies the way a browser would.

import { display, truthy, typeName } from "../../vm/display.ts";
import { runtimeError, type VmError } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { constantTimeEqual, utf8 } from "./args.ts";
import { decodeBase64Url, encodeBase64Url, utf8Strict } from "./encoding.ts";
import { hmacSha256 } from "./hashing.ts";
import { parseJson } from "./json-codec.ts";
import { stringifyJson } from "./json-writer.ts";

const failure = (message: string): VmError => runtimeError(`cookie: ${message}`);
const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z|~]+$/;
const CONTROL = /[\u0000-\u001f\u007f]/;
const EPOCH = "Thu, 01 Jan 1970 00:00:00 GMT";

function requireArgs(args: readonly Value[], count: number, fn: string): void {
  if (args.length < count) throw failure(`${fn} requires ${count} arguments`);
}

const trimSpace = (s: string): string => s.replace(/^[ \t]+|[ \t]+$/g, "");

// ---- parsing ---------------------------------------------------------------------------

function headerTexts(v: Value, what: string): string[] {
  if (v === null) return [];
  if (typeof v === "string") return [v];
  const strings = (items: readonly Value[], label: string): string[] =>
    items.map((item) => {
      if (typeof item !== "string") throw failure(`${label} must be strings, got ${typeName(item)}`);
      return item;
    });
  if (Array.isArray(v)) return strings(v, `${what} header list entries`);
  if (v instanceof Dict) {
    const out: string[] = [];
    for (const name of v.keys()) {
      if (name.toLowerCase() !== what.toLowerCase()) continue;
      const value = v.map.get(name)!;
      if (typeof value === "string") out.push(value);
      else if (Array.isArray(value)) out.push(...strings(value, `${what} header values`));
      else throw failure(`${what} header must be a string or list, got ${typeName(value)}`);
    }
    return out;
  }
  throw failure(`${what} headers must be a string, list, dict, or nil; got ${typeName(v)}`);
}

interface ParsedCookies {
  readonly first: Map<string, string>;
  readonly pairs: Dict[];
  readonly all: Map<string, string[]>;
  readonly invalid: Dict[];
}

function parseCookies(headers: Value): ParsedCookies {
  const parsed: ParsedCookies = { first: new Map(), pairs: [], all: new Map(), invalid: [] };
  for (const header of headerTexts(headers, "Cookie")) {
    for (const segment of header.split(";")) {
      const trimmed = trimSpace(segment);
      if (trimmed === "") continue;
      const bad = (reason: string) => parsed.invalid.push(Dict.of({ segment: trimmed, reason }));
      const eq = trimmed.indexOf("=");
      if (eq < 0) {
        bad("missing '='");
        continue;
      }
      const name = trimSpace(trimmed.slice(0, eq));
      if (!TOKEN.test(name)) {
        bad("invalid name");
        continue;
      }
      let value = trimSpace(trimmed.slice(eq + 1));
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      if (CONTROL.test(value) || value.includes(";")) {
        bad("invalid value");
        continue;
      }
      if (!parsed.first.has(name)) parsed.first.set(name, value);
      parsed.all.set(name, [...(parsed.all.get(name) ?? []), value]);
      parsed.pairs.push(Dict.of({ name, value }));
    }
  }
  return parsed;
}

function cookieParse(headers: Value): Dict {
  const parsed = parseCookies(headers);
  const duplicates = new Map<string, Value>();
  for (const [name, values] of parsed.all) if (values.length > 1) duplicates.set(name, values);
  return Dict.of({
    cookies: new Dict(new Map(parsed.first)),
    pairs: parsed.pairs,
    duplicates: new Dict(duplicates),
    invalid: parsed.invalid,
  });
}

// ---- serializing -------------------------------------------------------------------------

interface Defaults {
  readonly path?: string;
  readonly httpOnly: boolean;
  readonly secure: boolean;
  readonly sameSite?: string;
  readonly maxAge?: number;
  readonly expires?: string;
}

const NO_DEFAULTS: Defaults = { httpOnly: false, secure: false };
const SESSION_DEFAULTS: Defaults = { path: "/", httpOnly: true, secure: true, sameSite: "Lax" };
const DELETE_DEFAULTS: Defaults = { ...SESSION_DEFAULTS, maxAge: 0, expires: EPOCH };

function option(options: Dict | undefined, names: readonly string[]): Value | undefined {
  for (const name of names) if (options?.map.has(name)) return options.map.get(name)!;
  return undefined;
}

function optionText(options: Dict | undefined, names: readonly string[]): string | undefined {
  const v = option(options, names);
  return v === undefined || v === null ? undefined : display(v);
}

function attribute(label: string, value: string): string {
  if (value === "" || CONTROL.test(value) || value.includes(";")) {
    throw failure(`${label} contains an invalid cookie attribute value`);
  }
  return `; ${label}=${value}`;
}

function serialize(name: string, value: string, options: Dict | undefined, defaults: Defaults): string {
  if (!TOKEN.test(name)) throw failure("cookie name is empty or contains invalid characters");
  if (/[\u0000-\u001f\u007f;,\\" ]/.test(value)) {
    throw failure("cookie value contains spaces, quotes, separators, or control characters; encode it first");
  }
  let out = `${name}=${value}`;
  const path = optionText(options, ["path", "Path"]) ?? defaults.path;
  if (path !== undefined) out += attribute("Path", path);
  const domain = optionText(options, ["domain", "Domain"]);
  if (domain !== undefined) out += attribute("Domain", domain);
  const maxAge = option(options, ["max_age", "Max-Age", "maxAge"]);
  if (maxAge !== undefined && maxAge !== null && typeof maxAge !== "number" && typeof maxAge !== "bigint") {
    throw failure(`option max_age must be an int, got ${typeName(maxAge)}`);
  }
  const age = maxAge ?? defaults.maxAge;
  if (age !== undefined && age !== null) out += `; Max-Age=${age}`;
  const expires = optionText(options, ["expires", "Expires"]) ?? defaults.expires;
  if (expires !== undefined) out += attribute("Expires", expires);
  const flag = (names: string[], fallback: boolean): boolean => {
    const v = option(options, names);
    return v === undefined ? fallback : truthy(v);
  };
  const httpOnly = flag(["http_only", "HttpOnly", "httponly"], defaults.httpOnly);
  const secure = flag(["secure", "Secure"], defaults.secure);
  const sameSiteRaw = optionText(options, ["same_site", "SameSite", "sameSite"]) ?? defaults.sameSite;
  const sameSite = sameSiteRaw === undefined ? undefined : normalizeSameSite(sameSiteRaw);
  if (sameSite === "None" && !secure) throw failure("SameSite=None requires Secure");
  if (httpOnly) out += "; HttpOnly";
  if (secure) out += "; Secure";
  if (sameSite !== undefined) out += `; SameSite=${sameSite}`;
  return out;
}

function normalizeSameSite(raw: string): string {
  const found = ["Lax", "Strict", "None"].find((v) => v.toLowerCase() === raw.toLowerCase());
  if (found === undefined) throw failure("same_site must be one of Lax, Strict, or None");
  return found;
}

function optionsAt(args: readonly Value[], i: number, fn: string): Dict | undefined {
  const v = args[i];
  if (v === undefined || v === null) return undefined;
  if (!(v instanceof Dict)) throw failure(`${fn}: options must be a dict, got ${typeName(v)}`);
  return v;
}

// ---- signing ------------------------------------------------------------------------------

function mac(secret: string, message: string): string {
  return encodeBase64Url(hmacSha256(utf8(secret), utf8(message)));
}

const matches = (signature: string, expected: string): boolean =>
  constantTimeEqual(utf8(signature), utf8(expected));

function sessionToken(payload: Value, secret: string): string {
  const encoded = encodeBase64Url(utf8(stringifyJson(payload)));
  return `v1.${encoded}.${mac(secret, encoded)}`;
}

function sessionVerify(token: string, secret: string): Dict {
  const outcome = (ok: boolean, payload: Value, error: string | null) => Dict.of({ ok, payload, error });
  const parts = token.split(".");
  if (parts.length !== 3 || parts[0] !== "v1") return outcome(false, null, "malformed");
  if (!matches(parts[2]!, mac(secret, parts[1]!))) return outcome(false, null, "invalid_signature");
  try {
    return outcome(true, parseJson(utf8Strict(decodeBase64Url(parts[1]!))), null);
  } catch {
    return outcome(false, null, "malformed_payload");
  }
}

// ---- round trip -----------------------------------------------------------------------------

/** Name, value and whether the `Set-Cookie` header deletes the cookie (`Max-Age<=0` or a past `Expires`). */
function parseSetCookie(header: string, now: number): [string, string, boolean] | undefined {
  const [first, ...attributes] = header.split(";");
  const pair = trimSpace(first ?? "");
  const eq = pair.indexOf("=");
  if (eq < 0 || !TOKEN.test(pair.slice(0, eq))) return undefined;
  let remove = false;
  for (const attr of attributes) {
    const trimmed = trimSpace(attr);
    const aeq = trimmed.indexOf("=");
    const attrName = (aeq < 0 ? trimmed : trimmed.slice(0, aeq)).toLowerCase();
    const attrValue = aeq < 0 ? "" : trimmed.slice(aeq + 1).trim();
    if (attrName === "max-age" && /^[+-]?[0-9]+$/.test(attrValue) && Number(attrValue) <= 0) remove = true;
    if (attrName === "expires") {
      const when = Date.parse(attrValue);
      if (/GMT$/.test(attrValue) && !Number.isNaN(when) && when <= now) remove = true;
    }
  }
  return [pair.slice(0, eq), pair.slice(eq + 1), remove];
}

function roundTrip(request: Value, setCookies: Value, now: number): Dict {
  const cookies = new Map(parseCookies(request).first);
  for (const header of headerTexts(setCookies, "Set-Cookie")) {
    const parsed = parseSetCookie(header, now);
    if (parsed === undefined) continue;
    const [name, value, remove] = parsed;
    if (remove) cookies.delete(name);
    else cookies.set(name, value);
  }
  const sorted = new Dict(cookies);
  const header = sorted
    .keys()
    .map((k) => `${k}=${cookies.get(k)}`)
    .join("; ");
  return Dict.of({ cookie_header: header, cookies: sorted });
}

export function registerCookies(vm: Vm, now: () => number): void {
  const b = vm.registerBuiltin.bind(vm);
  b("cookie_parse", (args) => {
    requireArgs(args, 1, "cookie_parse");
    return cookieParse(args[0]!);
  });
  b("cookie_serialize", (args) => {
    requireArgs(args, 2, "cookie_serialize");
    return serialize(
      display(args[0]!),
      display(args[1]!),
      optionsAt(args, 2, "cookie_serialize"),
      NO_DEFAULTS,
    );
  });
  b("cookie_delete", (args) => {
    requireArgs(args, 1, "cookie_delete");
    return serialize(display(args[0]!), "", optionsAt(args, 1, "cookie_delete"), DELETE_DEFAULTS);
  });
  b("cookie_sign", (args) => {
    requireArgs(args, 2, "cookie_sign");
    const value = display(args[0]!);
    if (value.includes(";") || CONTROL.test(value)) {
      throw failure("cookie_sign value must not contain separators or control characters");
    }
    return `${value}.${mac(display(args[1]!), value)}`;
  });
  b("cookie_verify", (args) => {
    requireArgs(args, 2, "cookie_verify");
    const signed = display(args[0]!);
    const dot = signed.lastIndexOf(".");
    const outcome = (ok: boolean, value: string | null, error: string | null) =>
      Dict.of({ ok, value, error });
    if (dot < 0) return outcome(false, null, "malformed");
    const value = signed.slice(0, dot);
    if (!matches(signed.slice(dot + 1), mac(display(args[1]!), value)))
      return outcome(false, null, "invalid_signature");
    return outcome(true, value, null);
  });
  b("session_sign", (args) => {
    requireArgs(args, 2, "session_sign");
    return sessionToken(args[0]!, display(args[1]!));
  });
  b("session_verify", (args) => {
    requireArgs(args, 2, "session_verify");
    return sessionVerify(display(args[0]!), display(args[1]!));
  });
  b("session_cookie", (args) => {
    requireArgs(args, 3, "session_cookie");
    const token = sessionToken(args[1]!, display(args[2]!));
    return serialize(display(args[0]!), token, optionsAt(args, 3, "session_cookie"), SESSION_DEFAULTS);
  });
  b("session_from_cookies", (args) => {
    requireArgs(args, 3, "session_from_cookies");
    const token = parseCookies(args[0]!).first.get(display(args[1]!));
    if (token === undefined) return Dict.of({ ok: false, payload: null, error: "missing_cookie" });
    return sessionVerify(token, display(args[2]!));
  });
  b("cookie_round_trip", (args) => {
    requireArgs(args, 1, "cookie_round_trip");
    return args.length === 1 ? roundTrip(null, args[0]!, now()) : roundTrip(args[0]!, args[1]!, now());
  });
}
