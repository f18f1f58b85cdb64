// The nested execution budget (DESIGN §7; seed 002). A policy's
// `recursion_limit` is the number of child executions still allowed below
// the current one. Every nested surface — agent_loop, sub_agent_run,
// spawn_agent workers, workflow stages, nested workflows and nested
// invocations — passes through `enterNestedExecution` exactly once per
// logical child: at 0 the launch is refused with a `budget_exceeded`
// error naming the kind and label; otherwise the child runs under a
// "carrier" policy, a copy of the parent with only the limit lowered, so
// the parent's tool and capability ceilings keep binding the child.
//
// The function is pure over an execution-policy stack: callers install the
// returned stack in the child's TaskContext, which is how the carrier is
// "popped" — the parent's context never changes.

import { categorized, type VmError } from "../../vm/errors.ts";
import { CapabilityPolicy } from "../policy/capability-policy.ts";
import { push, type Stack, top } from "../task-context.ts";

export const NESTED_KINDS = [
  "agent_loop",
  "sub_agent_run",
  "spawn_agent",
  "workflow_stage",
  "nested_workflow",
  "nested_invocation",
] as const;

export type NestedKind = (typeof NESTED_KINDS)[number];

/** Hidden option keys that attribute an `agent_loop` run to the surface that launched it. */
export const NESTED_KIND_OPTION = "_nested_kind";
export const NESTED_LABEL_OPTION = "_nested_label";

/** A kind named in an options dict; anything unknown counts as a plain `agent_loop`. */
export function parseNestedKind(value: unknown): NestedKind {
  return (NESTED_KINDS as readonly unknown[]).includes(value) ? (value as NestedKind) : "agent_loop";
}

/** One descent (or refusal), as logged under `policy.nested_execution_descent`. */
export interface NestedDescent {
  readonly kind: NestedKind;
  readonly label: string;
  /** The parent's remaining budget; null when no budget was active. */
  readonly parentLimit: number | null;
  /** The budget the child runs with; null when neither side set one (or on refusal). */
  readonly childLimit: number | null;
  readonly rejected: boolean;
  readonly message: string;
}

export type DescentSink = (descent: NestedDescent) => void;

export interface NestedEntry {
  /** The execution-policy stack the child runs under (unchanged when no budget applies). */
  readonly policies: Stack<unknown>;
  readonly descent: NestedDescent;
}

function exhaustedMessage(kind: NestedKind, label: string): string {
  return `nested execution budget exhausted before ${kind}: ${label === "" ? "<unnamed>" : label}`;
}

/** The `budget_exceeded` error a refused launch raises. */
export function nestedBudgetError(kind: NestedKind, label: string): VmError {
  return categorized("budget_exceeded", exhaustedMessage(kind, label));
}

/** Thrown by `enterNestedExecution` when the parent has no budget left. */
export class NestedBudgetExhausted extends Error {
  constructor(readonly descent: NestedDescent) {
    super(descent.message);
  }

  toVmError(): VmError {
    return nestedBudgetError(this.descent.kind, this.descent.label);
  }
}

/**
 * Consumes one unit of the budget for a child execution of `kind` named
 * `label`. `requested` is the child's own policy, whose `recursion_limit`
 * may only lower the child's budget (child = min(parent - 1, requested)).
 * Reports the descent or refusal to `sink`; throws NestedBudgetExhausted
 * when the parent's budget is 0.
 */
export function enterNestedExecution(
  policies: Stack<unknown>,
  requested: CapabilityPolicy | null,
  kind: NestedKind,
  label: string,
  sink?: DescentSink,
): NestedEntry {
  const parent = top(policies) as CapabilityPolicy | undefined;
  const parentLimit = parent?.recursionLimit ?? null;
  if (parentLimit === 0) {
    const descent: NestedDescent = {
      kind,
      label,
      parentLimit,
      childLimit: null,
      rejected: true,
      message: exhaustedMessage(kind, label),
    };
    sink?.(descent);
    throw new NestedBudgetExhausted(descent);
  }
  const requestedLimit = requested?.recursionLimit ?? null;
  const decremented = parentLimit === null ? null : parentLimit - 1;
  const childLimit =
    decremented !== null && requestedLimit !== null
      ? Math.min(decremented, requestedLimit)
      : (decremented ?? requestedLimit);
  const descent: NestedDescent = {
    kind,
    label,
    parentLimit,
    childLimit,
    rejected: false,
    message: `nested execution descent into ${kind}: ${label}`,
  };
  sink?.(descent);
  if (childLimit === null) return { policies, descent };
  return { policies: push(policies, carrier(parent, childLimit)), descent };
}

/** The parent policy with only its budget replaced (an empty policy when there is no parent). */
function carrier(parent: CapabilityPolicy | undefined, limit: number): CapabilityPolicy {
  const p = parent ?? new CapabilityPolicy();
  return new CapabilityPolicy(
    p.tools,
    p.capabilities,
    p.workspaceRoots,
    p.sideEffectLevel,
    limit,
    p.toolArgConstraints,
    p.toolAnnotations,
  );
}

/** The metadata the descent log records, with the reference's field names. */
export function descentMetadata(d: NestedDescent): Record<string, string | number | boolean | null> {
  return {
    kind: d.kind,
    label: d.label,
    parent_recursion_limit: d.parentLimit,
    child_recursion_limit: d.childLimit,
    rejected: d.rejected,
  };
}
