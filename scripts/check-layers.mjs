// Layer and cycle checker for src/ (DESIGN.md §2, HOUSE-STYLE "Layout and boundaries").
//
// It reads every non-test `.ts` file under src/, pulls out the import and
// re-export specifiers with a small tokenizer (comments, strings, template
// literals and regex literals are skipped, so text that merely looks like an
// import is ignored), and checks four rules: imports go one way along the layer
// order (plus: state/llm/stdlib never import host, vm never imports compiler),
// only src/host/ reaches Node built-ins, no `export *`, and no import cycles.
// Type-only imports count for the layer rules but not for cycles, since they
// bind no values at run time. A tokenizer is enough here, so we need no parser
// dependency. The core, `checkLayers`, works on an in-memory map of files,
// which keeps it testable without touching the disk.
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * Folders of src/ in dependency order: a folder may import only from itself
 * and the folders before it. `(root)` stands for files directly in src/
 * (index.ts, the embedding API), which may import every folder except cli.
 */
export const LAYERS = [
  "diagnostics",
  "syntax",
  "check",
  "bytecode",
  "compiler",
  "vm",
  "runtime",
  "state",
  "llm",
  "stdlib",
  "host",
  "(root)",
  "cli",
];

/** These reach the host only through interfaces the CLI or the embedder injects. */
const HOST_INJECTED = new Set(["state", "llm", "stdlib"]);

const NODE_BUILTINS = new Set(builtinModules);

const WORD = /^#?[A-Za-z_$\u0080-\uffff][\w$\u0080-\uffff]*/;

/** Keywords after which a "/" starts a regex literal rather than a division. */
const REGEX_AFTER_WORD = new Set(
  "return typeof instanceof in of new delete void throw case do else yield await".split(" "),
);

// ---------------------------------------------------------------------------
// Tokenizer: identifiers, strings and single-character punctuation, each with
// its line. Only what the import scanner needs; numbers and regexes are
// consumed and represented by a placeholder token.

/** @typedef {{ kind: "word" | "string" | "value" | "punct", text: string, line: number }} Token */

/**
 * Splits TypeScript source into tokens.
 * @param {string} source
 * @returns {Token[]}
 */
export function tokenize(source) {
  const state = { source, pos: 0, line: 1, tokens: [], templateDepths: [], braceDepth: 0 };
  if (source.startsWith("#!")) skipUntil(state, "\n");
  while (state.pos < source.length) scanToken(state);
  return state.tokens;
}

function scanToken(state) {
  const { source } = state;
  const ch = source[state.pos];
  const next = source[state.pos + 1];
  if (ch === "\n") {
    state.line++;
    state.pos++;
  } else if (/\s/.test(ch)) {
    state.pos++;
  } else if (ch === "/" && next === "/") {
    skipUntil(state, "\n");
  } else if (ch === "/" && next === "*") {
    state.pos += 2;
    skipUntil(state, "*/");
    state.pos += 2;
  } else if (ch === '"' || ch === "'") {
    scanString(state, ch);
  } else if (ch === "`") {
    state.pos++;
    scanTemplate(state, true);
  } else if (WORD.test(source.slice(state.pos, state.pos + 2))) {
    const word = WORD.exec(source.slice(state.pos, state.pos + 200))[0];
    push(state, "word", word, state.line);
    state.pos += word.length;
  } else if (/[0-9]/.test(ch) || (ch === "." && /[0-9]/.test(next ?? ""))) {
    const number = /^[\w.]+/.exec(source.slice(state.pos, state.pos + 100))[0];
    push(state, "value", number, state.line);
    state.pos += number.length;
  } else if (ch === "/" && slashStartsRegex(state.tokens.at(-1))) {
    scanRegex(state);
  } else {
    scanPunct(state, ch);
  }
}

function scanPunct(state, ch) {
  state.pos++;
  if (ch === "{") state.braceDepth++;
  if (ch === "}") {
    const closesSubstitution = state.templateDepths.at(-1) === state.braceDepth;
    state.braceDepth--;
    if (closesSubstitution) {
      state.templateDepths.pop();
      scanTemplate(state, false);
      return;
    }
  }
  push(state, "punct", ch, state.line);
}

function push(state, kind, text, line) {
  state.tokens.push({ kind, text, line });
}

function skipUntil(state, end) {
  const at = state.source.indexOf(end, state.pos);
  const stop = at < 0 ? state.source.length : at;
  state.line += countNewlines(state.source, state.pos, stop);
  state.pos = stop;
}

function countNewlines(text, from, to) {
  let count = 0;
  for (let i = from; i < to; i++) if (text[i] === "\n") count++;
  return count;
}

function scanString(state, quote) {
  const { source } = state;
  const startLine = state.line;
  let value = "";
  state.pos++;
  while (state.pos < source.length && source[state.pos] !== quote && source[state.pos] !== "\n") {
    if (source[state.pos] === "\\") {
      if (source[state.pos + 1] === "\n") state.line++;
      value += source[state.pos + 1] ?? "";
      state.pos += 2;
    } else {
      value += source[state.pos++];
    }
  }
  state.pos++;
  push(state, "string", value, startLine);
}

/**
 * Scans template text from just after "`" (`isHead`) or after the "}" of a
 * substitution, up to the closing "`" or the next "${".
 */
function scanTemplate(state, isHead) {
  const { source } = state;
  const startLine = state.line;
  let value = "";
  while (state.pos < source.length) {
    const ch = source[state.pos];
    if (ch === "`") {
      state.pos++;
      // Only a template without substitutions can be a specifier.
      push(state, isHead ? "string" : "value", value, startLine);
      return;
    }
    if (ch === "$" && source[state.pos + 1] === "{") {
      state.pos += 2;
      state.braceDepth++;
      state.templateDepths.push(state.braceDepth);
      push(state, "punct", "${", startLine);
      return;
    }
    if (ch === "\n") state.line++;
    if (ch === "\\") state.pos++;
    value += source[state.pos++] ?? "";
  }
}

/** A "/" starts a regex unless it follows something that ends an operand. */
function slashStartsRegex(previous) {
  if (!previous) return true;
  if (previous.kind === "string" || previous.kind === "value") return false;
  if (previous.kind === "word") return REGEX_AFTER_WORD.has(previous.text);
  return !")]}".includes(previous.text);
}

function scanRegex(state) {
  const { source } = state;
  let inClass = false;
  state.pos++;
  while (state.pos < source.length && source[state.pos] !== "\n") {
    const ch = source[state.pos++];
    if (ch === "\\") state.pos++;
    else if (ch === "[") inClass = true;
    else if (ch === "]") inClass = false;
    else if (ch === "/" && !inClass) break;
  }
  while (/\w/.test(source[state.pos] ?? "")) state.pos++;
  push(state, "value", "/regex/", state.line);
}

// ---------------------------------------------------------------------------
// Import scanner.

/**
 * @typedef {{ specifier: string, line: number, typeOnly: boolean, exportStar?: boolean }} ImportRef
 */

/**
 * Lists the module specifiers a file imports or re-exports.
 * @param {string} source
 * @returns {ImportRef[]}
 */
export function findImports(source) {
  const tokens = tokenize(source);
  const refs = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind !== "word" || tokens[i - 1]?.text === ".") continue;
    const ref =
      token.text === "import"
        ? readImport(tokens, i)
        : token.text === "export"
          ? readExport(tokens, i)
          : null;
    if (ref) refs.push({ ...ref, line: token.line });
  }
  return refs;
}

function readImport(tokens, at) {
  const next = tokens[at + 1];
  if (!next) return null;
  if (next.kind === "string") return { specifier: next.text, typeOnly: false };
  if (next.text === "(") return readDynamicImport(tokens, at);
  if (next.text === "." || next.text === ":" || next.text === "=") return null;
  const afterType = tokens[at + 2];
  const typeKeyword =
    next.text === "type" && afterType && afterType.text !== "from" && afterType.text !== ",";
  const clause = readClause(tokens, typeKeyword ? at + 2 : at + 1);
  if (!clause) return null;
  return { specifier: clause.specifier, typeOnly: typeKeyword || clause.allTypes };
}

/** `import("x")`; `typeof import("x")` and `import("x").Name` are type positions. */
function readDynamicImport(tokens, at) {
  const arg = tokens[at + 2];
  const close = tokens[at + 3];
  if (arg?.kind !== "string" || (close?.text !== ")" && close?.text !== ",")) return null;
  let end = at + 3;
  while (end < tokens.length && tokens[end].text !== ")") end++;
  const member = tokens[end + 1]?.text === "." ? tokens[end + 2]?.text : undefined;
  const typePosition =
    tokens[at - 1]?.text === "typeof" ||
    (member !== undefined && !["then", "catch", "finally"].includes(member));
  return { specifier: arg.text, typeOnly: typePosition };
}

function readExport(tokens, at) {
  const next = tokens[at + 1];
  const typeKeyword = next?.text === "type";
  const start = typeKeyword ? at + 2 : at + 1;
  const head = tokens[start]?.text;
  if (head === "*") {
    const clause = readClause(tokens, start);
    return clause ? { specifier: clause.specifier, typeOnly: typeKeyword, exportStar: true } : null;
  }
  if (head !== "{") return null;
  const clause = readClause(tokens, start);
  return clause ? { specifier: clause.specifier, typeOnly: typeKeyword || clause.allTypes } : null;
}

/**
 * Reads an import/export clause (`X, { a, type B } from "m"`, `* as ns from "m"`)
 * starting at `start`. Returns null when there is no `from "m"` (a local
 * `export { a }`, or `import x = require(...)`).
 */
function readClause(tokens, start) {
  let hasBinding = false; // a default or namespace binding always imports a value
  let list = null;
  for (let i = start; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.text === "from" && tokens[i + 1]?.kind === "string") {
      const allTypes = !hasBinding && list !== null && list.names > 0 && list.names === list.typed;
      return { specifier: tokens[i + 1].text, allTypes };
    }
    if (token.text === "{") {
      // A brace list always comes last, just before `from`.
      list = readNameList(tokens, i);
      if (list === null || tokens[list.end + 1]?.text !== "from") return null;
      i = list.end;
    } else if (token.kind === "word" || token.text === "*") {
      hasBinding = true;
    } else if (token.text !== ",") {
      return null;
    }
  }
  return null;
}

/** Reads `{ a, type B, c as d }` from its "{": where it ends, how many names, how many type-only. */
function readNameList(tokens, open) {
  let names = 0;
  let typed = 0;
  let atName = true;
  for (let i = open + 1; i < tokens.length; i++) {
    const { text, kind } = tokens[i];
    if (text === "}") return { end: i, names, typed };
    if (kind === "punct" && text !== ",") return null;
    if (text === ",") {
      atName = true;
    } else if (atName) {
      names++;
      if (text === "type" && tokens[i + 1]?.kind !== "punct" && tokens[i + 1]?.text !== "as") typed++;
      atName = false;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------
// Rules.

/** @typedef {{ file: string, line: number, message: string }} Violation */

/** The layer of a repo-relative path such as "src/vm/value.ts". */
export function layerOf(file) {
  const parts = file.split("/");
  return parts.length === 2 ? "(root)" : parts[1];
}

function isNodeBuiltin(specifier) {
  if (specifier.startsWith("node:")) return true;
  return NODE_BUILTINS.has(specifier) || NODE_BUILTINS.has(specifier.split("/")[0]);
}

/** Resolves a relative specifier against the known files, trying the TS spellings. */
function resolve(fromFile, specifier, files) {
  const base = path.posix.join(path.posix.dirname(fromFile), specifier);
  const candidates = [base, base.replace(/\.js$/, ".ts"), base.replace(/\.mjs$/, ".mts"), `${base}.ts`];
  candidates.push(`${base}/index.ts`);
  return candidates.find((candidate) => files.has(candidate)) ?? null;
}

/** Why `from` may not import `to`, or null when it may. */
function layerProblem(from, to) {
  if (from === to || from === "cli") return null;
  if (from === "vm" && to === "compiler") {
    return "vm/ must not import compiler/ (a compile function is injected, DESIGN.md §2)";
  }
  if (HOST_INJECTED.has(from) && to === "host") {
    return `${from}/ must not import host/ (the host is injected through an interface)`;
  }
  if (LAYERS.indexOf(to) > LAYERS.indexOf(from)) {
    const target = to === "(root)" ? "the embedding API in src/" : `${to}/`;
    const source = from === "(root)" ? "files in src/" : `${from}/`;
    return `${source} must not import ${target}, which comes later in the layer order (DESIGN.md §2)`;
  }
  return null;
}

function checkImport(file, ref, files, edges, violations) {
  const report = (message) => violations.push({ file, line: ref.line, message });
  const layer = layerOf(file);
  if (ref.exportStar) report(`no \`export *\` in src/; export names explicitly ("${ref.specifier}")`);
  if (isNodeBuiltin(ref.specifier)) {
    if (layer !== "host") report(`only src/host/ may import Node built-ins ("${ref.specifier}")`);
    return;
  }
  if (!ref.specifier.startsWith(".")) return; // an npm package
  const target = resolve(file, ref.specifier, files);
  if (target === null) {
    // Files outside src/ and data files (.json, ...) are not modules we layer.
    const outside = !path.posix.join(path.posix.dirname(file), ref.specifier).startsWith("src/");
    if (!outside && !/\.json$/.test(ref.specifier)) report(`cannot resolve "${ref.specifier}"`);
    return;
  }
  const problem = layerProblem(layer, layerOf(target));
  if (problem) report(`${problem}: "${ref.specifier}"`);
  if (!ref.typeOnly) edges.push({ to: target, line: ref.line });
}

/**
 * Finds cycles by depth-first search: every back edge closes one cycle, which
 * is reported once as the path from the edge's target round to itself.
 */
function findCycles(graph) {
  const cycles = [];
  const state = new Map();
  const stack = [];
  const visit = (file) => {
    state.set(file, "open");
    stack.push(file);
    for (const edge of graph.get(file) ?? []) {
      const seen = state.get(edge.to);
      if (seen === "open") {
        const loop = stack.slice(stack.indexOf(edge.to));
        cycles.push({ file, line: edge.line, path: [...loop, edge.to] });
      } else if (seen === undefined) {
        visit(edge.to);
      }
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}

/**
 * Checks a set of src files.
 * @param {Map<string, string>} files repo-relative path ("src/vm/value.ts") -> source
 * @returns {{ violations: Violation[], fileCount: number, cycleCount: number }}
 */
export function checkLayers(files) {
  const violations = [];
  const graph = new Map();
  for (const [file, source] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const layer = layerOf(file);
    if (!LAYERS.includes(layer)) {
      violations.push({
        file,
        line: 1,
        message: `src/${layer}/ is not in the layer order of check-layers.mjs`,
      });
    }
    const edges = [];
    for (const ref of findImports(source)) checkImport(file, ref, files, edges, violations);
    graph.set(file, edges);
  }
  const cycles = findCycles(graph);
  for (const cycle of cycles) {
    violations.push({
      file: cycle.file,
      line: cycle.line,
      message: `import cycle: ${cycle.path.join(" -> ")}`,
    });
  }
  violations.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
  return { violations, fileCount: files.size, cycleCount: cycles.length };
}

// ---------------------------------------------------------------------------
// Command line.

function listSources(root, dir = "src") {
  const found = [];
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) found.push(...listSources(root, relative));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) found.push(relative);
  }
  return found;
}

function main() {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const files = new Map(listSources(root).map((file) => [file, readFileSync(path.join(root, file), "utf8")]));
  const { violations, fileCount, cycleCount } = checkLayers(files);
  for (const v of violations) console.error(`${v.file}:${v.line}: ${v.message}`);
  if (violations.length > 0) {
    console.error(`layers: ${violations.length} violation(s), ${cycleCount} cycle(s) in ${fileCount} files`);
    process.exit(1);
  }
  console.log(`layers ok: ${fileCount} files, 0 cycles`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
