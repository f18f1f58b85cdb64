// Flow invariant results: the graded verdicts a Flow predicate returns.
// A result is a dict `{verdict: {kind, ...}, evidence?, remediation?,
// confidence}`; the verdict is allow, warn {reason}, block {error: {code,
// message}} or require_approval {approver: principal {id} | role {name}}.
// Evidence items are tagged by `kind` (atom_pointer, metadata_path,
// transcript_excerpt, external_citation). Builders validate their inputs
// and every consumer re-validates the result it is given, so a hand-made
// dict with a typo fails loudly instead of grading silently.

import { typeName } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, HFloat, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";

const ATOM_HEX = /^[0-9a-fA-F]{64}$/;

function stringArg(args: readonly Value[], i: number, builtin: string, name: string): string {
  const v = args[i];
  if (typeof v === "string") return v;
  if (v === undefined) throw runtimeError(`${builtin}: missing required string argument \`${name}\``);
  throw runtimeError(`${builtin}: argument \`${name}\` must be a string, got ${typeName(v)}`);
}

function offsetArg(args: readonly Value[], i: number, builtin: string, name: string): number {
  const v = args[i];
  if (typeof v === "number") {
    if (v < 0) throw runtimeError(`${builtin}: argument \`${name}\` must be non-negative, got ${v}`);
    return v;
  }
  if (v === undefined) throw runtimeError(`${builtin}: missing required int argument \`${name}\``);
  throw runtimeError(`${builtin}: argument \`${name}\` must be an int, got ${typeName(v)}`);
}

function span(args: readonly Value[], builtin: string, names: [string, string]): Dict {
  const start = offsetArg(args, 1, builtin, names[0]);
  const end = offsetArg(args, 2, builtin, names[1]);
  if (end < start) throw runtimeError(`${builtin}: span end (${end}) must be >= start (${start})`);
  return Dict.of({ start, end });
}

function result(verdict: Dict): Dict {
  return Dict.of({ verdict, confidence: new HFloat(1) });
}

/** The verdict kind of a well-formed result, else throws naming `builtin`. */
function verdictOf(v: Value | undefined, builtin: string): { result: Dict; kind: string } {
  if (v === undefined) throw runtimeError(`${builtin}: missing required invariant result argument`);
  const fail = (why: string): never => {
    throw runtimeError(`${builtin}: invalid InvariantResult: ${why}`);
  };
  if (!(v instanceof Dict)) return fail(`expected a dict, got ${typeName(v)}`);
  const verdict = v.get("verdict");
  if (!(verdict instanceof Dict)) return fail("missing field `verdict`");
  const kind = verdict.get("kind");
  const need = (d: Value, field: string): void => {
    if (!(d instanceof Dict) || typeof d.get(field) !== "string") fail(`verdict is missing \`${field}\``);
  };
  switch (kind) {
    case "allow":
      break;
    case "warn":
      need(verdict, "reason");
      break;
    case "block":
      need(verdict.get("error"), "code");
      need(verdict.get("error"), "message");
      break;
    case "require_approval": {
      const approver = verdict.get("approver");
      const approverKind = approver instanceof Dict ? approver.get("kind") : null;
      if (approverKind === "principal") need(approver, "id");
      else if (approverKind === "role") need(approver, "name");
      else fail("unknown approver kind");
      break;
    }
    default:
      return fail(`unknown verdict kind ${typeof kind === "string" ? `\`${kind}\`` : typeName(kind)}`);
  }
  const confidence = v.get("confidence");
  if (!(confidence instanceof HFloat) && typeof confidence !== "number") fail("missing field `confidence`");
  return { result: v, kind };
}

const EVIDENCE_FIELDS: Record<string, readonly string[]> = {
  atom_pointer: ["atom", "diff_span"],
  metadata_path: ["directory", "namespace", "key"],
  transcript_excerpt: ["transcript_id", "span"],
  external_citation: ["url", "quote", "fetched_at"],
};

function checkEvidence(item: Value): Dict {
  const kind = item instanceof Dict ? item.get("kind") : null;
  const fields = typeof kind === "string" ? EVIDENCE_FIELDS[kind] : undefined;
  if (!(item instanceof Dict) || fields === undefined)
    throw runtimeError("flow_with_evidence: invalid evidence: unknown evidence kind");
  for (const f of fields) {
    if (!item.map.has(f)) throw runtimeError(`flow_with_evidence: invalid evidence: missing field \`${f}\``);
  }
  return item;
}

export function registerFlowInvariants(vm: Vm): void {
  const b = vm.registerBuiltin.bind(vm);
  b("flow_invariant_allow", () => result(Dict.of({ kind: "allow" })));
  b("flow_invariant_warn", (args) =>
    result(Dict.of({ kind: "warn", reason: stringArg(args, 0, "flow_invariant_warn", "reason") })),
  );
  b("flow_invariant_block", (args) => {
    const code = stringArg(args, 0, "flow_invariant_block", "code");
    const message = stringArg(args, 1, "flow_invariant_block", "message");
    return result(Dict.of({ kind: "block", error: Dict.of({ code, message }) }));
  });
  b("flow_invariant_require_approval", (args) => {
    const kind = stringArg(args, 0, "flow_invariant_require_approval", "kind");
    const id = stringArg(args, 1, "flow_invariant_require_approval", "id");
    let approver: Dict;
    if (kind === "principal") approver = Dict.of({ kind, id });
    else if (kind === "role") approver = Dict.of({ kind, name: id });
    else
      throw runtimeError(
        `flow_invariant_require_approval: kind must be "principal" or "role", got "${kind}"`,
      );
    return result(Dict.of({ kind: "require_approval", approver }));
  });

  b("flow_evidence_atom", (args) => {
    const atom = stringArg(args, 0, "flow_evidence_atom", "atom_id");
    if (!ATOM_HEX.test(atom))
      throw runtimeError("flow_evidence_atom: invalid atom id: expected 64 hex digits");
    const diffSpan = span(args, "flow_evidence_atom", ["diff_start", "diff_end"]);
    return Dict.of({ kind: "atom_pointer", atom: atom.toLowerCase(), diff_span: diffSpan });
  });
  b("flow_evidence_metadata", (args) =>
    Dict.of({
      kind: "metadata_path",
      directory: stringArg(args, 0, "flow_evidence_metadata", "directory"),
      namespace: stringArg(args, 1, "flow_evidence_metadata", "namespace"),
      key: stringArg(args, 2, "flow_evidence_metadata", "key"),
    }),
  );
  b("flow_evidence_transcript", (args) => {
    const transcriptId = stringArg(args, 0, "flow_evidence_transcript", "transcript_id");
    const excerpt = span(args, "flow_evidence_transcript", ["span_start", "span_end"]);
    return Dict.of({ kind: "transcript_excerpt", transcript_id: transcriptId, span: excerpt });
  });
  b("flow_evidence_citation", (args) =>
    Dict.of({
      kind: "external_citation",
      url: stringArg(args, 0, "flow_evidence_citation", "url"),
      quote: stringArg(args, 1, "flow_evidence_citation", "quote"),
      fetched_at: stringArg(args, 2, "flow_evidence_citation", "fetched_at"),
    }),
  );
  b("flow_remediation", (args) =>
    Dict.of({ description: stringArg(args, 0, "flow_remediation", "description") }),
  );

  b("flow_with_evidence", (args) => {
    const { result: r } = verdictOf(args[0], "flow_with_evidence");
    const list = args[1];
    if (!Array.isArray(list)) {
      const got = list === undefined ? "missing" : typeName(list);
      throw runtimeError(`flow_with_evidence: argument \`evidence\` must be a list, got ${got}`);
    }
    const evidence = list.map(checkEvidence);
    // An empty evidence list is omitted, as the reference serialises it.
    if (evidence.length === 0) {
      const m = new Map(r.map);
      m.delete("evidence");
      return new Dict(m);
    }
    return r.with("evidence", evidence);
  });
  b("flow_with_remediation", (args) => {
    const { result: r } = verdictOf(args[0], "flow_with_remediation");
    const remediation = args[1];
    if (!(remediation instanceof Dict) || typeof remediation.get("description") !== "string")
      throw runtimeError("flow_with_remediation: invalid remediation: missing field `description`");
    return r.with("remediation", remediation);
  });
  b("flow_with_confidence", (args) => {
    const { result: r } = verdictOf(args[0], "flow_with_confidence");
    const c = args[1];
    let n: number;
    if (c instanceof HFloat) n = c.v;
    else if (typeof c === "number") n = c;
    else if (c === undefined)
      throw runtimeError("flow_with_confidence: missing required number argument `confidence`");
    else
      throw runtimeError(
        `flow_with_confidence: argument \`confidence\` must be a number, got ${typeName(c)}`,
      );
    return r.with("confidence", new HFloat(Math.min(Math.max(n, 0), 1)));
  });

  b("flow_invariant_kind", (args) => verdictOf(args[0], "flow_invariant_kind").kind);
  b(
    "flow_invariant_is_blocking",
    (args) => verdictOf(args[0], "flow_invariant_is_blocking").kind === "block",
  );
  b("flow_invariant_confidence", (args) => {
    const c = verdictOf(args[0], "flow_invariant_confidence").result.get("confidence");
    return c instanceof HFloat ? c : new HFloat(Number(c));
  });
}
