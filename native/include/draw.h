// The random draw of an ESN's sparse recurrent matrix, the same numbers as lib/random.ts and
// sparseSquare in lib/reservoirs/weights.ts (uniform entries), bit for bit: xoshiro128** with
// 32-bit unsigned arithmetic, a uniform as (27 bits · 2²⁶ + 26 bits) / 2⁵³ (exact in double),
// an entry as 2u − 1 rounded once to float (2u is exact, so a fused multiply-add gives the same).
#pragma once
#include <cstdint>
#include <vector>

namespace ran {

// xoshiro128** state, as lib/random.ts holds it (four 32-bit words).
struct Xoshiro128 {
  uint32_t s[4];

  uint32_t next() {
    const uint32_t s1 = s[1];
    const uint32_t x = s1 * 5u;
    const uint32_t result = ((x << 7) | (x >> 25)) * 9u;
    const uint32_t t = s1 << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 11) | (s[3] >> 21);
    return result;
  }

  // Uniform double in [0, 1) with 53 random bits.
  double uniform() {
    const uint32_t hi = next() >> 5;
    const uint32_t lo = next() >> 6;
    return (static_cast<double>(hi) * 67108864.0 + static_cast<double>(lo)) / 9007199254740992.0;
  }
};

struct CsrDraw {
  std::vector<int32_t> row_ptr;
  std::vector<int32_t> col_idx;
  std::vector<float> values;
};

// n×n, each entry present with probability c (row by row, column by column), present
// entries uniform in [-1, 1); advances `rng` exactly as the TypeScript draw does.
CsrDraw draw_sparse_uniform(Xoshiro128& rng, int n, double c);

}  // namespace ran
