// The pseudo-random generator behind `rng_seed` and the unseeded `random*`
// builtins: SplitMix64 (Steele, Lea & Flood 2014), a 64-bit generator with
// a single word of state that passes BigCrush. The conformance suite only
// checks that equal seeds give equal sequences, not particular values, so
// there is no need to reproduce the reference's ChaCha-based `StdRng`; this
// one is small, deterministic across platforms and easy to audit.

const U64 = 1n << 64n;
const GOLDEN_GAMMA = 0x9e3779b97f4a7c15n;

export class SplitMix64 {
  private state: bigint;

  constructor(seed: bigint) {
    this.state = BigInt.asUintN(64, seed);
  }

  /** The next 64 random bits as an unsigned bigint. */
  nextU64(): bigint {
    this.state = BigInt.asUintN(64, this.state + GOLDEN_GAMMA);
    let z = this.state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  }

  /** A float uniformly distributed in [0, 1) with 53 random bits. */
  nextFloat(): number {
    return Number(this.nextU64() >> 11n) / 2 ** 53;
  }

  /** A uniform bigint in [0, span) for 0 < span <= 2^64, without modulo bias. */
  below(span: bigint): bigint {
    if (span === U64) return this.nextU64();
    // Reject draws from the incomplete last block of `span`-sized blocks.
    const limit = U64 - (U64 % span);
    for (;;) {
      const x = this.nextU64();
      if (x < limit) return x % span;
    }
  }

  /** A uniform index in [0, n) for a list length n >= 1. */
  index(n: number): number {
    return Number(this.below(BigInt(n)));
  }
}
