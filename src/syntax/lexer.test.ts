// Unit tests for the lexer: token kinds and payloads, spans (offsets in
// UTF-16 units, columns in code points), the lexical edge cases of the spec
// ("Lexical rules": durations, `42.method`, raw and triple-quoted strings,
// nested comments, continuation lines) and the exact error texts.

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Harn's `${...}` interpolation appears in test sources.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Code } from "../diagnostics/messages.ts";
import { lex } from "./lexer.ts";
import { T, type Token, tokenDisplay } from "./tokens.ts";

/** Kind names of every token, Eof included. */
function kinds(source: string): string[] {
  const result = lex(source);
  assert.equal(result.error, undefined, `unexpected lex error: ${result.error?.message}`);
  return result.tokens.map((t) => T[t.kind]);
}

function tokens(source: string): Token[] {
  const result = lex(source);
  assert.equal(result.error, undefined, `unexpected lex error: ${result.error?.message}`);
  return result.tokens;
}

/** `Kind(text)<num>@line:col` for compact comparisons. */
function brief(t: Token): string {
  const text = t.text === undefined ? "" : `(${t.text})`;
  const num = t.num === undefined ? "" : `<${String(t.num)}>`;
  return `${T[t.kind]}${text}${num}@${t.span.line}:${t.span.col}`;
}

function lexError(source: string): string {
  const result = lex(source);
  assert.ok(result.error, `expected a lex error for ${JSON.stringify(source)}`);
  return result.error.message;
}

describe("keywords and identifiers", () => {
  test("keywords are reserved, longer words are identifiers", () => {
    assert.deepEqual(tokens("let letter _x x1 fn fnord gen").map(brief), [
      "Let@1:1",
      "Ident(letter)@1:5",
      "Ident(_x)@1:12",
      "Ident(x1)@1:15",
      "Fn@1:18",
      "Ident(fnord)@1:21",
      "Ident(gen)@1:27",
      "Eof@1:30",
    ]);
  });

  test("every statement keyword has its own kind", () => {
    assert.deepEqual(kinds("pipeline extends override var if else for in match while return").slice(0, -1), [
      "Pipeline",
      "Extends",
      "Override",
      "Var",
      "If",
      "Else",
      "For",
      "In",
      "Match",
      "While",
      "Return",
    ]);
    assert.deepEqual(kinds("try catch finally throw defer yield guard require break continue to exclusive"), [
      "Try",
      "Catch",
      "Finally",
      "Throw",
      "Defer",
      "Yield",
      "Guard",
      "Require",
      "Break",
      "Continue",
      "To",
      "Exclusive",
      "Eof",
    ]);
  });
});

describe("operators", () => {
  test("two-character operators are matched before one-character ones", () => {
    assert.deepEqual(kinds("== != && || |> ?? ** ?. -> <= >= += -= *= /= %="), [
      "Eq",
      "Neq",
      "And",
      "Or",
      "Pipe",
      "NilCoal",
      "Pow",
      "QuestionDot",
      "Arrow",
      "Lte",
      "Gte",
      "PlusAssign",
      "MinusAssign",
      "StarAssign",
      "SlashAssign",
      "PercentAssign",
      "Eof",
    ]);
  });

  test("single-character operators and delimiters", () => {
    assert.deepEqual(kinds("= ! . + - * / % < > ? | { } ( ) [ ] , : ; @"), [
      "Assign",
      "Not",
      "Dot",
      "Plus",
      "Minus",
      "Star",
      "Slash",
      "Percent",
      "Lt",
      "Gt",
      "Question",
      "Bar",
      "LBrace",
      "RBrace",
      "LParen",
      "RParen",
      "LBracket",
      "RBracket",
      "Comma",
      "Colon",
      "Semicolon",
      "At",
      "Eof",
    ]);
  });

  test("operators need no surrounding spaces", () => {
    assert.deepEqual(kinds("a?.b??c|>d"), [
      "Ident",
      "QuestionDot",
      "Ident",
      "NilCoal",
      "Ident",
      "Pipe",
      "Ident",
      "Eof",
    ]);
    assert.deepEqual(kinds("x=-1"), ["Ident", "Assign", "Minus", "Int", "Eof"]);
  });
});

describe("numbers and durations", () => {
  test("ints and floats", () => {
    assert.deepEqual(tokens("0 42 3.25 007").map(brief), [
      "Int<0>@1:1",
      "Int<42>@1:3",
      "Float<3.25>@1:6",
      "Int<7>@1:11",
      "Eof@1:14",
    ]);
  });

  test("ints beyond 2^53 keep every digit as a bigint", () => {
    const [max] = tokens("9223372036854775807");
    assert.equal(max?.kind, T.Int);
    assert.equal(max?.num, 9223372036854775807n);
  });

  test("a dot not followed by a digit ends the number (`42.method`)", () => {
    assert.deepEqual(tokens("42.method").map(brief), [
      "Int<42>@1:1",
      "Dot@1:3",
      "Ident(method)@1:4",
      "Eof@1:10",
    ]);
    assert.deepEqual(tokens("1.5.x").map(brief), ["Float<1.5>@1:1", "Dot@1:4", "Ident(x)@1:5", "Eof@1:6"]);
    assert.deepEqual(kinds("[1].count"), ["LBracket", "Int", "RBracket", "Dot", "Ident", "Eof"]);
  });

  test("duration suffixes give milliseconds", () => {
    const values = tokens("500ms 5s 2m 1h 1d 2w").map((t) => [T[t.kind], t.num]);
    assert.deepEqual(values, [
      ["Duration", 500],
      ["Duration", 5000],
      ["Duration", 120_000],
      ["Duration", 3_600_000],
      ["Duration", 86_400_000],
      ["Duration", 1_209_600_000],
      ["Eof", undefined],
    ]);
  });

  test("a suffix followed by more letters is not a duration", () => {
    assert.deepEqual(tokens("5sec 3mx").map(brief), [
      "Int<5>@1:1",
      "Ident(sec)@1:2",
      "Int<3>@1:6",
      "Ident(mx)@1:7",
      "Eof@1:9",
    ]);
  });
});

describe("strings", () => {
  test('escapes: \\n \\t \\\\ \\" \\$, and unknown escapes keep the backslash', () => {
    const [s] = tokens(String.raw`"a\nb\tc\\d\"e\$f\qg"`);
    assert.equal(s?.kind, T.Str);
    assert.equal(s?.text, 'a\nb\tc\\d"e$f\\qg');
  });

  test("interpolation produces literal and expression segments with positions", () => {
    const interp = tokens('x = "hi ${name}!"')[2];
    assert.equal(interp?.kind, T.InterpStr);
    assert.deepEqual(interp?.segments, [
      { kind: "lit", text: "hi " },
      { kind: "expr", source: "name", offset: 10, line: 1, col: 11 },
      { kind: "lit", text: "!" },
    ]);
  });

  test("an escaped dollar does not interpolate", () => {
    const [s] = tokens(String.raw`"\${x}"`);
    assert.equal(s?.kind, T.Str);
    assert.equal(s?.text, "${x}");
  });

  test("raw strings take backslashes and dollars literally", () => {
    const [s] = tokens(String.raw`r"C:\new\${x}"`);
    assert.equal(s?.kind, T.RawStr);
    assert.equal(s?.text, String.raw`C:\new\${x}`);
  });

  test("triple-quoted strings drop the first newline, the common indent and the last newline", () => {
    const [s] = tokens('"""\n    one\n      two\n\n    three\n    """');
    assert.equal(s?.kind, T.Str);
    assert.equal(s?.text, "one\n  two\n\nthree");
    assert.equal(s?.span.line, 1);
    assert.equal(s?.span.endLine, 6);
  });

  test("the line after a triple-quoted string is counted correctly", () => {
    const toks = tokens('"""\na\nb\n"""\nx');
    assert.deepEqual(toks.map(brief).slice(-2), ["Ident(x)@5:1", "Eof@5:2"]);
  });

  test("triple-quoted interpolation keeps expression segments", () => {
    const [s] = tokens('"""\n  v=${v}\n  """');
    assert.equal(s?.kind, T.InterpStr);
    const text = s?.segments?.map((seg) => (seg.kind === "lit" ? seg.text : `{${seg.source}}`)).join("");
    assert.equal(text, "v={v}");
  });
});

describe("comments, whitespace and line structure", () => {
  test("newlines are tokens; comments and spaces are not", () => {
    assert.deepEqual(kinds("a // note\n\tb /* c */ d\r\n"), [
      "Ident",
      "Newline",
      "Ident",
      "Ident",
      "Newline",
      "Eof",
    ]);
  });

  test("block comments nest", () => {
    assert.deepEqual(kinds("x /* 1 /* 2 */ still 1 */ y"), ["Ident", "Ident", "Eof"]);
    assert.deepEqual(tokens("/* a\n/* b */\n*/ z").map(brief), ["Ident(z)@3:4", "Eof@3:5"]);
  });

  test("backslash-newline joins lines without a Newline token", () => {
    assert.deepEqual(tokens("a + \\\n  b").map(brief), [
      "Ident(a)@1:1",
      "Plus@1:3",
      "Ident(b)@2:3",
      "Eof@2:4",
    ]);
  });

  test("a shebang line is skipped only at the very start", () => {
    assert.deepEqual(kinds("#!/usr/bin/env harn\nx"), ["Newline", "Ident", "Eof"]);
    assert.equal(lexError("x\n#!/bin/sh"), "Unexpected character '#' at 2:1");
  });
});

describe("spans", () => {
  test("columns count code points; offsets count UTF-16 units", () => {
    const toks = tokens('"é🎉" b');
    assert.deepEqual(toks.map(brief), ["Str(é🎉)@1:1", "Ident(b)@1:6", "Eof@1:7"]);
    assert.equal(toks[0]?.span.start, 0);
    assert.equal(toks[0]?.span.end, 5);
    assert.equal(toks[1]?.span.start, 6);
  });

  test("a newline token covers the newline character", () => {
    const nl = tokens("ab\ncd")[1]!;
    assert.equal(nl.kind, T.Newline);
    assert.deepEqual([nl.span.start, nl.span.end, nl.span.line, nl.span.col], [2, 3, 1, 3]);
  });

  test("lexing can start at a given position (interpolated expressions)", () => {
    const result = lex("a + b", 4, 10, 50);
    assert.deepEqual(result.tokens.map(brief), ["Ident(a)@4:10", "Plus@4:12", "Ident(b)@4:14", "Eof@4:15"]);
    assert.equal(result.tokens[0]?.span.start, 50);
  });
});

describe("errors", () => {
  test("unexpected character, with its line and code-point column", () => {
    assert.equal(lexError("let x = `"), "Unexpected character '`' at 1:9");
    assert.equal(lexError('let s = "🎉🎉"\n  ~'), "Unexpected character '~' at 2:3");
    assert.equal(lexError('let s = "🎉🎉" ~'), "Unexpected character '~' at 1:14");
    assert.equal(lex("a ` b").error?.code, Code.UnexpectedCharacter);
  });

  test("tokens before the error are returned", () => {
    const result = lex("a b `");
    assert.deepEqual(
      result.tokens.map((t) => T[t.kind]),
      ["Ident", "Ident"],
    );
  });

  test("unterminated strings report where the string starts", () => {
    assert.equal(lexError('x = "open'), "Unterminated string at 1:5");
    assert.equal(lexError('x = "line\nbreak"'), "Unterminated string at 1:5");
    assert.equal(lexError('a\n  r"raw'), "Unterminated string at 2:3");
    assert.equal(lexError('"""\nnever closed'), "Unterminated string at 1:1");
    assert.equal(lexError('"${a'), "Unterminated string at 1:1");
    assert.equal(lex('"x').error?.code, Code.UnterminatedString);
  });

  test("unterminated block comments report where the comment starts", () => {
    assert.equal(lexError("ok\n  /* open /* nested */"), "Unterminated block comment at 2:3");
    assert.equal(lex("/*").error?.code, Code.UnterminatedBlockComment);
  });
});

describe("tokenDisplay", () => {
  test("prints tokens the way parse errors quote them", () => {
    const shown = tokens('x "s" 7 1.5 } EOF_ident').map(tokenDisplay);
    assert.deepEqual(shown, ["id(x)", "str(s)", "int(7)", "float(1.5)", "}", "id(EOF_ident)", "EOF"]);
    assert.equal(tokenDisplay(tokens("let")[0]!), "let");
    assert.equal(tokenDisplay(tokens("\n")[0]!), "\\n");
  });
});
