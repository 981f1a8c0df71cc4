// Sparse uniform recurrent matrix, drawn as lib/reservoirs/weights.ts (sparseSquare) draws it.
#include "draw.h"

#include <cmath>

namespace ran {

CsrDraw draw_sparse_uniform(PortableRandom& rng, int n, double c) {
  CsrDraw m;
  m.row_ptr.assign(static_cast<size_t>(n) + 1, 0);
  const size_t expected = static_cast<size_t>(std::ceil(c * n * static_cast<double>(n) * 1.05)) + 16;
  m.col_idx.reserve(expected);
  m.values.reserve(expected);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      if (rng.uniform() < c) {
        m.col_idx.push_back(j);
        m.values.push_back(static_cast<float>(2.0 * rng.uniform() - 1.0));
      }
    }
    m.row_ptr[static_cast<size_t>(i) + 1] = static_cast<int32_t>(m.col_idx.size());
  }
  return m;
}

}  // namespace ran
