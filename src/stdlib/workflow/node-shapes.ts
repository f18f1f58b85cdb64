// The policy records a workflow node carries (spec: "Workflow graphs"):
// model, auto-compaction, context, retry, approval, stage contracts,
// branch semantics, map/join/reduce and escalation policies. Field names
// and defaults follow the reference's records; a normalized node has every
// one of them, so programs can read `node.join_policy.strategy` without
// guarding against nil.

import type { Shape } from "./shape.ts";

export const MODEL_POLICY: Shape = {
  provider: "str",
  model: "str",
  model_tier: "str",
  temperature: "num",
  max_tokens: "int",
  max_iterations: "int",
  max_nudges: "int",
  nudge: "str",
  tool_examples: "str",
  stop_after_successful_tools: "any",
  require_successful_tools: "any",
  turn_policy: "any",
  tool_format: "str",
  native_tool_fallback: ["str", "allow"],
};

export const AUTO_COMPACT_POLICY: Shape = {
  enabled: "bool",
  token_threshold: "int",
  tool_output_max_chars: "int",
  compact_strategy: "str",
  hard_limit_tokens: "int",
  hard_limit_strategy: "str",
};

export const CONTEXT_POLICY: Shape = {
  max_artifacts: "int",
  max_tokens: "int",
  reserve_tokens: "int",
  include_kinds: "strs",
  exclude_kinds: "strs",
  prioritize_kinds: "strs",
  pinned_ids: "strs",
  include_stages: "strs",
  prefer_recent: "bool",
  prefer_fresh: "bool",
  render: "str",
};

export const RETRY_POLICY: Shape = {
  max_attempts: ["int", 1],
  verify: "bool",
  repair: "bool",
  backoff_ms: "int",
  backoff_multiplier: "num",
};

export const APPROVAL_POLICY: Shape = {
  auto_approve: "strs",
  auto_deny: "strs",
  require_approval: "strs",
  write_path_allowlist: "strs",
};

export const STAGE_CONTRACT: Shape = {
  input_kinds: "strs",
  output_kinds: "strs",
  min_inputs: "int",
  max_inputs: "int",
  require_transcript: "bool",
  schema: "any",
};

export const BRANCH_SEMANTICS: Shape = {
  success: "str",
  failure: "str",
  verify_pass: "str",
  verify_fail: "str",
  condition_true: "str",
  condition_false: "str",
  loop_continue: "str",
  loop_exit: "str",
  escalation: "str",
};

export const MAP_POLICY: Shape = {
  items: "list",
  item_artifact_kind: "str",
  output_kind: "str",
  max_items: "int",
  max_concurrent: "int",
};

export const JOIN_POLICY: Shape = {
  strategy: ["str", "all"],
  require_all_inputs: "bool",
  min_completed: "int",
};

export const REDUCE_POLICY: Shape = {
  strategy: ["str", "concat"],
  separator: "str",
  output_kind: "str",
};

export const ESCALATION_POLICY: Shape = {
  level: "str",
  queue: "str",
  reason: "str",
};

/** The plain fields of a node (the policies above are checked separately). */
export const NODE_FIELDS: Shape = {
  id: "str",
  kind: "str",
  mode: "str",
  prompt: "str",
  system: "str",
  task_label: "str",
  done_sentinel: "str",
  tools: "any",
  output_visibility: "str",
  verify: "any",
  exit_when_verified: "bool",
  metadata: "dict",
};

/** Each policy field of a node and its shape. */
export const NODE_POLICIES: readonly (readonly [string, Shape])[] = [
  ["model_policy", MODEL_POLICY],
  ["auto_compact", AUTO_COMPACT_POLICY],
  ["context_policy", CONTEXT_POLICY],
  ["retry_policy", RETRY_POLICY],
  ["approval_policy", APPROVAL_POLICY],
  ["input_contract", STAGE_CONTRACT],
  ["output_contract", STAGE_CONTRACT],
  ["branch_semantics", BRANCH_SEMANTICS],
  ["map_policy", MAP_POLICY],
  ["join_policy", JOIN_POLICY],
  ["reduce_policy", REDUCE_POLICY],
  ["escalation_policy", ESCALATION_POLICY],
];
