// URL builtins (`url_parse`, `url_build`, `query_parse`,
// `query_stringify`) and the form-urlencoded codec they share with signed
// URLs. Parsing uses the WHATWG `URL` class (a web-platform global, so no
// Node import), which is the standard the reference's `url` crate follows;
// absent parts are nil, and a present-but-empty query or fragment is "".

import { display } from "../../vm/display.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { failThrown, textArg, utf8 } from "./args.ts";
import { percentDecode } from "./encoding.ts";

/** `application/x-www-form-urlencoded` pairs (`+` is a space; empty pieces skipped). */
export function parseFormPairs(raw: string): [string, string][] {
  return raw
    .split("&")
    .filter((piece) => piece !== "")
    .map((piece) => {
      const eq = piece.indexOf("=");
      const key = eq < 0 ? piece : piece.slice(0, eq);
      const value = eq < 0 ? "" : piece.slice(eq + 1);
      return [percentDecode(key, true), percentDecode(value, true)];
    });
}

/** Form-urlencoded byte serialisation: `*-._` and alphanumerics kept, space as `+`. */
export function formEncode(text: string): string {
  let out = "";
  for (const b of utf8(text)) {
    const keep =
      (b >= 0x30 && b <= 0x39) ||
      (b >= 0x41 && b <= 0x5a) ||
      (b >= 0x61 && b <= 0x7a) ||
      b === 0x2a ||
      b === 0x2d ||
      b === 0x2e ||
      b === 0x5f;
    out += keep
      ? String.fromCharCode(b)
      : b === 0x20
        ? "+"
        : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Parses an absolute URL, or throws `<fn>: <reason>`. */
export function parseUrl(raw: string, fn: string): URL {
  try {
    return new URL(raw);
  } catch {
    const reason = /^[A-Za-z][A-Za-z0-9+.-]*:/.test(raw)
      ? "invalid URL syntax"
      : "relative URL without a base";
    throw failThrown(`${fn}: ${reason}`);
  }
}

/** The query (after `?`) and fragment (after `#`) of a serialized URL, undefined when absent. */
export function urlTail(href: string): { query: string | undefined; fragment: string | undefined } {
  const hash = href.indexOf("#");
  const beforeHash = hash < 0 ? href : href.slice(0, hash);
  const q = beforeHash.indexOf("?");
  return {
    query: q < 0 ? undefined : beforeHash.slice(q + 1),
    fragment: hash < 0 ? undefined : href.slice(hash + 1),
  };
}

function urlParts(url: URL): Dict {
  const { query, fragment } = urlTail(url.href);
  const orNil = (s: string | undefined): Value => (s === undefined || s === "" ? null : s);
  return Dict.of({
    scheme: url.protocol.slice(0, -1),
    host: orNil(url.hostname),
    port: url.port === "" ? null : Number(url.port),
    path: url.pathname,
    query: query ?? null,
    fragment: fragment ?? null,
    username: orNil(url.username),
    password: orNil(url.password),
  });
}

function stringPart(parts: Dict, key: string): string | undefined {
  const v = parts.get(key);
  return typeof v === "string" ? v : undefined;
}

function buildUrl(parts: Dict): string {
  const scheme = stringPart(parts, "scheme");
  if (scheme === undefined) throw failThrown("url_build: 'scheme' is required");
  const host = stringPart(parts, "host") ?? "";
  const user = stringPart(parts, "username") ?? "";
  const password = stringPart(parts, "password");
  const userinfo = user === "" ? "" : password === undefined ? `${user}@` : `${user}:${password}@`;
  const port = parts.get("port");
  const portText = typeof port === "number" || typeof port === "bigint" ? `:${port}` : "";
  let text = `${scheme}:${host === "" ? "" : `//${userinfo}${host}${portText}`}${stringPart(parts, "path") ?? "/"}`;
  const query = stringPart(parts, "query");
  if (query) text += `?${query}`;
  const fragment = stringPart(parts, "fragment");
  if (fragment) text += `#${fragment}`;
  return parseUrl(text, "url_build").href;
}

export function registerUrl(vm: Vm): void {
  vm.registerBuiltin("url_parse", (args) =>
    urlParts(parseUrl(textArg(args, 0, "url_parse", "url"), "url_parse")),
  );

  vm.registerBuiltin("url_build", (args) => {
    const parts = args[0];
    if (!(parts instanceof Dict)) throw failThrown("url_build: expected a dict of url parts");
    return buildUrl(parts);
  });

  vm.registerBuiltin("query_parse", (args) => {
    const raw = textArg(args, 0, "query_parse", "query");
    return parseFormPairs(raw.startsWith("?") ? raw.slice(1) : raw).map(([key, value]) =>
      Dict.of({ key, value }),
    );
  });

  vm.registerBuiltin("query_stringify", (args) => {
    const items = args[0];
    if (!Array.isArray(items)) throw failThrown("query_stringify: expected a list of {key, value} dicts");
    return items
      .map((item) => {
        if (!(item instanceof Dict))
          throw failThrown("query_stringify: each item must be a {key, value} dict");
        const key = item.get("key");
        const value = item.map.get("value");
        return `${formEncode(typeof key === "string" ? key : "")}=${formEncode(value === undefined ? "" : display(value))}`;
      })
      .join("&");
  });
}
