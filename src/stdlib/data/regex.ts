// Regular expressions with Rust `regex`-crate semantics (spec: builtins
// "Regular expressions"), on re2js — linear time like the reference, and
// usable in a browser. Patterns pass through the Rust-syntax shim
// (regex-shim.ts); iteration follows Rust's rule that an empty match right
// where the previous match ended is skipped; replacements expand `$1`,
// `$name`, `${name}` and `$$` like `Captures::expand`. Compiled patterns are
// memoized (128 entries, cleared when full, as the reference does).
//
// The helpers `compileRegex`, `regexMatches`, `regexReplace` and
// `regexSplit` are exported for other builtins that need Rust-compatible
// regexes (string helpers, tool search, templates).

import { RE2JS } from "re2js";
import { thrown } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { optionalText, textArg } from "./args.ts";
import { RegexSyntaxError, translatePattern } from "./regex-shim.ts";

export interface CompiledRegex {
  readonly re: RE2JS;
  /** Group index by name. */
  readonly names: ReadonlyMap<string, number>;
  readonly groupCount: number;
}

/** One match: `spans[i]` is group i's `[start, end)` in UTF-16 units, or null when it did not take part. */
export interface RegexMatch {
  readonly spans: readonly (readonly [number, number] | null)[];
}

const CACHE_LIMIT = 128;
const cache = new Map<string, CompiledRegex>();

/** Compiles (or fetches from the cache) `pattern` with flags from `imsx`; throws the thrown `Invalid regex: ...`. */
export function compileRegex(pattern: string, flags = ""): CompiledRegex {
  const key = `${flags}\0${pattern}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let re2Flags = 0;
  for (const f of flags) {
    if (f === "i") re2Flags |= RE2JS.CASE_INSENSITIVE;
    else if (f === "m") re2Flags |= RE2JS.MULTILINE;
    else if (f === "s") re2Flags |= RE2JS.DOTALL;
    else if (f !== "x") throw thrown(`Invalid regex: unsupported regex flag '${f}', expected one of i/m/s/x`);
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(translatePattern(pattern, flags.includes("x")), re2Flags);
  } catch (e) {
    const detail = e instanceof RegexSyntaxError ? e.message : e instanceof Error ? e.message : String(e);
    throw thrown(`Invalid regex: ${detail}`);
  }
  const compiled: CompiledRegex = {
    re,
    names: new Map(Object.entries(re.namedGroups())),
    groupCount: re.groupCount(),
  };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

/** Width in UTF-16 units of the code point at `i`. */
function charWidth(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
}

/** All non-overlapping matches, left to right, with Rust's empty-match rule. */
export function* regexMatches(compiled: CompiledRegex, text: string): Generator<RegexMatch> {
  const m = compiled.re.matcher(text);
  let pos = 0;
  let lastEnd = -1;
  while (pos <= text.length && m.find(pos)) {
    const start = m.start();
    const end = m.end();
    if (start === end && end === lastEnd) {
      if (end >= text.length) return;
      pos = end + charWidth(text, end);
      continue;
    }
    const spans: ([number, number] | null)[] = [[start, end]];
    for (let g = 1; g <= compiled.groupCount; g++) {
      const s = m.start(g);
      spans.push(s < 0 ? null : [s, m.end(g)]);
    }
    yield { spans };
    lastEnd = end;
    pos = end;
  }
}

/** Rust's `Captures::expand`: `$$`, `$n`, `$name` (longest `[A-Za-z0-9_]+`), `${name}`. */
export function expandReplacement(
  template: string,
  match: RegexMatch,
  text: string,
  compiled: CompiledRegex,
): string {
  const group = (ref: string): string => {
    const index = /^[0-9]+$/.test(ref) ? Number(ref) : compiled.names.get(ref);
    const span = index === undefined ? null : (match.spans[index] ?? null);
    return span === null ? "" : text.slice(span[0], span[1]);
  };
  let out = "";
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf("$", i);
    if (dollar < 0) break;
    out += template.slice(i, dollar);
    const rest = template.slice(dollar + 1);
    if (rest.startsWith("$")) {
      out += "$";
      i = dollar + 2;
      continue;
    }
    const ref = /^\{([^}]+)\}/.exec(rest) ?? /^[A-Za-z0-9_]+/.exec(rest);
    if (ref === null) {
      out += "$";
      i = dollar + 1;
      continue;
    }
    out += group(ref[1] ?? ref[0]);
    i = dollar + 1 + ref[0].length;
  }
  return out + template.slice(i);
}

/** Replaces every match of `compiled` in `text` with the expanded `template`. */
export function regexReplace(compiled: CompiledRegex, template: string, text: string): string {
  let out = "";
  let last = 0;
  for (const match of regexMatches(compiled, text)) {
    const [start, end] = match.spans[0]!;
    out += text.slice(last, start) + expandReplacement(template, match, text, compiled);
    last = end;
  }
  return out + text.slice(last);
}

/** The pieces of `text` between matches (leading and trailing empty pieces kept, as Rust's `split`). */
export function regexSplit(compiled: CompiledRegex, text: string): string[] {
  const pieces: string[] = [];
  let last = 0;
  for (const match of regexMatches(compiled, text)) {
    const [start, end] = match.spans[0]!;
    pieces.push(text.slice(last, start));
    last = end;
  }
  pieces.push(text.slice(last));
  return pieces;
}

function capturesDict(compiled: CompiledRegex, match: RegexMatch, text: string): Dict {
  const slice = (span: readonly [number, number] | null): Value =>
    span === null ? null : text.slice(span[0], span[1]);
  const map = new Map<string, Value>();
  map.set("match", slice(match.spans[0]!));
  map.set("groups", match.spans.slice(1).map(slice));
  for (const [name, index] of compiled.names) {
    const span = match.spans[index] ?? null;
    if (span !== null) map.set(name, slice(span));
  }
  return new Dict(map);
}

export function registerRegex(vm: Vm): void {
  vm.registerBuiltin("regex_match", (args) => {
    const compiled = compileRegex(
      textArg(args, 0, "regex_match", "pattern"),
      optionalText(args, 2, "regex_match", "flags", ""),
    );
    const text = textArg(args, 1, "regex_match", "text");
    const found: Value[] = [];
    for (const match of regexMatches(compiled, text)) found.push(text.slice(...match.spans[0]!));
    return found.length === 0 ? null : found;
  });

  const replace = (fn: string) => (args: Value[]) => {
    const compiled = compileRegex(textArg(args, 0, fn, "pattern"));
    return regexReplace(compiled, textArg(args, 1, fn, "replacement"), textArg(args, 2, fn, "text"));
  };
  vm.registerBuiltin("regex_replace", replace("regex_replace"));
  vm.registerBuiltin("regex_replace_all", replace("regex_replace_all"));

  vm.registerBuiltin("regex_captures", (args) => {
    const compiled = compileRegex(textArg(args, 0, "regex_captures", "pattern"));
    const text = textArg(args, 1, "regex_captures", "text");
    return [...regexMatches(compiled, text)].map((match) => capturesDict(compiled, match, text));
  });

  vm.registerBuiltin("regex_split", (args) => {
    const text = textArg(args, 0, "regex_split", "text");
    const compiled = compileRegex(
      textArg(args, 1, "regex_split", "pattern"),
      optionalText(args, 2, "regex_split", "flags", ""),
    );
    return regexSplit(compiled, text);
  });
}
