// Placeholders in a SKILL.md body, expanded when the skill is loaded or
// rendered: `$ARGUMENTS` (all arguments joined by spaces), `$1`..`$N`
// (1-based; `$0` and missing arguments stay as written so authors see
// what was not supplied), `${HARN_SKILL_DIR}`, `${HARN_SESSION_ID}`,
// other `${HARN_*}` names from the environment, and `$$` for a literal
// dollar. Non-Harn `${...}` names are left alone so process secrets never
// leak into a prompt.

export interface SubstitutionContext {
  readonly arguments: readonly string[];
  readonly skillDir: string | null;
  readonly sessionId: string | null;
  /** Extra `${NAME}` values supplied by the host. */
  readonly extra?: ReadonlyMap<string, string>;
  /** Environment lookup for other `${HARN_*}` names. */
  readonly env?: (name: string) => string | undefined;
}

function named(name: string, ctx: SubstitutionContext, original: string): string {
  if (name === "HARN_SKILL_DIR") return ctx.skillDir ?? original;
  if (name === "HARN_SESSION_ID") return ctx.sessionId ?? original;
  const extra = ctx.extra?.get(name);
  if (extra !== undefined) return extra;
  if (name.startsWith("HARN_")) return ctx.env?.(name) ?? original;
  return original;
}

export function substituteSkillBody(body: string, ctx: SubstitutionContext): string {
  let out = "";
  let i = 0;
  while (i < body.length) {
    const ch = body[i]!;
    if (ch !== "$") {
      out += ch;
      i++;
      continue;
    }
    const next = body[i + 1];
    if (next === "$") {
      out += "$";
      i += 2;
    } else if (next === "{") {
      const close = body.indexOf("}", i + 2);
      if (close < 0) {
        out += "$";
        i++;
      } else {
        out += named(body.slice(i + 2, close), ctx, body.slice(i, close + 1));
        i = close + 1;
      }
    } else if (body.startsWith("$ARGUMENTS", i)) {
      out += ctx.arguments.join(" ");
      i += "$ARGUMENTS".length;
    } else if (next !== undefined && next >= "0" && next <= "9") {
      let end = i + 1;
      while (end < body.length && body[end]! >= "0" && body[end]! <= "9") end++;
      const index = Number.parseInt(body.slice(i + 1, end), 10);
      const arg = index > 0 ? ctx.arguments[index - 1] : undefined;
      out += arg ?? body.slice(i, end);
      i = end;
    } else {
      out += "$";
      i++;
    }
  }
  return out;
}
