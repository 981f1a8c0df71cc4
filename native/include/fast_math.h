// exp and tanh from +, ×, and exact power-of-two scaling only: branch-free (so loops
// over the batch lanes vectorise), identical on every libc, accurate to a few float ulps.
#pragma once
#include <cstdint>
#include <cstring>

// Kernels kept out of line: inlined into the executor's step loop they compete with it for
// registers (pointers and accumulators spilled to memory).
#if defined(_MSC_VER)
#define RAN_NOINLINE __declspec(noinline)
#else
#define RAN_NOINLINE __attribute__((noinline))
#endif

namespace ran {

// a*b + c. The build disables implicit contraction (-ffp-contract=off) because GCC fuses
// some loops and not others (vector vs scalar remainder), which would make a sequence's
// bits depend on the batch size; explicit fused multiply-adds keep both speed and identity.
inline float madd(float a, float b, float c) {
#if defined(__FMA__)
  return __builtin_fmaf(a, b, c);
#else
  return a * b + c;
#endif
}

// exp(x) for float x; returns 0 below -87 and saturates above 88.
inline float fast_exp(float x) {
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  // x = n ln2 + r with |r| <= ln2/2; ln2 split in two so that n*ln2_hi is exact.
  // Round to nearest by adding and removing 1.5 * 2^23 (|x log2 e| < 2^22 here): plain float
  // additions, so the loops vectorise (roundf is a libm call that blocks vectorisation).
  const float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  const float r = (x - n * 0.693145751953125f) - n * 1.428606765330187045e-06f;
  // Taylor polynomial of degree 7 for e^r on |r| <= 0.347: truncation error < 2e-9.
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

// tanh(x): odd Taylor series near 0 (no cancellation), 1 - 2/(e^{2|x|}+1) elsewhere.
inline float fast_tanh(float x) {
  const float ax = x < 0.0f ? -x : x;
  const float x2 = x * x;
  float s = -929569.0f / 638512875.0f;
  s = s * x2 + 21844.0f / 6081075.0f;
  s = s * x2 - 1382.0f / 155925.0f;
  s = s * x2 + 62.0f / 2835.0f;
  s = s * x2 - 17.0f / 315.0f;
  s = s * x2 + 2.0f / 15.0f;
  s = s * x2 - 1.0f / 3.0f;
  const float small = x + x * x2 * s;
  const float clamped = ax > 9.0f ? 9.0f : ax;
  const float big = 1.0f - 2.0f / (fast_exp(2.0f * clamped) + 1.0f);
  const float signed_big = x < 0.0f ? -big : big;
  return ax < 0.5f ? small : signed_big;
}

// GELU, tanh form: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
inline float fast_gelu(float x) {
  return 0.5f * x * (1.0f + fast_tanh(0.7978845608028654f * (x + 0.044715f * x * x * x)));
}

}  // namespace ran
