// Skill builtins (spec: "Skills"): skill_registry, skill_define and the
// `skill NAME { ... }` declaration intrinsic, lookups and views, the
// always-on catalog, skill_render and load_skill. Registry logic lives in
// llm/skills; this file adapts arguments and turns failures into the
// thrown strings scripts catch.

import { catalogEntries, renderCatalog } from "../../llm/skills/catalog.ts";
import { boundSkills, loadSkillFromRegistry } from "../../llm/skills/load.ts";
import {
  defineSkill,
  describeSkills,
  emptySkillRegistry,
  fieldText,
  findSkill,
  publicSkillEntry,
  requireSkillRegistry,
  skillEntries,
  skillEntryId,
} from "../../llm/skills/registry.ts";
import { substituteSkillBody } from "../../llm/skills/substitute.ts";
import { display } from "../../vm/display.ts";
import { thrown } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function registerRegistryBuiltins(vm: Vm): void {
  const b = vm.registerBuiltin.bind(vm);
  const need = (builtin: string, v: Value | undefined, what = "requires a skill registry"): Dict =>
    requireSkillRegistry(builtin, v, what);
  b("skill_registry", () => emptySkillRegistry());
  b("skill_define", (args) => defineSkill(args));
  b("__skill_decl", (args) => defineSkill([emptySkillRegistry(), args[0] ?? null, args[1] ?? null]));
  b("skill_list", (args) => skillEntries(need("skill_list", args[0])).map(publicSkillEntry));
  b("skill_count", (args) => skillEntries(need("skill_count", args[0])).length);
  b("skill_describe", (args) => describeSkills(need("skill_describe", args[0])));
  b("skill_find", (args) => {
    if (args.length < 2) throw thrown("skill_find: requires registry and name");
    return findSkill(
      need("skill_find", args[0], "first argument must be a skill registry"),
      display(args[1]!),
    );
  });
  b("skill_select", (args) => {
    if (args.length < 2) throw thrown("skill_select: requires registry and names list");
    const r = need("skill_select", args[0], "first argument must be a skill registry");
    if (!Array.isArray(args[1])) throw thrown("skill_select: second argument must be a list of skill names");
    const names = new Set(args[1].map((x) => display(x)));
    return r.with(
      "skills",
      skillEntries(r).filter((s) => s.map.has("name") && names.has(display(s.get("name")))),
    );
  });
  b("skill_remove", (args) => {
    if (args.length < 2) throw thrown("skill_remove: requires registry and name");
    const r = need("skill_remove", args[0], "first argument must be a skill registry");
    const name = display(args[1]!);
    const list = r.get("skills");
    return r.with(
      "skills",
      (Array.isArray(list) ? list : []).filter((s) => !(s instanceof Dict && s.get("name") === name)),
    );
  });
}

function registerCatalogBuiltins(vm: Vm): void {
  vm.registerBuiltin("skills_catalog_entries", (args) =>
    catalogEntries(requireSkillRegistry("skills_catalog_entries", args[0], "requires a skill registry")),
  );
  vm.registerBuiltin("render_always_on_catalog", (args) => {
    const first = args[0];
    let entries: Value[];
    if (Array.isArray(first)) entries = first;
    else if (first instanceof Dict)
      entries = catalogEntries(requireSkillRegistry("render_always_on_catalog", first, ""));
    else {
      throw thrown("render_always_on_catalog: first argument must be a catalog entry list or skill registry");
    }
    const budget = args[1];
    if (budget !== undefined && budget !== null && !(typeof budget === "number" && budget > 0)) {
      throw thrown("render_always_on_catalog: second argument must be a positive integer budget");
    }
    return renderCatalog(entries, typeof budget === "number" ? budget : 2000);
  });
}

function registerLoading(vm: Vm, env: (name: string) => string | undefined): void {
  const sessionId = (): string | null => env("HARN_SESSION_ID") ?? null;
  vm.registerBuiltin("skill_render", (args) => {
    const first = args[0];
    if (first === undefined) throw thrown("skill_render: requires a skill entry or body string");
    let body: string;
    let dir: string | null = null;
    if (typeof first === "string") body = first;
    else if (first instanceof Dict) {
      body = fieldText(first, "body");
      dir = body === "" ? null : fieldText(first, "skill_dir") || null;
      const bound = boundSkills(vm);
      if (body === "" && bound !== null) {
        try {
          const loaded = bound.fetch(skillEntryId(first));
          body = loaded.body;
          dir = loaded.dir;
        } catch {
          // A skill the bound registry cannot read renders as an empty body, as in the reference.
        }
      }
    } else throw thrown("skill_render: first argument must be a skill entry or a string body");
    const list = args[1];
    if (list !== undefined && list !== null && !Array.isArray(list)) {
      throw thrown("skill_render: second argument must be a list of strings");
    }
    const argv = Array.isArray(list) ? list.map((x) => display(x)) : [];
    return substituteSkillBody(body, { arguments: argv, skillDir: dir, sessionId: sessionId(), env });
  });
  vm.registerBuiltin("load_skill", (args) => {
    const requested = args[0] === undefined || args[0] === null ? "" : display(args[0]);
    if (requested === "") throw thrown("load_skill: requires a non-empty skill name");
    const b = boundSkills(vm);
    if (b === null) {
      throw thrown(
        "load_skill: no skill registry is bound to this scope. Start the VM with discovered skills first.",
      );
    }
    try {
      return loadSkillFromRegistry(vm, b.registry, requested, sessionId(), "load_skill", env).renderedBody;
    } catch (e) {
      throw thrown(messageOf(e));
    }
  });
}

export function registerSkillBuiltins(vm: Vm, env: (name: string) => string | undefined): void {
  registerRegistryBuiltins(vm);
  registerCatalogBuiltins(vm);
  registerLoading(vm, env);
  // Filled in from the project's skill directories once the entry file is known.
  if (!vm.globals.has("skills")) vm.globals.set("skills", emptySkillRegistry());
}
