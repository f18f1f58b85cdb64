// Integer literal parsing shared by the lexer and by anything else that
// turns decimal text into a Harn int (number inside the safe range, bigint
// outside it, null when the value does not fit in i64).

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/** Parses optional `-` followed by decimal digits; null if malformed or out of i64 range. */
export function parseIntLiteral(text: string): number | bigint | null {
  if (!/^-?[0-9]+$/.test(text)) return null;
  if (text.length <= 15) return Number(text);
  const big = BigInt(text);
  if (big < I64_MIN || big > I64_MAX) return null;
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}
