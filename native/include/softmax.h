// Softmax over the rows of a [count][TB] block, per batch lane: attention weights over the
// context slots (native/units/attention.cpp) and memory retrieval over the slots
// (native/units/memory.cpp).
#pragma once
#include <algorithm>
#include <cmath>

#include "fast_math.h"

namespace ran {

// w[s][l] ← softmax over s < count of scale · w[s][l], for every lane l. With `entropy`, also
// −Σ_s w log w per lane, from the scores (log Σe − Σ e·(x − max) / Σe: one logarithm per
// lane, not one per slot). One division per lane, then products.
template <int TB>
inline void softmax_lanes(float* w, int count, float scale, double* entropy) {
  float mx[TB];
  for (int l = 0; l < TB; ++l) mx[l] = -INFINITY;
  for (int s = 0; s < count; ++s)
    for (int l = 0; l < TB; ++l) {
      w[s * TB + l] *= scale;
      mx[l] = std::max(mx[l], w[s * TB + l]);
    }
  float sum[TB] = {};
  if (entropy != nullptr) {
    float dot[TB] = {};  // float, so that the loop stays vectorised like the one below
    for (int s = 0; s < count; ++s)
      for (int l = 0; l < TB; ++l) {
        const float x = w[s * TB + l] - mx[l];
        const float e = fast_exp(x);
        dot[l] += e * x;
        w[s * TB + l] = e;
        sum[l] += e;
      }
    for (int l = 0; l < TB; ++l)
      entropy[l] = std::log(static_cast<double>(sum[l])) - static_cast<double>(dot[l]) / sum[l];
  } else {
    for (int s = 0; s < count; ++s)
      for (int l = 0; l < TB; ++l) {
        const float e = fast_exp(w[s * TB + l] - mx[l]);
        w[s * TB + l] = e;
        sum[l] += e;
      }
  }
  float inv[TB];
  for (int l = 0; l < TB; ++l) inv[l] = 1.0f / sum[l];
  for (int s = 0; s < count; ++s)
    for (int l = 0; l < TB; ++l) w[s * TB + l] *= inv[l];
}

}  // namespace ran
