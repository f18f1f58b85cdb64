// Loading a skill's full body on demand (`load_skill`, `skill_render`, and
// the agent loop's `load_skill` tool). Startup registries hold compact
// cards only; an entry without an inline `body`/`prompt` is hydrated
// through the fetcher bound with the discovered registry, then its body is
// substituted (`${HARN_SKILL_DIR}`, `${HARN_SESSION_ID}`, ...).

import type { Dict, Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { loadedEntry, type LoadedSkillFile } from "./discovery.ts";
import { fieldText, resolveSkillEntry, skillEntryId } from "./registry.ts";
import { substituteSkillBody } from "./substitute.ts";

/** A discovered registry plus the way to read any of its skills in full. */
export interface BoundSkills {
  readonly registry: Dict;
  readonly fetch: (id: string) => LoadedSkillFile;
}

const bound = new WeakMap<Vm, BoundSkills>();

/** Binds the VM's discovered skills (the `skills` global and its fetcher). */
export function bindSkills(vm: Vm, skills: BoundSkills | null): void {
  if (skills === null) bound.delete(vm);
  else bound.set(vm, skills);
}

export function boundSkills(vm: Vm): BoundSkills | null {
  return bound.get(vm) ?? null;
}

/** The entry's inline body (`body`, else `prompt`), or "". */
export function inlineBody(entry: Dict): string {
  const body = fieldText(entry, "body");
  return body !== "" ? body : fieldText(entry, "prompt");
}

/** `entry` with its body: itself when inline, else re-read through the bound fetcher. */
export function hydrateSkill(vm: Vm, entry: Dict, builtin: string): Dict {
  if (inlineBody(entry) !== "") return entry;
  const id = skillEntryId(entry);
  const b = boundSkills(vm);
  if (b === null) throw new Error(`${builtin}: skill '${id}' is not lazily loadable in this scope`);
  return loadedEntry(b.fetch(id));
}

export interface LoadedSkill {
  readonly id: string;
  readonly entry: Dict;
  readonly renderedBody: string;
}

/** Renders an entry's body with no arguments, for a session. */
export function renderSkillEntry(
  entry: Dict,
  sessionId: string | null,
  env: (n: string) => string | undefined,
): string {
  const dir = fieldText(entry, "skill_dir");
  return substituteSkillBody(inlineBody(entry), {
    arguments: [],
    skillDir: dir === "" ? null : dir,
    sessionId,
    env,
  });
}

/** Resolves `requested` in `registry`, hydrates and renders it; throws Error with the reason. */
export function loadSkillFromRegistry(
  vm: Vm,
  registry: Value,
  requested: string,
  sessionId: string | null,
  builtin: string,
  env: (n: string) => string | undefined,
): LoadedSkill {
  const entry = hydrateSkill(vm, resolveSkillEntry(registry, requested, builtin), builtin);
  return { id: skillEntryId(entry), entry, renderedBody: renderSkillEntry(entry, sessionId, env) };
}
