// exp and tanh from +, ×, ÷ and exact power-of-two scaling only: branch-free (so loops over
// the batch lanes vectorise), identical on every libc, accurate to a few float ulps.
#pragma once
#include <cmath>
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

// e^x = 2^n (1 + p) with x = n ln2 + r, |r| <= ln2/2 and p = e^r - 1: the one polynomial that
// exp, expm1 and tanh (so softmax, GELU and every unit's activation) share. x is clamped to
// [-87, 88] first (e^x then stays a normal float); NaN stays NaN.
struct ExpParts {
  float scale;  // 2^n
  float pm1;    // e^r - 1
};
inline ExpParts exp_parts(float x) {
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  // Round to nearest by adding and removing 1.5 * 2^23 (|x log2 e| < 2^22 here): plain float
  // additions, so the loops vectorise (roundf is a libm call that blocks vectorisation).
  const float shifted = x * 1.44269504088896341f + 12582912.0f;
  const float n = shifted - 12582912.0f;
  // ln2 split in two so that n * ln2_hi is exact.
  const float r = (x - n * 0.693145751953125f) - n * 1.428606765330187045e-06f;
  // e^r - 1 = r + r^2 P(r), P of degree 4 fitted (near-minimax) to the relative error of e^r
  // on |r| <= ln2/2: 3.1e-9 in exact arithmetic, far below a float ulp (6e-8), so float
  // rounding alone sets the error (bounds in test/native/fast-math.test.ts). The form keeps
  // e^r - 1 exact to a few ulps near 0, where tanh needs it.
  float q = 1.381461276e-03f;
  q = madd(q, r, 8.368710056e-03f);
  q = madd(q, r, 4.166838899e-02f);
  q = madd(q, r, 1.666652113e-01f);
  q = madd(q, r, 4.999999404e-01f);
  const float pm1 = madd(r * r, q, r);
  // 2^n from the bits of `shifted`, whose mantissa ends in n (two's complement, n in
  // [-126, 127]): adding the bias 127 and shifting the low 8 bits into the exponent field
  // gives 2^n without a float-to-int conversion — none of NaN (undefined behaviour, which a
  // guard select cost W3 2–3 %), and unsigned arithmetic is defined for every bit pattern.
  // For a NaN x the scale is arbitrary and the result NaN through pm1.
  uint32_t bits;
  std::memcpy(&bits, &shifted, sizeof bits);
  bits = (bits + 127u) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return {scale, pm1};
}

// e^x for float x: e^-87 (1.6e-38) below -87, e^88 (1.7e38) above 88, NaN for NaN.
inline float fast_exp(float x) {
  const ExpParts e = exp_parts(x);
  return madd(e.scale, e.pm1, e.scale);
}

// e^x - 1 without cancellation near 0 (exact 2^n - 1 for the integer part, n <= 24 exact).
inline float fast_expm1(float x) {
  const ExpParts e = exp_parts(x);
  return madd(e.scale, e.pm1, e.scale - 1.0f);
}

// tanh(x) = sign(x) (e^{2|x|} - 1) / (e^{2|x|} + 1): one exp-polynomial and one division,
// odd by construction, no cancellation anywhere (e^{2|x|} - 1 >= 0). |x| > 9 gives ±1 (the
// float nearest tanh(9)); ±inf gives ±1 and NaN gives NaN.
inline float fast_tanh(float x) {
  const float ax = std::fabs(x);
  const float clamped = ax > 9.0f ? 9.0f : ax;
  const float em = fast_expm1(2.0f * clamped);
  return std::copysign(em / (em + 2.0f), x);
}

// GELU, tanh form: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
inline float fast_gelu(float x) {
  return 0.5f * x * (1.0f + fast_tanh(0.7978845608028654f * (x + 0.044715f * x * x * x)));
}

}  // namespace ran
