// The built-in filters of `{{ value | name: arg, ... }}`. All are plain
// functions of already-evaluated values (none calls back into Harn), so
// rendering never suspends. Text filters work on the template text of the
// value, where `nil` is the empty string.

import { typeName } from "../../vm/display.ts";
import { codePointLength, codePoints } from "../../vm/strings.ts";
import { Dict, HSet, RangeValue, type Value } from "../../vm/values.ts";
import { stringifyJson } from "../data/json-codec.ts";
import { reverse as reverseText, trim } from "../text.ts";
import { TemplateError } from "./template-error.ts";
import { templateText, templateTruthy } from "./values.ts";

type Filter = (v: Value, args: readonly Value[], fail: (reason: string) => TemplateError) => Value;

/** Applies filter `name`; `line`/`col` locate the directive for errors. */
export function applyFilter(
  name: string,
  v: Value,
  args: readonly Value[],
  line: number,
  col: number,
): Value {
  const fail = (reason: string): TemplateError => new TemplateError(line, col, reason);
  const spec = FILTERS.get(name);
  if (spec === undefined) throw fail(`unknown filter \`${name}\``);
  const [min, max, filter] = spec;
  if (args.length < min || args.length > max) throw fail(`filter \`${name}\` got wrong number of arguments`);
  return filter(v, args, fail);
}

const text =
  (f: (s: string) => string): Filter =>
  (v) =>
    f(templateText(v));

/** name → [min args, max args, implementation]. */
const FILTERS = new Map<string, [number, number, Filter]>([
  ["upper", [0, 0, text((s) => s.toUpperCase())]],
  ["lower", [0, 0, text((s) => s.toLowerCase())]],
  ["trim", [0, 0, text(trim)]],
  ["capitalize", [0, 0, text(capitalize)]],
  ["title", [0, 0, text(titleWords)]],
  ["length", [0, 0, length]],
  ["first", [0, 0, (v) => edge(v, true)]],
  ["last", [0, 0, (v) => edge(v, false)]],
  [
    "reverse",
    [0, 0, (v) => (Array.isArray(v) ? [...v].reverse() : typeof v === "string" ? reverseText(v) : v)],
  ],
  ["join", [1, 1, join]],
  ["default", [1, 1, (v, args) => (templateTruthy(v) ? v : args[0]!)]],
  [
    "json",
    [
      0,
      1,
      (v, args) =>
        args[0] !== undefined && templateTruthy(args[0]) ? prettyJson(stringifyJson(v)) : stringifyJson(v),
    ],
  ],
  ["indent", [1, 2, indent]],
  ["lines", [0, 0, (v) => templateText(v).split("\n")]],
  ["escape_md", [0, 0, text((s) => s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, "\\$&"))]],
  [
    "replace",
    [2, 2, (v, args) => templateText(v).replaceAll(templateText(args[0]!), templateText(args[1]!))],
  ],
]);

function capitalize(s: string): string {
  const [first, ...rest] = codePoints(s);
  return first === undefined ? "" : first.toUpperCase() + rest.join("").toLowerCase();
}

/** Upper-cases the first letter after each whitespace run, lower-cases the rest. */
function titleWords(s: string): string {
  let out = "";
  let atStart = true;
  for (const c of s) {
    if (/\s/u.test(c)) {
      atStart = true;
      out += c;
    } else {
      out += atStart ? c.toUpperCase() : c.toLowerCase();
      atStart = false;
    }
  }
  return out;
}

function length(v: Value, _args: readonly Value[], fail: (reason: string) => TemplateError): Value {
  if (v === null) return 0;
  if (typeof v === "string") return codePointLength(v);
  if (Array.isArray(v)) return v.length;
  if (v instanceof HSet) return v.items.length;
  if (v instanceof Dict) return v.map.size;
  if (v instanceof RangeValue) return v.length;
  throw fail(`\`length\` not defined for ${typeName(v)}`);
}

/** `first` / `last`: an element of a list or set, a character of a string, else nil. */
function edge(v: Value, first: boolean): Value {
  const items = Array.isArray(v)
    ? v
    : v instanceof HSet
      ? v.items
      : typeof v === "string"
        ? codePoints(v)
        : [];
  const item = first ? items[0] : items[items.length - 1];
  return item === undefined ? null : item;
}

function join(v: Value, args: readonly Value[], fail: (reason: string) => TemplateError): Value {
  const sep = templateText(args[0]!);
  if (typeof v === "string") return v;
  const items = Array.isArray(v) ? v : v instanceof HSet ? v.items : undefined;
  if (items === undefined) throw fail(`\`join\` requires a list (got ${typeName(v)})`);
  return items.map(templateText).join(sep);
}

/** Pads every non-empty line after the first (and the first too when asked) with `width` spaces. */
function indent(v: Value, args: readonly Value[], fail: (reason: string) => TemplateError): Value {
  const width = args[0];
  if (typeof width !== "number" && typeof width !== "bigint")
    throw fail("`indent` requires an integer width");
  const pad = " ".repeat(width > 0 ? Number(width) : 0);
  const indentFirst = args[1] !== undefined && templateTruthy(args[1]);
  return templateText(v)
    .split("\n")
    .map((line, i) => (line !== "" && (i > 0 || indentFirst) ? pad + line : line))
    .join("\n");
}

/**
 * Re-lays compact JSON text in the pretty style of the reference (two-space
 * indent, `"key": value`, empty containers kept as `[]` / `{}`).
 */
export function prettyJson(compact: string): string {
  let out = "";
  let depth = 0;
  const newline = (): string => `\n${"  ".repeat(depth)}`;
  for (let i = 0; i < compact.length; i++) {
    const c = compact[i]!;
    if (c === '"') {
      let j = i + 1;
      while (compact[j] !== '"') j += compact[j] === "\\" ? 2 : 1;
      out += compact.slice(i, j + 1);
      i = j;
    } else if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      if (compact[i + 1] === close) {
        out += c + close;
        i++;
      } else {
        depth++;
        out += c + newline();
      }
    } else if (c === "}" || c === "]") {
      depth--;
      out += newline() + c;
    } else if (c === ",") {
      out += `,${newline()}`;
    } else if (c === ":") {
      out += ": ";
    } else {
      out += c;
    }
  }
  return out;
}
