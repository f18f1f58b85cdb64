// A reader for the argument of a text-mode tool call, `name({ key: value })`:
// TypeScript-style object literals (bare or quoted keys, single, double
// and backtick strings, `<<EOF` heredocs, numbers, booleans, null,
// arrays, nested objects, trailing commas). Models write this shape far
// more reliably than strict JSON, so the text protocol accepts it.

import type { JsonObject, JsonValue } from "../json.ts";

export class LiteralError extends Error {}

export class TsLiteralReader {
  pos: number;

  constructor(
    private readonly src: string,
    start = 0,
  ) {
    this.pos = start;
  }

  private fail(what: string): never {
    throw new LiteralError(`${what} at offset ${this.pos}`);
  }

  private skipSpace(): void {
    for (;;) {
      while (this.pos < this.src.length && /\s/.test(this.src[this.pos]!)) this.pos++;
      if (this.src.startsWith("//", this.pos)) {
        const nl = this.src.indexOf("\n", this.pos);
        this.pos = nl < 0 ? this.src.length : nl + 1;
        continue;
      }
      return;
    }
  }

  private peek(): string {
    this.skipSpace();
    return this.src[this.pos] ?? "";
  }

  value(): JsonValue {
    const c = this.peek();
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"' || c === "'" || c === "`") return this.quoted(c);
    if (this.src.startsWith("<<", this.pos)) return this.heredoc();
    if (c === "-" || /[0-9]/.test(c)) return this.number();
    const word = /^[A-Za-z_$][\w$]*/.exec(this.src.slice(this.pos))?.[0];
    if (word === "true" || word === "false") {
      this.pos += word.length;
      return word === "true";
    }
    if (word === "null" || word === "undefined" || word === "nil") {
      this.pos += word.length;
      return null;
    }
    return this.fail(`unexpected ${c === "" ? "end of input" : JSON.stringify(c)}`);
  }

  private object(): JsonObject {
    this.pos++;
    const out: JsonObject = {};
    for (;;) {
      const c = this.peek();
      if (c === "}") {
        this.pos++;
        return out;
      }
      const key = c === '"' || c === "'" ? this.quoted(c) : this.identifier();
      if (this.peek() !== ":") this.fail(`expected ':' after key ${JSON.stringify(key)}`);
      this.pos++;
      out[key] = this.value();
      const next = this.peek();
      if (next === ",") this.pos++;
      else if (next !== "}") this.fail("expected ',' or '}'");
    }
  }

  private array(): JsonValue[] {
    this.pos++;
    const out: JsonValue[] = [];
    for (;;) {
      if (this.peek() === "]") {
        this.pos++;
        return out;
      }
      out.push(this.value());
      const next = this.peek();
      if (next === ",") this.pos++;
      else if (next !== "]") this.fail("expected ',' or ']'");
    }
  }

  private identifier(): string {
    const m = /^[A-Za-z_$][\w$-]*/.exec(this.src.slice(this.pos));
    if (!m) return this.fail("expected an object key");
    this.pos += m[0].length;
    return m[0];
  }

  private quoted(quote: string): string {
    let out = "";
    this.pos++;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos++]!;
      if (c === quote) return out;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = this.src[this.pos++] ?? "";
      const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", "0": "\0" };
      if (e === "u") {
        out += String.fromCharCode(Number.parseInt(this.src.slice(this.pos, this.pos + 4), 16));
        this.pos += 4;
      } else out += simple[e] ?? e;
    }
    return this.fail("unterminated string");
  }

  /** `<<TAG` newline, body, a line holding only TAG: the body verbatim. */
  private heredoc(): string {
    const m = /^<<['"]?([A-Za-z_][\w]*)['"]?[ \t]*\r?\n/.exec(this.src.slice(this.pos));
    if (!m) return this.fail("malformed heredoc");
    const bodyStart = this.pos + m[0].length;
    const end = new RegExp(`^[ \\t]*${m[1]}[ \\t]*$`, "m");
    const rest = this.src.slice(bodyStart);
    const close = end.exec(rest);
    if (!close) return this.fail(`heredoc ${m[1]} is not closed`);
    this.pos = bodyStart + close.index + close[0].length;
    return rest.slice(0, close.index).replace(/\r?\n$/, "");
  }

  private number(): number {
    const m = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(this.src.slice(this.pos));
    if (!m) return this.fail("malformed number");
    this.pos += m[0].length;
    return Number(m[0]);
  }

  /** Reads `(args)` at the cursor; an empty argument list reads as `{}`. */
  callArguments(): JsonValue {
    if (this.peek() !== "(") this.fail("expected '('");
    this.pos++;
    if (this.peek() === ")") {
      this.pos++;
      return {};
    }
    const args = this.value();
    if (this.peek() !== ")") this.fail("expected ')' after the call arguments");
    this.pos++;
    return args;
  }
}
