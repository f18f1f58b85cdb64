import assert from "node:assert/strict";
import { createHash, generateKeyPairSync, sign, verify } from "node:crypto";
import { test } from "node:test";
import { Dict } from "../../vm/values.ts";
import { renderCatalog } from "./catalog.ts";
import { cardEntry, SkillDiscovery, type SkillFs } from "./discovery.ts";
import { parseFrontmatter, splitFrontmatter } from "./frontmatter.ts";
import { ed25519KeyFromPem, fingerprintOf, verifySkill } from "./provenance.ts";
import { substituteSkillBody } from "./substitute.ts";

/** An in-memory SkillFs over `files` (path -> contents); directories are implied. */
function memoryFs(files: Record<string, string>): SkillFs {
  const dirs = new Set<string>();
  for (const p of Object.keys(files)) {
    const parts = p.split("/");
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
  }
  const text = (p: string): string => {
    const t = files[p];
    if (t === undefined) throw new Error(`no such file ${p}`);
    return t;
  };
  return {
    readText: text,
    readBytes: (p) => new TextEncoder().encode(text(p)),
    isFile: (p) => p in files,
    isDir: (p) => dirs.has(p),
    listDir: (p) => [
      ...new Set(
        [...dirs, ...Object.keys(files)]
          .filter((x) => x.startsWith(`${p}/`))
          .map((x) => x.slice(p.length + 1).split("/")[0]!),
      ),
    ],
    join: (...parts) => parts.join("/"),
    basename: (p) => p.slice(p.lastIndexOf("/") + 1),
  };
}

test("frontmatter: split, hyphenated keys, unknown fields, required short card", () => {
  assert.deepEqual(splitFrontmatter("\n---\na: 1\n---\nbody\n"), ["a: 1\n", "body\n"]);
  assert.deepEqual(splitFrontmatter("no front\n---\n"), ["", "no front\n---\n"]);
  const parsed = parseFrontmatter(
    "short: S\nwhen-to-use: W\nallowed-tools: [a, b]\ndisable-model-invocation: true\nshiny: 1\n",
  );
  assert.equal(parsed.manifest.whenToUse, "W");
  assert.deepEqual(parsed.manifest.allowedTools, ["a", "b"]);
  assert.equal(parsed.manifest.disableModelInvocation, true);
  assert.deepEqual(parsed.unknownFields, ["shiny"]);
  assert.throws(() => parseFrontmatter("name: x\n"), /non-empty `short`/);
  assert.throws(() => parseFrontmatter("short: s\npaths: nope\n"), /`paths` must be a list/);
});

test("substitution: positional, $ARGUMENTS, HARN_* names, escapes", () => {
  const ctx = {
    arguments: ["a", "b"],
    skillDir: "/s",
    sessionId: null,
    env: (n: string) => (n === "HARN_X" ? "x" : undefined),
  };
  assert.equal(
    substituteSkillBody(
      "$1 $2 $3 $0 [$ARGUMENTS] $$ $D{HARN_SKILL_DIR} $D{HARN_SESSION_ID} $D{HARN_X} $D{HOME} $D{".replaceAll(
        "$D",
        "$",
      ),
      ctx,
    ),
    "a b $3 $0 [a b] $ /s $D{HARN_SESSION_ID} x $D{HOME} $D{".replaceAll("$D", "$"),
  );
});

test("catalog render keeps whole cards within the budget", () => {
  const pad = "x".repeat(40);
  const entries = ["a", "b", "c"].map((n) =>
    Dict.of({ name: n, description: `skill ${n} ${pad}`, when_to_use: "" }),
  );
  const full = renderCatalog(entries, 2000);
  assert.ok(full.endsWith(`- \`a\`: skill a ${pad}\n- \`b\`: skill b ${pad}\n- \`c\`: skill c ${pad}`));
  // b would fit alone, but then the omission note would not: it is dropped too.
  const small = renderCatalog(entries, 300);
  assert.ok(
    small.endsWith(`- \`a\`: skill a ${pad}\n\n... 2 more skill(s) omitted to stay within budget.`),
    small,
  );
  assert.ok(new TextEncoder().encode(small).length <= 300);
});

test("discovery: higher layers win, malformed skills become warnings, bodies load on demand", () => {
  const fs = memoryFs({
    "cli/deploy/SKILL.md": "---\nshort: from cli\n---\ncli body",
    "proj/deploy/SKILL.md": "---\nshort: from project\n---\nproject body",
    "proj/review/SKILL.md": "---\nname: review\nshort: r\n---\nreview $1",
    "proj/bad/SKILL.md": "---\nname: bad\n---\nx",
    "ns/tool/SKILL.md": "---\nshort: namespaced\n---\nns body",
  });
  const discovery = new SkillDiscovery(fs, [
    { path: "proj", layer: "project" },
    { path: "cli", layer: "cli" },
    { path: "ns", layer: "manifest", namespace: "acme" },
  ]);
  const cards = discovery.list();
  assert.deepEqual(
    cards.map((c) => `${c.id}:${c.layer}`),
    ["acme/tool:manifest", "deploy:cli", "review:project"],
  );
  assert.match(
    discovery.warnings[0] ?? "",
    /proj\/bad\/SKILL.md: SKILL.md frontmatter requires a non-empty `short` field/,
  );
  assert.equal(cardEntry(cards[1]!).get("description"), "from cli");
  assert.equal(cardEntry(cards[0]!).get("namespace"), "acme");
  assert.equal(discovery.fetch("deploy").body, "cli body");
  const disabled = new SkillDiscovery(
    fs,
    [
      { path: "cli", layer: "cli" },
      { path: "proj", layer: "project" },
    ],
    { disabled: ["cli"] },
  );
  assert.equal(disabled.fetch("deploy").body, "project body");
});

test("provenance: verified, tampered, untrusted and unsigned skills", () => {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const pem = String(publicKey.export({ type: "spki", format: "pem" }));
  const key = ed25519KeyFromPem(pem)!;
  const fp = fingerprintOf(key);
  const body = "---\nshort: s\n---\nsigned\n";
  const sig = (text: string): string =>
    JSON.stringify({
      schema: "harn-skill-sig/v1",
      signer_fingerprint: fp,
      skill_sha256: createHash("sha256").update(text).digest("hex"),
      ed25519_sig_base64: sign(null, Buffer.from(text), privateKey).toString("base64"),
    });
  const ed25519Verify = (k: Uint8Array, m: Uint8Array, s: Uint8Array): boolean =>
    verify(
      null,
      m,
      {
        key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), k]),
        format: "der",
        type: "spki",
      },
      s,
    );
  const options = {
    trustedSignersDir: null,
    registryDir: "signers",
    allowedSigners: [] as string[],
    ed25519Verify,
  };
  const fs = memoryFs({
    "ok/SKILL.md": body,
    "ok/SKILL.md.sig": sig(body),
    "tampered/SKILL.md": `${body}!`,
    "tampered/SKILL.md.sig": sig(body),
    "plain/SKILL.md": body,
    [`signers/${fp}.pub`]: pem,
  });
  const ok = verifySkill(fs, "ok/SKILL.md", options);
  assert.deepEqual([ok.status, ok.signed, ok.trusted, ok.signerFingerprint], ["verified", true, true, fp]);
  assert.equal(verifySkill(fs, "tampered/SKILL.md", options).status, "invalid_signature");
  assert.equal(verifySkill(fs, "plain/SKILL.md", options).status, "missing_signature");
  assert.equal(
    verifySkill(fs, "ok/SKILL.md", { ...options, allowedSigners: ["someone-else"] }).status,
    "untrusted_signer",
  );
  assert.equal(verifySkill(fs, "ok/SKILL.md", { ...options, registryDir: null }).status, "missing_signer");
});
