// TOML text for `toml_stringify`, laid out like the toml crate: a table's
// plain key/values first, then its sub-tables as `[a.b]` sections and lists
// of tables as `[[a.b]]` sections, a blank line before each section; other
// arrays and tables nested in arrays are written inline. Floats always
// carry a fraction (`1.0`) so they read back as floats; nil has no TOML
// form and is an error.

import { formatFloat } from "../../vm/numbers.ts";
import { type DataValue, FloatData } from "./data-value.ts";

/** TOML document text of a table; throws an Error with a plain message for unrepresentable data. */
export function writeToml(root: DataValue): string {
  if (!(root instanceof Map)) throw new Error("TOML documents must be tables (dicts)");
  const out: string[] = [];
  writeTable(root, [], out, false);
  return out.join("");
}

function isTableArray(v: DataValue): v is Map<string, DataValue>[] {
  return Array.isArray(v) && v.length > 0 && v.every((item) => item instanceof Map);
}

function isSection(v: DataValue): boolean {
  return v instanceof Map || isTableArray(v);
}

function writeTable(table: Map<string, DataValue>, path: string[], out: string[], arrayItem: boolean): void {
  const plain = [...table].filter(([, v]) => !isSection(v));
  const sections = [...table].filter(([, v]) => isSection(v));
  if (path.length > 0 && (arrayItem || plain.length > 0 || sections.length === 0)) {
    if (out.length > 0) out.push("\n");
    const header = path.map(key).join(".");
    out.push(arrayItem ? `[[${header}]]\n` : `[${header}]\n`);
  }
  for (const [k, v] of plain) out.push(`${key(k)} = ${inline(v)}\n`);
  for (const [k, v] of sections) {
    if (v instanceof Map) writeTable(v, [...path, k], out, false);
    else for (const item of v as Map<string, DataValue>[]) writeTable(item, [...path, k], out, true);
  }
}

function key(k: string): string {
  return /^[A-Za-z0-9_-]+$/.test(k) ? k : quote(k);
}

function inline(v: DataValue): string {
  if (v === null) throw new Error("unsupported nil value (TOML has no null)");
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "bigint") return String(v);
  if (typeof v === "string") return quote(v);
  if (v instanceof FloatData) return floatText(v.v);
  if (Array.isArray(v)) return `[${v.map(inline).join(", ")}]`;
  const entries = [...v].map(([k, item]) => `${key(k)} = ${inline(item)}`);
  return entries.length === 0 ? "{}" : `{ ${entries.join(", ")} }`;
}

function floatText(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const text = formatFloat(x);
  return text.includes(".") ? text : `${text}.0`;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\t": "\\t",
  "\r": "\\r",
  "\b": "\\b",
  "\f": "\\f",
};

function quote(s: string): string {
  const body = s.replace(/["\\\u0000-\u001f\u007f]/g, (c) => {
    return ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  });
  return `"${body}"`;
}
