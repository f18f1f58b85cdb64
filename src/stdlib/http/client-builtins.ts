// Registration of the HTTP client builtins: the verbs (`http_get(url,
// options?)`, `http_post(url, body, options?)`, ...), `http_request`,
// sessions (stored options reused by later requests) and the mock
// registry (`http_mock`, `http_mock_calls`, `http_mock_clear`).

import { display } from "../../vm/display.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { executeRequest } from "./client.ts";
import { type HttpRuntime, MAX_HTTP_SESSIONS } from "./http-runtime.ts";
import { parseMockResponses } from "./mock-registry.ts";
import { requireNetwork } from "./network-policy.ts";
import { boolOption, fail, handleId, optionsArg, textAt } from "./options.ts";

/** Options and body of a verb call: `(url, options)` or `(url, body, options?)` for verbs with a body. */
function verbOptions(args: readonly Value[], hasBody: boolean): Dict {
  const second = args[1];
  const third = args[2];
  if (!hasBody) return second instanceof Dict ? second : new Dict();
  if (second instanceof Dict && third === undefined) return second;
  const options = third instanceof Dict ? third : new Dict();
  return options.with("body", second === undefined ? "" : display(second));
}

export function registerHttpClient(vm: Vm, rt: HttpRuntime): void {
  const verbs: [string, boolean][] = [
    ["GET", false],
    ["POST", true],
    ["PUT", true],
    ["PATCH", true],
    ["DELETE", false],
  ];
  for (const [method, hasBody] of verbs) {
    const name = `http_${method.toLowerCase()}`;
    vm.registerBuiltin(name, (args, ctx) => {
      requireNetwork(ctx, name);
      const url = textAt(args, 0);
      if (url === "") throw fail(`${name}: URL is required`);
      return executeRequest(rt, ctx, method, url, verbOptions(args, hasBody), name);
    });
  }

  vm.registerBuiltin("http_request", (args, ctx) => {
    requireNetwork(ctx, "http_request");
    const method = textAt(args, 0).toUpperCase();
    if (method === "") throw fail("http_request: method is required");
    const url = textAt(args, 1);
    if (url === "") throw fail("http_request: URL is required");
    return executeRequest(rt, ctx, method, url, optionsArg(args, 2));
  });

  vm.registerBuiltin("http_session", (args) => {
    if (rt.sessions.size >= MAX_HTTP_SESSIONS) {
      throw fail(`http_session: maximum open sessions (${MAX_HTTP_SESSIONS}) reached`);
    }
    const id = rt.handles.make("http-session");
    rt.sessions.set(id, optionsArg(args, 0));
    return id;
  });

  vm.registerBuiltin("http_session_request", (args, ctx) => {
    requireNetwork(ctx, "http_session_request");
    if (args.length < 3) throw fail("http_session_request: requires session, method, and URL");
    const id = handleId(args[0], "http_session_request");
    const method = textAt(args, 1).toUpperCase();
    if (method === "") throw fail("http_session_request: method is required");
    const url = textAt(args, 2);
    if (url === "") throw fail("http_session_request: URL is required");
    if (!rt.sessions.has(id)) throw fail(`http_session_request: unknown HTTP session '${id}'`);
    return executeRequest(
      rt,
      ctx,
      method,
      url,
      optionsArg(args, 3).with("session", id),
      "http_session_request",
    );
  });

  vm.registerBuiltin("http_session_close", (args) => {
    if (args.length === 0) throw fail("http_session_close: requires a session handle");
    return rt.sessions.delete(handleId(args[0], "http_session_close"));
  });

  vm.registerBuiltin("http_mock", (args) => {
    const spec = args[2] instanceof Dict ? args[2] : new Dict();
    rt.mocks.register(textAt(args, 0), textAt(args, 1), parseMockResponses(spec));
    return null;
  });

  vm.registerBuiltin("http_mock_clear", () => {
    rt.mocks.clear();
    rt.closeStreams();
    return null;
  });

  vm.registerBuiltin("http_mock_calls", (args) => {
    const options = optionsArg(args, 0);
    const include =
      boolOption(options, "include_sensitive", false) ||
      boolOption(options, "include_sensitive_headers", false);
    const redact =
      boolOption(options, "redact_sensitive", boolOption(options, "redact_headers", true)) && !include;
    return rt.mocks.calls(redact);
  });
}
