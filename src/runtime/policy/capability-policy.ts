// CapabilityPolicy: the ceiling on what code may do (tools, capability
// operations, workspace roots, side-effect level, nested-execution budget).
// `intersect` only ever narrows: a request beyond the ceiling fails with
// the reference's message instead of being silently trimmed.

import { display } from "../../vm/display.ts";
import { Dict, type Value } from "../../vm/values.ts";

export const SIDE_EFFECT_LEVELS = [
  "none",
  "read_only",
  "workspace_write",
  "process_exec",
  "network",
] as const;

/** Rank of a side-effect level; unknown names rank above `network` (most permissive). */
export function sideEffectRank(level: string): number {
  const i = (SIDE_EFFECT_LEVELS as readonly string[]).indexOf(level);
  return i < 0 ? SIDE_EFFECT_LEVELS.length : i;
}

export interface ToolArgConstraint {
  readonly tool: string;
  readonly argPatterns: readonly string[];
  readonly argKey?: string;
}

export class PolicyError extends Error {}

export class CapabilityPolicy {
  constructor(
    /** Tool allowlist; empty means no tool ceiling. */
    readonly tools: readonly string[] = [],
    /** capability -> allowed operations; empty map means no ceiling. */
    readonly capabilities: ReadonlyMap<string, readonly string[]> = new Map(),
    readonly workspaceRoots: readonly string[] = [],
    readonly sideEffectLevel: string | null = null,
    readonly recursionLimit: number | null = null,
    readonly toolArgConstraints: readonly ToolArgConstraint[] = [],
    readonly toolAnnotations: ReadonlyMap<string, Value> = new Map(),
  ) {}

  /** Parses the lenient Harn dict form (unknown keys ignored, every field optional). */
  static fromValue(v: Value): CapabilityPolicy {
    if (!(v instanceof Dict)) return new CapabilityPolicy();
    const strings = (x: Value): string[] => (Array.isArray(x) ? x.map(display) : []);
    const caps = new Map<string, string[]>();
    const rawCaps = v.get("capabilities");
    if (rawCaps instanceof Dict) for (const k of rawCaps.keys()) caps.set(k, strings(rawCaps.get(k)));
    const level = v.get("side_effect_level");
    const limit = v.get("recursion_limit");
    const constraints: ToolArgConstraint[] = [];
    const rawConstraints = v.get("tool_arg_constraints");
    if (Array.isArray(rawConstraints)) {
      for (const c of rawConstraints) {
        if (!(c instanceof Dict)) continue;
        const argKey = c.get("arg_key");
        constraints.push({
          tool: display(c.get("tool")),
          argPatterns: strings(c.get("arg_patterns")),
          ...(typeof argKey === "string" && { argKey }),
        });
      }
    }
    const annotations = new Map<string, Value>();
    const rawAnnotations = v.get("tool_annotations");
    if (rawAnnotations instanceof Dict)
      for (const k of rawAnnotations.keys()) annotations.set(k, rawAnnotations.get(k));
    return new CapabilityPolicy(
      strings(v.get("tools")),
      caps,
      strings(v.get("workspace_roots")),
      typeof level === "string" ? level : null,
      typeof limit === "number" ? limit : null,
      constraints,
      annotations,
    );
  }

  toValue(): Dict {
    const caps = new Map<string, Value>();
    for (const [k, ops] of this.capabilities) caps.set(k, [...ops]);
    const annotations = new Map<string, Value>(this.toolAnnotations);
    return Dict.of({
      tools: [...this.tools],
      capabilities: new Dict(caps),
      workspace_roots: [...this.workspaceRoots],
      side_effect_level: this.sideEffectLevel,
      recursion_limit: this.recursionLimit,
      tool_arg_constraints: this.toolArgConstraints.map((c) =>
        Dict.of({ tool: c.tool, arg_patterns: [...c.argPatterns], arg_key: c.argKey ?? null }),
      ),
      tool_annotations: new Dict(annotations),
    });
  }

  /** The narrower of this ceiling and `requested`; throws PolicyError when the request exceeds it. */
  intersect(requested: CapabilityPolicy): CapabilityPolicy {
    const extraTools = this.tools.length > 0 ? requested.tools.filter((t) => !this.tools.includes(t)) : [];
    if (extraTools.length > 0)
      throw new PolicyError(`requested tools exceed host ceiling: ${extraTools.join(", ")}`);
    for (const [cap, ops] of requested.capabilities) {
      const allowed = this.capabilities.get(cap);
      if (allowed === undefined) {
        if (this.capabilities.size > 0)
          throw new PolicyError(`requested capability exceeds host ceiling: ${cap}`);
        continue;
      }
      const extra = allowed.length > 0 ? ops.filter((op) => !allowed.includes(op)) : [];
      if (extra.length > 0) {
        throw new PolicyError(
          `requested capability operations exceed host ceiling: ${cap}.${extra.join(",")}`,
        );
      }
    }
    const narrow = <T>(ceiling: readonly T[], req: readonly T[]): T[] =>
      ceiling.length === 0
        ? [...req]
        : req.length === 0
          ? [...ceiling]
          : req.filter((x) => ceiling.includes(x));
    const tools = narrow(this.tools, requested.tools);
    const caps = new Map<string, readonly string[]>();
    if (this.capabilities.size === 0) for (const [k, v] of requested.capabilities) caps.set(k, v);
    else if (requested.capabilities.size === 0) for (const [k, v] of this.capabilities) caps.set(k, v);
    else {
      // An empty op list means "every op": under a ceiling it becomes the ceiling's list.
      for (const [k, ops] of requested.capabilities)
        caps.set(k, ops.length > 0 ? ops : (this.capabilities.get(k) ?? []));
    }
    const level =
      this.sideEffectLevel !== null && requested.sideEffectLevel !== null
        ? sideEffectRank(this.sideEffectLevel) <= sideEffectRank(requested.sideEffectLevel)
          ? this.sideEffectLevel
          : requested.sideEffectLevel
        : (this.sideEffectLevel ?? requested.sideEffectLevel);
    const limit =
      this.recursionLimit !== null && requested.recursionLimit !== null
        ? Math.min(this.recursionLimit, requested.recursionLimit)
        : (this.recursionLimit ?? requested.recursionLimit);
    const annotations = new Map<string, Value>();
    for (const t of tools) {
      const a = requested.toolAnnotations.get(t) ?? this.toolAnnotations.get(t);
      if (a !== undefined) annotations.set(t, a);
    }
    return new CapabilityPolicy(
      tools,
      caps,
      narrow(this.workspaceRoots, requested.workspaceRoots),
      level,
      limit,
      [...this.toolArgConstraints, ...requested.toolArgConstraints],
      annotations,
    );
  }

  /** Why `operation` of `capability` at `level` is refused, or undefined when allowed. */
  refusal(capability: string, operation: string, level: string | null): string | undefined {
    if (this.capabilities.size > 0) {
      const ops = this.capabilities.get(capability);
      if (ops === undefined || (ops.length > 0 && !ops.includes(operation))) {
        return `exceeds ${capability}.${operation} ceiling`;
      }
    }
    if (
      level !== null &&
      this.sideEffectLevel !== null &&
      sideEffectRank(level) > sideEffectRank(this.sideEffectLevel)
    ) {
      return `exceeds side-effect ceiling: ${this.sideEffectLevel}`;
    }
    return undefined;
  }
}
