// Unit tests of rendering and of asset-path resolution, over an in-memory
// file system: interpolation, conditionals, loops, includes (scope, cycles,
// depth, root confinement) and the `@/` / `@alias/` package-root forms.

import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { Dict, HSet, RangeValue, type Value } from "../../vm/values.ts";
import { NULL_HOST, type StdlibHost } from "../host-api.ts";
import { AssetPathError, findProjectRoot, parseAssetRef, resolveAssetPath } from "./asset-paths.ts";
import { renderTemplate } from "./render.ts";
import { TemplateError } from "./template-error.ts";

function memoryHost(files: Record<string, string>): StdlibHost {
  return {
    ...NULL_HOST,
    readFile(p) {
      const text = files[p];
      if (text === undefined) throw new Error(`ENOENT ${p}`);
      return text;
    },
    fileExists: (p) => files[p] !== undefined,
    resolvePath: (base, rel) => path.posix.resolve(base, rel),
    dirname: (p) => path.posix.dirname(p),
    cwd: () => "/work",
  };
}

const EMPTY = memoryHost({});

function inline(template: string, bindings: Record<string, Value> = {}, host = EMPTY): string {
  return renderTemplate(host, template, Dict.of(bindings), { file: undefined, sourceDir: "/work" });
}

function renderError(run: () => string): string {
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof TemplateError, String(e));
    return e.describe();
  }
  assert.fail("expected a template error");
}

test("interpolation, nil and unbound bare names", () => {
  assert.equal(inline("{{ a }}|{{a.b}}|{{ missing }}|{{ n }}", { a: 1, n: null }), "1||{{missing}}|");
  assert.equal(
    inline("{{ u.tags[-1] }} {{ u['k'] }} {{ s[1] }}", { u: Dict.of({ tags: [1, 2], k: "v" }), s: "🎉x" }),
    "2 v x",
  );
  assert.equal(inline("{{ xs[5] }}{{ xs.first }}", { xs: [1] }), "");
  assert.equal(renderTemplate(EMPTY, "{{ x }}", null, { file: undefined, sourceDir: "/" }), "{{x}}");
});

test("conditions short-circuit and return operands", () => {
  const t = "{{ if n > 10 }}big{{ elif n > 0 and ok }}some{{ else }}none{{ end }}";
  assert.equal(inline(t, { n: 11, ok: false }), "big");
  assert.equal(inline(t, { n: 2, ok: true }), "some");
  assert.equal(inline(t, { n: 2, ok: false }), "none");
  assert.equal(inline('{{ a or "x" }}-{{ a and b }}', { a: "", b: 1 }), "x-");
  assert.equal(inline("{{ if !flag }}off{{ end }}", { flag: "  " }), "off");
});

test("for loops over lists, dicts, sets, ranges and nil", () => {
  const t =
    "{{ for x in xs }}{{ loop.index }}/{{ loop.length }}:{{ x }}{{ if !loop.last }},{{ end }}{{ end }}";
  assert.equal(inline(t, { xs: ["a", "b"] }), "1/2:a,2/2:b");
  assert.equal(inline(t, { xs: new HSet([7]) }), "1/1:7");
  assert.equal(inline(t, { xs: new RangeValue(3, 5, true) }), "1/3:3,2/3:4,3/3:5");
  assert.equal(
    inline("{{ for k, v in m }}{{ k }}={{ v }};{{ end }}", { m: Dict.of({ b: 2, a: 1 }) }),
    "a=1;b=2;",
  );
  assert.equal(inline("{{ for i, v in xs }}{{ i }}{{ v }}{{ end }}", { xs: ["p", "q"] }), "0p1q");
  assert.equal(inline("{{ for x in xs }}{{ x }}{{ else }}empty{{ end }}", { xs: null }), "empty");
  assert.equal(
    inline("{{ for x in xs }}{{ loop.index0 }}{{ loop.first }}{{ end }}{{ x }}", { xs: [1, 2] }),
    "0true1false{{x}}",
  );
  assert.equal(
    renderError(() => inline("\n {{ for x in 3 }}{{ end }}")),
    "at 2:2: cannot iterate over int — expected list, dict, set, or range",
  );
});

test("whitespace trim markers eat blanks and one newline", () => {
  const t = "Items:\n{{- for x in xs -}}\n  {{ x }},\n{{- end -}}\nDONE\n";
  assert.equal(inline(t, { xs: ["a", "b"] }), "Items:  a,  b,DONE\n");
  assert.equal(inline("a  \n\n{{- x -}}  \n\nb", { x: 1 }), "a  \n1\nb");
});

test("render errors carry the template path", () => {
  const host = memoryHost({ "/p/t.prompt": "ok\n{{ x | nope }}" });
  const err = renderError(() =>
    renderTemplate(host, host.readFile("/p/t.prompt"), null, { file: "/p/t.prompt", sourceDir: "/" }),
  );
  assert.equal(err, "/p/t.prompt at 2:1: unknown filter `nope`");
});

const files = {
  "/proj/harn.toml": '[package]\nname = "x"\n[asset_roots]\npartials = "src/parts"\nbad = "../out"\n',
  "/proj/t/main.prompt":
    'A {{ include "part.prompt" }} | {{ include "part.prompt" with { name: "B", extra: n } }}',
  "/proj/t/part.prompt": "[{{ name }}{{ extra }}]",
  "/proj/t/loop.prompt": '{{ for x in xs }}{{ include "item.prompt" }}{{ end }}',
  "/proj/t/item.prompt": "<{{ x }}/{{ loop.index }}>",
  "/proj/t/a.prompt": 'a{{ include "b.prompt" }}',
  "/proj/t/b.prompt": 'b{{ include "a.prompt" }}',
  "/proj/t/self.prompt": '{{ include "self.prompt" }}',
  "/proj/t/up.prompt": '{{ include "../secret.prompt" }}',
  "/proj/t/pkg.prompt": '{{ include "@/secret.prompt" }}+{{ include "@partials/p.prompt" }}',
  "/proj/t/missing.prompt": '{{ include "nowhere.prompt" }}',
  "/proj/t/nonstring.prompt": "{{ include 3 }}",
  "/proj/t/broken.prompt": '{{ include "bad-syntax.prompt" }}',
  "/proj/t/bad-syntax.prompt": "\n{{ if }}",
  "/proj/secret.prompt": "S",
  "/proj/src/parts/p.prompt": "P",
};
const host = memoryHost(files);
const renderFile = (file: string, bindings: Record<string, Value> = {}): string =>
  renderTemplate(host, host.readFile(file), Dict.of(bindings), { file, sourceDir: "/elsewhere" });

test("includes share the scope and add `with` bindings", () => {
  assert.equal(renderFile("/proj/t/main.prompt", { name: "A", n: 1 }), "A [A{{extra}}] | [B1]");
  assert.equal(renderFile("/proj/t/loop.prompt", { xs: ["p", "q"] }), "<p/1><q/2>");
});

test("include failures", () => {
  assert.equal(
    renderError(() => renderFile("/proj/t/a.prompt")),
    "/proj/t/a.prompt at 1:2: circular include detected: /proj/t/b.prompt → /proj/t/a.prompt → /proj/t/b.prompt",
  );
  assert.match(
    renderError(() => renderFile("/proj/t/self.prompt")),
    /circular include detected/,
  );
  assert.equal(
    renderError(() => renderFile("/proj/t/up.prompt")),
    "/proj/t/up.prompt at 1:1: include path /proj/secret.prompt escapes template root /proj/t",
  );
  assert.equal(
    renderError(() => renderFile("/proj/t/missing.prompt")),
    "/proj/t/missing.prompt at 1:1: failed to read included template /proj/t/nowhere.prompt: " +
      "No such file or directory (os error 2)",
  );
  assert.equal(
    renderError(() => renderFile("/proj/t/nonstring.prompt")),
    "/proj/t/nonstring.prompt at 1:1: include path must be a string (got int)",
  );
  assert.equal(
    renderError(() => renderFile("/proj/t/broken.prompt")),
    "/proj/t/bad-syntax.prompt at 2:1: expected expression",
  );
});

test("include depth is capped at 32", () => {
  const deep: Record<string, string> = {};
  for (let i = 0; i < 40; i++) deep[`/d/${i}.prompt`] = `{{ include "${i + 1}.prompt" }}`;
  const h = memoryHost(deep);
  const err = renderError(() =>
    renderTemplate(h, h.readFile("/d/0.prompt"), null, { file: "/d/0.prompt", sourceDir: "/" }),
  );
  assert.equal(err, "/d/0.prompt at 1:1: include depth exceeded (32 levels)");
});

test("package-root includes may leave the template directory", () => {
  assert.equal(renderFile("/proj/t/pkg.prompt"), "S+P");
  // Inline templates anchor `@/` at the calling source file's directory.
  const out = renderTemplate(host, '{{ include "@/secret.prompt" }}', null, {
    file: undefined,
    sourceDir: "/proj/t",
  });
  assert.equal(out, "S");
});

test("asset references parse and resolve", () => {
  assert.deepEqual(parseAssetRef("@/a/b"), { kind: "root", rel: "a/b" });
  assert.deepEqual(parseAssetRef("@parts/a"), { kind: "alias", alias: "parts", rel: "a" });
  assert.equal(parseAssetRef("@parts"), undefined);
  assert.equal(parseAssetRef("plain/@x"), undefined);
  assert.equal(findProjectRoot(host, "/proj/t/deeper"), "/proj");
  assert.equal(findProjectRoot(host, "/elsewhere"), undefined);
  assert.equal(resolveAssetPath(host, "@/x/./y.prompt", "/proj/t"), "/proj/x/y.prompt");
  assert.equal(resolveAssetPath(host, "@partials/p.prompt", "/proj/t"), "/proj/src/parts/p.prompt");
  assert.equal(resolveAssetPath(host, "rel/x", "/proj/t"), "/proj/t/rel/x");
  assert.equal(resolveAssetPath(host, "/abs/x", "/proj/t"), "/abs/x");
});

test("asset path errors", () => {
  const err = (p: string, anchor = "/proj/t"): string => {
    try {
      resolveAssetPath(host, p, anchor);
    } catch (e) {
      assert.ok(e instanceof AssetPathError);
      return e.message;
    }
    assert.fail(`expected ${p} to fail`);
  };
  assert.equal(err("@/../x"), "invalid project-root asset path '@/../x'");
  assert.equal(err("@/"), "invalid project-root asset path '@/'");
  assert.equal(err("@partials/a/../../b"), "invalid asset path '@partials/a/../../b'");
  assert.equal(err("@nope/a"), "asset alias 'nope' is not defined in [asset_roots] of /proj/harn.toml");
  assert.equal(
    err("@constructor/a"),
    "asset alias 'constructor' is not defined in [asset_roots] of /proj/harn.toml",
  );
  assert.equal(
    err("@bad/a"),
    "asset alias 'bad' resolves to an unsafe path '../out' (must be a project-relative directory without `..` segments)",
  );
  assert.equal(
    err("@/a", "/elsewhere"),
    "package-root prompt path '@/a' has no project root: no harn.toml found above /elsewhere",
  );
});
