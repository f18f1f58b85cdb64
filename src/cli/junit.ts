// JUnit XML for `harn test --junit FILE`: one <testsuite name="harn"> with a
// <testcase> per test and a <failure> element carrying the failure text.
// CI systems (GitHub Actions reporters, Jenkins, GitLab) read this shape;
// times are in seconds with millisecond precision.

import { writeTextFile } from "../host/test-host.ts";

export interface JunitCase {
  readonly name: string;
  /** Groups cases in CI views; the test's file for user tests. */
  readonly classname?: string;
  readonly passed: boolean;
  readonly message: string;
  readonly durationMs: number;
}

/** Escape text for XML attributes and content; drop characters XML 1.0 forbids (e.g. ANSI escapes). */
export function xmlEscape(text: string): string {
  return text
    .replace(/[\x00-\x08\x0B\x0C\x0E-\x1F]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

export function junitXml(cases: readonly JunitCase[]): string {
  const failures = cases.filter((c) => !c.passed).length;
  const total = cases.reduce((sum, c) => sum + c.durationMs, 0);
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuite name="harn" tests="${cases.length}" failures="${failures}" time="${seconds(total)}">`,
  ];
  for (const c of cases) {
    const classAttr = c.classname === undefined ? "" : ` classname="${xmlEscape(c.classname)}"`;
    const open = `  <testcase name="${xmlEscape(c.name)}"${classAttr} time="${seconds(c.durationMs)}"`;
    if (c.passed) {
      lines.push(`${open} />`);
      continue;
    }
    lines.push(`${open}>`);
    lines.push(`    <failure message="test failed">${xmlEscape(c.message)}</failure>`);
    lines.push("  </testcase>");
  }
  lines.push("</testsuite>", "");
  return lines.join("\n");
}

/**
 * Write the report and say so on `write`; an I/O failure is reported on
 * `writeError` and returned as false (the caller turns it into a failing exit).
 */
export function writeJunit(
  file: string,
  cases: readonly JunitCase[],
  write: (text: string) => void,
  writeError: (text: string) => void,
): boolean {
  try {
    writeTextFile(file, junitXml(cases));
  } catch (e) {
    writeError(`harn: failed to write JUnit XML to ${file}: ${e instanceof Error ? e.message : String(e)}\n`);
    return false;
  }
  write(`JUnit XML written to ${file}\n`);
  return true;
}
