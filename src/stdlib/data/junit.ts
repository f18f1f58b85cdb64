// `parse_junit_xml(text_or_bytes)`: the test cases of a JUnit XML report as
// dicts {name, status, duration_ms, message, stdout, stderr}. JUnit is what
// most test runners can emit, and reports are often truncated or slightly
// off, so this is a forgiving scanner rather than an XML parser: anything it
// cannot make sense of yields fewer cases, never an error.

import { typeName } from "../../vm/display.ts";
import { thrown } from "../../vm/errors.ts";
import { BytesValue, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";

type Status = "passed" | "failed" | "skipped" | "errored";

interface TestCase {
  name: string;
  status: Status;
  durationMs: number;
  message: string | null;
  stdout: string | null;
  stderr: string | null;
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" };

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp);/g, (_m, name: string) => ENTITIES[name]!);
}

/** The value of `key="..."` in a start tag; the leading blank keeps `name` from matching `classname`. */
function attribute(tag: string, key: string): string | null {
  const needle = ` ${key}="`;
  const at = tag.indexOf(needle);
  if (at < 0) return null;
  const from = at + needle.length;
  const end = tag.indexOf('"', from);
  return end < 0 ? null : unescapeXml(tag.slice(from, end));
}

interface Element {
  readonly tag: string;
  /** Trimmed, unescaped text between the start and end tags ("" for `<x/>`). */
  readonly text: string;
}

/** The first `<name ...>...</name>` (or `<name .../>`) in `body`, if complete. */
function firstElement(body: string, name: string): Element | null {
  const start = body.indexOf(`<${name}`);
  if (start < 0) return null;
  const tagEnd = body.indexOf(">", start);
  if (tagEnd < 0) return null;
  const tag = body.slice(start, tagEnd);
  if (tag.endsWith("/")) return { tag, text: "" };
  const close = body.indexOf(`</${name}>`, tagEnd);
  if (close < 0) return null;
  return { tag, text: unescapeXml(body.slice(tagEnd + 1, close).trim()) };
}

function outcome(el: Element): string {
  const message = attribute(el.tag, "message");
  if (message === null) return el.text;
  return el.text === "" ? message : `${message}\n${el.text}`;
}

function secondsToMs(text: string | null): number {
  const seconds = text === null ? Number.NaN : Number(text.trim());
  // Whole nanoseconds first, so 0.57 s is 570 ms and not 569.999... truncated.
  return Number.isFinite(seconds) && seconds >= 0 ? Math.floor(Math.round(seconds * 1e9) / 1e6) : 0;
}

function readBody(c: TestCase, body: string): void {
  const failure = firstElement(body, "failure");
  const error = failure ? null : firstElement(body, "error");
  if (failure) {
    c.status = "failed";
    c.message = outcome(failure);
  } else if (error) {
    c.status = "errored";
    c.message = outcome(error);
  } else if (body.includes("<skipped")) {
    c.status = "skipped";
  }
  c.stdout = firstElement(body, "system-out")?.text ?? null;
  c.stderr = firstElement(body, "system-err")?.text ?? null;
}

export function parseJunitXml(text: string): TestCase[] {
  const cases: TestCase[] = [];
  let at = 0;
  for (;;) {
    const start = text.indexOf("<testcase", at);
    if (start < 0) break;
    const tagEnd = text.indexOf(">", start);
    if (tagEnd < 0) break;
    const tag = text.slice(start, tagEnd);
    const name = attribute(tag, "name") ?? "";
    const classname = attribute(tag, "classname");
    const c: TestCase = {
      name: classname && name !== "" ? `${classname}::${name}` : name,
      status: "passed",
      durationMs: secondsToMs(attribute(tag, "time")),
      message: null,
      stdout: null,
      stderr: null,
    };
    if (tag.endsWith("/")) {
      at = tagEnd + 1;
    } else {
      const close = text.indexOf("</testcase>", tagEnd);
      if (close < 0) break;
      readBody(c, text.slice(tagEnd + 1, close));
      at = close + "</testcase>".length;
    }
    cases.push(c);
  }
  return cases;
}

function caseValue(c: TestCase): Dict {
  return Dict.of({
    name: c.name,
    status: c.status,
    duration_ms: c.durationMs,
    message: c.message,
    stdout: c.stdout,
    stderr: c.stderr,
  });
}

function reportText(v: Value | undefined): string | null {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (v instanceof BytesValue) {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(v.bytes);
    } catch {
      return null;
    }
  }
  throw thrown(`parse_junit_xml: expected string or bytes, got ${typeName(v)}`);
}

export function registerJunit(vm: Vm): void {
  vm.registerBuiltin("parse_junit_xml", (args) => {
    const text = reportText(args[0]);
    return text === null ? [] : parseJunitXml(text).map(caseValue);
  });
}
