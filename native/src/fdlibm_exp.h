// exp(x) as V8 computes Math.exp (src/base/ieee754.cc, FreeBSD msun's e_exp.c), step for
// step, so that native code can compute what TypeScript computes bit for bit (the
// boosting gradients of addon_trees.cc, whose JavaScript twin is binaryLogLoss in
// src/models/boosting/losses.ts). Needs -ffp-contract=off (binding.gyp): a fused
// multiply-add would round differently. Checked against Math.exp in test/models/grow.test.ts.
#pragma once
#include <cstdint>
#include <cstring>

namespace mlsweep {

inline uint32_t highWord(double x) {
  uint64_t u;
  std::memcpy(&u, &x, sizeof u);
  return static_cast<uint32_t>(u >> 32);
}

inline uint32_t lowWord(double x) {
  uint64_t u;
  std::memcpy(&u, &x, sizeof u);
  return static_cast<uint32_t>(u);
}

inline double fromWords(uint32_t hi, uint32_t lo) {
  const uint64_t u = (static_cast<uint64_t>(hi) << 32) | lo;
  double d;
  std::memcpy(&d, &u, sizeof d);
  return d;
}

inline double fdlibmExp(double x) {
  static const double one = 1.0, halF[2] = {0.5, -0.5}, oThreshold = 7.09782712893383973096e+02,
                      uThreshold = -7.45133219101941108420e+02,
                      ln2HI[2] = {6.93147180369123816490e-01, -6.93147180369123816490e-01},
                      ln2LO[2] = {1.90821492927058770002e-10, -1.90821492927058770002e-10},
                      invln2 = 1.44269504088896338700e+00, P1 = 1.66666666666666019037e-01,
                      P2 = -2.77777777770155933842e-03, P3 = 6.61375632143793436117e-05,
                      P4 = -1.65339022054652515390e-06, P5 = 4.13813679705723846039e-08, E = 2.718281828459045;
  static volatile double huge = 1.0e+300, twom1000 = 9.33263618503218878990e-302, two1023 = 8.988465674311579539e307;
  double y, hi = 0.0, lo = 0.0, c, t, twopk;
  int32_t k = 0;
  uint32_t hx = highWord(x);
  const int32_t xsb = (hx >> 31) & 1;  // sign of x
  hx &= 0x7fffffff;                    // high word of |x|
  if (hx >= 0x40862E42) {              // |x| >= 709.78...: not finite, overflow or underflow
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | lowWord(x)) != 0) return x + x;  // NaN
      return xsb == 0 ? x : 0.0;                             // exp(+-inf) = {inf, 0}
    }
    if (x > oThreshold) return huge * huge;
    if (x < uThreshold) return twom1000 * twom1000;
  }
  if (hx > 0x3fd62e42) {    // argument reduction when |x| > 0.5 ln2
    if (hx < 0x3FF0A2B2) {  // and |x| < 1.5 ln2
      if (x == 1.0) return E;
      hi = x - ln2HI[xsb];
      lo = ln2LO[xsb];
      k = 1 - xsb - xsb;
    } else {
      k = static_cast<int>(invln2 * x + halF[xsb]);
      t = k;
      hi = x - t * ln2HI[0];
      lo = t * ln2LO[0];
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {  // |x| < 2^-28
    if (huge + x > one) return one + x;
  } else {
    k = 0;
  }
  t = x * x;
  if (k >= -1021)
    twopk = fromWords(0x3ff00000 + (k << 20), 0);
  else
    twopk = fromWords(0x3ff00000 + ((k + 1000) << 20), 0);
  c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return one - ((x * c) / (c - 2.0) - x);
  y = one - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * two1023;
    return y * twopk;
  }
  return y * twopk * twom1000;
}

}  // namespace mlsweep
