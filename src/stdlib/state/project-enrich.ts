// `project_enrich_native(path, options)`: asks a model for facts about a
// project that static scanning cannot see (framework conventions, naming
// style, test runner), validated against `options.schema`. The prompt is
// a template rendered with the evidence and a bounded set of relevant
// files; results are cached on disk keyed by everything that shaped the
// answer (path, cache key, schema, rendered prompt, file digests,
// evidence), so an unchanged project never pays for a second call. A
// prompt estimated above `budget_tokens` returns the evidence with
// `budget_exceeded: true` instead of calling; a reply that still fails
// the schema after `schema_retries` returns a `validation_error` envelope.

import { v7 as uuidV7 } from "uuid";
import { atomicWrite } from "../../state/atomic-write.ts";
import type { DurableFs } from "../../state/durable-fs.ts";
import { compactJson, prettyJson } from "../../state/json-text.ts";
import { parentPath } from "../../state/state-paths.ts";
import { display } from "../../vm/display.ts";
import { ErrorKind, thrown, VmError } from "../../vm/errors.ts";
import { type BuiltinContext, CallRequest, Dict, HFloat, NativeCall, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { parseJson } from "../data/json-codec.ts";
import type { StdlibHost } from "../host-api.ts";
import type { SystemHost } from "../system/host.ts";
import { resolveFsPath, sourceRoot } from "../system/locations.ts";
import { joinPath } from "../system/path-text.ts";
import { renderTemplate } from "../template/render.ts";
import { operatorEvidence } from "./enrich-ci.ts";
import { filesValue, type RelevantFile, relevantFiles, sha256Hex } from "./enrich-files.ts";
import { existingDirectory } from "./project.ts";
import { parseScanOptions } from "./project-options.ts";
import { evidenceValue, scanExactDirectory } from "./project-scan.ts";

interface EnrichOptions {
  readonly baseEvidence: Value | undefined;
  readonly prompt: string;
  readonly schema: Value;
  readonly budgetTokens: number;
  readonly model: string;
  readonly provider: string;
  readonly temperature: number | null;
  readonly cacheKey: string;
  readonly cacheDir: string | null;
  readonly schemaRetries: number;
  readonly includeOperatorMeta: boolean;
}

const encoder = new TextEncoder();
const fail = (message: string): VmError => thrown(`project.enrich: ${message}`);

function str(d: Dict, key: string): string | null {
  const v = d.map.get(key);
  return typeof v === "string" ? v : null;
}

function int(d: Dict, key: string): number | null {
  const v = d.map.get(key);
  return typeof v === "number" || typeof v === "bigint" ? Number(v) : null;
}

function parseOptions(v: Value | undefined): EnrichOptions {
  if (!(v instanceof Dict)) throw fail("options dict is required");
  const prompt = str(v, "prompt");
  if (prompt === null || prompt === "") throw fail("options.prompt must be a non-empty string");
  if (!v.map.has("schema")) throw fail("options.schema is required");
  const temperature = v.map.get("temperature");
  const include = v.map.get("include_operator_meta");
  return {
    baseEvidence: v.map.get("base_evidence"),
    prompt,
    schema: v.map.get("schema") ?? null,
    budgetTokens: Math.max(0, int(v, "budget_tokens") ?? 4000),
    model: str(v, "model") ?? "auto",
    provider: str(v, "provider") ?? "auto",
    temperature:
      temperature instanceof HFloat ? temperature.v : typeof temperature === "number" ? temperature : null,
    cacheKey: str(v, "cache_key") ?? "default",
    cacheDir: str(v, "cache_dir"),
    schemaRetries: Math.max(0, int(v, "schema_retries") ?? 1),
    includeOperatorMeta: typeof include === "boolean" ? include : true,
  };
}

/** Characters / 4, rounded up: the same rough estimate the reference uses. */
function estimateTokens(text: string): number {
  return Math.floor((Array.from(text).length + 3) / 4);
}

function provenance(model: Value, tokensIn: number, tokensOut: number, cached: boolean): Dict {
  return Dict.of({ model, tokens: Dict.of({ in: tokensIn, out: tokensOut }), cached });
}

function withEntry(v: Value, key: string, entry: Value): Dict {
  return v instanceof Dict ? v.with(key, entry) : Dict.of({ data: v, [key]: entry });
}

function bindings(root: string, evidence: Dict, files: readonly RelevantFile[]): Dict {
  const m = new Map<string, Value>(evidence.map);
  m.set("path", root);
  m.set("base_evidence", evidence);
  m.set("evidence", evidence);
  m.set("files", filesValue(files));
  return new Dict(m);
}

/** Is `e` the schema-validation failure llm_call raises once its retries are spent? */
function schemaFailure(e: unknown): string | null {
  if (!(e instanceof VmError)) return null;
  if (e.kind === ErrorKind.Categorized && e.category === "schema_validation") return e.detail;
  if (
    e.kind === ErrorKind.Thrown &&
    e.thrown instanceof Dict &&
    e.thrown.get("category") === "schema_validation"
  ) {
    return display(e.thrown.get("message"));
  }
  return null;
}

export function registerProjectEnrich(vm: Vm, host: SystemHost, stdlibHost: StdlibHost, fs: DurableFs): void {
  const readCache = (path: string): Value | null => {
    const text = fs.readText(path);
    if (text === null) return null;
    try {
      const record = parseJson(text);
      return record instanceof Dict ? record.get("result") : null;
    } catch (e) {
      throw fail(`failed to parse cache ${path}: ${(e as Error).message}`);
    }
  };
  const writeCache = (path: string, result: Value): void => {
    try {
      fs.makeDirs(parentPath(path));
      atomicWrite(fs, path, encoder.encode(prettyJson(Dict.of({ result }))), uuidV7());
    } catch (e) {
      throw fail(`failed to write cache ${path}: ${(e as Error).message}`);
    }
  };

  /** Calls the VM's `llm_call` builtin (whatever provider layer is installed) for this task. */
  const callModel = async (ctx: BuiltinContext, args: Value[]): Promise<Value> => {
    const llm = ctx.vm.builtins.get("llm_call");
    if (llm === undefined) throw fail("llm_call is not available in this runtime");
    const r = llm.fn(args, ctx);
    // A builtin that needs the interpreter to call back into Harn cannot be awaited from here.
    if (r instanceof NativeCall || r instanceof CallRequest)
      throw fail("llm_call must return a value or a promise");
    return r;
  };

  vm.registerBuiltin("project_enrich_native", async (args, ctx) => {
    const root = existingDirectory(
      ctx,
      host,
      args[0] === undefined || args[0] === null ? "." : display(args[0]),
      "project.enrich",
    );
    const o = parseOptions(args[1]);
    const base =
      o.baseEvidence ??
      evidenceValue(
        scanExactDirectory(host, root, parseScanOptions(Dict.of({ tiers: ["ambient", "config"] }))),
      );
    if (!(base instanceof Dict)) throw fail("base_evidence must be a dict");
    const evidence = o.includeOperatorMeta ? base.with("ci", await operatorEvidence(host, root)) : base;
    const files = relevantFiles(host, root, evidence);
    let prompt: string;
    try {
      prompt = renderTemplate(stdlibHost, o.prompt, bindings(root, evidence, files), {
        file: undefined,
        sourceDir: sourceRoot(ctx, host),
      });
    } catch (e) {
      throw fail(`prompt template: ${(e as Error).message}`);
    }
    const schemaJson = compactJson(o.schema);
    const identity = Dict.of({
      cache_key: o.cacheKey,
      path: root,
      schema_hash: sha256Hex(schemaJson),
      prompt_hash: sha256Hex(prompt),
      content_hash: sha256Hex(files.map((f) => `${f.path}:${f.digest}`).join("|")),
      evidence_hash: sha256Hex(compactJson(evidence)),
    });
    const cacheRoot =
      o.cacheDir !== null ? resolveFsPath(ctx, host, o.cacheDir) : joinPath(root, ".harn/cache/enrichment");
    const cachePath = joinPath(cacheRoot, `${sha256Hex(compactJson(identity))}.json`);

    const cached = readCache(cachePath);
    if (cached instanceof Dict) {
      const prov = cached.get("_provenance");
      return cached.with("_provenance", (prov instanceof Dict ? prov : new Dict()).with("cached", true));
    }
    if (cached !== null) return cached;

    const estimated = estimateTokens(prompt) + estimateTokens(schemaJson);
    if (estimated > o.budgetTokens) {
      return base.with("budget_exceeded", true).with("_provenance", provenance(null, estimated, 0, false));
    }

    const llmOptions = Dict.of({
      provider: o.provider,
      model: o.model,
      ...(o.temperature !== null && { temperature: new HFloat(o.temperature) }),
      output_schema: o.schema,
      output_validation: "error",
      schema_retries: o.schemaRetries,
      response_format: "json",
      messages: [Dict.of({ role: "user", content: prompt })],
    });
    let response: Value;
    try {
      response = await callModel(ctx, [prompt, null, llmOptions]);
    } catch (e) {
      const message = schemaFailure(e);
      if (message === null) throw e;
      return Dict.of({
        base_evidence: evidence,
        validation_error: message,
        _provenance: provenance(null, estimated, 0, false),
      });
    }
    if (!(response instanceof Dict)) throw fail("expected llm response dict");
    const model = response.get("model");
    const intOf = (v: Value, fallback: number): number => (typeof v === "number" ? v : fallback);
    const tokensIn = intOf(response.get("input_tokens"), estimated);
    const tokensOut = intOf(response.get("output_tokens"), 0);
    if (!response.map.has("data")) {
      return Dict.of({
        base_evidence: evidence,
        validation_error: "LLM response did not contain structured data",
        _provenance: provenance(model, tokensIn, tokensOut, false),
      });
    }
    let result = withEntry(
      response.get("data"),
      "_provenance",
      provenance(model, tokensIn, tokensOut, false),
    );
    const ci = evidence.get("ci");
    if (ci !== null) result = result.with("ci", ci);
    writeCache(cachePath, result);
    return result;
  });
}
