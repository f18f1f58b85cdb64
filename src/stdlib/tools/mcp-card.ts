// `mcp_server_card(target)`: an MCP Server Card (a small JSON document
// describing a server without a handshake). `target` is a URL, a file path
// (anything with a slash or ending in .json) or the name of a server whose
// harn.toml entry declares `card`. HTTP goes through `http_get`, so egress
// policy and HTTP mocks apply; a bare server URL that does not answer with
// a card is retried at `/.well-known/mcp-card`. Cards are cached for five
// minutes per source.

import { mcpRegistryOf } from "../../llm/mcp/registry.ts";
import { display } from "../../vm/display.ts";
import { thrown } from "../../vm/errors.ts";
import { CallRequest, Dict, NativeCall, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { parseJson } from "../data/json-codec.ts";

const CARD_TTL_MS = 5 * 60_000;
const WELL_KNOWN = ".well-known/mcp-card";

function isUrl(s: string): boolean {
  return s.startsWith("http://") || s.startsWith("https://");
}

function cardSource(vm: Vm, target: string): string {
  if (isUrl(target) || target.includes("/") || target.includes("\\") || target.endsWith(".json"))
    return target;
  const reg = mcpRegistryOf(vm).registration(target);
  if (reg === undefined) {
    throw thrown(
      `mcp_server_card: no MCP server '${target}' registered (check harn.toml) — pass a URL or path directly instead`,
    );
  }
  if (reg.card === null) throw thrown(`mcp_server_card: server '${target}' has no 'card' field in harn.toml`);
  return reg.card;
}

function parseCard(text: string): Value {
  try {
    return parseJson(text);
  } catch (e) {
    throw thrown(`mcp_server_card: parse: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function ok(response: Value): boolean {
  const status = response instanceof Dict ? response.get("status") : null;
  return typeof status === "number" && status >= 200 && status < 300;
}

/** GET `url`, falling back to its well-known card path. */
function* fetchCard(vm: Vm, url: string): Generator<CallRequest, Value, Value> {
  const get = vm.builtins.get("http_get");
  if (get === undefined) throw thrown("mcp_server_card: http: no HTTP client is installed");
  let response: Value = null;
  try {
    response = yield new CallRequest(get, [url]);
  } catch {
    response = null;
  }
  if (!ok(response)) {
    if (url.includes("/.well-known/"))
      throw thrown(`mcp_server_card: http: GET ${url} did not return a Server Card`);
    const fallback = `${url.replace(/\/+$/, "")}/${WELL_KNOWN}`;
    response = yield new CallRequest(get, [fallback]);
    if (!ok(response))
      throw thrown(
        `mcp_server_card: http: GET ${url} returned HTTP ${display((response as Dict).get("status"))}`,
      );
  }
  return parseCard(display((response as Dict).get("body")));
}

export function registerMcpCard(vm: Vm, readText: (path: string) => string): void {
  const cache = new Map<string, { card: Value; expires: number }>();
  vm.registerBuiltin("mcp_server_card", (args) => {
    if (args[0] === undefined || args[0] === null) {
      throw thrown("mcp_server_card: server name, URL, or path is required");
    }
    const source = cardSource(vm, display(args[0]));
    const hit = cache.get(source);
    if (hit !== undefined && hit.expires > Date.now()) return hit.card;
    const remember = (card: Value): Value => {
      cache.set(source, { card, expires: Date.now() + CARD_TTL_MS });
      return card;
    };
    if (isUrl(source)) {
      return new NativeCall(
        (function* () {
          return remember(yield* fetchCard(vm, source));
        })(),
      );
    }
    let text: string;
    try {
      text = readText(source);
    } catch (e) {
      throw thrown(`mcp_server_card: io: read ${source}: ${e instanceof Error ? e.message : String(e)}`);
    }
    return remember(parseCard(text));
  });
}
