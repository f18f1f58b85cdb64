// `project_fingerprint(path?)`: a one-shot summary of a repository — its
// primary language, frameworks, package managers, test runner, build
// tool, VCS and CI — from signals gathered in one walk (four levels deep,
// skipping dependency and build directories): manifest contents, lock
// files, config file names, source extensions and directory names. Each
// list is ordered by a fixed preference so the first item is the answer.

import { parse as parseToml } from "smol-toml";
import { Dict } from "../../vm/values.ts";
import type { SystemHost } from "../system/host.ts";
import { joinPath } from "../system/path-text.ts";
import { lookup } from "./project-config.ts";
import { detectVcs, readJsonObject, readTextIfPresent, relativePosix, sortedEntries } from "./project-fs.ts";

const MAX_DEPTH = 4;
const SKIP_DIRS = new Set([
  ".git",
  ".hg",
  ".next",
  ".svn",
  ".venv",
  "__pycache__",
  "build",
  "coverage",
  "dist",
  "node_modules",
  "target",
  "venv",
]);
const ORDER = {
  languages: ["rust", "typescript", "python", "go", "swift", "ruby"],
  frameworks: ["axum", "next", "react", "django", "fastapi", "rails"],
  packageManagers: ["cargo", "spm", "pnpm", "npm", "yarn", "uv", "poetry", "pip", "go-mod", "bundler"],
  testRunners: [
    "nextest",
    "cargo-test",
    "vitest",
    "jest",
    "mocha",
    "pytest",
    "unittest",
    "go-test",
    "xctest",
    "rspec",
    "minitest",
  ],
  buildTools: ["cargo", "spm", "next", "vite", "uv", "poetry", "pnpm", "npm", "yarn", "go", "bundler", "pip"],
  ci: ["github-actions", "gitlab-ci", "circleci", "buildkite", "azure-pipelines", "bitrise"],
};
const LOCKFILES: Readonly<Record<string, string>> = {
  "Cargo.lock": "cargo",
  "package-lock.json": "npm",
  "pnpm-lock.yaml": "pnpm",
  "yarn.lock": "yarn",
  "uv.lock": "uv",
  "poetry.lock": "poetry",
  "Pipfile.lock": "pip",
  "requirements.lock": "pip",
  "go.sum": "go-mod",
  "Gemfile.lock": "bundler",
  "Package.resolved": "spm",
  "bun.lockb": "npm",
  "bun.lock": "npm",
};
const TEST_DIRS = new Set(["tests", "test", "__tests__", "spec", "e2e", "cypress"]);
const CI_FILES: Readonly<Record<string, string>> = {
  ".gitlab-ci.yml": "gitlab-ci",
  "azure-pipelines.yml": "azure-pipelines",
  "bitrise.yml": "bitrise",
  "circle.yml": "circleci",
};
const NEXT_CONFIGS = new Set(["next.config.js", "next.config.mjs", "next.config.ts"]);
const VITEST_CONFIGS = new Set(["vitest.config.js", "vitest.config.ts", "vitest.config.mjs"]);
const JEST_CONFIGS = new Set(["jest.config.js", "jest.config.ts", "jest.config.cjs"]);
const VITE_CONFIGS = new Set(["vite.config.js", "vite.config.ts", "vite.config.mjs"]);
const MOCHA_CONFIGS = new Set([".mocharc.js", ".mocharc.json", ".mocharc.yml", ".mocharc.yaml"]);
const PYTEST_CONFIGS = new Set(["pytest.ini", "tox.ini", "conftest.py"]);

class Signals {
  readonly languages = new Set<string>();
  readonly frameworks = new Set<string>();
  readonly packageManagers = new Set<string>();
  readonly testRunners = new Set<string>();
  readonly buildTools = new Set<string>();
  readonly ci = new Set<string>();
  readonly lockfilePaths = new Set<string>();
  hasTests = false;
  hasSpecDir = false;
  hasTestDir = false;
  nodeProject = false;
  pythonProject = false;
  pythonNeedsPip = false;
  rubyProject = false;
  hasNextDep = false;
  hasNextConfig = false;
  hasViteDep = false;
  hasViteConfig = false;

  testRunner(name: string): void {
    this.testRunners.add(name);
    this.hasTests = true;
  }
}

/** Test-runner and build-tool hints in a shell command (package.json scripts). */
function commandSignals(command: string, s: Signals): void {
  const c = command.toLowerCase();
  if (c.includes("next build") || c.includes("next dev")) s.buildTools.add("next");
  if (c.includes("vite build") || c.includes("vite dev") || c.includes("npx vite")) {
    s.hasViteDep = true;
    s.buildTools.add("vite");
  }
  const runners: [string, string][] = [
    ["vitest", "vitest"],
    ["jest", "jest"],
    ["mocha", "mocha"],
    ["cargo nextest", "nextest"],
    ["cargo test", "cargo-test"],
    ["pytest", "pytest"],
    ["unittest", "unittest"],
    ["go test", "go-test"],
    ["swift test", "xctest"],
  ];
  for (const [needle, runner] of runners) if (c.includes(needle)) s.testRunner(runner);
  if (c.includes("swift build")) s.buildTools.add("spm");
}

function pythonText(text: string | null, s: Signals): void {
  if (text === null) return;
  const lower = text.toLowerCase();
  if (lower.includes("fastapi")) s.frameworks.add("fastapi");
  if (lower.includes("django")) s.frameworks.add("django");
  if (lower.includes("pytest")) s.testRunner("pytest");
  if (lower.includes("unittest")) s.testRunner("unittest");
}

function tomlOf(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return parseToml(text);
  } catch {
    return undefined;
  }
}

function tableKeys(root: unknown, path: readonly string[]): string[] {
  const v = lookup(root, path);
  return typeof v === "object" && v !== null && !Array.isArray(v) ? Object.keys(v) : [];
}

function cargoManifest(path: string, host: SystemHost, s: Signals): void {
  s.languages.add("rust");
  s.packageManagers.add("cargo");
  s.buildTools.add("cargo");
  s.testRunners.add("cargo-test");
  const parsed = tomlOf(readTextIfPresent(host, path));
  const paths = [
    ["dependencies"],
    ["dev-dependencies"],
    ["build-dependencies"],
    ["workspace", "dependencies"],
  ];
  if (paths.some((p) => tableKeys(parsed, p).includes("axum"))) s.frameworks.add("axum");
}

function packageJson(path: string, host: SystemHost, s: Signals): void {
  const pkg = readJsonObject(host, path);
  if (pkg === null) return;
  s.nodeProject = true;
  const deps = new Set<string>();
  for (const key of ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"]) {
    const table = pkg[key];
    if (typeof table === "object" && table !== null && !Array.isArray(table))
      for (const d of Object.keys(table)) deps.add(d);
  }
  if (deps.has("next")) {
    s.hasNextDep = true;
    s.buildTools.add("next");
  }
  if (deps.has("react")) {
    s.frameworks.add("react");
    s.languages.add("typescript");
  }
  if (deps.has("typescript")) s.languages.add("typescript");
  if (deps.has("vite")) {
    s.hasViteDep = true;
    s.buildTools.add("vite");
  }
  for (const runner of ["vitest", "jest", "mocha"]) if (deps.has(runner)) s.testRunner(runner);
  const manager = pkg.packageManager;
  if (typeof manager === "string") {
    for (const name of ["pnpm", "yarn", "npm"])
      if (manager.startsWith(`${name}@`)) s.packageManagers.add(name);
  }
  const scripts = pkg.scripts;
  if (typeof scripts === "object" && scripts !== null && !Array.isArray(scripts)) {
    for (const command of Object.values(scripts)) if (typeof command === "string") commandSignals(command, s);
  }
}

function pyproject(path: string, host: SystemHost, s: Signals): void {
  const text = readTextIfPresent(host, path);
  if (text === null) return;
  s.languages.add("python");
  s.pythonProject = true;
  pythonText(text, s);
  const parsed = tomlOf(text);
  if (parsed === undefined) {
    s.pythonNeedsPip = true;
    return;
  }
  const poetry = lookup(parsed, ["tool", "poetry"]) !== undefined;
  const uv = lookup(parsed, ["tool", "uv"]) !== undefined;
  if (poetry) {
    s.packageManagers.add("poetry");
    s.buildTools.add("poetry");
  }
  if (uv) {
    s.packageManagers.add("uv");
    s.buildTools.add("uv");
  }
  if (!poetry && !uv) s.pythonNeedsPip = true;
}

function gemfile(path: string, host: SystemHost, s: Signals): void {
  s.languages.add("ruby");
  s.rubyProject = true;
  s.packageManagers.add("bundler");
  s.buildTools.add("bundler");
  const text = readTextIfPresent(host, path);
  if (text === null) return;
  const gem = (name: string): boolean => text.includes(`gem "${name}"`) || text.includes(`gem '${name}'`);
  if (gem("rails")) s.frameworks.add("rails");
  if (gem("rspec")) s.testRunners.add("rspec");
  if (gem("minitest")) s.testRunners.add("minitest");
}

function inspectDir(rel: string, name: string, s: Signals): void {
  const lower = name.toLowerCase();
  if (TEST_DIRS.has(lower)) {
    s.hasTests = true;
    if (lower === "spec") s.hasSpecDir = true;
    if (lower === "test" || lower === "tests") s.hasTestDir = true;
  }
  if (rel === ".github/workflows" || rel.endsWith("/.github/workflows")) s.ci.add("github-actions");
  if (name === ".circleci") s.ci.add("circleci");
  if (name === ".buildkite") s.ci.add("buildkite");
  if (name === "crates") s.languages.add("rust");
  if (name === "cmd" || name === "pkg") s.languages.add("go");
}

const EXTENSION_LANGUAGE: Readonly<Record<string, string>> = {
  rs: "rust",
  ts: "typescript",
  tsx: "typescript",
  js: "typescript",
  jsx: "typescript",
  mjs: "typescript",
  cjs: "typescript",
  py: "python",
  go: "go",
  swift: "swift",
  rb: "ruby",
};

function inspectFile(host: SystemHost, path: string, rel: string, name: string, s: Signals): void {
  const manager = LOCKFILES[name];
  if (manager !== undefined) {
    s.lockfilePaths.add(rel);
    s.packageManagers.add(manager);
  }
  if (rel.startsWith(".github/workflows/")) s.ci.add("github-actions");
  const ci = CI_FILES[name];
  if (ci !== undefined) s.ci.add(ci);
  switch (name) {
    case "Cargo.toml":
      cargoManifest(path, host, s);
      break;
    case "package.json":
      packageJson(path, host, s);
      break;
    case "pyproject.toml":
      pyproject(path, host, s);
      break;
    case "requirements.txt":
    case "requirements-dev.txt":
    case "requirements-test.txt":
      s.languages.add("python");
      s.pythonProject = true;
      s.pythonNeedsPip = true;
      s.buildTools.add("pip");
      pythonText(readTextIfPresent(host, path), s);
      break;
    case "setup.py":
      s.languages.add("python");
      s.pythonProject = true;
      s.pythonNeedsPip = true;
      pythonText(readTextIfPresent(host, path), s);
      break;
    case "go.mod":
      s.languages.add("go");
      s.packageManagers.add("go-mod");
      s.buildTools.add("go");
      s.testRunners.add("go-test");
      break;
    case "Package.swift":
      s.languages.add("swift");
      s.packageManagers.add("spm");
      s.buildTools.add("spm");
      s.testRunners.add("xctest");
      break;
    case "Gemfile":
      gemfile(path, host, s);
      break;
    default:
      break;
  }
  if (NEXT_CONFIGS.has(name)) {
    s.hasNextConfig = true;
    s.languages.add("typescript");
    s.buildTools.add("next");
  }
  if (VITEST_CONFIGS.has(name)) s.testRunner("vitest");
  if (JEST_CONFIGS.has(name)) s.testRunner("jest");
  if (VITE_CONFIGS.has(name)) {
    s.hasViteConfig = true;
    s.buildTools.add("vite");
  }
  if (MOCHA_CONFIGS.has(name)) s.testRunner("mocha");
  if (PYTEST_CONFIGS.has(name)) s.testRunner("pytest");
  if (name === "nextest.toml" || rel.endsWith("/.config/nextest.toml")) s.testRunners.add("nextest");
  const dot = name.lastIndexOf(".");
  const language = dot > 0 ? EXTENSION_LANGUAGE[name.slice(dot + 1)] : undefined;
  if (language !== undefined) {
    s.languages.add(language);
    if (language === "typescript") s.nodeProject = true;
    if (language === "python") s.pythonProject = true;
    if (language === "ruby") s.rubyProject = true;
  }
}

function walk(host: SystemHost, base: string, dir: string, depth: number, s: Signals): void {
  for (const entry of sortedEntries(host, dir)) {
    const path = joinPath(dir, entry.name);
    const rel = relativePosix(base, path);
    if (entry.isDir) {
      inspectDir(rel, entry.name, s);
      if (depth < MAX_DEPTH && !SKIP_DIRS.has(entry.name)) walk(host, base, path, depth + 1, s);
    } else if (entry.isFile) {
      inspectFile(host, path, rel, entry.name, s);
    }
  }
}

/** Cross-signal conclusions (a Rust project builds with cargo, a Next dependency plus config means Next, ...). */
function conclude(s: Signals): void {
  const pm = s.packageManagers;
  if (s.hasNextDep && s.hasNextConfig) {
    s.frameworks.add("next");
    s.languages.add("typescript");
    s.buildTools.add("next");
  }
  if (s.nodeProject && !pm.has("npm") && !pm.has("pnpm") && !pm.has("yarn")) pm.add("npm");
  if (s.pythonProject && !pm.has("poetry") && !pm.has("uv") && s.pythonNeedsPip) pm.add("pip");
  // Toolchains implied by a language: [package manager, build tool, test runner].
  const toolchains: [string, string | null, string, string][] = [
    ["rust", null, "cargo", "cargo-test"],
    ["go", "go-mod", "go", "go-test"],
    ["swift", "spm", "spm", "xctest"],
  ];
  for (const [language, manager, buildTool, runner] of toolchains) {
    if (!s.languages.has(language)) continue;
    if (manager !== null) pm.add(manager);
    s.buildTools.add(buildTool);
    s.testRunners.add(runner);
  }
  if (s.pythonProject && s.testRunners.size === 0) s.testRunners.add("pytest");
  if (s.rubyProject) {
    pm.add("bundler");
    s.buildTools.add("bundler");
    if (s.testRunners.size === 0 && s.hasSpecDir) s.testRunners.add("rspec");
    else if (s.testRunners.size === 0 && s.hasTestDir) s.testRunners.add("minitest");
  }
  if (s.hasViteDep || s.hasViteConfig) {
    s.buildTools.add("vite");
    if (s.hasTests && s.testRunners.size === 0) s.testRunners.add("vitest");
  }
  if (s.nodeProject && s.buildTools.size === 0) {
    const first = ["pnpm", "yarn", "npm"].find((m) => pm.has(m));
    if (first !== undefined) s.buildTools.add(first);
  }
  if (s.pythonProject && s.buildTools.size === 0) {
    const first = ["uv", "poetry", "pip"].find((m) => pm.has(m));
    if (first !== undefined) s.buildTools.add(first);
  }
}

/** The preferred order first, then anything else in byte order. */
function ordered(values: Set<string>, order: readonly string[]): string[] {
  const rest = [...values].filter((v) => !order.includes(v)).sort();
  return [...order.filter((o) => values.has(o)), ...rest];
}

export function projectFingerprint(host: SystemHost, dir: string): Dict {
  const s = new Signals();
  walk(host, dir, dir, 0, s);
  conclude(s);
  const languages = ordered(s.languages, ORDER.languages);
  const packageManagers = ordered(s.packageManagers, ORDER.packageManagers);
  const testRunners = ordered(s.testRunners, ORDER.testRunners);
  const buildTools = ordered(s.buildTools, ORDER.buildTools);
  const ci = ordered(s.ci, ORDER.ci);
  return Dict.of({
    primary_language: languages.length === 0 ? "unknown" : languages.length === 1 ? languages[0]! : "mixed",
    languages,
    frameworks: ordered(s.frameworks, ORDER.frameworks),
    package_manager: packageManagers[0] ?? null,
    package_managers: packageManagers,
    test_runner: testRunners[0] ?? null,
    build_tool: buildTools[0] ?? null,
    vcs: detectVcs(host, dir),
    ci,
    has_tests: s.hasTests,
    has_ci: ci.length > 0,
    lockfile_paths: [...s.lockfilePaths].sort(),
  });
}
