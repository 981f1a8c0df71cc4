// The random draw of an ESN's sparse recurrent matrix, the same numbers as lib/random.ts and
// sparseSquare in lib/reservoirs/weights.ts (uniform entries), bit for bit, from the portable
// generator (portable_random.h); an entry is 2u − 1 rounded once to float (2u is exact, so a
// fused multiply-add gives the same).
#pragma once
#include <cstdint>
#include <vector>

#include "portable_random.h"

namespace ran {

struct CsrDraw {
  std::vector<int32_t> row_ptr;
  std::vector<int32_t> col_idx;
  std::vector<float> values;
};

// n×n, each entry present with probability c (row by row, column by column), present
// entries uniform in [-1, 1); advances `rng` exactly as the TypeScript draw does.
CsrDraw draw_sparse_uniform(PortableRandom& rng, int n, double c);

}  // namespace ran
