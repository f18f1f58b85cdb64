// Response and request dicts of the in-process HTTP server, and the
// response builders (`http_response`, `http_response_text`,
// `http_response_json`, `http_response_bytes`) and `http_header`. A
// response is `{status, headers, ok, body_kind, body, raw_body}`; a status
// outside 100..999 becomes 500, and text/JSON bodies get a default
// content-type when none was set.

import { display } from "../../vm/display.ts";
import { BytesValue, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { stringifyJson } from "../data/json-writer.ts";
import { dictOption, fail, findHeader, intOption, optionsArg } from "./options.ts";

export type BodyKind = "text" | "json" | "bytes";

const CONTENT_TYPES: Partial<Record<string, string>> = {
  text: "text/plain; charset=utf-8",
  json: "application/json; charset=utf-8",
};

function lossyUtf8(bytes: Uint8Array): string {
  return new TextDecoder("utf-8").decode(bytes);
}

export function buildResponse(status: number, headers: Dict, body: Value, kind: string): Dict {
  const code = status >= 100 && status <= 999 ? status : 500;
  let outHeaders = headers;
  const defaultType = CONTENT_TYPES[kind];
  if (defaultType !== undefined && findHeader(headers, "content-type") === null) {
    outHeaders = headers.with("content-type", defaultType);
  }
  const raw = body instanceof BytesValue ? body : new BytesValue(new TextEncoder().encode(display(body)));
  return Dict.of({
    status: code,
    headers: outHeaders,
    ok: code >= 200 && code < 300,
    body_kind: kind,
    body: body instanceof BytesValue ? lossyUtf8(body.bytes) : display(body),
    raw_body: raw,
  });
}

export function isResponse(v: Value): v is Dict {
  return v instanceof Dict && v.map.has("status");
}

/** What a handler returned, as a response: a response dict, nil (204), or any value as a 200 text body. */
export function normalizeResponse(v: Value): Dict {
  if (isResponse(v)) {
    const kind = v.map.get("body_kind") ?? v.map.get("kind");
    const raw = v.map.get("raw_body");
    const body = raw instanceof BytesValue ? raw : (v.map.get("body") ?? null);
    return buildResponse(
      intOption(v, "status") ?? 200,
      dictOption(v, "headers") ?? new Dict(),
      body,
      kind === undefined ? "text" : display(kind),
    );
  }
  if (v === null) return buildResponse(204, new Dict(), null, "text");
  return buildResponse(200, new Dict(), v, "text");
}

export function textResponse(status: number, message: string, headers = new Dict()): Dict {
  return buildResponse(status, headers, message, "text");
}

/** The headers of a request/response dict (its `headers` entry) or a headers dict itself, lower-cased. */
function headersOf(v: Value | undefined): Dict {
  if (!(v instanceof Dict)) return new Dict();
  const inner = v.map.get("headers");
  const source = inner instanceof Dict ? inner : v;
  const out = new Map<string, Value>();
  for (const [k, val] of source.map) out.set(k.toLowerCase(), display(val));
  return new Dict(out);
}

export function registerServerResponses(vm: Vm): void {
  const withOptions = (args: Value[], body: Value, kind: BodyKind): Dict => {
    const options = optionsArg(args, 1);
    return buildResponse(
      intOption(options, "status") ?? 200,
      dictOption(options, "headers") ?? new Dict(),
      body,
      kind,
    );
  };
  vm.registerBuiltin("http_response", (args) => {
    const status = typeof args[0] === "number" ? args[0] : 200;
    const headers = args[2] instanceof Dict ? args[2] : new Dict();
    return buildResponse(status, headers, args[1] ?? null, "text");
  });
  vm.registerBuiltin("http_response_text", (args) => withOptions(args, args[0] ?? null, "text"));
  vm.registerBuiltin("http_response_json", (args) =>
    withOptions(args, args.length === 0 ? "null" : stringifyJson(args[0]!), "json"),
  );
  vm.registerBuiltin("http_response_bytes", (args) => {
    const v = args[0];
    const body =
      v instanceof BytesValue
        ? v
        : new BytesValue(new TextEncoder().encode(v === undefined ? "" : display(v)));
    return withOptions(args, body, "bytes");
  });
  vm.registerBuiltin("http_header", (args) => {
    if (args.length < 2) throw fail("http_header: requires headers/request/response and name");
    return findHeader(headersOf(args[0]), display(args[1]!));
  });
}
