// Dynamic permissions, approval policies and argument constraints.

import assert from "node:assert/strict";
import { test } from "node:test";
import { CapabilityPolicy } from "../../runtime/policy/capability-policy.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { evaluateApproval, intersectApproval, parseApprovalPolicy } from "./approval.ts";
import { argConstraintRefusal } from "./arg-constraints.ts";
import { checkPermissions, parsePermissionPolicy } from "./permissions.ts";

const noCallbacks = (): Promise<Value> => Promise.reject(new Error("no callbacks in this test"));

test("deny rules beat allow rules; a non-empty allow list refuses the rest", async () => {
  const policy = parsePermissionPolicy(
    Dict.of({ allow: Dict.of({ read: "/docs/*" }), deny: ["rm*"] }),
    "agent_loop",
  );
  const grants = new Set<string>();
  const check = (tool: string, path: string) =>
    checkPermissions([policy], grants, tool, { path }, "s", noCallbacks);
  assert.deepEqual(await check("read", "/docs/a"), {
    granted: true,
    reason: "permission allow rule matched",
    escalated: false,
  });
  assert.equal((await check("read", "/etc/passwd"))?.granted, false);
  assert.match((await check("rm_rf", "/docs/a"))!.reason, /deny rule: rm\*/);
});

test("escalation with session scope is remembered per arguments", async () => {
  let asked = 0;
  const escalate = async (): Promise<Value> => {
    asked++;
    return "session";
  };
  const policy = {
    allow: [],
    deny: [{ tool: "write", matcher: { kind: "any" as const } }],
    onEscalation: Dict.of({}),
  };
  const grants = new Set<string>();
  const first = await checkPermissions([policy], grants, "write", { p: 1 }, "s", escalate);
  const second = await checkPermissions([policy], grants, "write", { p: 1 }, "s", escalate);
  assert.deepEqual([first?.escalated, second?.reason, asked], [true, "session grant", 1]);
});

test("malformed permission dicts are refused with the builtin's name", () => {
  assert.throws(
    () =>
      parsePermissionPolicy(
        Dict.of({ allow: Dict.of({ x: Dict.of({ patterns: ["a"] }) }) }),
        "sub_agent_run",
      ),
    /sub_agent_run\.allow\.x: dict matchers must include arg_key and patterns/,
  );
});

test("approval order: deny, write-path allowlist, approve, require", () => {
  const policy = parseApprovalPolicy(
    Dict.of({ auto_deny: ["shell*"], write_path_allowlist: ["/tmp/*"], require_approval: ["deploy"] }),
  );
  const facts = { pathParams: ["path"], readOnly: false };
  assert.equal(evaluateApproval(policy, "shell_exec", {}, facts).kind, "denied");
  assert.equal(evaluateApproval(policy, "write", { path: "/etc/x" }, facts).kind, "denied");
  assert.equal(evaluateApproval(policy, "write", { path: "/tmp/x" }, facts).kind, "approved");
  assert.equal(
    evaluateApproval(policy, "write", { path: "/etc/x" }, { ...facts, readOnly: true }).kind,
    "approved",
  );
  assert.equal(evaluateApproval(policy, "deploy", {}, facts).kind, "requires_host");
});

test("nested approval policies only get stricter", () => {
  const outer = parseApprovalPolicy(Dict.of({ auto_approve: ["read*", "list*"], auto_deny: ["rm"] }));
  const inner = parseApprovalPolicy(Dict.of({ auto_approve: ["read*"], auto_deny: ["mv"] }));
  const merged = intersectApproval(outer, inner);
  assert.deepEqual(merged.autoApprove, ["read*"]);
  assert.deepEqual(merged.autoDeny, ["rm", "mv"]);
});

test("argument constraints check the named argument against globs", () => {
  const policy = CapabilityPolicy.fromValue(
    Dict.of({ tool_arg_constraints: [Dict.of({ tool: "list*", arg_key: "path", arg_patterns: ["src/*"] })] }),
  );
  assert.equal(argConstraintRefusal(policy, "list_dir", { path: "src/a" }), undefined);
  assert.equal(argConstraintRefusal(policy, "list_dir", {}), undefined);
  assert.match(
    argConstraintRefusal(policy, "list_dir", { path: "etc" })!,
    /tool 'list_dir' path 'etc' does not match allowed patterns: \["src\/\*"\]/,
  );
});
