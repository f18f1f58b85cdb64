// The ecosystems project scanning recognises (`project_catalog()`): for
// each, the languages/frameworks/build systems it implies, the anchor and
// lock files that reveal it, where its sources live, its default build
// and test commands, and how much an anchor alone proves (anchorScore).

import { Dict } from "../../vm/values.ts";

export interface CatalogEntry {
  readonly id: string;
  readonly languages: readonly string[];
  readonly frameworks: readonly string[];
  readonly buildSystems: readonly string[];
  readonly anchors: readonly string[];
  readonly lockfiles: readonly string[];
  readonly sourceGlobs: readonly string[];
  readonly defaultBuildCmd: string | null;
  readonly defaultTestCmd: string | null;
  readonly anchorScore: number;
}

const NODE_LOCKFILES = ["package-lock.json", "pnpm-lock.yaml", "yarn.lock", "bun.lockb"];

export const PROJECT_CATALOG: readonly CatalogEntry[] = [
  {
    id: "rust",
    languages: ["rust"],
    frameworks: [],
    buildSystems: ["cargo"],
    anchors: ["Cargo.toml"],
    lockfiles: ["Cargo.lock"],
    sourceGlobs: ["*.rs", "src/**/*.rs", "crates/**/*.rs", "tests/**/*.rs"],
    defaultBuildCmd: "cargo build",
    defaultTestCmd: "cargo test",
    anchorScore: 0.5,
  },
  {
    id: "go",
    languages: ["go"],
    frameworks: [],
    buildSystems: ["go"],
    anchors: ["go.mod"],
    lockfiles: ["go.sum"],
    sourceGlobs: ["*.go", "cmd/**/*.go", "internal/**/*.go", "pkg/**/*.go"],
    defaultBuildCmd: "go build ./...",
    defaultTestCmd: "go test ./...",
    anchorScore: 0.5,
  },
  {
    id: "python",
    languages: ["python"],
    frameworks: [],
    buildSystems: ["python"],
    anchors: ["pyproject.toml", "setup.py", "requirements.txt"],
    lockfiles: ["uv.lock", "poetry.lock", "Pipfile.lock", "requirements.lock"],
    sourceGlobs: ["*.py", "src/**/*.py", "tests/**/*.py"],
    defaultBuildCmd: null,
    defaultTestCmd: "pytest",
    anchorScore: 0.5,
  },
  {
    id: "typescript",
    languages: ["typescript"],
    frameworks: [],
    buildSystems: ["npm"],
    anchors: ["tsconfig.json", "package.json"],
    lockfiles: NODE_LOCKFILES,
    sourceGlobs: ["*.ts", "*.tsx", "src/**/*.ts", "src/**/*.tsx", "tests/**/*.ts"],
    defaultBuildCmd: "npm run build",
    defaultTestCmd: "npm test",
    anchorScore: 0.2,
  },
  {
    id: "javascript",
    languages: ["javascript"],
    frameworks: [],
    buildSystems: ["npm"],
    anchors: ["package.json"],
    lockfiles: NODE_LOCKFILES,
    sourceGlobs: ["*.js", "*.jsx", "*.mjs", "*.cjs", "src/**/*.js", "src/**/*.jsx"],
    defaultBuildCmd: "npm run build",
    defaultTestCmd: "npm test",
    anchorScore: 0.1,
  },
  {
    id: "nextjs",
    languages: ["javascript", "typescript"],
    frameworks: ["nextjs"],
    buildSystems: ["npm"],
    anchors: ["next.config.js", "next.config.mjs", "next.config.ts"],
    lockfiles: [],
    sourceGlobs: ["pages/**/*.tsx", "app/**/*.tsx", "pages/**/*.js", "app/**/*.js"],
    defaultBuildCmd: "npm run build",
    defaultTestCmd: "npm test",
    anchorScore: 0.7,
  },
  {
    id: "ruby",
    languages: ["ruby"],
    frameworks: [],
    buildSystems: ["bundler"],
    anchors: ["Gemfile"],
    lockfiles: ["Gemfile.lock"],
    sourceGlobs: ["*.rb", "app/**/*.rb", "lib/**/*.rb", "spec/**/*.rb"],
    defaultBuildCmd: null,
    defaultTestCmd: "bundle exec rspec",
    anchorScore: 0.5,
  },
];

export function catalogEntryValue(e: CatalogEntry): Dict {
  return Dict.of({
    id: e.id,
    languages: [...e.languages],
    frameworks: [...e.frameworks],
    build_systems: [...e.buildSystems],
    anchors: [...e.anchors],
    lockfiles: [...e.lockfiles],
    source_globs: [...e.sourceGlobs],
    default_build_cmd: e.defaultBuildCmd,
    default_test_cmd: e.defaultTestCmd,
  });
}

/**
 * The catalog's source-glob dialect: `**\/name`, `*.ext` (any directory),
 * `prefix/**\/*.ext`, or an exact relative path.
 */
export function sourceGlobMatches(pattern: string, candidate: string): boolean {
  const base = candidate.slice(candidate.lastIndexOf("/") + 1);
  if (pattern.startsWith("**/")) {
    const suffix = pattern.slice(3);
    return candidate === suffix || candidate.endsWith(`/${suffix}`);
  }
  if (pattern.startsWith("*.")) return base.endsWith(pattern.slice(1));
  const deep = pattern.indexOf("/**/*.");
  if (deep >= 0) {
    return candidate.startsWith(pattern.slice(0, deep)) && base.endsWith(pattern.slice(deep + 5));
  }
  return candidate === pattern;
}
