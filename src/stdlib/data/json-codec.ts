// JSON text to Harn values (spec: builtins "JSON").
//
// Parsing is hand-written because `JSON.parse` cannot keep `1` (int) apart
// from `1.0` (float) and rounds integers beyond 2^53. The grammar is strict
// RFC 8259 like serde_json's: integer literals that fit an i64 become ints,
// everything else numeric (fractions, exponents, integers outside i64, and
// `-0`) becomes a float; nesting deeper than 128 is refused. Errors read
// like serde_json's: `<what> at line L column C`.
// Writing lives in json-writer.ts.

import { normInt } from "../../vm/numbers.ts";
import { Dict, HFloat, type Value } from "../../vm/values.ts";

// Writing moved to json-writer.ts; re-exported for existing importers.
export { stringifyJson } from "./json-writer.ts";

/** A JSON syntax error with serde_json's wording and position. */
export class JsonSyntaxError extends Error {}

const MAX_DEPTH = 128;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/** Parses one JSON document (surrounding whitespace allowed) into a Harn value. */
export function parseJson(text: string): Value {
  const parser = new JsonParser(text);
  parser.skipWhitespace();
  const value = parser.parseValue(0);
  parser.skipWhitespace();
  if (parser.pos < text.length) throw parser.errorAtPeek("trailing characters");
  return value;
}

class JsonParser {
  pos = 0;
  constructor(private readonly text: string) {}

  /** Error located at the next, unconsumed character (serde's `peek_error`). */
  errorAtPeek(what: string): JsonSyntaxError {
    return this.errorAt(what, Math.min(this.pos + 1, this.text.length));
  }

  /** Error located at the last consumed character (serde's `error`). */
  errorHere(what: string): JsonSyntaxError {
    return this.errorAt(what, this.pos);
  }

  private errorAt(what: string, index: number): JsonSyntaxError {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < index; i++) {
      if (this.text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    return new JsonSyntaxError(`${what} at line ${line} column ${index - lineStart}`);
  }

  skipWhitespace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return;
      this.pos++;
    }
  }

  parseValue(depth: number): Value {
    if (this.pos >= this.text.length) throw this.errorAtPeek("EOF while parsing a value");
    const c = this.text[this.pos]!;
    switch (c) {
      case "{":
        return this.parseObject(depth + 1);
      case "[":
        return this.parseArray(depth + 1);
      case '"':
        this.pos++;
        return this.parseString();
      case "t":
        return this.parseIdent("true", true);
      case "f":
        return this.parseIdent("false", false);
      case "n":
        return this.parseIdent("null", null);
      default:
        if (c === "-" || (c >= "0" && c <= "9")) return this.parseNumber();
        throw this.errorAtPeek("expected value");
    }
  }

  private parseIdent(word: string, value: Value): Value {
    this.pos++;
    for (let i = 1; i < word.length; i++) {
      if (this.pos >= this.text.length) throw this.errorHere("EOF while parsing a value");
      const ch = this.text[this.pos++];
      if (ch !== word[i]) throw this.errorHere("expected ident");
    }
    return value;
  }

  private parseNumber(): Value {
    const t = this.text;
    const start = this.pos;
    if (t[this.pos] === "-") this.pos++;
    if (this.pos >= t.length) throw this.errorHere("EOF while parsing a value");
    const first = t[this.pos]!;
    if (first === "0") {
      this.pos++;
      if (isDigit(t[this.pos])) throw this.errorAtPeek("invalid number");
    } else if (isDigit(first)) {
      while (isDigit(t[this.pos])) this.pos++;
    } else {
      throw this.errorAtPeek("invalid number");
    }
    let isFloat = false;
    if (t[this.pos] === ".") {
      isFloat = true;
      this.pos++;
      this.requireDigits();
    }
    if (t[this.pos] === "e" || t[this.pos] === "E") {
      isFloat = true;
      this.pos++;
      if (t[this.pos] === "+" || t[this.pos] === "-") this.pos++;
      this.requireDigits();
    }
    const literal = t.slice(start, this.pos);
    if (!isFloat) {
      const asInt = integerLiteral(literal);
      if (asInt !== undefined) return asInt;
    }
    const x = Number(literal);
    if (!Number.isFinite(x)) throw this.errorHere("number out of range");
    return new HFloat(x);
  }

  private requireDigits(): void {
    if (this.pos >= this.text.length) throw this.errorHere("EOF while parsing a value");
    if (!isDigit(this.text[this.pos])) throw this.errorAtPeek("invalid number");
    while (isDigit(this.text[this.pos])) this.pos++;
  }

  /** The string body after its opening quote. */
  parseString(): string {
    const t = this.text;
    let out = "";
    let runStart = this.pos;
    for (;;) {
      if (this.pos >= t.length) throw this.errorHere("EOF while parsing a string");
      const c = t.charCodeAt(this.pos);
      if (c === 34) {
        out += t.slice(runStart, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) {
        this.pos++;
        throw this.errorHere("control character (\\u0000-\\u001F) found while parsing a string");
      }
      if (c === 92) {
        out += t.slice(runStart, this.pos);
        this.pos++;
        out += this.parseEscape();
        runStart = this.pos;
        continue;
      }
      this.pos++;
    }
  }

  private parseEscape(): string {
    if (this.pos >= this.text.length) throw this.errorHere("EOF while parsing a string");
    const c = this.text[this.pos++]!;
    switch (c) {
      case '"':
        return '"';
      case "\\":
        return "\\";
      case "/":
        return "/";
      case "b":
        return "\b";
      case "f":
        return "\f";
      case "n":
        return "\n";
      case "r":
        return "\r";
      case "t":
        return "\t";
      case "u":
        return this.parseUnicodeEscape();
      default:
        throw this.errorHere("invalid escape");
    }
  }

  private parseUnicodeEscape(): string {
    const unit = this.hex4();
    if (unit >= 0xdc00 && unit <= 0xdfff) throw this.errorHere("lone leading surrogate in hex escape");
    if (unit < 0xd800 || unit > 0xdbff) return String.fromCharCode(unit);
    if (this.text[this.pos] !== "\\" || this.text[this.pos + 1] !== "u") {
      if (this.pos >= this.text.length) throw this.errorHere("EOF while parsing a string");
      throw this.errorHere("unexpected end of hex escape");
    }
    this.pos += 2;
    const low = this.hex4();
    if (low < 0xdc00 || low > 0xdfff) throw this.errorHere("lone leading surrogate in hex escape");
    return String.fromCharCode(unit, low);
  }

  private hex4(): number {
    let n = 0;
    for (let i = 0; i < 4; i++) {
      if (this.pos >= this.text.length) throw this.errorHere("EOF while parsing a string");
      const d = Number.parseInt(this.text[this.pos++]!, 16);
      if (Number.isNaN(d)) throw this.errorHere("invalid escape");
      n = n * 16 + d;
    }
    return n;
  }

  private parseArray(depth: number): Value {
    if (depth > MAX_DEPTH) throw this.errorHere("recursion limit exceeded");
    this.pos++;
    const items: Value[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return items;
    }
    for (;;) {
      items.push(this.parseValue(depth));
      this.skipWhitespace();
      if (this.pos >= this.text.length) throw this.errorAtPeek("EOF while parsing a list");
      const c = this.text[this.pos];
      if (c === "]") {
        this.pos++;
        return items;
      }
      if (c !== ",") throw this.errorAtPeek("expected `,` or `]`");
      this.pos++;
      this.skipWhitespace();
      if (this.text[this.pos] === "]") throw this.errorAtPeek("trailing comma");
    }
  }

  private parseObject(depth: number): Value {
    if (depth > MAX_DEPTH) throw this.errorHere("recursion limit exceeded");
    this.pos++;
    const map = new Map<string, Value>();
    this.skipWhitespace();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return new Dict(map);
    }
    for (;;) {
      const key = this.parseKey();
      this.skipWhitespace();
      if (this.pos >= this.text.length) throw this.errorAtPeek("EOF while parsing an object");
      if (this.text[this.pos] !== ":") throw this.errorAtPeek("expected `:`");
      this.pos++;
      this.skipWhitespace();
      map.set(key, this.parseValue(depth));
      this.skipWhitespace();
      if (this.pos >= this.text.length) throw this.errorAtPeek("EOF while parsing an object");
      const c = this.text[this.pos];
      if (c === "}") {
        this.pos++;
        return new Dict(map);
      }
      if (c !== ",") throw this.errorAtPeek("expected `,` or `}`");
      this.pos++;
      this.skipWhitespace();
      if (this.text[this.pos] === "}") throw this.errorAtPeek("trailing comma");
    }
  }

  private parseKey(): string {
    if (this.pos >= this.text.length) throw this.errorAtPeek("EOF while parsing an object");
    if (this.text[this.pos] !== '"') throw this.errorAtPeek("key must be a string");
    this.pos++;
    return this.parseString();
  }
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

/** An integer literal that fits an i64, as an int; otherwise undefined (and `-0` is a float). */
function integerLiteral(literal: string): Value | undefined {
  if (literal === "-0") return undefined;
  if (literal.length <= 15) return Number(literal) + 0;
  const b = BigInt(literal);
  if (b < I64_MIN || b > I64_MAX) return undefined;
  return normInt(b);
}
