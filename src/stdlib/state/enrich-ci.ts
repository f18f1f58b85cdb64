// Operator evidence for `project_enrich` (`include_operator_meta`, on by
// default): CI workflows and their jobs classified as lint/test/build/
// release, git hooks by stage (.githooks, .husky, pre-commit, lefthook),
// package manifests with the CI caching hints seen in workflows, and the
// merge policy readable from the repository (CODEOWNERS, CONTRIBUTING).
// Branch-protection settings that only a forge API knows are left null:
// scanning stays local and never calls out to the network.

import { Dict, type Value } from "../../vm/values.ts";
import type { SystemHost } from "../system/host.ts";
import { joinPath } from "../system/path-text.ts";
import { filesIn } from "./enrich-files.ts";
import { pushUnique } from "./project-config.ts";
import { isFile, readTextIfPresent } from "./project-fs.ts";

type YamlModule = typeof import("yaml");
let yamlModule: YamlModule | undefined;

/** Script lines worth recording: not blank, comments, shell options or husky boilerplate. */
export function shellCommands(script: string): string[] {
  const skip = new Set(["set -e", "set -eu", "set -eux"]);
  return script
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#") && !skip.has(l) && !l.includes("husky.sh"));
}

function parseYaml(yaml: YamlModule, text: string): unknown {
  try {
    return yaml.parse(text);
  } catch {
    return undefined;
  }
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function stringList(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : undefined;
}

const CLASSES: [string, string[]][] = [
  ["lint", ["lint", "clippy", "fmt", "markdownlint", "eslint", "ruff", "check-docs-snippets"]],
  [
    "test",
    ["test", "nextest", "pytest", "vitest", "jest", "go test", "cargo test", "make test", "conformance"],
  ],
  ["build", ["build", "cargo build", "npm run build", "vite build", "docker build", "wasm-pack build"]],
  [
    "release",
    [
      "release",
      "publish",
      "deploy",
      "create release",
      "action-gh-release",
      "build-push-action",
      "create-pull-request",
    ],
  ],
];

function classify(id: string, name: string, commands: string[], actions: string[]): string[] {
  const haystack = [id, name, commands.join("\n"), actions.join("\n")].join("\n").toLowerCase();
  const classes = CLASSES.filter(([, needles]) => needles.some((n) => haystack.includes(n))).map(([c]) => c);
  return classes.length === 0 ? ["other"] : classes;
}

function workflowJobs(jobs: Record<string, unknown>): Dict[] {
  return Object.keys(jobs)
    .sort()
    .flatMap((id) => {
      const job = record(jobs[id]);
      if (job === undefined) return [];
      const name = typeof job.name === "string" ? job.name : id;
      const commands: string[] = [];
      const actions: string[] = [];
      for (const step of Array.isArray(job.steps) ? job.steps : []) {
        const s = record(step);
        if (typeof s?.run === "string") commands.push(...shellCommands(s.run));
        if (typeof s?.uses === "string") pushUnique(actions, s.uses);
      }
      return [
        Dict.of({
          id,
          name,
          classifications: classify(id, name, commands, actions),
          commands,
          actions,
          required_check: null,
        }),
      ];
    });
}

function stageMap(stages: Map<string, string[]>): Dict {
  const out = new Map<string, Value>();
  for (const k of [...stages.keys()].sort()) out.set(k, [...stages.get(k)!]);
  return new Dict(out);
}

function addStage(stages: Map<string, string[]>, stage: string, command: string): void {
  let list = stages.get(stage);
  if (list === undefined) stages.set(stage, (list = []));
  pushUnique(list, command);
}

function preCommitHooks(parsed: unknown, stages: Map<string, string[]>): void {
  const root = record(parsed);
  const defaults = stringList(root?.default_stages);
  for (const repo of Array.isArray(root?.repos) ? root.repos : []) {
    const hooks = record(repo)?.hooks;
    for (const hook of Array.isArray(hooks) ? hooks : []) {
      const h = record(hook);
      if (h === undefined) continue;
      let command = [h.entry, h.name, h.id].find((x): x is string => typeof x === "string") ?? "hook";
      const args = stringList(h.args);
      if (args !== undefined && args.length > 0) command = `${command} ${args.join(" ")}`;
      for (const stage of stringList(h.stages) ?? defaults ?? ["pre-commit"])
        addStage(stages, stage, command);
    }
  }
}

function runCommands(v: unknown, sink: (command: string) => void): void {
  if (Array.isArray(v)) {
    for (const item of v) runCommands(item, sink);
    return;
  }
  const m = record(v);
  if (m === undefined) return;
  if (typeof m.run === "string") for (const command of shellCommands(m.run)) sink(command);
  for (const key of Object.keys(m).sort()) if (key !== "run") runCommands(m[key], sink);
}

function hookEvidence(host: SystemHost, root: string, yaml: YamlModule): Dict {
  const providers: string[] = [];
  const files: string[] = [];
  const stages = new Map<string, string[]>();
  const scriptDir = (dir: string, provider: string): void => {
    const scripts = filesIn(host, root, dir, []).filter(
      (p) => !p.slice(p.lastIndexOf("/") + 1).startsWith("_") || dir !== ".husky",
    );
    if (scripts.length > 0) pushUnique(providers, provider);
    for (const rel of scripts) {
      pushUnique(files, rel);
      const text = readTextIfPresent(host, joinPath(root, rel));
      for (const command of shellCommands(text ?? ""))
        addStage(stages, rel.slice(rel.lastIndexOf("/") + 1), command);
    }
  };
  scriptDir(".githooks", ".githooks");
  for (const [file, provider, collect] of [
    [".pre-commit-config.yaml", "pre-commit", preCommitHooks],
    [
      "lefthook.yml",
      "lefthook",
      (parsed: unknown, s: Map<string, string[]>) => {
        const m = record(parsed) ?? {};
        for (const stage of Object.keys(m)) {
          if (stage.includes("-")) runCommands(m[stage], (c) => addStage(s, stage, c));
        }
      },
    ],
  ] as const) {
    if (!isFile(host, joinPath(root, file))) continue;
    pushUnique(providers, provider);
    pushUnique(files, file);
    collect(parseYaml(yaml, readTextIfPresent(host, joinPath(root, file)) ?? ""), stages);
  }
  scriptDir(".husky", "husky");
  return Dict.of({ providers, files, stages: stageMap(stages) });
}

const MANIFESTS: [string, string[], string[]][] = [
  ["cargo", ["Cargo.toml"], ["Cargo.lock"]],
  ["npm", ["package.json"], ["package-lock.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb"]],
  ["python", ["pyproject.toml", "requirements.txt", "setup.py"], ["poetry.lock", "Pipfile.lock", "uv.lock"]],
  ["ruby", ["Gemfile"], ["Gemfile.lock"]],
  ["go", ["go.mod"], ["go.sum"]],
  ["swift", ["Package.swift"], ["Package.resolved"]],
];

function ciHints(ecosystem: string, workflows: string): string[] {
  const t = workflows.toLowerCase();
  const node = t.includes("actions/setup-node");
  const python = t.includes("actions/setup-python");
  const rules: [boolean, string][] =
    {
      cargo: [
        [t.includes("cargo-nextest") || t.includes("cargo nextest"), "cargo-nextest installed"],
        [t.includes("swatinem/rust-cache"), "rust-cache action"],
        [t.includes("sccache"), "sccache enabled"],
      ] as [boolean, string][],
      npm: [
        [node && t.includes("cache: npm"), "setup-node npm cache"],
        [node && t.includes("cache: pnpm"), "setup-node pnpm cache"],
        [node && t.includes("cache: yarn"), "setup-node yarn cache"],
      ] as [boolean, string][],
      python: [
        [python && t.includes("cache: pip"), "setup-python pip cache"],
        [t.includes("poetry"), "poetry in CI"],
      ] as [boolean, string][],
      ruby: [[t.includes("bundler-cache: true"), "bundler cache"]] as [boolean, string][],
    }[ecosystem] ?? [];
  rules.push([
    t.includes("cache-from: type=gha") || t.includes("cache-to: type=gha"),
    "github actions cache",
  ]);
  return rules.filter(([hit]) => hit).map(([, hint]) => hint);
}

function mergePolicy(host: SystemHost, root: string): Dict {
  const present = (paths: string[]): string[] => paths.filter((p) => isFile(host, joinPath(root, p)));
  const codeowners = present([".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"]);
  const rules: Dict[] = [];
  for (const rel of codeowners) {
    for (const line of (readTextIfPresent(host, joinPath(root, rel)) ?? "").split(/\r?\n/)) {
      const parts = line.trim().split(/\s+/);
      if (parts[0] === "" || parts[0]!.startsWith("#")) continue;
      rules.push(Dict.of({ path: parts[0]!, owners: parts.slice(1) }));
    }
  }
  const contributing = present(["CONTRIBUTING.md"]);
  const hints: string[] = [];
  for (const rel of contributing) {
    const text = (readTextIfPresent(host, joinPath(root, rel)) ?? "").toLowerCase();
    if (text.includes("squash")) pushUnique(hints, "squash");
    if (text.includes("rebase")) pushUnique(hints, "rebase");
    if (text.includes("merge commit")) pushUnique(hints, "merge");
  }
  return Dict.of({
    branch: null,
    required_checks: null,
    require_up_to_date_branch: null,
    enforce_admins: null,
    required_approvals: null,
    require_code_owner_reviews: null,
    required_conversation_resolution: null,
    allow_force_pushes: null,
    allow_deletions: null,
    allowed_merge_methods: null,
    squash_only: null,
    codeowners_files: codeowners,
    codeowner_rules: rules,
    contributing_files: contributing,
    merge_method_hints: hints,
  });
}

/** The `ci` evidence block for `root`. */
export async function operatorEvidence(host: SystemHost, root: string): Promise<Dict> {
  yamlModule ??= await import("yaml");
  const yaml = yamlModule;
  const workflowTexts: string[] = [];
  const workflows: Dict[] = [];
  for (const rel of filesIn(host, root, ".github/workflows", ["yml", "yaml"])) {
    const text = readTextIfPresent(host, joinPath(root, rel));
    if (text === null) continue;
    workflowTexts.push(text);
    const parsed = record(parseYaml(yaml, text));
    if (parsed === undefined) continue;
    const stem = rel.slice(rel.lastIndexOf("/") + 1).replace(/\.[^.]*$/, "");
    const jobs = record(parsed.jobs);
    workflows.push(
      Dict.of({
        path: rel,
        name: typeof parsed.name === "string" ? parsed.name : stem,
        jobs: jobs === undefined ? [] : workflowJobs(jobs),
      }),
    );
  }
  const combined = workflowTexts.join("\n");
  const manifests = MANIFESTS.flatMap(([ecosystem, manifestNames, lockNames]) => {
    const found = manifestNames.filter((n) => isFile(host, joinPath(root, n)));
    const locks = lockNames.filter((n) => isFile(host, joinPath(root, n)));
    if (found.length === 0 && locks.length === 0) return [];
    return [
      Dict.of({
        ecosystem,
        manifests: found,
        lockfiles: locks,
        has_lockfile: locks.length > 0,
        ci_hints: ciHints(ecosystem, combined),
      }),
    ];
  });
  return Dict.of({
    workflows,
    hooks: hookEvidence(host, root, yaml),
    package_manifests: manifests,
    merge_policy: mergePolicy(host, root),
  });
}
