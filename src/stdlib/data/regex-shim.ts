// Rewrites a Rust `regex`-crate pattern into RE2 syntax for re2js (see
// reference/deps.md §3). Both engines share most syntax (inline flags, named
// groups, `\A` `\z`, `\pL`, POSIX classes, linear time, no look-around or
// backreferences); what differs is handled here:
//
// - `\w \d \s` (and negations) are Unicode-aware in Rust, ASCII in RE2: they
//   become explicit Unicode classes. `\W`/`\S` inside a larger bracket class
//   cannot be expressed there and keep RE2's ASCII meaning.
// - the `x` flag (also inline `(?x)`) is done here: whitespace and `#`
//   comments are dropped, and the flag is removed before RE2 sees it.
// - `\u{..}`/`\uXXXX`/`\U..` escapes become `\x{..}`; long property names
//   (`\p{Letter}`, `\p{Script=Greek}`, loose case) become RE2's names.
// - nested classes are flattened when they are plain unions.
// - syntax RE2 would accept with another meaning, or Rust rejects, fails
//   with a clear message: class set operations (`&&`, `--`, `~~`), negated
//   nested classes, `\<` `\>` `\b{..}`, `(?-u)`, `(?R)`, `\Q..\E`, `\0`-`\9`.
//
// Word boundaries `\b` `\B` stay ASCII (RE2 cannot express Unicode ones).

/** A pattern this shim (or RE2) cannot represent with Rust's meaning. */
export class RegexSyntaxError extends Error {}

const WORD = "\\p{L}\\p{M}\\p{Nd}\\p{Pc}\\p{Nl}\\x{200C}\\x{200D}";
const SPACE =
  "\\t\\n\\x{0B}\\f\\r\\x{20}\\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}";

const CATEGORY_NAMES: Record<string, string> = {
  letter: "L",
  casedletter: "LC",
  uppercaseletter: "Lu",
  lowercaseletter: "Ll",
  titlecaseletter: "Lt",
  modifierletter: "Lm",
  otherletter: "Lo",
  mark: "M",
  combiningmark: "M",
  nonspacingmark: "Mn",
  spacingmark: "Mc",
  enclosingmark: "Me",
  number: "N",
  decimalnumber: "Nd",
  digit: "Nd",
  letternumber: "Nl",
  othernumber: "No",
  punctuation: "P",
  connectorpunctuation: "Pc",
  dashpunctuation: "Pd",
  openpunctuation: "Ps",
  closepunctuation: "Pe",
  initialpunctuation: "Pi",
  finalpunctuation: "Pf",
  otherpunctuation: "Po",
  symbol: "S",
  mathsymbol: "Sm",
  currencysymbol: "Sc",
  modifiersymbol: "Sk",
  othersymbol: "So",
  separator: "Z",
  spaceseparator: "Zs",
  lineseparator: "Zl",
  paragraphseparator: "Zp",
  other: "C",
  control: "Cc",
  format: "Cf",
  surrogate: "Cs",
  privateuse: "Co",
  unassigned: "Cn",
  any: "Any",
};

const SHORT_CATEGORIES = new Set(Object.values(CATEGORY_NAMES));

interface Escaped {
  readonly text: string;
  readonly members?: string;
}

/** Translates `pattern`; `extended` is the initial state of the x flag. */
export function translatePattern(pattern: string, extended: boolean): string {
  return new Translator(pattern, extended).run();
}

class Translator {
  private pos = 0;
  private out = "";
  /** x-flag state saved at each open group. */
  private readonly saved: boolean[] = [];

  constructor(
    private readonly src: string,
    private extended: boolean,
  ) {}

  run(): string {
    while (this.pos < this.src.length) this.step();
    return this.out;
  }

  private step(): void {
    const c = this.src[this.pos]!;
    if (this.extended && this.skipSpaceOrComment()) return;
    switch (c) {
      case "\\":
        this.out += this.escape(false).text;
        return;
      case "[":
        this.out += this.bracketClass();
        return;
      case "(":
        this.group();
        return;
      case ")":
        this.extended = this.saved.pop() ?? this.extended;
        this.out += ")";
        this.pos++;
        return;
      default:
        this.out += c;
        this.pos++;
    }
  }

  /** In x mode: consumes whitespace or a `#` comment; true if something was skipped. */
  private skipSpaceOrComment(): boolean {
    const c = this.src[this.pos]!;
    if (/\s/u.test(c)) {
      this.pos++;
      return true;
    }
    if (c === "#") {
      const nl = this.src.indexOf("\n", this.pos);
      this.pos = nl < 0 ? this.src.length : nl + 1;
      return true;
    }
    return false;
  }

  private group(): void {
    this.saved.push(this.extended);
    const rest = this.src.slice(this.pos);
    const flags = /^\(\?([A-Za-z-]*)([:)])/.exec(rest);
    if (flags === null || rest.startsWith("(?P<") || rest.startsWith("(?<")) {
      this.out += "(";
      this.pos++;
      return;
    }
    const [whole, letters, end] = flags as unknown as [string, string, string];
    this.pos += whole.length;
    let kept = "";
    let negate = false;
    let extended = this.extended;
    for (const f of letters) {
      if (f === "-") {
        negate = true;
        kept += f;
      } else if (f === "x") extended = !negate;
      else if (f === "u") {
        if (negate) throw new RegexSyntaxError("(?-u) (disabling Unicode mode) is not supported");
      } else if (f === "R") throw new RegexSyntaxError("the CRLF flag (?R) is not supported");
      else kept += f;
    }
    kept = kept.replace(/-$/, "");
    if (end === ")") {
      this.saved.pop();
      this.extended = extended;
      if (kept !== "") this.out += `(?${kept})`;
    } else {
      this.extended = extended;
      this.out += `(?${kept}:`;
    }
  }

  /**
   * One escape sequence starting at `\`. Returns its RE2 text; `members`
   * is the set written for use inside a bracket class when that differs
   * (negated Unicode sets fall back to RE2's ASCII `\W`/`\S` there).
   */
  private escape(inClass: boolean): Escaped {
    const next = this.src[this.pos + 1];
    if (next === undefined) throw new RegexSyntaxError("incomplete escape sequence at end of pattern");
    this.pos += 2;
    switch (next) {
      case "w":
        return { text: `[${WORD}]`, members: WORD };
      case "W":
        return { text: `[^${WORD}]`, members: "\\W" };
      case "d":
        return { text: "\\p{Nd}", members: "\\p{Nd}" };
      case "D":
        return { text: "\\P{Nd}", members: "\\P{Nd}" };
      case "s":
        return { text: `[${SPACE}]`, members: SPACE };
      case "S":
        return { text: `[^${SPACE}]`, members: "\\S" };
      case "p":
      case "P":
        return this.property(next === "P");
      case "u":
      case "U":
        return { text: this.unicodeEscape(next === "U" ? 8 : 4) };
      case "<":
      case ">":
        throw new RegexSyntaxError(`word-boundary assertion \\${next} is not supported`);
      case "Q":
      case "E":
        throw new RegexSyntaxError(`unrecognized escape sequence \\${next}`);
      case " ":
        return { text: "\\x{20}" };
      case "b":
        if (!inClass && this.src[this.pos] === "{") {
          throw new RegexSyntaxError("special word boundaries \\b{...} are not supported");
        }
        return { text: "\\b" };
      default:
        if (next >= "0" && next <= "9") throw new RegexSyntaxError("backreferences are not supported");
        return { text: `\\${next}` };
    }
  }

  /** `\uXXXX`, `\u{X..}`, `\UXXXXXXXX`, `\U{X..}` as RE2's `\x{..}`. */
  private unicodeEscape(width: number): string {
    const braced = /^\{([0-9A-Fa-f]{1,8})\}/.exec(this.src.slice(this.pos));
    const fixed = new RegExp(`^[0-9A-Fa-f]{${width}}`).exec(this.src.slice(this.pos));
    const m = braced ?? fixed;
    if (!m) throw new RegexSyntaxError("invalid Unicode escape");
    this.pos += m[0].length;
    return `\\x{${braced ? braced[1] : m[0]}}`;
  }

  private property(negated: boolean): Escaped {
    let name: string;
    if (this.src[this.pos] === "{") {
      const close = this.src.indexOf("}", this.pos);
      if (close < 0) throw new RegexSyntaxError("unclosed Unicode property name");
      name = this.src.slice(this.pos + 1, close);
      this.pos = close + 1;
    } else {
      name = this.src[this.pos] ?? "";
      this.pos++;
    }
    if (name.startsWith("^")) {
      negated = !negated;
      name = name.slice(1);
    }
    const loose = name.replace(/[\s_-]/g, "").toLowerCase();
    if (loose === "whitespace" || loose === "wspace" || loose === "space") {
      return negated ? { text: `[^${SPACE}]`, members: "\\S" } : { text: `[${SPACE}]`, members: SPACE };
    }
    const re2 = propertyName(name);
    const text = `\\${negated ? "P" : "p"}{${re2}}`;
    return { text, members: text };
  }

  /** A `[...]` class (the opening bracket is at `pos`), returned as an RE2 class. */
  private bracketClass(): string {
    const { negated, body } = this.classBody();
    return `[${negated ? "^" : ""}${body}]`;
  }

  private classBody(): { negated: boolean; body: string } {
    this.pos++;
    let negated = false;
    if (this.src[this.pos] === "^") {
      negated = true;
      this.pos++;
    }
    let body = "";
    let first = true;
    for (;;) {
      if (this.pos >= this.src.length) throw new RegexSyntaxError("unclosed character class");
      const c = this.src[this.pos]!;
      if (c === "]" && !first) {
        this.pos++;
        return { negated, body };
      }
      first = false;
      body += this.classItem(c);
    }
  }

  private classItem(c: string): string {
    if (this.extended && /\s/u.test(c)) {
      this.pos++;
      return "";
    }
    const pair = this.src.slice(this.pos, this.pos + 2);
    if (pair === "&&" || pair === "--" || pair === "~~") {
      throw new RegexSyntaxError(`character class set operation '${pair}' is not supported`);
    }
    if (c === "]") {
      this.pos++;
      return "\\]";
    }
    if (c === "\\") {
      const esc = this.escape(true);
      return esc.members ?? esc.text;
    }
    if (c === "[") {
      const posix = /^\[:\^?[a-z]+:\]/.exec(this.src.slice(this.pos));
      if (posix) {
        this.pos += posix[0].length;
        return posix[0];
      }
      const nested = this.classBody();
      if (nested.negated) throw new RegexSyntaxError("negated nested character classes are not supported");
      return nested.body;
    }
    this.pos++;
    return c;
  }
}

/** RE2's name for a Rust Unicode property name (general category or script). */
function propertyName(name: string): string {
  const eq = name.search(/[=:]/);
  const key =
    eq < 0
      ? ""
      : name
          .slice(0, eq)
          .replace(/[\s_-]/g, "")
          .toLowerCase();
  const value = eq < 0 ? name : name.slice(eq + 1);
  const loose = value.replace(/[\s_-]/g, "").toLowerCase();
  if (key === "" || key === "gc" || key === "generalcategory") {
    const category = CATEGORY_NAMES[loose];
    if (category !== undefined) return category;
    for (const short of SHORT_CATEGORIES) if (short.toLowerCase() === loose) return short;
    if (key !== "") throw new RegexSyntaxError(`unknown general category '${value}'`);
  } else if (!["sc", "script", "scx", "scriptextensions"].includes(key)) {
    throw new RegexSyntaxError(`unsupported Unicode property '${name}'`);
  }
  return scriptName(value.trim());
}

/** Script names as RE2 spells them (`Old_Italic`), accepting Rust's loose spellings. */
function scriptName(value: string): string {
  const titled = value
    .split(/[\s_-]+/)
    .filter((w) => w !== "")
    .map((w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase())
    .join("_");
  return titled === "" ? value : titled;
}
