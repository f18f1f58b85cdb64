// Token kinds and their printed names. Keywords are a table so the lexer,
// the parser's "keyword used as identifier" errors and tooling share one
// list. The printed names match the reference's token display because
// parse errors quote them ("Expected }, got id(x) at 3:5").

import type { Span } from "../diagnostics/span.ts";

export enum T {
  // keywords
  Pipeline,
  Extends,
  Override,
  Let,
  Var,
  If,
  Else,
  For,
  In,
  Match,
  Retry,
  Parallel,
  Return,
  Import,
  True,
  False,
  Nil,
  Try,
  Catch,
  Throw,
  Finally,
  Fn,
  Spawn,
  While,
  Type,
  Enum,
  EvalPack,
  Struct,
  Interface,
  Emit,
  Pub,
  From,
  To,
  Tool,
  Exclusive,
  Guard,
  Require,
  Deadline,
  Defer,
  Yield,
  Mutex,
  Break,
  Continue,
  Select,
  Impl,
  Skill,
  // literals and names
  Ident,
  Str,
  InterpStr,
  RawStr,
  Int,
  Float,
  Duration,
  // two-character operators
  Eq,
  Neq,
  And,
  Or,
  Pipe,
  NilCoal,
  Pow,
  QuestionDot,
  Arrow,
  Lte,
  Gte,
  PlusAssign,
  MinusAssign,
  StarAssign,
  SlashAssign,
  PercentAssign,
  // single-character operators
  Assign,
  Not,
  Dot,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Lt,
  Gt,
  Question,
  Bar,
  // delimiters
  LBrace,
  RBrace,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Colon,
  Semicolon,
  At,
  Newline,
  Eof,
}

export const KEYWORDS: ReadonlyMap<string, T> = new Map([
  ["pipeline", T.Pipeline],
  ["extends", T.Extends],
  ["override", T.Override],
  ["let", T.Let],
  ["var", T.Var],
  ["if", T.If],
  ["else", T.Else],
  ["for", T.For],
  ["in", T.In],
  ["match", T.Match],
  ["retry", T.Retry],
  ["parallel", T.Parallel],
  ["return", T.Return],
  ["import", T.Import],
  ["true", T.True],
  ["false", T.False],
  ["nil", T.Nil],
  ["try", T.Try],
  ["catch", T.Catch],
  ["throw", T.Throw],
  ["finally", T.Finally],
  ["fn", T.Fn],
  ["spawn", T.Spawn],
  ["while", T.While],
  ["type", T.Type],
  ["enum", T.Enum],
  ["eval_pack", T.EvalPack],
  ["struct", T.Struct],
  ["interface", T.Interface],
  ["emit", T.Emit],
  ["pub", T.Pub],
  ["from", T.From],
  ["to", T.To],
  ["tool", T.Tool],
  ["exclusive", T.Exclusive],
  ["guard", T.Guard],
  ["require", T.Require],
  ["deadline", T.Deadline],
  ["defer", T.Defer],
  ["yield", T.Yield],
  ["mutex", T.Mutex],
  ["break", T.Break],
  ["continue", T.Continue],
  ["select", T.Select],
  ["impl", T.Impl],
  ["skill", T.Skill],
]);

const KEYWORD_TEXT = new Map<T, string>([...KEYWORDS].map(([text, kind]) => [kind, text]));

/** The source spelling of a keyword token, or undefined for other kinds. */
export function keywordText(kind: T): string | undefined {
  return KEYWORD_TEXT.get(kind);
}

const PUNCT_TEXT: Partial<Record<T, string>> = {
  [T.Eq]: "==",
  [T.Neq]: "!=",
  [T.And]: "&&",
  [T.Or]: "||",
  [T.Pipe]: "|>",
  [T.NilCoal]: "??",
  [T.Pow]: "**",
  [T.QuestionDot]: "?.",
  [T.Arrow]: "->",
  [T.Lte]: "<=",
  [T.Gte]: ">=",
  [T.PlusAssign]: "+=",
  [T.MinusAssign]: "-=",
  [T.StarAssign]: "*=",
  [T.SlashAssign]: "/=",
  [T.PercentAssign]: "%=",
  [T.Assign]: "=",
  [T.Not]: "!",
  [T.Dot]: ".",
  [T.Plus]: "+",
  [T.Minus]: "-",
  [T.Star]: "*",
  [T.Slash]: "/",
  [T.Percent]: "%",
  [T.Lt]: "<",
  [T.Gt]: ">",
  [T.Question]: "?",
  [T.Bar]: "|",
  [T.LBrace]: "{",
  [T.RBrace]: "}",
  [T.LParen]: "(",
  [T.RParen]: ")",
  [T.LBracket]: "[",
  [T.RBracket]: "]",
  [T.Comma]: ",",
  [T.Colon]: ":",
  [T.Semicolon]: ";",
  [T.At]: "@",
  [T.Newline]: "\\n",
  [T.Eof]: "EOF",
};

/** A piece of an interpolated string: literal text or expression source. */
export type StringSegment =
  | { readonly kind: "lit"; readonly text: string }
  | {
      readonly kind: "expr";
      readonly source: string;
      /** Offset, line and column of the expression's first character. */
      readonly offset: number;
      readonly line: number;
      readonly col: number;
    };

export interface Token {
  readonly kind: T;
  readonly span: Span;
  /** Identifier name, string/raw-string contents. */
  readonly text?: string;
  /** Numeric payload: int (number|bigint), float or duration milliseconds. */
  readonly num?: number | bigint;
  readonly segments?: readonly StringSegment[];
}

/** How a token prints inside parse errors ("id(x)", "str(hi)", "}"). */
export function tokenDisplay(tok: Token): string {
  switch (tok.kind) {
    case T.Ident:
      return `id(${tok.text})`;
    case T.Str:
      return `str(${tok.text})`;
    case T.InterpStr:
      return "istr(...)";
    case T.RawStr:
      return `rstr(${tok.text})`;
    case T.Int:
      return `int(${String(tok.num)})`;
    case T.Float:
      return `float(${String(tok.num)})`;
    case T.Duration:
      return `duration(${String(tok.num)}ms)`;
    default:
      return keywordText(tok.kind) ?? PUNCT_TEXT[tok.kind] ?? T[tok.kind];
  }
}
