// Free-function string builtins: `format`, the function forms of the string
// methods (`trim(s)`, `split(s, sep)`, ...), case conversions between
// snake/camel/kebab/Pascal, Unicode helpers and the path-string helpers
// `dirname`/`basename`/`extname` (pure string work on "/" paths, the same
// answers Rust's `Path` gives on Unix). Arguments are converted with
// `display()` like the reference does.

import { valuesEqual } from "../vm/compare.ts";
import { display } from "../vm/display.ts";
import { runtimeError } from "../vm/errors.ts";
import { codePoints } from "../vm/strings.ts";
import { Dict, type Value } from "../vm/values.ts";
import type { Vm } from "../vm/vm.ts";
import { intArg, textArg } from "./args.ts";
import {
  graphemes,
  lowercaseFirst,
  split,
  splitCamel,
  splitOn,
  titleCase,
  trim,
  uppercaseFirst,
  wordsJoined,
  wordsToCamel,
  wordsToPascal,
} from "./text.ts";

/** `format(template, ...)`: `{}` takes the next argument; with a dict, `{name}` looks it up. */
export function format(args: Value[]): string {
  const template = textArg(args, 0);
  const bindings = args[1];
  if (bindings instanceof Dict) {
    return template.replace(/\{([^}]*)\}/g, (whole, key: string) => {
      const v = bindings.map.get(key);
      return v === undefined ? whole : display(v);
    });
  }
  let next = 1;
  return template.replace(/\{\}/g, () => (next < args.length ? display(args[next++]!) : "{}"));
}

interface PathParts {
  readonly root: boolean;
  readonly parts: string[];
}

/** Path components: "." is dropped except at the start, empty segments are separators. */
function components(path: string): PathParts {
  const raw = path.split("/");
  const parts = raw.filter((p, i) => p !== "" && (p !== "." || (i === 0 && !path.startsWith("/"))));
  return { root: path.startsWith("/"), parts };
}

export function dirname(path: string): string {
  const { root, parts } = components(path);
  if (parts.length === 0) return "";
  const rest = parts.slice(0, -1).join("/");
  return root ? `/${rest}` : rest;
}

export function basename(path: string): string {
  const last = components(path).parts.at(-1);
  return last === undefined || last === "." || last === ".." ? "" : last;
}

export function extname(path: string): string {
  const name = basename(path);
  const dot = name.lastIndexOf(".");
  return dot <= 0 ? "" : `.${name.slice(dot + 1)}`;
}

function strPad(args: Value[]): string {
  const s = textArg(args, 0);
  const width = Math.max(intArg(args, 1) ?? 0, 0);
  const fillText = textArg(args, 2);
  const fill = fillText === "" ? " " : (graphemes(fillText)[0] ?? " ");
  const side = args.length > 3 ? display(args[3]!).toLowerCase() : "right";
  const count = graphemes(s).length;
  if (count >= width) return s;
  const needed = width - count;
  let left: number;
  if (side === "left") left = needed;
  else if (side === "right") left = 0;
  else if (side === "both") left = Math.floor(needed / 2);
  else throw runtimeError("str_pad: side must be left, right, or both");
  return fill.repeat(left) + s + fill.repeat(needed - left);
}

function normalize(args: Value[]): string {
  const form = args.length > 1 ? display(args[1]!).toUpperCase() : "NFC";
  if (form !== "NFC" && form !== "NFD" && form !== "NFKC" && form !== "NFKD") {
    throw runtimeError("unicode_normalize: form must be NFC, NFD, NFKC, or NFKD");
  }
  return textArg(args, 0).normalize(form);
}

function substring(args: Value[]): string {
  const chars = codePoints(textArg(args, 0));
  const start = Math.min(Math.max(intArg(args, 1) ?? 0, 0), chars.length);
  const length = intArg(args, 2);
  const end =
    length === undefined ? chars.length : start + Math.min(Math.max(length, 0), chars.length - start);
  return chars.slice(start, end).join("");
}

/** One-string-argument builtins: name → transformation. */
const UNARY: Record<string, (s: string) => Value> = {
  trim,
  lowercase: (s) => s.toLowerCase(),
  uppercase: (s) => s.toUpperCase(),
  unicode_graphemes: graphemes,
  snake_to_camel: (s) => wordsToCamel(splitOn(s, "_")),
  snake_to_pascal: (s) => wordsToPascal(splitOn(s, "_")),
  camel_to_snake: (s) => wordsJoined(splitCamel(s), "_"),
  pascal_to_snake: (s) => wordsJoined(splitCamel(s), "_"),
  kebab_to_camel: (s) => wordsToCamel(splitOn(s, "-")),
  camel_to_kebab: (s) => wordsJoined(splitCamel(s), "-"),
  snake_to_kebab: (s) => wordsJoined(splitOn(s, "_"), "-"),
  kebab_to_snake: (s) => wordsJoined(splitOn(s, "-"), "_"),
  pascal_to_camel: lowercaseFirst,
  camel_to_pascal: uppercaseFirst,
  uppercase_first: uppercaseFirst,
  lowercase_first: lowercaseFirst,
  title_case: titleCase,
  dirname,
  basename,
  extname,
};

export function registerStrings(vm: Vm): void {
  for (const [name, fn] of Object.entries(UNARY)) vm.registerBuiltin(name, (args) => fn(textArg(args, 0)));
  const b = vm.registerBuiltin.bind(vm);
  b("format", format);
  b("split", (args) => split(textArg(args, 0), textArg(args, 1, " ")));
  b("starts_with", (args) => textArg(args, 0).startsWith(textArg(args, 1)));
  b("ends_with", (args) => textArg(args, 0).endsWith(textArg(args, 1)));
  b("contains", (args) => {
    const target = args[0] ?? null;
    if (typeof target === "string") return target.includes(textArg(args, 1));
    if (Array.isArray(target)) return target.some((v) => valuesEqual(v, args[1] ?? null));
    return false;
  });
  b("replace", (args) => split(textArg(args, 0), textArg(args, 1)).join(textArg(args, 2)));
  b("join", (args) => {
    const items = args[0];
    return Array.isArray(items) ? items.map(display).join(textArg(args, 1)) : "";
  });
  b("substring", substring);
  b("str_pad", strPad);
  b("unicode_normalize", normalize);
}
