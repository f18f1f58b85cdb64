// Egress policy: which hosts the network builtins may reach. Rules are
// exact hosts (`api.example.com`), subdomain wildcards (`*.example.com`,
// which does not match the bare domain), IP addresses, CIDR blocks
// (`10.0.0.0/8`, IPv4 and IPv6) and any of those with a port
// (`host:8443`, `[::1]:8080`, or a full URL). Deny rules win over allow
// rules; with no match the default decides. A policy is installed once per
// run, by `egress_policy(...)` or from the HARN_EGRESS_ALLOW / _DENY /
// _DEFAULT environment variables (comma, semicolon or newline separated).
// A blocked request throws a dict with `type: "EgressBlocked"` and
// `category: "egress_blocked"`.

import { display } from "../../vm/display.ts";
import { thrown, type VmError } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { fail } from "./options.ts";
import { redactUrl } from "./mock-registry.ts";

type Matcher =
  | { readonly kind: "host"; readonly host: string }
  | { readonly kind: "suffix"; readonly suffix: string }
  | { readonly kind: "ip"; readonly ip: bigint; readonly v6: boolean }
  | { readonly kind: "cidr"; readonly net: bigint; readonly bits: number; readonly v6: boolean };

interface Rule {
  readonly raw: string;
  readonly matcher: Matcher;
  readonly port?: number;
}

interface Policy {
  readonly allow: readonly Rule[];
  readonly deny: readonly Rule[];
  readonly defaultAllow: boolean;
  readonly source: string;
}

interface Target {
  readonly host: string;
  readonly ip?: { readonly value: bigint; readonly v6: boolean };
  readonly port?: number;
}

function normalizeHost(host: string): string {
  return host.trim().replace(/\.+$/, "").replace(/^\[+/, "").replace(/\]+$/, "").toLowerCase();
}

/** An IPv4 or IPv6 address as a number, or undefined. */
export function parseIp(text: string): { value: bigint; v6: boolean } | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    return { value: octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n), v6: false };
  }
  if (!text.includes(":") || !/^[0-9a-f:.]+$/i.test(text)) return undefined;
  let groups: string[];
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const expand = (part: string): string[] | undefined => {
    if (part === "") return [];
    const out: string[] = [];
    for (const piece of part.split(":")) {
      const embedded = parseIp(piece);
      if (embedded && !embedded.v6) {
        out.push((embedded.value >> 16n).toString(16), (embedded.value & 0xffffn).toString(16));
      } else if (/^[0-9a-f]{1,4}$/i.test(piece)) out.push(piece);
      else return undefined;
    }
    return out;
  };
  const head = expand(halves[0]!);
  const tail = halves.length === 2 ? expand(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  if (halves.length === 2) {
    const fill = 8 - head.length - tail.length;
    if (fill < 1) return undefined;
    groups = [...head, ...Array<string>(fill).fill("0"), ...tail];
  } else groups = head;
  if (groups.length !== 8) return undefined;
  return { value: groups.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n), v6: true };
}

function parsePort(rule: string, text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw fail(`egress_policy: invalid port in \`${rule}\``);
  return port;
}

const DEFAULT_PORTS: Record<string, number> = { "http:": 80, "https:": 443, "ws:": 80, "wss:": 443 };

/** Host and port of a rule written as a URL, `[v6]:port`, `host:port` or a bare host. */
function ruleHostPort(raw: string): { host: string; port?: number } {
  if (raw.includes("://")) {
    try {
      const url = new URL(raw);
      if (url.hostname !== "") {
        const port = url.port !== "" ? Number(url.port) : DEFAULT_PORTS[url.protocol];
        return { host: url.hostname, ...(port !== undefined && { port }) };
      }
    } catch {
      // Not a URL after all: fall through to the plain forms.
    }
  }
  if (raw.startsWith("[")) {
    const close = raw.indexOf("]");
    if (close < 0) throw fail(`egress_policy: invalid bracketed host rule \`${raw}\``);
    const suffix = raw.slice(close + 1);
    if (suffix === "") return { host: raw.slice(1, close) };
    if (!suffix.startsWith(":")) throw fail(`egress_policy: invalid bracketed host rule \`${raw}\``);
    return { host: raw.slice(1, close), port: parsePort(raw, suffix.slice(1)) };
  }
  const colon = raw.lastIndexOf(":");
  if (colon > 0) {
    const host = raw.slice(0, colon);
    const port = raw.slice(colon + 1);
    if (!host.includes(":") && /^\d+$/.test(port)) return { host, port: parsePort(raw, port) };
  }
  return { host: raw };
}

function parseRule(text: string): Rule {
  const raw = text.trim();
  if (raw === "") throw fail("egress_policy: empty egress rule");
  const { host: rawHost, port } = ruleHostPort(raw);
  const host = normalizeHost(rawHost);
  let matcher: Matcher;
  if (host.startsWith("*.")) {
    const suffix = host.slice(2);
    if (suffix === "") throw fail(`egress_policy: invalid wildcard rule \`${raw}\``);
    matcher = { kind: "suffix", suffix };
  } else if (host.includes("/")) {
    const [addr, bitsText] = host.split("/", 2) as [string, string];
    const ip = parseIp(addr);
    const width = ip?.v6 ? 128 : 32;
    const bits = Number(bitsText);
    if (ip === undefined || !/^\d+$/.test(bitsText) || bits > width) {
      throw fail(`egress_policy: invalid CIDR rule \`${raw}\``);
    }
    matcher = { kind: "cidr", net: ip.value >> BigInt(width - bits), bits, v6: ip.v6 };
  } else {
    const ip = parseIp(host);
    matcher = ip ? { kind: "ip", ip: ip.value, v6: ip.v6 } : { kind: "host", host };
  }
  return { raw, matcher, ...(port !== undefined && { port }) };
}

function ruleMatches(rule: Rule, target: Target): boolean {
  if (rule.port !== undefined && target.port !== rule.port) return false;
  const m = rule.matcher;
  switch (m.kind) {
    case "host":
      return target.host === m.host;
    case "suffix":
      return target.host.length > m.suffix.length && target.host.endsWith(`.${m.suffix}`);
    case "ip":
      return target.ip !== undefined && target.ip.v6 === m.v6 && target.ip.value === m.ip;
    case "cidr": {
      if (target.ip === undefined || target.ip.v6 !== m.v6) return false;
      const width = m.v6 ? 128 : 32;
      return target.ip.value >> BigInt(width - m.bits) === m.net;
    }
  }
}

function parseTarget(url: string): Target {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (e) {
    throw fail(`egress: invalid URL \`${url}\`: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (parsed.hostname === "") throw fail(`egress: URL \`${url}\` does not include a host`);
  const host = normalizeHost(parsed.hostname);
  const ip = parseIp(host);
  const port = parsed.port !== "" ? Number(parsed.port) : DEFAULT_PORTS[parsed.protocol];
  return { host, ...(ip !== undefined && { ip }), ...(port !== undefined && { port }) };
}

function parseDefault(text: string): boolean {
  const t = text.trim().toLowerCase();
  if (t === "" || t === "allow") return true;
  if (t === "deny") return false;
  throw fail(`egress_policy: default must be \`allow\` or \`deny\`, got \`${t}\``);
}

function ruleList(value: Value, key: string): Rule[] {
  if (value === null) return [];
  if (!Array.isArray(value)) throw fail(`egress_policy: ${key} must be a list`);
  return value.map((v) => parseRule(display(v)));
}

function splitRules(text: string | undefined): Rule[] {
  return (text ?? "")
    .split(/[,;\n]/)
    .map((p) => p.trim())
    .filter((p) => p !== "")
    .map(parseRule);
}

export class EgressGuard {
  private policy: Policy | undefined;
  private envChecked = false;

  constructor(private readonly env: (name: string) => string | undefined) {}

  private seedFromEnv(): void {
    if (this.envChecked) return;
    this.envChecked = true;
    const allow = this.env("HARN_EGRESS_ALLOW");
    const deny = this.env("HARN_EGRESS_DENY");
    const dflt = this.env("HARN_EGRESS_DEFAULT");
    if (allow === undefined && deny === undefined && dflt === undefined) return;
    this.policy = {
      allow: splitRules(allow),
      deny: splitRules(deny),
      defaultAllow: parseDefault(dflt ?? "allow"),
      source: "environment",
    };
  }

  /** `egress_policy(config)`: installs the run's policy (once) and returns its summary. */
  install(config: Dict): Value {
    this.seedFromEnv();
    const policy: Policy = {
      allow: ruleList(config.get("allow"), "allow"),
      deny: ruleList(config.get("deny"), "deny"),
      defaultAllow: config.map.has("default") ? parseDefault(display(config.get("default"))) : true,
      source: "stdlib",
    };
    if (this.policy !== undefined) {
      throw fail(`egress_policy: policy already configured from ${this.policy.source}`);
    }
    this.policy = policy;
    return this.summary();
  }

  summary(): Value {
    const p = this.policy;
    if (p === undefined) return Dict.of({ configured: false });
    return Dict.of({
      configured: true,
      source: p.source,
      default: p.defaultAllow ? "allow" : "deny",
      allow: p.allow.map((r) => r.raw),
      deny: p.deny.map((r) => r.raw),
    });
  }

  /** The error to throw when `surface` may not reach `url`, or undefined when it may. */
  check(surface: string, url: string): VmError | undefined {
    this.seedFromEnv();
    const p = this.policy;
    if (p === undefined) return undefined;
    const target = parseTarget(url);
    const denied = p.deny.find((r) => ruleMatches(r, target));
    if (denied) return blocked(surface, url, target, `matched deny rule \`${denied.raw}\``);
    if (p.allow.some((r) => ruleMatches(r, target)) || p.defaultAllow) return undefined;
    return blocked(surface, url, target, "no allow rule matched");
  }

  /** Throws the EgressBlocked error when `surface` may not reach `url`. */
  enforce(surface: string, url: string): void {
    const error = this.check(surface, url);
    if (error) throw error;
  }
}

function blocked(surface: string, url: string, target: Target, reason: string): VmError {
  const shown = redactUrl(url);
  const where = target.port === undefined ? target.host : `${target.host}:${target.port}`;
  return thrown(
    Dict.of({
      type: "EgressBlocked",
      category: "egress_blocked",
      message: `EgressBlocked: ${surface} blocked ${where} for ${shown} (${reason})`,
      surface,
      url: shown,
      host: target.host,
      port: target.port ?? null,
      reason,
    }),
  );
}
