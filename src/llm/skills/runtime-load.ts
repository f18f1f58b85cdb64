// The `load_skill` tool an agent loop offers when it has a skills
// registry (spec: "Skills: load_skill"): the model asks for a skill by id
// and gets its rendered body, which then joins the active skills. Refusals
// are JSON tool results with a typed `error` (skill_not_found,
// skill_model_invocation_disabled, UnsignedSkillError, UntrustedSignerError,
// invalid_arguments) so the model can react; a skill's body never leaks
// when it is refused. Every resolved request records a `skill.loaded`
// trust event.

import type { Value } from "../../vm/values.ts";
import { Dict } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../json.ts";
import { loadSkillFromRegistry } from "./load.ts";
import { isDisabledForModel } from "./match.ts";
import { resolveSkillEntry, skillEntryId } from "./registry.ts";
import { type ActiveSkill, activeSkillFromEntry } from "./scope.ts";

export const LOAD_SKILL_TOOL = "load_skill";

/** The runtime-owned `load_skill` tool in `provider`'s shape. */
export function loadSkillTool(provider: string): JsonObject {
  const description =
    "Promote a skill's full body into the next turn's context. Accepts the skill id returned by the always-on catalog.";
  const schema: JsonObject = {
    type: "object",
    properties: {
      name: { type: "string", description: "Skill id from the always-on catalog." },
      require_signature: {
        type: "boolean",
        description: "When true, fail unless the skill has a valid signature from a trusted signer.",
      },
    },
    required: ["name"],
    additionalProperties: false,
  };
  return provider === "anthropic"
    ? { name: LOAD_SKILL_TOOL, description, input_schema: schema }
    : { type: "function", function: { name: LOAD_SKILL_TOOL, description, parameters: schema } };
}

export interface RuntimeSkillLoad {
  /** What the model receives as the tool result. */
  readonly resultText: string;
  /** Metadata of the `skill.loaded` transcript event, when a skill was resolved. */
  readonly loadedEvent: JsonObject | null;
  /** The loaded skill (its prompt is the rendered body), when loading succeeded. */
  readonly loaded: ActiveSkill | null;
}

function toolError(error: string, skill: string, message: string): string {
  return JSON.stringify({ error, message, skill }, null, 2);
}

function refused(
  error: string,
  skill: string,
  message: string,
  event: JsonObject | null = null,
): RuntimeSkillLoad {
  return { resultText: toolError(error, skill, message), loadedEvent: event, loaded: null };
}

interface Provenance {
  readonly signed: boolean;
  readonly trusted: boolean;
  readonly fingerprint: string | null;
  readonly error: string | null;
}

function provenanceOf(entry: Dict): Provenance {
  const p = entry.get("provenance");
  const d = p instanceof Dict ? p : new Dict();
  const text = (k: string): string | null => (typeof d.get(k) === "string" ? (d.get(k) as string) : null);
  return {
    signed: d.get("signed") === true,
    trusted: d.get("trusted") === true,
    fingerprint: text("signer_fingerprint"),
    error: text("error"),
  };
}

export interface RuntimeLoadOptions {
  readonly sessionId: string;
  readonly env: (name: string) => string | undefined;
}

/** Handles one `load_skill` call against the loop's skills registry. */
export function runtimeLoadSkill(
  vm: Vm,
  registry: Value | null,
  args: JsonValue,
  options: RuntimeLoadOptions,
): RuntimeSkillLoad {
  const a = isJsonObject(args) ? args : {};
  const requested = typeof a.name === "string" ? a.name.trim() : "";
  if (a.require_signature !== undefined && typeof a.require_signature !== "boolean") {
    return refused("invalid_arguments", requested, "load_skill `require_signature` must be a boolean");
  }
  if (registry === null) {
    return refused(
      "skill_registry_unavailable",
      requested,
      "load_skill requires agent_loop to receive a `skills:` registry",
    );
  }
  let entry: Dict;
  try {
    entry = resolveSkillEntry(registry, requested, LOAD_SKILL_TOOL);
  } catch (e) {
    return refused("skill_not_found", requested, e instanceof Error ? e.message : String(e));
  }
  const id = skillEntryId(entry);
  const p = provenanceOf(entry);
  const event: JsonObject = {
    skill_id: id,
    signer_fingerprint: p.fingerprint,
    signed: p.signed,
    trusted: p.trusted,
  };
  if (isDisabledForModel(entry)) {
    return refused(
      "skill_model_invocation_disabled",
      id,
      `skill '${id}' is gated to explicit user invocation`,
      event,
    );
  }
  const envRequires = ["1", "true", "yes"].includes(
    (options.env("HARN_REQUIRE_SIGNED_SKILLS") ?? "").trim().toLowerCase(),
  );
  const signers = entry.get("trusted_signers");
  const required =
    a.require_signature === true ||
    envRequires ||
    entry.get("require_signature") === true ||
    (Array.isArray(signers) && signers.length > 0);
  if (required && !p.signed) {
    return refused("UnsignedSkillError", id, p.error ?? `skill '${id}' is missing a valid signature`, event);
  }
  if (required && !p.trusted) {
    return refused(
      "UntrustedSignerError",
      id,
      p.error ?? `skill '${id}' was signed by untrusted signer ${p.fingerprint ?? "unknown"}`,
      event,
    );
  }
  try {
    const loaded = loadSkillFromRegistry(
      vm,
      registry,
      requested,
      options.sessionId,
      LOAD_SKILL_TOOL,
      options.env,
    );
    const active = activeSkillFromEntry(loaded.entry);
    const body = loaded.renderedBody.trim() === "" ? null : loaded.renderedBody;
    return { resultText: loaded.renderedBody, loadedEvent: event, loaded: { ...active, prompt: body } };
  } catch (e) {
    return refused("skill_not_found", requested, e instanceof Error ? e.message : String(e), event);
  }
}
