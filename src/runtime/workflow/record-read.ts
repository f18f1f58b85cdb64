// Readers for record dicts in the run observability derivation: a missing
// or mistyped field reads as absent (nil, 0, [] ...) rather than failing,
// since summaries are derived from whatever a stored run contains.

import { Dict } from "../../vm/values.ts";

export const text = (d: Dict | null, k: string): string | null => {
  const v = d?.get(k);
  return typeof v === "string" ? v : null;
};
export const count = (d: Dict | null, k: string): number => {
  const v = d?.get(k);
  return typeof v === "number" && v > 0 ? v : 0;
};
export const dictOf = (d: Dict | null, k: string): Dict | null => {
  const v = d?.get(k);
  return v instanceof Dict ? v : null;
};
export const dicts = (d: Dict | null, k: string): Dict[] => {
  const v = d?.get(k);
  return Array.isArray(v) ? v.filter((x): x is Dict => x instanceof Dict) : [];
};
export const strings = (d: Dict | null, k: string): string[] => {
  const v = d?.get(k);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
};
