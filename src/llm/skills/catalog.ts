// The always-on skills catalog: one compact card per skill (`name`,
// `description` from the short card, `when_to_use`) sorted by id, and its
// rendering into a system-prompt section that fits a character budget.
// Skills that do not fit are counted in an "omitted" note instead of being
// cut mid-card, so the model always sees whole entries.

import { Dict, type Value } from "../../vm/values.ts";
import { fieldText, skillEntries, skillEntryId } from "./registry.ts";

/** `short`, else `description`, else "". */
function cardDescription(entry: Dict): string {
  const short = fieldText(entry, "short");
  return short !== "" ? short : fieldText(entry, "description");
}

/** `skills_catalog_entries(registry)`: `{name: id, description, when_to_use}` per skill, by id. */
export function catalogEntries(registry: Value): Dict[] {
  const rows: [string, Dict][] = [];
  for (const entry of skillEntries(registry)) {
    const id = skillEntryId(entry);
    if (id === "") continue;
    rows.push([
      id,
      Dict.of({
        name: id,
        description: cardDescription(entry),
        when_to_use: fieldText(entry, "when_to_use"),
      }),
    ]);
  }
  rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return rows.map(([, d]) => d);
}

const HEADER =
  '## Available skills\n\nThese skills are available. Call `load_skill({ name: "<skill-id>" })` to load the full body of a skill when it becomes relevant.\n\n';

function renderCard(entry: Dict): string | null {
  const name = fieldText(entry, "name");
  if (name === "") return null;
  const description = cardDescription(entry);
  const when = fieldText(entry, "when_to_use");
  let card = description === "" ? `- \`${name}\`` : `- \`${name}\`: ${description}`;
  if (when !== "") card += `\n  when: ${when}`;
  return card;
}

const omissionNote = (n: number): string => `\n\n... ${n} more skill(s) omitted to stay within budget.`;

/** Byte length, the unit the budget counts in. */
function size(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** `render_always_on_catalog(entries, budget)`. */
export function renderCatalog(entries: readonly Value[], budget: number): string {
  const cards = entries
    .filter((e): e is Dict => e instanceof Dict)
    .map(renderCard)
    .filter((c): c is string => c !== null);
  if (cards.length === 0) return `${HEADER}(none)`;
  const limit = Math.max(budget, size(HEADER) + size(omissionNote(1)));
  let visible = 0;
  let text = HEADER;
  while (visible < cards.length) {
    const next = visible === 0 ? cards[visible]! : `\n${cards[visible]}`;
    if (size(text) + size(next) > limit) break;
    text += next;
    visible++;
  }
  let omitted = cards.length - visible;
  // Make room for the note by dropping trailing cards until it fits.
  while (omitted > 0) {
    if (size(text) + size(omissionNote(omitted)) <= limit) return text + omissionNote(omitted);
    if (visible === 0) return text;
    visible--;
    omitted++;
    text = HEADER + cards.slice(0, visible).join("\n");
  }
  return text;
}
