// Deterministic risk classification of a command-runner request and of its
// output (`command_risk_scan`, `command_result_scan`,
// `command_llm_risk_scan`). The labels are keyword heuristics over the
// command text (argv joined by spaces, else the shell command): cheap,
// reproducible, and never a substitute for the policy's own deny patterns
// and hooks — they only feed `require_approval` and the audit record.
//
// `command_llm_risk_scan` makes no model call: it returns the deterministic
// scan marked as a fallback, with the (redacted) options it was given, so
// a program can wire it in now and a host can replace it later.

import { display } from "../../vm/display.ts";
import { Dict, HFloat, type Value } from "../../vm/values.ts";
import type { CommandPolicy } from "./command-policy.ts";

/** Longest output text a scan looks at (and the longest string an LLM payload keeps). */
const INLINE_OUTPUT_LIMIT = 8192;

const SECRET_NEEDLES = [
  ".env",
  "id_rsa",
  "id_ed25519",
  ".aws/credentials",
  ".npmrc",
  ".netrc",
  "credentials",
  "secret",
  "token",
  "api_key",
  "apikey",
];

const has = (text: string, ...needles: string[]): boolean => needles.some((n) => text.includes(n));

/** A word used as a command: at the start of the text or after a space. */
const commandWord = (text: string, ...words: string[]): boolean =>
  words.some((w) => text.startsWith(`${w} `) || text.includes(` ${w} `));

export function containsSecretLikeText(lower: string): boolean {
  return has(lower, ...SECRET_NEEDLES);
}

interface Rule {
  readonly label: string;
  readonly rationale: string;
  readonly test: (lower: string) => boolean;
}

const RULES: readonly Rule[] = [
  {
    label: "destructive",
    rationale: "destructive shell token or command detected",
    test: (t) => has(t, "rm -rf /", "rm -fr /", "mkfs", "dd if=", ":(){", "chmod -r 777 /", "chown -r "),
  },
  {
    label: "write_intent",
    rationale: "output redirection or write-intent command detected",
    test: (t) => has(t, " >", ">>", " tee ", "sed -i", "perl -pi", "truncate ") || t.startsWith("tee "),
  },
  {
    label: "curl_pipe_shell",
    rationale: "download piped into shell detected",
    test: (t) => has(t, "curl ", "wget ") && t.includes("|") && has(t, " sh", " bash", " zsh"),
  },
  {
    label: "credential_file_read",
    rationale: "credential-like file read detected",
    test: (t) => has(t, "cat ", "less ", "head ", "tail ", "grep ") && containsSecretLikeText(t),
  },
  {
    label: "network_exfil",
    rationale: "network transfer primitive detected",
    test: (t) => commandWord(t, "curl", "wget", "scp", "rsync", "nc", "ncat"),
  },
  {
    label: "sudo",
    rationale: "privilege escalation via sudo detected",
    test: (t) => t.startsWith("sudo") || t.includes("sudo "),
  },
  {
    label: "package_install",
    rationale: "package installation command detected",
    test: (t) =>
      has(
        t,
        "npm install",
        "pnpm add",
        "yarn add",
        "pip install",
        "cargo install",
        "brew install",
        "apt install",
        "apt-get install",
      ),
  },
  {
    label: "git_force_push",
    rationale: "git force-push detected",
    test: (t) => t.includes("git push") && has(t, "--force", "-f"),
  },
  {
    label: "process_kill",
    rationale: "process kill command detected",
    test: (t) => commandWord(t, "kill", "pkill", "killall"),
  },
];

/** Labels whose presence makes the recommendation "deny" rather than "require_approval". */
const DENY_CLASS = new Set(["destructive", "curl_pipe_shell", "credential_file_read", "network_exfil"]);

function dictAt(v: Value, key: string): Dict | null {
  if (!(v instanceof Dict)) return null;
  const x = v.get(key);
  return x instanceof Dict ? x : null;
}

/** The text the heuristics read: argv joined by spaces, else the shell command. */
export function commandText(ctx: Value): string {
  const request = dictAt(ctx, "request");
  if (request === null) return "";
  const argv = request.get("argv");
  if (Array.isArray(argv)) {
    const joined = argv.filter((a) => typeof a === "string").join(" ");
    if (joined !== "") return joined;
  }
  const command = request.get("command");
  return typeof command === "string" ? command : "";
}

/**
 * The first deny pattern the command text matches. A pattern with `*`
 * matches when its pieces occur in order anywhere in the text; one
 * without matches as a substring.
 */
export function firstDenyPattern(policy: CommandPolicy, ctx: Value): string | null {
  const text = commandText(ctx);
  for (const pattern of policy.denyPatterns) {
    if (patternMatches(pattern, text)) return pattern;
  }
  return null;
}

function patternMatches(pattern: string, text: string): boolean {
  if (!pattern.includes("*")) return text.includes(pattern);
  let rest = text;
  for (const piece of pattern.split("*")) {
    if (piece === "") continue;
    const at = rest.indexOf(piece);
    if (at < 0) return false;
    rest = rest.slice(at + piece.length);
  }
  return true;
}

/** `/a/./b/../c` → `/a/c`; relative paths are taken against `base`. */
export function normalizePath(path: string, base: string): string {
  const full = path.startsWith("/") ? path : `${base.replace(/\/+$/, "")}/${path}`;
  const parts: string[] = [];
  for (const part of full.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

const underRoot = (path: string, root: string): boolean =>
  root === "/" || path === root || path.startsWith(`${root}/`);

function outsideWorkspace(ctx: Value, base: string): boolean {
  const rootsValue = ctx instanceof Dict ? ctx.get("workspace_roots") : null;
  const roots = (Array.isArray(rootsValue) ? rootsValue : [])
    .filter((r): r is string => typeof r === "string")
    .map((r) => normalizePath(r, base));
  if (roots.length === 0) return false;
  const inside = (p: string): boolean => roots.some((r) => underRoot(normalizePath(p, base), r));
  const cwd = dictAt(ctx, "request")?.get("cwd");
  if (typeof cwd === "string" && !inside(cwd)) return true;
  for (const word of commandText(ctx).split(/\s+/)) {
    const candidate = word.replace(/^["',;)]+|["',;)]+$/g, "");
    if (candidate.startsWith("/") && !inside(candidate)) return true;
  }
  return false;
}

/**
 * `command_risk_scan(ctx)`: risk labels (sorted), a recommended action
 * (allow / require_approval / deny), a confidence and a rationale. With a
 * policy, a deny-pattern match adds the `deny_pattern` label. `base`
 * resolves relative paths (the execution root).
 */
export function commandRiskScan(ctx: Value, policy: CommandPolicy | null, base: string): Dict {
  const lower = commandText(ctx).toLowerCase();
  const labels = new Set<string>();
  const rationale: string[] = [];
  for (const rule of RULES) {
    if (rule.test(lower)) {
      labels.add(rule.label);
      rationale.push(rule.rationale);
    }
  }
  if (outsideWorkspace(ctx, base)) {
    labels.add("outside_workspace");
    rationale.push("cwd or absolute path is outside workspace roots");
  }
  if (policy !== null && firstDenyPattern(policy, ctx) !== null) {
    labels.add("deny_pattern");
    rationale.push("command matched a configured deny pattern");
  }
  const sorted = [...labels].sort();
  const action =
    sorted.length === 0 ? "allow" : sorted.some((l) => DENY_CLASS.has(l)) ? "deny" : "require_approval";
  return Dict.of({
    action,
    recommended_action: action,
    risk_labels: sorted,
    confidence: new HFloat(action === "allow" ? 0.45 : 0.86),
    rationale: rationale.length === 0 ? "no high-risk command patterns detected" : rationale.join("; "),
  });
}

function inlineText(v: Value | undefined): string {
  return typeof v === "string" ? [...v].slice(0, INLINE_OUTPUT_LIMIT).join("") : "";
}

/** `command_result_scan(ctx)`: labels for what a finished command printed (`ctx.result.stdout/stderr`). */
export function commandResultScan(ctx: Value): Dict {
  const result = dictAt(ctx, "result");
  const lower = (inlineText(result?.get("stdout")) + inlineText(result?.get("stderr"))).toLowerCase();
  const labels = new Set<string>();
  if (containsSecretLikeText(lower)) labels.add("credential_output");
  if (has(lower, "permission denied", "operation not permitted")) labels.add("permission_boundary_hit");
  if (has(lower, "fatal:", "error:")) labels.add("error_output");
  const unsafe = labels.has("credential_output");
  const action = unsafe ? "mark_unsafe" : "allow";
  return Dict.of({
    action,
    recommended_action: action,
    risk_labels: [...labels].sort(),
    confidence: new HFloat(unsafe ? 0.82 : 0.35),
    rationale: unsafe
      ? "command output appears to contain credential-like material"
      : "no high-risk command output patterns detected",
  });
}

/** Secret-looking keys become `<redacted>`; very long strings are cut. */
function redactForLlm(v: Value): Value {
  if (Array.isArray(v)) return v.map(redactForLlm);
  if (v instanceof Dict) {
    const out = new Map<string, Value>();
    for (const [k, x] of v.map) {
      const lower = k.toLowerCase();
      out.set(k, containsSecretLikeText(lower) || lower.includes("auth") ? "<redacted>" : redactForLlm(x));
    }
    return new Dict(out);
  }
  if (typeof v === "string" && v.length > INLINE_OUTPUT_LIMIT) {
    return `${[...v].slice(0, INLINE_OUTPUT_LIMIT).join("")}...<truncated>`;
  }
  return v;
}

/** `command_llm_risk_scan(ctx, options)`: the deterministic scan, marked as the no-model fallback. */
export function commandLlmRiskScan(ctx: Value, options: Value | undefined, base: string): Dict {
  const scan = commandRiskScan(ctx, null, base);
  const out = new Map(scan.map);
  out.set("scan_kind", "deterministic_fallback");
  out.set("llm", redactForLlm(options instanceof Dict ? options : new Dict()));
  return new Dict(out);
}

/** The label list of a scan result. */
export function scanLabels(scan: Dict): string[] {
  const labels = scan.get("risk_labels");
  return Array.isArray(labels) ? labels.map((l) => display(l)) : [];
}
