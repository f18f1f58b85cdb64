// Parser for the jq-like query language (jq.ts evaluates the tree): a
// recursive-descent parser over the source text with the precedence
// pipe < comma < and/or (one level, left-associative) < comparison < not.
// Inside object values commas separate fields, so those values parse
// without the comma level. Errors are `JqError`s with `jq: ...` messages.

import { HFloat, type Value } from "../../vm/values.ts";
import { parseIntLiteral } from "../../vm/numbers.ts";
import { JsonSyntaxError, parseJson } from "./json-codec.ts";

export class JqError extends Error {}

export type Step =
  | { readonly kind: "field"; readonly name: string }
  | { readonly kind: "iterate" }
  | { readonly kind: "index"; readonly index: number }
  | { readonly kind: "slice"; readonly start: number | null; readonly end: number | null };

export type Expr =
  | { readonly kind: "pipe"; readonly stages: readonly Expr[] }
  | { readonly kind: "comma"; readonly items: readonly Expr[] }
  | { readonly kind: "path"; readonly steps: readonly Step[] }
  | { readonly kind: "recurse" }
  | { readonly kind: "builtin"; readonly name: "length" | "keys" | "values" | "type" }
  | { readonly kind: "map" | "select" | "not"; readonly body: Expr }
  | { readonly kind: "object"; readonly fields: readonly (readonly [string, Expr])[] }
  | { readonly kind: "literal"; readonly value: Value }
  | {
      readonly kind: "compare";
      readonly op: "==" | "!=" | "<" | ">";
      readonly left: Expr;
      readonly right: Expr;
    }
  | { readonly kind: "logic"; readonly op: "and" | "or"; readonly left: Expr; readonly right: Expr };

export class JqParser {
  private pos = 0;
  constructor(private readonly src: string) {}

  atEnd(): boolean {
    return this.pos >= this.src.length;
  }

  rest(): string {
    return this.src.slice(this.pos);
  }

  skipSpace(): void {
    while (this.pos < this.src.length && /\s/u.test(this.src[this.pos]!)) this.pos++;
  }

  private peek(): string | undefined {
    return this.src[this.pos];
  }

  private eat(text: string): boolean {
    this.skipSpace();
    if (!this.src.startsWith(text, this.pos)) return false;
    this.pos += text.length;
    return true;
  }

  private expect(ch: string): void {
    if (!this.eat(ch)) throw new JqError(`jq: expected '${ch}' near '${this.rest()}'`);
  }

  private keyword(word: string): boolean {
    this.skipSpace();
    if (!this.src.startsWith(word, this.pos)) return false;
    if (/[A-Za-z0-9_]/.test(this.src[this.pos + word.length] ?? "")) return false;
    this.pos += word.length;
    return true;
  }

  private ident(): string | undefined {
    this.skipSpace();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(this.pos));
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  /** `a | b | ...`; inside object values commas belong to the object, not the expression. */
  parsePipe(allowComma: boolean): Expr {
    const stages = [allowComma ? this.parseComma() : this.parseLogic()];
    while (this.eat("|")) stages.push(allowComma ? this.parseComma() : this.parseLogic());
    return stages.length === 1 ? stages[0]! : { kind: "pipe", stages };
  }

  private parseComma(): Expr {
    const items = [this.parseLogic()];
    while (this.eat(",")) items.push(this.parseLogic());
    return items.length === 1 ? items[0]! : { kind: "comma", items };
  }

  private parseLogic(): Expr {
    let left = this.parseCompare();
    for (;;) {
      const op = this.keyword("and") ? "and" : this.keyword("or") ? "or" : undefined;
      if (op === undefined) return left;
      left = { kind: "logic", op, left, right: this.parseCompare() };
    }
  }

  private parseCompare(): Expr {
    const left = this.parseUnary();
    for (const op of ["==", "!=", "<", ">"] as const) {
      if (this.eat(op)) return { kind: "compare", op, left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): Expr {
    if (this.keyword("not")) return { kind: "not", body: this.parseUnary() };
    return this.parsePrimary();
  }

  private parsePrimary(): Expr {
    this.skipSpace();
    if (this.eat("(")) {
      const inner = this.parsePipe(true);
      this.expect(")");
      return inner;
    }
    if (this.src.startsWith("..", this.pos)) {
      this.pos += 2;
      return { kind: "recurse" };
    }
    const c = this.peek();
    if (c === ".") return this.parsePath();
    if (c === "{") return this.parseObject();
    if (c === '"') return { kind: "literal", value: this.parseString() };
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return this.parseNumber();
    const name = this.ident();
    if (name === undefined) throw new JqError(`jq: expected expression near '${this.rest()}'`);
    return this.namedPrimary(name);
  }

  private namedPrimary(name: string): Expr {
    switch (name) {
      case "true":
        return { kind: "literal", value: true };
      case "false":
        return { kind: "literal", value: false };
      case "null":
      case "nil":
        return { kind: "literal", value: null };
      case "length":
      case "keys":
      case "values":
      case "type":
        return { kind: "builtin", name };
      case "map":
      case "select": {
        this.expect("(");
        const body = this.parsePipe(true);
        this.expect(")");
        return { kind: name, body };
      }
      default:
        throw new JqError(`jq: unknown identifier '${name}'`);
    }
  }

  private parsePath(): Expr {
    this.expect(".");
    const steps: Step[] = [];
    for (;;) {
      this.skipSpace();
      if (this.peek() === "[") {
        steps.push(this.parseBracket());
      } else if (this.eat(".")) {
        this.skipSpace();
        if (this.peek() === "[") {
          steps.push(this.parseBracket());
          continue;
        }
        const name = this.ident();
        if (name === undefined) throw new JqError(`jq: expected field name near '${this.rest()}'`);
        steps.push({ kind: "field", name });
      } else {
        const name = this.ident();
        if (name === undefined) break;
        steps.push({ kind: "field", name });
      }
    }
    return { kind: "path", steps };
  }

  private parseBracket(): Step {
    this.expect("[");
    if (this.eat("]")) return { kind: "iterate" };
    this.skipSpace();
    if (this.peek() === '"') {
      const name = this.parseString();
      this.expect("]");
      return { kind: "field", name };
    }
    const start = this.signedInt();
    if (this.eat(":")) {
      const end = this.signedInt();
      this.expect("]");
      return { kind: "slice", start, end };
    }
    this.expect("]");
    if (start === null) throw new JqError("jq: expected array index or slice bound");
    return { kind: "index", index: start };
  }

  private signedInt(): number | null {
    this.skipSpace();
    const m = /^-?[0-9]+/.exec(this.src.slice(this.pos));
    if (!m) return null;
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private parseObject(): Expr {
    this.expect("{");
    const fields: [string, Expr][] = [];
    while (!this.eat("}")) {
      this.skipSpace();
      const key = this.peek() === '"' ? this.parseString() : this.ident();
      if (key === undefined) throw new JqError(`jq: expected object key near '${this.rest()}'`);
      this.expect(":");
      fields.push([key, this.parsePipe(false)]);
      if (this.eat("}")) break;
      this.expect(",");
    }
    return { kind: "object", fields };
  }

  private parseNumber(): Expr {
    const m = /^-?[0-9]*(\.[0-9]*)?([eE][+-]?[0-9]*)?/.exec(this.src.slice(this.pos))!;
    const raw = m[0];
    if (raw === "" || raw === "-") throw new JqError(`jq: invalid number near '${this.rest()}'`);
    this.pos += raw.length;
    if (m[1] !== undefined || m[2] !== undefined) {
      const x = Number(raw);
      if (Number.isNaN(x)) throw new JqError(`jq: invalid float '${raw}'`);
      return { kind: "literal", value: new HFloat(x) };
    }
    const n = parseIntLiteral(raw);
    if (n === null) throw new JqError(`jq: invalid integer '${raw}'`);
    return { kind: "literal", value: n };
  }

  private parseString(): string {
    this.skipSpace();
    const start = this.pos;
    let escaped = false;
    for (this.pos++; this.pos < this.src.length; this.pos++) {
      const c = this.src[this.pos];
      if (escaped) escaped = false;
      else if (c === "\\") escaped = true;
      else if (c === '"') {
        this.pos++;
        try {
          return parseJson(this.src.slice(start, this.pos)) as string;
        } catch (e) {
          throw new JqError(`jq: invalid string literal: ${e instanceof JsonSyntaxError ? e.message : e}`);
        }
      }
    }
    throw new JqError("jq: unterminated string literal");
  }
}
