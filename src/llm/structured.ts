// The structured-output family (spec: "Structured LLM calls"):
// `llm_call_structured(prompt, schema, options?)` is llm_call asking for
// JSON against `schema` (defaults: response_format "json",
// output_validation "error", schema_retries 3; `retries` is an alias and
// `system` may ride in the options) returning just the data;
// `llm_call_structured_result` never throws and reports a diagnostic
// envelope, optionally after one repair pass that asks the model to fix
// its own invalid reply.

import { typeName } from "../vm/display.ts";
import { runtimeError } from "../vm/errors.ts";
import { Dict, type Value } from "../vm/values.ts";
import { type CallContext, runSchemaLoop, type SchemaOutcome } from "./call.ts";
import { failureFacts } from "./errors.ts";
import { asInt, optionsArg, withOptions } from "./option-values.ts";
import { type LlmCallOptions, parseCallOptions } from "./options.ts";
import { EMPTY_USAGE } from "./result.ts";

/**
 * `(prompt, schema, options?)` rewritten to llm_call's `(prompt, system,
 * options)` with the structured defaults filled in where the caller left
 * them unset.
 */
export function structuredArgs(args: readonly Value[], fn: string): Value[] {
  if (args.length < 2) {
    throw runtimeError(`${fn}: missing required \`schema\` argument (expected (prompt, schema, options?))`);
  }
  const schema = args[1]!;
  if (!(schema instanceof Dict)) {
    throw runtimeError(`${fn}: \`schema\` must be a dict (JSON Schema), got ${typeName(schema)}`);
  }
  const o = optionsArg(args[2]);
  const system = o?.map.get("system");
  const retries = asInt(o?.map.get("retries") ?? undefined);
  const keep = (key: string, fallback: Value): Value => o?.map.get(key) ?? fallback;
  const options = withOptions(o, {
    system: undefined,
    retries: undefined,
    schema_retries: keep("schema_retries", retries ?? 3),
    output_schema: keep("output_schema", schema),
    json_schema: keep("json_schema", schema),
    output_format: keep("output_format", Dict.of({ kind: "json_schema", schema, strict: true })),
    response_format: keep("response_format", "json"),
    output_validation: keep("output_validation", "error"),
  });
  return [args[0] ?? null, system ?? null, options];
}

/** `data` of an llm_call result. */
export function dataOf(result: Value): Value {
  return result instanceof Dict ? result.get("data") : result;
}

interface Repair {
  readonly enabled: boolean;
  readonly overrides: Dict;
}

function parseRepair(v: Value | undefined): Repair | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "boolean") return { enabled: v, overrides: new Dict() };
  if (!(v instanceof Dict)) return null;
  // A repair dict opts in unless it says `enabled: false`.
  const enabled = v.map.get("enabled") !== false;
  return { enabled, overrides: withOptions(v, { enabled: undefined }) };
}

function repairPrompt(rawText: string, errors: readonly string[]): string {
  const listed = errors.length === 0 ? "(no details)" : errors.join("; ");
  return [
    "The text below should have been JSON matching the required schema, but it failed validation.",
    "Fix it and reply with only the corrected JSON (no prose, no markdown fences).",
    "",
    `Validation errors: ${listed}`,
    "",
    "Text to fix:",
    rawText,
  ].join("\n");
}

function envelope(fields: Record<string, Value>): Dict {
  return Dict.of(fields);
}

/** Whether the JSON had to be dug out of prose or a fence. */
function extractedJson(ctx: CallContext, outcome: SchemaOutcome): boolean {
  if (!outcome.result.map.has("data")) return false;
  const raw = outcome.response.text;
  const trimmed = raw.trim();
  if (trimmed === "") return false;
  const parses = (text: string): boolean => {
    try {
      ctx.state.json.parse(text);
      return true;
    } catch {
      return false;
    }
  };
  if (parses(trimmed)) return false;
  const inner = ctx.state.json.extract(raw);
  return inner !== trimmed && parses(inner);
}

function outcomeEnvelope(
  ctx: CallContext,
  outcome: SchemaOutcome,
  ok: boolean,
  repaired: boolean,
  category: string,
) {
  const r = outcome.result;
  return envelope({
    ok,
    data: ok ? r.get("data") : null,
    raw_text: outcome.response.text,
    error: ok ? "" : outcome.errors.length > 0 ? outcome.errors.join("; ") : "structured call failed",
    error_category: ok ? null : category,
    attempts: outcome.attempts,
    repaired,
    extracted_json: extractedJson(ctx, outcome),
    usage: r.get("usage"),
    model: r.get("model"),
    provider: r.get("provider"),
  });
}

function failureEnvelope(e: unknown, provider: string, model: string): Dict {
  const facts = failureFacts(e);
  return envelope({
    ok: false,
    data: null,
    raw_text: "",
    error: facts.message,
    error_category: facts.category,
    attempts: 0,
    repaired: false,
    extracted_json: false,
    usage: EMPTY_USAGE,
    model,
    provider,
  });
}

async function repairPass(
  ctx: CallContext,
  main: SchemaOutcome,
  repair: Repair,
  base: Dict,
): Promise<Dict | null> {
  const merged = new Map(base.map);
  merged.set("schema_retries", 0);
  merged.delete("repair");
  for (const [k, v] of repair.overrides.map) merged.set(k, v);
  try {
    const opts = parseCallOptions(ctx.state, [
      repairPrompt(main.response.text, main.errors),
      null,
      new Dict(merged),
    ]);
    const outcome = await runSchemaLoop(ctx, opts);
    return outcome.errors.length === 0 ? outcomeEnvelope(ctx, outcome, true, true, "") : null;
  } catch {
    return null;
  }
}

/** `llm_call_structured_result`: always an envelope, never a throw. */
export async function structuredResult(ctx: CallContext, args: readonly Value[]): Promise<Dict> {
  let opts: LlmCallOptions;
  let repair: Repair | null;
  let base: Dict;
  try {
    const rewritten = structuredArgs(args, "llm_call_structured_result");
    const o = optionsArg(rewritten[2]);
    repair = parseRepair(o?.map.get("repair") ?? undefined);
    base = withOptions(o, { repair: undefined });
    opts = parseCallOptions(ctx.state, [rewritten[0]!, rewritten[1]!, base]);
  } catch (e) {
    return failureEnvelope(e, "", "");
  }
  let main: SchemaOutcome;
  try {
    main = await runSchemaLoop(ctx, opts);
  } catch (e) {
    return failureEnvelope(e, opts.request.provider, opts.request.model);
  }
  if (main.errors.length === 0) return outcomeEnvelope(ctx, main, true, false, "");
  if (repair?.enabled) {
    return (
      (await repairPass(ctx, main, repair, base)) ?? outcomeEnvelope(ctx, main, false, false, "repair_failed")
    );
  }
  const category = main.result.map.has("data") ? "schema_validation" : "missing_json";
  return outcomeEnvelope(ctx, main, false, false, category);
}
