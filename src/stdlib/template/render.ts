// Walks a parsed template and writes its output. Variables live in a scope
// of layers: the caller's bindings at the bottom, one layer per `for`
// iteration above. An `{{ include }}` renders the other file with a fresh
// scope holding a flat copy of the current one plus its `with { ... }`
// bindings. Includes resolve against the including file's directory, may
// not leave the directory of the template `render(...)` started from
// (package-root `@` forms excepted), may not recurse into a file already
// being included, and nest at most 32 deep.

import { typeName } from "../../vm/display.ts";
import { codePoints } from "../../vm/strings.ts";
import { Dict, HSet, RangeValue, type Value } from "../../vm/values.ts";
import type { StdlibHost } from "../host-api.ts";
import type { PathSegment, TemplateExpr, TemplateNode } from "./ast.ts";
import { AssetPathError, parseAssetRef, resolveAssetRef } from "./asset-paths.ts";
import { applyFilter } from "./filters.ts";
import { parseTemplate } from "./parser.ts";
import { TemplateError } from "./template-error.ts";
import { templateCompare, templateText, templateTruthy } from "./values.ts";

const MAX_INCLUDE_DEPTH = 32;

export interface RenderSource {
  /** The template file being rendered; undefined for inline templates. */
  readonly file: string | undefined;
  /** Directory of the calling Harn source file: the anchor when there is no template file. */
  readonly sourceDir: string;
}

/** Renders template text with `bindings`; throws `TemplateError` (tagged with the file when known). */
export function renderTemplate(
  host: StdlibHost,
  template: string,
  bindings: Dict | null,
  source: RenderSource,
): string {
  const base = source.file === undefined ? undefined : host.dirname(source.file);
  const state: RenderState = {
    host,
    sourceDir: source.sourceDir,
    base,
    includeRoot: base,
    includeStack: [],
    currentFile: source.file,
  };
  const out: string[] = [];
  try {
    renderNodes(parseTemplate(template), new Scope(bindings), state, out);
  } catch (e) {
    throw e instanceof TemplateError ? e.withPath(source.file) : e;
  }
  return out.join("");
}

interface RenderState {
  readonly host: StdlibHost;
  readonly sourceDir: string;
  /** Directory plain include paths resolve against (the current template's). */
  base: string | undefined;
  /** Plain includes must stay inside this directory. */
  readonly includeRoot: string | undefined;
  /** Files currently being included, outermost first. */
  readonly includeStack: string[];
  currentFile: string | undefined;
}

/** Variable lookup: loop layers (innermost first), then the caller's bindings. */
class Scope {
  private readonly layers: Map<string, Value>[] = [];
  constructor(private readonly root: Dict | null) {}

  lookup(name: string): Value | undefined {
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const v = this.layers[i]!.get(name);
      if (v !== undefined) return v;
    }
    return this.root?.map.get(name);
  }

  push(layer: Map<string, Value>): void {
    this.layers.push(layer);
  }

  pop(): void {
    this.layers.pop();
  }

  /** Everything visible, as one map (inner layers win). */
  flatten(): Map<string, Value> {
    const flat = new Map(this.root?.map);
    for (const layer of this.layers) for (const [k, v] of layer) flat.set(k, v);
    return flat;
  }
}

function renderNodes(nodes: readonly TemplateNode[], scope: Scope, state: RenderState, out: string[]): void {
  for (const node of nodes) renderNode(node, scope, state, out);
}

function renderNode(node: TemplateNode, scope: Scope, state: RenderState, out: string[]): void {
  switch (node.kind) {
    case "text":
      out.push(node.text);
      return;
    case "expr":
      out.push(templateText(evaluate(node.expr, scope, node.line, node.col)));
      return;
    case "bare": {
      const v = scope.lookup(node.name);
      out.push(v === undefined ? `{{${node.name}}}` : templateText(v));
      return;
    }
    case "if": {
      const taken = node.branches.find((b) => templateTruthy(evaluate(b.cond, scope, node.line, node.col)));
      const body = taken?.body ?? node.otherwise;
      if (body !== undefined) renderNodes(body, scope, state, out);
      return;
    }
    case "for":
      renderFor(node, scope, state, out);
      return;
    case "include":
      renderInclude(node, scope, state, out);
      return;
  }
}

function renderFor(
  node: Extract<TemplateNode, { kind: "for" }>,
  scope: Scope,
  state: RenderState,
  out: string[],
): void {
  const items = loopItems(evaluate(node.iterable, scope, node.line, node.col), node.line, node.col);
  if (items.length === 0) {
    if (node.empty !== undefined) renderNodes(node.empty, scope, state, out);
    return;
  }
  items.forEach(([key, value], i) => {
    const layer = new Map<string, Value>([[node.valueVar, value]]);
    if (node.keyVar !== undefined) layer.set(node.keyVar, key);
    layer.set(
      "loop",
      Dict.of({
        index: i + 1,
        index0: i,
        first: i === 0,
        last: i === items.length - 1,
        length: items.length,
      }),
    );
    scope.push(layer);
    try {
      renderNodes(node.body, scope, state, out);
    } finally {
      scope.pop();
    }
  });
}

/** (key, value) pairs a `for` walks: index/item for lists, sets and ranges; key/value for dicts. */
function loopItems(v: Value, line: number, col: number): [Value, Value][] {
  if (v === null) return [];
  if (Array.isArray(v)) return v.map((item, i) => [i, item]);
  if (v instanceof HSet) return v.items.map((item, i) => [i, item]);
  if (v instanceof Dict) return v.keys().map((k) => [k, v.get(k)]);
  if (v instanceof RangeValue) return Array.from({ length: v.length }, (_, i) => [i, v.start + i]);
  throw new TemplateError(
    line,
    col,
    `cannot iterate over ${typeName(v)} — expected list, dict, set, or range`,
  );
}

function renderInclude(
  node: Extract<TemplateNode, { kind: "include" }>,
  scope: Scope,
  state: RenderState,
  out: string[],
): void {
  const fail = (reason: string): TemplateError => new TemplateError(node.line, node.col, reason);
  const target = evaluate(node.path, scope, node.line, node.col);
  if (typeof target !== "string") throw fail(`include path must be a string (got ${typeName(target)})`);
  const { host } = state;
  const ref = parseAssetRef(target);
  let file: string;
  if (ref !== undefined) {
    // Package-root forms anchor at the template doing the including, so a
    // shared partial finds its siblings however it was reached.
    const anchor = state.currentFile === undefined ? state.sourceDir : host.dirname(state.currentFile);
    try {
      file = resolveAssetRef(host, ref, anchor);
    } catch (e) {
      throw e instanceof AssetPathError ? fail(e.message) : e;
    }
  } else {
    file = host.resolvePath(state.base ?? state.sourceDir, target);
    const root = state.includeRoot;
    if (root !== undefined && !isWithin(file, root))
      throw fail(`include path ${file} escapes template root ${root}`);
  }
  if (state.includeStack.includes(file)) {
    throw fail(`circular include detected: ${[...state.includeStack, file].join(" → ")}`);
  }
  if (state.includeStack.length >= MAX_INCLUDE_DEPTH) throw fail("include depth exceeded (32 levels)");
  const text = readTemplateFile(host, file, (reason) =>
    fail(`failed to read included template ${file}: ${reason}`),
  );

  const bindings = scope.flatten();
  for (const [key, expr] of node.with ?? []) bindings.set(key, evaluate(expr, scope, node.line, node.col));
  let nodes: TemplateNode[];
  try {
    nodes = parseTemplate(text);
  } catch (e) {
    throw e instanceof TemplateError ? e.withPath(file) : e;
  }
  const saved = { base: state.base, currentFile: state.currentFile };
  state.base = host.dirname(file);
  state.currentFile = file;
  state.includeStack.push(file);
  try {
    renderNodes(nodes, new Scope(new Dict(bindings)), state, out);
  } finally {
    state.includeStack.pop();
    state.base = saved.base;
    state.currentFile = saved.currentFile;
  }
}

/** Whether `path` is `dir` or below it (whole path components only). */
function isWithin(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith("/") ? dir : `${dir}/`);
}

/** Reads a template file; `fail` turns an I/O failure (worded like the reference's) into an error. */
export function readTemplateFile(host: StdlibHost, file: string, fail: (reason: string) => Error): string {
  if (!host.fileExists(file)) throw fail("No such file or directory (os error 2)");
  try {
    return host.readFile(file);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw fail(
      code === "EISDIR" ? "Is a directory (os error 21)" : e instanceof Error ? e.message : String(e),
    );
  }
}

function evaluate(expr: TemplateExpr, scope: Scope, line: number, col: number): Value {
  switch (expr.kind) {
    case "literal":
      return expr.value;
    case "path":
      return resolvePath(scope.lookup(expr.head), expr.segments);
    case "not":
      return !templateTruthy(evaluate(expr.operand, scope, line, col));
    case "and": {
      const left = evaluate(expr.left, scope, line, col);
      return templateTruthy(left) ? evaluate(expr.right, scope, line, col) : left;
    }
    case "or": {
      const left = evaluate(expr.left, scope, line, col);
      return templateTruthy(left) ? left : evaluate(expr.right, scope, line, col);
    }
    case "compare":
      return templateCompare(
        expr.op,
        evaluate(expr.left, scope, line, col),
        evaluate(expr.right, scope, line, col),
      );
    case "filter": {
      const input = evaluate(expr.input, scope, line, col);
      const args = expr.args.map((a) => evaluate(a, scope, line, col));
      return applyFilter(expr.name, input, args, line, col);
    }
  }
}

/** Follows `.field`, `["key"]` (dicts) and `[i]` (lists, string characters; negative from the end); misses are nil. */
function resolvePath(start: Value | undefined, segments: readonly PathSegment[]): Value {
  let cur: Value = start === undefined ? null : start;
  for (const seg of segments) {
    if (seg.kind !== "index") {
      cur = cur instanceof Dict ? cur.get(seg.kind === "field" ? seg.name : seg.key) : null;
      continue;
    }
    const items = Array.isArray(cur) ? cur : typeof cur === "string" ? codePoints(cur) : undefined;
    if (items === undefined) return null;
    const i = seg.index < 0 ? items.length + seg.index : seg.index;
    const item = items[i];
    cur = i < 0 || item === undefined ? null : item;
  }
  return cur;
}
