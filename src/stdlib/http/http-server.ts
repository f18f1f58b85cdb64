// The in-process HTTP server (`http_server`): routes with path templates
// (`/hooks/{tenant}` or `/hooks/:tenant`), before/after hooks, body size
// limits, readiness and shutdown. Requests are dispatched in-process with
// `http_server_request` / `http_server_test`, which is how Harn programs
// test webhook handlers without a socket. Handlers are Harn closures and
// run as ordinary frames of the calling task (so they may suspend).
//
// Dispatch order: shut down or not ready -> 503; no route -> 404; body
// over the route's (else the server's) limit -> 413 with
// `x-harn-body-limit`; before hooks (a returned response short-circuits,
// another non-nil value replaces the request); the handler; after hooks
// (a non-nil value replaces the response).

import { display, truthy, typeName } from "../../vm/display.ts";
import { BytesValue, CallRequest, Dict, NativeCall, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { isCallable } from "../args.ts";
import { percentDecode } from "../data/encoding.ts";
import {
  boolOption,
  dictOption,
  fail,
  type HandleCounter,
  handleId,
  intOption,
  lowerCaseHeaders,
  optionsArg,
  textAt,
} from "./options.ts";
import { isResponse, normalizeResponse, registerServerResponses, textResponse } from "./server-responses.ts";

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const MAX_HTTP_SERVERS = 128;

interface Route {
  readonly method: string;
  readonly template: string;
  readonly handler: Value;
  readonly maxBodyBytes?: number;
  readonly retainRawBody?: boolean;
}

interface Server {
  readonly routes: Route[];
  readonly before: Value[];
  readonly after: Value[];
  ready: boolean;
  readiness: Value | null;
  readonly shutdownHooks: Value[];
  shutdown: boolean;
  readonly maxBodyBytes: number;
  readonly retainRawBody: boolean;
}

function handleValue(id: string): Dict {
  return Dict.of({ id, kind: "http_server" });
}

function callableArg(args: readonly Value[], i: number, builtin: string): Value {
  const v = args[i];
  if (v === undefined) throw fail(`${builtin}: missing closure argument ${i + 1}`);
  if (!isCallable(v)) throw fail(`${builtin}: argument ${i + 1} must be a closure, got ${typeName(v)}`);
  return v;
}

function nonNegative(options: Dict, key: string, builtin: string): number | undefined {
  const n = intOption(options, key);
  if (n !== undefined && n < 0) throw fail(`${builtin}: ${key} must be non-negative`);
  return n;
}

/** Percent-decoding with `+` as space, invalid UTF-8 replaced. */
function decodeComponent(text: string): string {
  try {
    return percentDecode(text, true);
  } catch {
    return text;
  }
}

function splitPathAndQuery(raw: string): { path: string; query: Map<string, Value> } {
  const q = raw.indexOf("?");
  const path = q < 0 ? raw : raw.slice(0, q);
  const query = new Map<string, Value>();
  for (const pair of (q < 0 ? "" : raw.slice(q + 1)).split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const key = eq < 0 ? pair : pair.slice(0, eq);
    query.set(decodeComponent(key), decodeComponent(eq < 0 ? "" : pair.slice(eq + 1)));
  }
  return { path: path === "" ? "/" : path, query };
}

function trimSlashes(s: string): string {
  return s.replace(/^\/+|\/+$/g, "");
}

/** Path parameters when `path` fits `template`, else undefined. */
export function matchTemplate(template: string, path: string): Map<string, Value> | undefined {
  if (template === "/" && path === "/") return new Map();
  const want = trimSlashes(template).split("/");
  const got = trimSlashes(path).split("/");
  if (want.length !== got.length) return undefined;
  const params = new Map<string, Value>();
  for (let i = 0; i < want.length; i++) {
    const t = want[i]!;
    const actual = got[i]!;
    if (t.length > 2 && t.startsWith("{") && t.endsWith("}"))
      params.set(t.slice(1, -1), decodeComponent(actual));
    else if (t.length > 1 && t.startsWith(":")) params.set(t.slice(1), decodeComponent(actual));
    else if (t !== actual) return undefined;
  }
  return params;
}

function bodyBytes(input: Dict): Uint8Array {
  const v = input.map.get("raw_body") ?? input.map.get("body");
  if (v === undefined) return new Uint8Array(0);
  return v instanceof BytesValue ? v.bytes : new TextEncoder().encode(display(v));
}

function firstText(input: Dict, keys: readonly string[]): Value {
  for (const k of keys) {
    const v = input.map.get(k);
    if (v !== undefined) return display(v);
  }
  return null;
}

function requestDict(
  method: string,
  path: string,
  params: Map<string, Value>,
  query: Map<string, Value>,
  input: Dict,
  body: Uint8Array,
  retainRaw: boolean,
): Dict {
  const explicit = dictOption(input, "query");
  if (explicit) for (const [k, v] of explicit.map) query.set(k, v);
  const pathParams = new Dict(params);
  return Dict.of({
    method,
    path,
    path_params: pathParams,
    params: pathParams,
    query: new Dict(query),
    headers: lowerCaseHeaders(input.map.get("headers")),
    body: new TextDecoder().decode(body),
    raw_body: retainRaw ? new BytesValue(body) : null,
    body_bytes: body.length,
    remote_addr: firstText(input, ["remote_addr", "remote"]),
    client_ip: firstText(input, ["client_ip", "remote_ip", "ip"]),
  });
}

function* dispatch(id: string, server: Server, request: Value): Generator<CallRequest, Value, Value> {
  if (server.shutdown) return textResponse(503, "server is shut down");
  if (!server.ready) return textResponse(503, "server is not ready");
  if (server.readiness !== null && !truthy(yield new CallRequest(server.readiness, [handleValue(id)]))) {
    return textResponse(503, "server is not ready");
  }
  const input = request instanceof Dict ? request : new Dict();
  const method = (firstText(input, ["method"]) as string | null)?.toUpperCase() || "GET";
  const rawPath = (firstText(input, ["path"]) as string | null) || "/";
  const { path, query } = splitPathAndQuery(rawPath);
  const body = bodyBytes(input);
  let matched: { route: Route; params: Map<string, Value> } | undefined;
  for (const route of server.routes) {
    if (route.method !== "*" && route.method !== method) continue;
    const params = matchTemplate(route.template, path);
    if (params) {
      matched = { route, params };
      break;
    }
  }
  if (!matched) return textResponse(404, `no route for ${method} ${path}`);
  const limit = matched.route.maxBodyBytes ?? server.maxBodyBytes;
  if (body.length > limit) {
    const headers = Dict.of({
      "content-type": "text/plain; charset=utf-8",
      connection: "close",
      "x-harn-body-limit": String(limit),
    });
    return textResponse(413, `request body too large: ${body.length} > ${limit} bytes`, headers);
  }
  const retain = matched.route.retainRawBody ?? server.retainRawBody;
  let req: Value = requestDict(method, path, matched.params, query, input, body, retain);
  for (const hook of server.before) {
    const result: Value = yield new CallRequest(hook, [req]);
    if (isResponse(result)) return normalizeResponse(result);
    if (result !== null) req = result;
  }
  let response = normalizeResponse(yield new CallRequest(matched.route.handler, [req]));
  for (const hook of server.after) {
    const result = yield new CallRequest(hook, [response, req]);
    if (result !== null) response = normalizeResponse(result);
  }
  return response;
}

function* runHooks(hooks: readonly Value[], id: string): Generator<CallRequest, Value, Value> {
  for (const hook of hooks) yield new CallRequest(hook, [handleValue(id)]);
  return true;
}

export function registerHttpServer(vm: Vm, handles: HandleCounter): void {
  const servers = new Map<string, Server>();
  const lookup = (v: Value | undefined, builtin: string): [string, Server] => {
    const id = handleId(v, builtin);
    const server = servers.get(id);
    if (server === undefined) throw fail(`${builtin}: unknown server '${id}'`);
    return [id, server];
  };
  const b = vm.registerBuiltin.bind(vm);

  b("http_server", (args) => {
    const options = optionsArg(args, 0);
    if (servers.size >= MAX_HTTP_SERVERS)
      throw fail(`http_server: maximum open servers (${MAX_HTTP_SERVERS}) reached`);
    const id = handles.make("http-server");
    servers.set(id, {
      routes: [],
      before: [],
      after: [],
      ready: boolOption(options, "ready", true),
      readiness: null,
      shutdownHooks: [],
      shutdown: false,
      maxBodyBytes: nonNegative(options, "max_body_bytes", "http_server") ?? DEFAULT_MAX_BODY_BYTES,
      retainRawBody: boolOption(options, "retain_raw_body", true),
    });
    return handleValue(id);
  });

  b("http_server_route", (args) => {
    if (args.length < 4) throw fail("http_server_route: requires server, method, path template, and handler");
    const [id, server] = lookup(args[0], "http_server_route");
    const method = textAt(args, 1).toUpperCase();
    if (method === "") throw fail("http_server_route: method is required");
    const template = textAt(args, 2);
    if (!template.startsWith("/")) throw fail("http_server_route: path template must start with '/'");
    const handler = callableArg(args, 3, "http_server_route");
    const options = optionsArg(args, 4);
    const maxBodyBytes = nonNegative(options, "max_body_bytes", "http_server_route");
    const retain = options.map.get("retain_raw_body");
    server.routes.push({
      method,
      template,
      handler,
      ...(maxBodyBytes !== undefined && { maxBodyBytes }),
      ...(typeof retain === "boolean" && { retainRawBody: retain }),
    });
    return handleValue(id);
  });

  const hookAdder = (name: string, pick: (s: Server) => Value[]): void => {
    b(name, (args) => {
      if (args.length < 2) throw fail(`${name}: requires server and handler`);
      const [id, server] = lookup(args[0], name);
      pick(server).push(callableArg(args, 1, name));
      return handleValue(id);
    });
  };
  hookAdder("http_server_before", (s) => s.before);
  hookAdder("http_server_after", (s) => s.after);
  hookAdder("http_server_on_shutdown", (s) => s.shutdownHooks);

  for (const name of ["http_server_request", "http_server_test"]) {
    b(name, (args) => {
      if (args.length < 2) throw fail(`${name}: requires server and request`);
      const [id, server] = lookup(args[0], name);
      return new NativeCall(dispatch(id, server, args[1]!));
    });
  }

  b("http_server_set_ready", (args) => {
    if (args.length < 2) throw fail("http_server_set_ready: requires server and ready bool");
    const [, server] = lookup(args[0], "http_server_set_ready");
    server.ready = args[1] === true;
    return server.ready;
  });

  b("http_server_readiness", (args) => {
    if (args.length < 2) throw fail("http_server_readiness: requires server and readiness closure");
    const [id, server] = lookup(args[0], "http_server_readiness");
    server.readiness = callableArg(args, 1, "http_server_readiness");
    return handleValue(id);
  });

  b("http_server_ready", (args) => {
    if (args.length === 0) throw fail("http_server_ready: requires server");
    const [id, server] = lookup(args[0], "http_server_ready");
    if (server.shutdown) return false;
    const readiness = server.readiness;
    if (readiness === null) return server.ready;
    return new NativeCall(
      (function* (): Generator<CallRequest, Value, Value> {
        return truthy(yield new CallRequest(readiness, [handleValue(id)]));
      })(),
    );
  });

  b("http_server_shutdown", (args) => {
    if (args.length === 0) throw fail("http_server_shutdown: requires server");
    const [id, server] = lookup(args[0], "http_server_shutdown");
    server.shutdown = true;
    return new NativeCall(runHooks([...server.shutdownHooks], id));
  });

  registerServerResponses(vm);
}
