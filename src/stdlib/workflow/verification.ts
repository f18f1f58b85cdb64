// Verification in workflows (spec: "Workflow verification"). A node's
// `verify` config (`command`, `expect_status`, `assert_text`,
// `expect_text`, exact identifiers/paths/text, a `contract` dict or a
// `contract_path` JSON file) becomes a verification contract. Every stage
// of the graph sees the contracts of all verify nodes in its prompt, so
// the acting stages aim at what will be checked; a node marked
// `workflow_verification_scope: "local_only"` sees only its own. After a
// stage runs, its own `assert_text` / `expect_status` checks decide whether
// it verified.

import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { jsonToValue, type JsonValue } from "../../llm/json.ts";
import { dict, int, str } from "./shape.ts";

export const CONTRACTS_METADATA_KEY = "workflow_verification_contracts";
const SCOPE_METADATA_KEY = "workflow_verification_scope";

interface Requirement {
  readonly kind: string;
  readonly value: string;
  readonly note: string | null;
}

export interface VerificationContract {
  sourceNode: string | null;
  summary: string | null;
  command: string | null;
  expectStatus: number | null;
  assertText: string | null;
  expectText: string | null;
  requiredIdentifiers: string[];
  requiredPaths: string[];
  requiredText: string[];
  notes: string[];
  checks: Requirement[];
}

/** Reads a contract file (JSON text) for `contract_path`; injected so this module stays file-free. */
export type ContractFileReader = (path: string) => string;

function pushUnique(list: string[], value: string): void {
  const t = value.trim();
  if (t !== "" && !list.includes(t)) list.push(t);
}

function pushRequirement(list: Requirement[], kind: string, value: string, note: string | null): void {
  const k = kind.trim();
  const v = value.trim();
  if (k === "" || v === "") return;
  const n = note?.trim() || null;
  if (!list.some((r) => r.kind === k && r.value === v && r.note === n))
    list.push({ kind: k, value: v, note: n });
}

function stringsOf(v: Value): string[] {
  const out: string[] = [];
  if (typeof v === "string") pushUnique(out, v);
  else if (Array.isArray(v)) for (const x of v) if (typeof x === "string") pushUnique(out, x);
  return out;
}

function firstOf(d: Dict, keys: readonly string[]): Value {
  for (const k of keys) if (d.get(k) !== null) return d.get(k);
  return null;
}

function trimmed(d: Dict, key: string): string | null {
  const v = d.get(key);
  return typeof v === "string" && v.trim() !== "" ? v.trim() : null;
}

/** Merges the fields of one contract source into `c` (earlier sources win for single values). */
function mergeFields(c: VerificationContract, d: Dict): void {
  c.summary ??= trimmed(d, "summary");
  c.command ??= trimmed(d, "command");
  c.expectStatus ??= int(d, "expect_status");
  c.assertText ??= trimmed(d, "assert_text");
  c.expectText ??= trimmed(d, "expect_text");
  for (const v of stringsOf(firstOf(d, ["required_identifiers", "identifiers"])))
    pushUnique(c.requiredIdentifiers, v);
  for (const v of stringsOf(firstOf(d, ["required_paths", "paths"]))) pushUnique(c.requiredPaths, v);
  for (const v of stringsOf(firstOf(d, ["required_text", "exact_text", "required_strings"])))
    pushUnique(c.requiredText, v);
  for (const v of stringsOf(d.get("notes"))) pushUnique(c.notes, v);
  const checks = d.get("checks");
  for (const item of Array.isArray(checks) ? checks : []) {
    if (!(item instanceof Dict)) continue;
    const note = firstOf(item, ["note", "description", "reason"]);
    pushRequirement(
      c.checks,
      str(item, "kind") ?? "",
      str(item, "value") ?? "",
      typeof note === "string" ? note : null,
    );
  }
}

function isEmpty(c: VerificationContract): boolean {
  return (
    c.summary === null &&
    c.command === null &&
    c.expectStatus === null &&
    c.assertText === null &&
    c.expectText === null &&
    c.requiredIdentifiers.length === 0 &&
    c.requiredPaths.length === 0 &&
    c.requiredText.length === 0 &&
    c.notes.length === 0 &&
    c.checks.length === 0
  );
}

/** The contract a node's `verify` config describes, or null when it says nothing checkable. */
export function contractFromVerify(
  nodeId: string,
  verify: Value,
  readFile: ContractFileReader,
): VerificationContract | null {
  if (!(verify instanceof Dict)) return null;
  const c: VerificationContract = {
    sourceNode: nodeId,
    summary: null,
    command: null,
    expectStatus: null,
    assertText: null,
    expectText: null,
    requiredIdentifiers: [],
    requiredPaths: [],
    requiredText: [],
    notes: [],
    checks: [],
  };
  const path = trimmed(verify, "contract_path") ?? trimmed(verify, "verification_contract_path");
  if (path !== null) {
    let parsed: JsonValue;
    try {
      parsed = JSON.parse(readFile(path)) as JsonValue;
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      throw runtimeError(`workflow verification contract read failed for ${path}: ${reason}`);
    }
    const fileContract = jsonToValue(parsed);
    if (!(fileContract instanceof Dict)) {
      throw runtimeError("workflow verification contract file must parse to a JSON object");
    }
    mergeFields(c, fileContract);
  }
  const inline = verify.get("contract");
  if (inline !== null) {
    if (!(inline instanceof Dict)) throw runtimeError("workflow verify.contract must be an object");
    mergeFields(c, inline);
  }
  mergeFields(c, verify);
  if (c.assertText !== null)
    pushRequirement(
      c.checks,
      "visible_text_contains",
      c.assertText,
      "verify stage requires visible output to contain this text",
    );
  if (c.expectText !== null)
    pushRequirement(
      c.checks,
      "combined_output_contains",
      c.expectText,
      "verify command requires combined stdout/stderr to contain this text",
    );
  if (c.expectStatus !== null)
    pushRequirement(
      c.checks,
      "expect_status",
      String(c.expectStatus),
      "verify command exit status must match exactly",
    );
  for (const v of c.requiredIdentifiers)
    pushRequirement(c.checks, "identifier", v, "use this exact identifier spelling");
  for (const v of c.requiredPaths) pushRequirement(c.checks, "path", v, "preserve this exact path");
  for (const v of c.requiredText)
    pushRequirement(c.checks, "text", v, "required exact text or wiring snippet");
  return isEmpty(c) ? null : c;
}

export function contractValue(c: VerificationContract): Dict {
  return Dict.of({
    source_node: c.sourceNode,
    summary: c.summary,
    command: c.command,
    expect_status: c.expectStatus,
    assert_text: c.assertText,
    expect_text: c.expectText,
    required_identifiers: [...c.requiredIdentifiers],
    required_paths: [...c.requiredPaths],
    required_text: [...c.requiredText],
    notes: [...c.notes],
    checks: c.checks.map((r) => Dict.of({ kind: r.kind, value: r.value, note: r.note })),
  });
}

function contractFromValue(v: Value): VerificationContract | null {
  if (!(v instanceof Dict)) return null;
  const list = (key: string): string[] => stringsOf(v.get(key));
  const checks = v.get("checks");
  return {
    sourceNode: str(v, "source_node"),
    summary: str(v, "summary"),
    command: str(v, "command"),
    expectStatus: int(v, "expect_status"),
    assertText: str(v, "assert_text"),
    expectText: str(v, "expect_text"),
    requiredIdentifiers: list("required_identifiers"),
    requiredPaths: list("required_paths"),
    requiredText: list("required_text"),
    notes: list("notes"),
    checks: (Array.isArray(checks) ? checks : [])
      .filter((x): x is Dict => x instanceof Dict)
      .map((x) => ({ kind: str(x, "kind") ?? "", value: str(x, "value") ?? "", note: str(x, "note") })),
  };
}

const sameContract = (a: VerificationContract, b: VerificationContract): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

function pushContract(list: VerificationContract[], c: VerificationContract): void {
  if (!list.some((x) => sameContract(x, c))) list.push(c);
}

/** The contracts of every verify config in the graph, in node order. */
export function graphContracts(
  nodes: ReadonlyMap<string, Dict>,
  readFile: ContractFileReader,
): VerificationContract[] {
  const out: VerificationContract[] = [];
  for (const [id, node] of nodes) {
    const c = contractFromVerify(id, node.get("verify"), readFile);
    if (c !== null) pushContract(out, c);
  }
  return out;
}

/** `node` with the graph's contracts recorded in its metadata (what its prompt will show). */
export function withGraphContracts(node: Dict, contracts: readonly VerificationContract[]): Dict {
  if (contracts.length === 0) return node;
  const metadata = dict(node, "metadata").with(CONTRACTS_METADATA_KEY, contracts.map(contractValue));
  return node.with("metadata", metadata);
}

/** The contracts a stage's prompt shows: the graph's (unless local_only) plus its own. */
export function stageContracts(
  nodeId: string,
  node: Dict,
  readFile: ContractFileReader,
): VerificationContract[] {
  const local = contractFromVerify(nodeId, node.get("verify"), readFile);
  const metadata = dict(node, "metadata");
  if (metadata.get(SCOPE_METADATA_KEY) === "local_only") return local === null ? [] : [local];
  const recorded = metadata.get(CONTRACTS_METADATA_KEY);
  const out = (Array.isArray(recorded) ? recorded : [])
    .map(contractFromValue)
    .filter((c): c is VerificationContract => c !== null);
  if (local !== null) pushContract(out, local);
  return out;
}

export function escapePromptText(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function tag(name: string, value: string | null): string {
  return value === null ? "" : `<${name}>${escapePromptText(value)}</${name}>\n`;
}

function bullets(name: string, items: readonly string[]): string {
  if (items.length === 0) return "";
  return `<${name}>\n${items.map((i) => `- ${escapePromptText(i)}\n`).join("")}</${name}>\n`;
}

/** The `<workflow_verification>` body for a stage prompt ("" without contracts). */
export function renderContracts(contracts: readonly VerificationContract[]): string {
  if (contracts.length === 0) return "";
  const parts = contracts.map((c) => {
    const checks = c.checks.map((r) => `${r.kind}: ${r.value}${r.note === null ? "" : ` (${r.note})`}`);
    return (
      "\n<contract>\n" +
      tag("source_node", c.sourceNode) +
      tag("summary", c.summary) +
      tag("command", c.command) +
      (c.expectStatus === null ? "" : `<expect_status>${c.expectStatus}</expect_status>\n`) +
      tag("assert_text", c.assertText) +
      tag("expect_text", c.expectText) +
      bullets("required_identifiers", c.requiredIdentifiers) +
      bullets("required_paths", c.requiredPaths) +
      bullets("required_text", c.requiredText) +
      bullets("checks", checks) +
      bullets("notes", c.notes) +
      "</contract>"
    );
  });
  return `The checks below decide whether this work passes. Use their identifiers, paths and text exactly as written rather than close variants.\n${parts.join("")}`;
}

/** The outcome of a stage's own checks: `{kind: "none", ok: true}` when it has none. */
export function evaluateVerification(node: Dict, result: Dict): Dict {
  const verify = node.get("verify");
  if (!(verify instanceof Dict)) return Dict.of({ kind: "none", ok: true });
  const visibleValue = result.get("visible_text") ?? result.get("text");
  const visible = typeof visibleValue === "string" ? visibleValue : "";
  const status = [result.get("exit_status"), result.get("status_code"), result.get("status")].find(
    (v) => typeof v === "number",
  ) as number | undefined;
  const checks: Dict[] = [];
  const needle = verify.get("assert_text");
  if (typeof needle === "string") {
    checks.push(Dict.of({ kind: "assert_text", ok: visible.includes(needle), expected: needle }));
  }
  const expected = int(verify, "expect_status");
  if (expected !== null) {
    checks.push(
      Dict.of({ kind: "expect_status", ok: status === expected, expected, actual: status ?? null }),
    );
  }
  if (checks.length === 0) return Dict.of({ kind: "none", ok: true });
  return Dict.of({ kind: "composite", ok: checks.every((c) => c.get("ok") === true), checks });
}

/** `(outcome, branch)` for a finished stage of `kind` given its result and verification. */
export function classifyOutcome(kind: string, result: Dict, verification: Dict): [string, string] {
  const verified = verification.get("ok") !== false;
  const status = result.get("status");
  const resultStatus = typeof status === "string" ? status : "completed";
  if (kind === "verify") return verified ? ["verified", "passed"] : ["verification_failed", "failed"];
  const succeeded = resultStatus === "done" || resultStatus === "completed";
  if (!succeeded) return [resultStatus, "failed"];
  return [kind === "subagent" ? "subagent_completed" : "success", "success"];
}

export function displayText(v: Value): string {
  return v === null ? "" : display(v);
}
