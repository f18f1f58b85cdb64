// `assemble_context(options)` and its use by workflow stages: a node with
// a `context_assembler` dict packs its selected artifacts through the same
// assembler before rendering them into the prompt. A `ranker_callback`
// closure, given the query and the candidate chunks, returns one score per
// chunk and replaces keyword scoring under the relevance strategy.

import { callHarn } from "../../llm/agent/callbacks.ts";
import { typeName } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { CallRequest, Closure, Dict, HFloat, NativeCall, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { normalizeArtifactList, type RecordEnv } from "../orchestration/artifacts.ts";
import { type AssembleOptions, assembleContext, candidateChunks } from "./assemble.ts";
import { assembledValue, chunkValue, parseAssembleOptions, renderAssembled } from "./assemble-values.ts";
import type { StageSite } from "./stage-site.ts";

/** Scores a ranker returned, keyed by candidate chunk id (missing or nil scores count 0). */
function rankerScores(result: Value, ids: readonly string[]): Map<string, number> {
  if (!Array.isArray(result)) {
    throw runtimeError("assemble_context: ranker_callback must return a list of numbers");
  }
  const scores = new Map<string, number>();
  ids.forEach((id, i) => {
    const v = result[i];
    if (v === undefined || v === null) scores.set(id, 0);
    else if (typeof v === "number") scores.set(id, v);
    else if (v instanceof HFloat) scores.set(id, v.v);
    else throw runtimeError(`assemble_context: ranker_callback score must be a number (got ${typeName(v)})`);
  });
  return scores;
}

function rankerArgs(artifacts: readonly Dict[], o: AssembleOptions): { args: Value[]; ids: string[] } {
  const candidates = candidateChunks(artifacts, o, []);
  return {
    args: [o.query ?? "", candidates.map((c) => chunkValue(c, false))],
    ids: candidates.map((c) => c.id),
  };
}

function ranker(d: Dict, o: AssembleOptions): Closure | null {
  const r = d.get("ranker_callback");
  return r instanceof Closure && o.strategy === "relevance" ? r : null;
}

export function registerAssemble(vm: Vm, records: RecordEnv): void {
  vm.registerBuiltin("assemble_context", (args) => {
    const d = args[0];
    if (!(d instanceof Dict)) {
      throw runtimeError("assemble_context: first argument must be an options dict with `artifacts`");
    }
    const artifacts = normalizeArtifactList(d.get("artifacts"), records, "assemble_context");
    const o = parseAssembleOptions(d);
    const callback = ranker(d, o);
    if (callback === null) return assembledValue(assembleContext(artifacts, o, null));
    // The ranker is Harn code: run it as a frame of this task, then finish the pack.
    function* withRanker(): Generator<CallRequest, Value, Value> {
      const { args: callArgs, ids } = rankerArgs(artifacts, o);
      const result = yield new CallRequest(callback!, callArgs);
      return assembledValue(assembleContext(artifacts, o, rankerScores(result, ids)));
    }
    return new NativeCall(withRanker());
  });
}

/** A stage's rendered context when its node has a `context_assembler`. */
export async function assembledContext(
  site: StageSite,
  selected: readonly Dict[],
  assembler: Dict,
): Promise<string> {
  const o = parseAssembleOptions(assembler);
  const callback = ranker(assembler, o);
  let scores: Map<string, number> | null = null;
  if (callback !== null) {
    const { args, ids } = rankerArgs(selected, o);
    scores = rankerScores(
      await callHarn({ vm: site.vm, owner: site.owner, ctx: site.ctx }, callback, args),
      ids,
    );
  }
  return renderAssembled(assembleContext(selected, o, scores));
}
