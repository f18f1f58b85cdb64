// Table-driven checker fixtures: every `tests/check-fixtures/<name>.harn`
// is parsed (it must be free of syntax errors) and type-checked. With a
// sibling `<name>.error` the checker's first error must match it (each
// non-blank line an alternative: a substring, or a `re:` regular
// expression); without one the checker must report no error at all —
// those fixtures guard against false positives.

import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { parse } from "../syntax/parser.ts";
import { checkProgram } from "./checker.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../tests/check-fixtures");

function matches(expected: string, actual: string): boolean {
  return expected
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .some((line) =>
      line.startsWith("re:") ? new RegExp(line.slice(3)).test(actual) : actual.includes(line),
    );
}

describe("check fixtures", () => {
  const files = readdirSync(root)
    .filter((f) => f.endsWith(".harn"))
    .sort();
  assert.ok(files.length > 0, "no fixtures found");
  for (const file of files) {
    test(file, () => {
      const parsed = parse(readFileSync(path.join(root, file), "utf8"));
      assert.deepEqual(
        parsed.diagnostics.map((d) => d.message),
        [],
        "fixture must parse",
      );
      const errors = checkProgram(parsed.program, { knownNames: new Set(), importedNames: new Set() }).filter(
        (d) => d.severity === "error",
      );
      const errorFile = path.join(root, file.replace(/\.harn$/, ".error"));
      if (!existsSync(errorFile)) {
        assert.deepEqual(
          errors.map((d) => `${d.span.line}: ${d.message}`),
          [],
        );
        return;
      }
      const expected = readFileSync(errorFile, "utf8").trimEnd();
      const first = errors[0]?.message ?? "(no error)";
      assert.ok(
        matches(expected, first),
        `expected ${JSON.stringify(expected)}, got ${JSON.stringify(first)}`,
      );
    });
  }
});
