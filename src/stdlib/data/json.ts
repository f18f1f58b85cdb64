// JSON builtins (spec: builtins "JSON"): `json_parse`, `json_stringify`,
// `json_extract` (JSON inside LLM prose or a markdown fence), RFC 6901
// pointers and the jq-like `jq`/`jq_first`. Failures are thrown strings, as
// in the reference, so `catch (e)` sees the message itself.

import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { failThrown, required, textArg } from "./args.ts";
import { JsonSyntaxError, parseJson } from "./json-codec.ts";
import { stringifyJson } from "./json-writer.ts";
import { pointerDelete, pointerGet, pointerSet, pointerTokens } from "./json-pointer.ts";
import { evalJq } from "./jq.ts";
import { JqError } from "./jq-parser.ts";

/** Parses JSON, turning syntax errors into the thrown `<prefix><serde-style message>`. */
export function parseJsonOrThrow(text: string, prefix: string): Value {
  try {
    return parseJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw failThrown(`${prefix}${e.message}`);
    throw e;
  }
}

/**
 * The JSON part of a model reply: the body of the first ``` fence if there
 * is one, else the first balanced `{...}`, else the first balanced `[...]`,
 * else the whole (trimmed) text.
 */
export function extractJsonText(text: string): string {
  const trimmed = text.trim();
  const fence = trimmed.indexOf("```");
  if (fence >= 0) {
    const afterTicks = trimmed.slice(fence + 3);
    const newline = afterTicks.indexOf("\n");
    const content = afterTicks.slice(newline >= 0 ? newline + 1 : 0);
    const close = content.indexOf("```");
    if (close >= 0) return content.slice(0, close).trim();
  }
  return balanced(trimmed, "{", "}") ?? balanced(trimmed, "[", "]") ?? trimmed;
}

/** The first `open ... close` span with balanced brackets, ignoring brackets inside strings. */
function balanced(text: string, open: string, close: string): string | undefined {
  const start = text.indexOf(open);
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString && c === "\\") {
      i += text[i + 1] === "u" && i + 5 < text.length ? 5 : 1;
      continue;
    }
    if (c === '"') inString = !inString;
    else if (!inString && c === open) depth++;
    else if (!inString && c === close && --depth === 0) return text.slice(start, i + 1);
  }
  return undefined;
}

function requireCount(args: readonly Value[], count: number, fn: string): void {
  if (args.length < count) throw failThrown(`${fn} requires ${count} arguments`);
}

function runJq(args: Value[], fn: string): Value[] {
  requireCount(args, 2, fn);
  try {
    return evalJq(args[0]!, textArg(args, 1, fn, "expr"));
  } catch (e) {
    if (e instanceof JqError) throw failThrown(e.message);
    throw e;
  }
}

export function registerJson(vm: Vm): void {
  vm.registerBuiltin("json_stringify", (args) => stringifyJson(required(args, 0, "json_stringify", "value")));

  vm.registerBuiltin("json_parse", (args) =>
    parseJsonOrThrow(textArg(args, 0, "json_parse", "text"), "JSON parse error: "),
  );

  vm.registerBuiltin("json_extract", (args) => {
    if (args.length === 0) throw failThrown("json_extract requires at least 1 argument: text");
    const parsed = parseJsonOrThrow(
      extractJsonText(textArg(args, 0, "json_extract", "text")),
      "json_extract: failed to parse JSON: ",
    );
    if (args.length < 2 || args[1] === null) return parsed;
    const key = textArg(args, 1, "json_extract", "key");
    if (!(parsed instanceof Dict)) {
      throw failThrown("json_extract: parsed value is not a dict, cannot extract key");
    }
    if (!parsed.map.has(key)) throw failThrown(`json_extract: key '${key}' not found`);
    return parsed.map.get(key)!;
  });

  vm.registerBuiltin("json_pointer", (args) => {
    requireCount(args, 2, "json_pointer");
    return pointerGet(args[0]!, pointerTokens(textArg(args, 1, "json_pointer", "pointer"), "json_pointer"));
  });

  vm.registerBuiltin("json_pointer_set", (args) => {
    requireCount(args, 3, "json_pointer_set");
    const tokens = pointerTokens(textArg(args, 1, "json_pointer_set", "pointer"), "json_pointer_set");
    return pointerSet(args[0]!, tokens, args[2]!);
  });

  vm.registerBuiltin("json_pointer_delete", (args) => {
    requireCount(args, 2, "json_pointer_delete");
    const tokens = pointerTokens(textArg(args, 1, "json_pointer_delete", "pointer"), "json_pointer_delete");
    return tokens.length === 0 ? null : pointerDelete(args[0]!, tokens);
  });

  vm.registerBuiltin("jq", (args) => runJq(args, "jq"));
  vm.registerBuiltin("jq_first", (args) => runJq(args, "jq_first")[0] ?? null);
}
