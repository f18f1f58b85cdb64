import assert from "node:assert/strict";
import { test } from "node:test";
import { VmError } from "../../vm/errors.ts";
import { Dict } from "../../vm/values.ts";
import type { JsonObject } from "../json.ts";
import { ClientToolSearch, estimateTokens } from "./client-search.ts";
import { candidateFromNative, searchTools, tokenize } from "./search-index.ts";
import { parseToolSearchOption, planToolSearch, type ToolSearchTarget } from "./tool-search.ts";

function fn(name: string, description: string, extra: JsonObject = {}): JsonObject {
  return {
    type: "function",
    function: {
      name,
      description,
      parameters: { type: "object", properties: { q: { type: "string", description: "query text" } } },
    },
    ...extra,
  };
}

const candidates = [
  fn("deploy_service", "Deploy the production service stack"),
  fn("query_metrics", "Query observability metrics"),
  fn("edit_file", "Edit an existing file"),
  { name: "create_file", description: "Create a new file", input_schema: {}, _mcp_server: "github" },
].map((t) => candidateFromNative(t)!);

const openai: ToolSearchTarget = {
  provider: "mock",
  model: "gpt-5.4",
  deferLoading: true,
  nativeVariants: ["hosted", "client"],
  forceNative: false,
};
const plain: ToolSearchTarget = {
  provider: "mock",
  model: "gpt-4o",
  deferLoading: false,
  nativeVariants: [],
  forceNative: false,
};

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return e instanceof VmError ? String(e.thrown) : String(e);
  }
  return "(no error)";
}

test("tokenize splits on non-alphanumerics and lower-cases", () => {
  assert.deepEqual(tokenize("Read-Bytes open_file Ünïcode9"), ["read", "bytes", "open", "file", "ünïcode9"]);
});

test("BM25 ranks matching tools and reports misses", () => {
  assert.deepEqual(searchTools("bm25", "deploy", candidates).toolNames, ["deploy_service"]);
  assert.deepEqual(searchTools("bm25", "github", candidates).toolNames, ["create_file"]);
  assert.match(searchTools("bm25", "zebra", candidates).diagnostic ?? "", /no tools matched/);
  assert.match(searchTools("bm25", "  ", candidates).diagnostic ?? "", /empty query/);
});

test("regex search is case-insensitive and counts matches", () => {
  assert.deepEqual(searchTools("regex", "EDIT|create", candidates).toolNames, ["create_file", "edit_file"]);
  assert.match(searchTools("regex", "(?=x)", candidates).diagnostic ?? "", /regex compile error/);
});

test("tool_search option shapes", () => {
  assert.equal(parseToolSearchOption(false), null);
  assert.equal(parseToolSearchOption(true)?.variant, "bm25");
  assert.equal(parseToolSearchOption("regex")?.variant, "regex");
  const cfg = parseToolSearchOption(Dict.of({ mode: "client", name: " find ", budget_tokens: 10 }))!;
  assert.deepEqual([cfg.mode, cfg.name, cfg.budgetTokens], ["client", "find", 10]);
  assert.match(
    message(() => parseToolSearchOption(Dict.of({ mode: "sometimes" }))),
    /tool_search.mode: expected/,
  );
  assert.match(
    message(() => parseToolSearchOption(3)),
    /tool_search: expected bool/,
  );
});

test("native mode prepends the provider meta-tool", () => {
  const tools = [fn("a", "x", { namespace: "ops" }), fn("b", "y", { defer_loading: true, namespace: "crm" })];
  const plan = planToolSearch(tools, parseToolSearchOption(Dict.of({ mode: "native" }))!, openai);
  assert.equal(plan.mode, "native");
  assert.deepEqual(plan.tools[0], { type: "tool_search", mode: "hosted", namespaces: ["crm", "ops"] });
  const claude = planToolSearch(tools, parseToolSearchOption("regex")!, {
    ...openai,
    model: "claude-opus-4-7",
    nativeVariants: ["bm25", "regex"],
  });
  assert.deepEqual(claude.tools[0], {
    type: "tool_search_tool_regex_20251119",
    name: "tool_search_tool_regex",
  });
  assert.match(
    message(() => planToolSearch(tools, parseToolSearchOption(Dict.of({ mode: "native" }))!, plain)),
    /does not expose native/,
  );
  assert.equal(
    planToolSearch(tools, parseToolSearchOption(Dict.of({ mode: "native" }))!, {
      ...plain,
      forceNative: true,
    }).mode,
    "native",
  );
  assert.match(
    message(() =>
      planToolSearch([fn("b", "y", { defer_loading: true })], parseToolSearchOption(true)!, plain),
    ),
    /all tools have defer_loading/,
  );
});

test("client mode hides deferred tools and promotes search hits within the budget", async () => {
  const tools = [
    fn("anchor", "always"),
    fn("alpha", "alpha tool", { defer_loading: true }),
    fn("beta", "beta tool", { defer_loading: true }),
  ];
  const budget = estimateTokens(fn("alpha", "alpha tool")) + 1;
  const cfg = parseToolSearchOption(Dict.of({ mode: "client", budget_tokens: budget }))!;
  const plan = planToolSearch(tools, cfg, plain);
  assert.deepEqual(
    plan.tools.map((t) => (t.function as JsonObject).name),
    ["__harn_tool_search", "anchor"],
  );
  const search = new ClientToolSearch(cfg, plan.deferred);
  const first = await search.handle("t1", { query: "alpha" });
  assert.deepEqual(first.promoted, ["alpha"]);
  assert.equal(first.resultText, '{"tool_names":["alpha"]}');
  assert.deepEqual(first.queryEvent.mode, "client");
  await search.handle("t2", { query: "beta" });
  assert.deepEqual(
    search.payload(plan.tools).map((t) => (t.function as JsonObject).name),
    ["__harn_tool_search", "anchor", "beta"],
  );
  assert.equal(
    search.payload(plan.tools).some((t) => t.defer_loading !== undefined),
    false,
  );
});
