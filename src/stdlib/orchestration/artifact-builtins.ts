// Artifact builtins: `artifact(dict)` normalises one; the `artifact_*`
// helpers build the common kinds (workspace files and snapshots, editor
// selections, diffs and git diffs, command/test/verification results,
// verification bundles) and the review chain (diff_review ->
// review_decision / patch_proposal / apply_intent), whose lineage records
// the artifact they judge. Every helper takes an optional last options
// dict {id, title, text, source, stage, freshness, priority, relevance,
// estimated_tokens, lineage, metadata, data} that overrides its defaults.
// Selection: `artifact_select`, `select_artifacts_adaptive`,
// `artifact_context` (the prompt rendering) and `artifact_derive`. Handoffs:
// `handoff` (normalise), `handoff_context` (render), `handoff_artifact`.

import { display, typeName } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { stringifyJson } from "../data/json-writer.ts";
import {
  normalizeArtifact,
  normalizeArtifactList,
  parseContextPolicy,
  type RecordEnv,
  renderArtifactsContext,
  selectArtifacts,
  selectArtifactsAdaptive,
} from "./artifacts.ts";
import { handoffArtifact, handoffContext, handoffFrom, normalizeArtifactWithHandoff } from "./handoffs.ts";
import { unifiedDiff } from "./line-diff.ts";
import { toJsonData } from "../../runtime/events/json-data.ts";

/** A value as artifact text: strings as they are, anything else as JSON. */
function asText(v: Value): string {
  return typeof v === "string" ? v : stringifyJson(toJsonData(v));
}

function requiredDisplay(args: readonly Value[], i: number, builtin: string, field: string): string {
  const v = args[i];
  const text = v === undefined || v === null ? "" : display(v);
  if (text === "") throw runtimeError(`${builtin}: missing ${field}`);
  return text;
}

function requiredText(args: readonly Value[], i: number, builtin: string, field: string): string {
  const v = args[i];
  const text = v === undefined || v === null ? "" : asText(v);
  if (text === "") throw runtimeError(`${builtin}: missing ${field}`);
  return text;
}

function optionalText(v: Value | undefined): string | null {
  if (v === undefined || v === null) return null;
  const text = asText(v);
  return text === "" ? null : text;
}

function optionsOf(v: Value | undefined, builtin: string): Dict {
  if (v === undefined || v === null) return new Dict();
  if (v instanceof Dict) return v;
  throw runtimeError(`${builtin}: artifact helper options must be a dict or nil, got ${typeName(v)}`);
}

/** Dict data overlays merge key by key; any other overlay replaces. */
function mergeData(base: Value, overlay: Value): Value {
  if (base instanceof Dict && overlay instanceof Dict) {
    const m = new Map(base.map);
    for (const [k, v] of overlay.map) m.set(k, v);
    return new Dict(m);
  }
  return overlay ?? base;
}

interface HelperSpec {
  readonly kind: string;
  readonly title: string | null;
  readonly text: string | null;
  readonly data: Value;
  /** Metadata the helper always sets (over the options' metadata). */
  readonly metadata?: Record<string, Value>;
  /** The artifact this one judges: its lineage is inherited and it is appended. */
  readonly target?: Dict;
}

function build(spec: HelperSpec, options: Dict, env: RecordEnv): Dict {
  const opt = (k: string): Value => options.get(k);
  const metadata = new Map(opt("metadata") instanceof Dict ? (opt("metadata") as Dict).map : []);
  const lineage: Value[] = Array.isArray(opt("lineage"))
    ? (opt("lineage") as Value[]).filter((x) => typeof x === "string")
    : [];
  if (spec.target) {
    const inherited = spec.target.get("lineage");
    if (Array.isArray(inherited)) lineage.push(...inherited);
    lineage.push(spec.target.get("id"));
    metadata.set("target_artifact_id", spec.target.get("id"));
    metadata.set("target_kind", spec.target.get("kind"));
  }
  for (const [k, v] of Object.entries(spec.metadata ?? {})) metadata.set(k, v);
  const pick = (k: string, fallback: Value): Value => (typeof opt(k) === "string" ? opt(k) : fallback);
  return normalizeArtifact(
    Dict.of({
      id: pick("id", ""),
      kind: spec.kind,
      title: pick("title", spec.title),
      text: pick("text", spec.text),
      data: mergeData(spec.data, opt("data")),
      source: pick("source", null),
      stage: pick("stage", null),
      freshness: pick("freshness", null),
      priority: typeof opt("priority") === "number" ? opt("priority") : null,
      relevance: opt("relevance"),
      estimated_tokens: typeof opt("estimated_tokens") === "number" ? opt("estimated_tokens") : null,
      lineage,
      metadata: new Dict(metadata),
    }),
    env,
  );
}

function titleOf(a: Dict): string {
  const t = a.get("title");
  return typeof t === "string" ? t : display(a.get("id"));
}

export function registerArtifactBuiltins(vm: Vm, env: RecordEnv): void {
  const b = vm.registerBuiltin.bind(vm);
  const target = (args: readonly Value[], builtin: string): Dict => {
    if (args[0] === undefined) throw runtimeError(`${builtin}: missing target artifact`);
    return normalizeArtifact(args[0], env);
  };

  b("artifact", (args) => {
    if (args[0] === undefined) throw runtimeError("artifact: missing artifact payload");
    return normalizeArtifactWithHandoff(args[0], env);
  });

  const handoffArg = (args: readonly Value[], builtin: string): Dict => {
    if (args[0] === undefined) throw runtimeError(`${builtin}: missing payload`);
    const h = handoffFrom(args[0], env);
    if (h === null) throw runtimeError(`${builtin}: invalid handoff payload`);
    return h;
  };
  b("handoff", (args) => handoffArg(args, "handoff"));
  b("handoff_context", (args) => handoffContext(handoffArg(args, "handoff_context")));
  b("handoff_artifact", (args) => handoffArtifact(handoffArg(args, "handoff_artifact"), null, env));

  b("artifact_derive", (args) => {
    if (args[0] === undefined) throw runtimeError("artifact_derive: missing parent");
    const parent = normalizeArtifact(args[0], env);
    const kind = args[1] === undefined || args[1] === null ? "artifact" : display(args[1]);
    const lineage = [...(parent.get("lineage") as Value[]), parent.get("id")];
    let derived = parent
      .with("id", `${display(parent.get("id"))}_derived`)
      .with("kind", kind)
      .with("lineage", lineage);
    // The derived artifact keeps the parent's priority; new text gets a fresh token estimate.
    const extra = args[2];
    if (extra instanceof Dict && typeof extra.get("text") === "string")
      derived = derived.with("text", extra.get("text")).with("estimated_tokens", null);
    return normalizeArtifact(derived, env);
  });

  b("artifact_select", (args) =>
    selectArtifacts(normalizeArtifactList(args[0], env, "artifact_select"), parseContextPolicy(args[1])),
  );
  b("select_artifacts_adaptive", (args) =>
    selectArtifactsAdaptive(
      normalizeArtifactList(args[0], env, "select_artifacts_adaptive"),
      parseContextPolicy(args[1]),
    ),
  );
  b("artifact_context", (args) => {
    const policy = parseContextPolicy(args[1]);
    const selected = selectArtifacts(normalizeArtifactList(args[0], env, "artifact_context"), policy);
    return renderArtifactsContext(selected, policy, (v) => stringifyJson(toJsonData(v)));
  });

  b("artifact_workspace_file", (args) => {
    const path = requiredDisplay(args, 0, "artifact_workspace_file", "path");
    const content = requiredText(args, 1, "artifact_workspace_file", "content");
    const data = Dict.of({ path, content });
    const spec = { kind: "workspace_file", title: path, text: content, data, metadata: { path } };
    return build(spec, optionsOf(args[2], "artifact_workspace_file"), env);
  });

  b("artifact_workspace_snapshot", (args) => {
    if (args[0] === undefined) throw runtimeError("artifact_workspace_snapshot: missing paths");
    const paths = toJsonData(args[0]);
    const spec = {
      kind: "workspace_snapshot",
      title: "workspace snapshot",
      text: optionalText(args[1]),
      data: Dict.of({ paths }),
      metadata: { paths },
    };
    return build(spec, optionsOf(args[2], "artifact_workspace_snapshot"), env);
  });

  b("artifact_editor_selection", (args) => {
    const path = requiredDisplay(args, 0, "artifact_editor_selection", "path");
    const text = requiredText(args, 1, "artifact_editor_selection", "text");
    const spec = {
      kind: "editor_selection",
      title: `selection ${path}`,
      text,
      data: Dict.of({ path, text }),
      metadata: { path },
    };
    return build(spec, optionsOf(args[2], "artifact_editor_selection"), env);
  });

  for (const kind of ["verification_result", "test_result"]) {
    const name = `artifact_${kind}`;
    b(name, (args) => {
      const title = requiredDisplay(args, 0, name, "title");
      const text = requiredText(args, 1, name, "text");
      return build({ kind, title, text, data: Dict.of({ title, text }) }, optionsOf(args[2], name), env);
    });
  }

  b("artifact_command_result", (args) => {
    const command = requiredDisplay(args, 0, "artifact_command_result", "command");
    if (args[1] === undefined) throw runtimeError("artifact_command_result: missing output");
    const data = Dict.of({ command, output: toJsonData(args[1]) });
    const spec = {
      kind: "command_result",
      title: command,
      text: asText(args[1]),
      data,
      metadata: { command },
    };
    return build(spec, optionsOf(args[2], "artifact_command_result"), env);
  });

  b("artifact_diff", (args) => {
    const path = requiredDisplay(args, 0, "artifact_diff", "path");
    const before = requiredText(args, 1, "artifact_diff", "before");
    const after = requiredText(args, 2, "artifact_diff", "after");
    const spec = {
      kind: "diff",
      title: `diff ${path}`,
      text: unifiedDiff(path, before, after),
      data: Dict.of({ path, before, after }),
      metadata: { path },
    };
    return build(spec, optionsOf(args[3], "artifact_diff"), env);
  });

  b("artifact_git_diff", (args) => {
    const diff = requiredText(args, 0, "artifact_git_diff", "diff_text");
    return build(
      { kind: "git_diff", title: "git diff", text: diff, data: Dict.of({ diff }) },
      optionsOf(args[1], "artifact_git_diff"),
      env,
    );
  });

  b("artifact_diff_review", (args) => {
    const t = target(args, "artifact_diff_review");
    const data = Dict.of({ target_artifact_id: t.get("id"), target_kind: t.get("kind") });
    const spec = {
      kind: "diff_review",
      title: `review ${titleOf(t)}`,
      text: optionalText(args[1]),
      data,
      target: t,
    };
    return build(spec, optionsOf(args[2], "artifact_diff_review"), env);
  });

  const judged = (
    name: string,
    kind: string,
    field: string,
    title: (value: string, t: Dict) => string,
  ): void => {
    b(name, (args) => {
      const t = target(args, name);
      const value =
        field === "patch" ? requiredText(args, 1, name, field) : requiredDisplay(args, 1, name, field);
      const data = Dict.of({ target_artifact_id: t.get("id"), target_kind: t.get("kind"), [field]: value });
      const metadata: Record<string, Value> = field === "decision" ? { decision: value } : {};
      return build(
        { kind, title: title(value, t), text: value, data, metadata, target: t },
        optionsOf(args[2], name),
        env,
      );
    });
  };
  judged("artifact_review_decision", "review_decision", "decision", (v, t) => `${v} ${titleOf(t)}`);
  judged("artifact_patch_proposal", "patch_proposal", "patch", (_v, t) => `patch for ${titleOf(t)}`);
  judged("artifact_apply_intent", "apply_intent", "intent", (v, t) => `${v} ${titleOf(t)}`);

  b("artifact_verification_bundle", (args) => {
    const title = requiredDisplay(args, 0, "artifact_verification_bundle", "title");
    if (args[1] === undefined) throw runtimeError("artifact_verification_bundle: missing checks");
    const data = Dict.of({ title, checks: toJsonData(args[1]) });
    return build(
      { kind: "verification_bundle", title, text: asText(args[1]), data },
      optionsOf(args[2], "artifact_verification_bundle"),
      env,
    );
  });
}
