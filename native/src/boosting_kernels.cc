// Boosting's per-round kernels (boosting_kernels.h).
#include "boosting_kernels.h"

#include "cpu_features.h"
#include "fdlibm_exp.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define MLSWEEP_BOOST_AVX2 1
#endif

namespace mlsweep {
namespace {

inline void logLossRow(const double* y, const double* F, const double* w, double* g, double* h, int64_t i) {
  const double p = 1 / (1 + fdlibmExp(-F[i]));
  g[i] = w[i] * (p - y[i]);
  h[i] = w[i] * p * (1 - p);
}

void logLossScalar(const double* y, const double* F, const double* w, double* g, double* h, int64_t from,
                   int64_t n) {
  for (int64_t i = from; i < n; i++) logLossRow(y, F, w, g, h, i);
}

#if MLSWEEP_BOOST_AVX2
// fdlibmExp(x) in four lanes, for |x| < 700 (the caller checks): its three ranges folded
// into one sequence of operations, each lane's the same IEEE operations as the scalar's.
// - |x| > 0.5 ln2: x = hi - lo with hi = x - k ln2HI, lo = k ln2LO. Below 1.5 ln2 fdlibm
//   takes k = +-1 and subtracts ln2HI[xsb], ln2LO[xsb]: the same values as k ln2HI, k ln2LO
//   (multiplying by +-1 is exact, and x - (-a) is x - ln2HI[1]).
// - 2^-28 <= |x| <= 0.5 ln2: k = 0, hi = x, lo = 0. fdlibm returns 1 - ((x c)/(c - 2) - x);
//   (x c)/(c - 2) is exactly -(x c)/(2 - c), and 0 - q is -q (or +0 for q = 0, which the
//   next subtraction of x != 0 cannot tell apart), so 1 - ((lo - q) - hi) is that value;
//   times 2^0 it is unchanged.
// - |x| < 2^-28: 1 + x; and x == 1 exactly: e. Both chosen per lane at the end.
// Built for AVX2 only (no FMA): no multiply-add is fused.
__attribute__((target("avx2"))) inline __m256d expLanes(__m256d x) {
  const __m256d sign = _mm256_set1_pd(-0.0);
  const __m256d ax = _mm256_andnot_pd(sign, x);
  const __m256d xsign = _mm256_and_pd(sign, x);
  // the high-word tests of fdlibm as comparisons of |x| with the doubles they bound
  const __m256d reduce = _mm256_cmp_pd(ax, _mm256_set1_pd(fromWords(0x3fd62e43, 0)), _CMP_GE_OQ);
  const __m256d near = _mm256_and_pd(reduce, _mm256_cmp_pd(ax, _mm256_set1_pd(fromWords(0x3FF0A2B2, 0)), _CMP_LT_OQ));
  const __m256d tiny = _mm256_cmp_pd(ax, _mm256_set1_pd(fromWords(0x3e300000, 0)), _CMP_LT_OQ);
  const __m256d half = _mm256_or_pd(xsign, _mm256_set1_pd(0.5));
  const __m256d unit = _mm256_or_pd(xsign, _mm256_set1_pd(1.0));
  const __m256d kFar = _mm256_round_pd(_mm256_add_pd(_mm256_mul_pd(_mm256_set1_pd(1.44269504088896338700e+00), x), half),
                                       _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  const __m256d k = _mm256_and_pd(_mm256_blendv_pd(kFar, unit, near), reduce);
  const __m256d hi = _mm256_sub_pd(x, _mm256_mul_pd(k, _mm256_set1_pd(6.93147180369123816490e-01)));
  const __m256d lo = _mm256_mul_pd(k, _mm256_set1_pd(1.90821492927058770002e-10));
  const __m256d xr = _mm256_sub_pd(hi, lo);
  const __m256d t = _mm256_mul_pd(xr, xr);
  __m256d poly = _mm256_mul_pd(t, _mm256_set1_pd(4.13813679705723846039e-08));
  poly = _mm256_mul_pd(t, _mm256_add_pd(_mm256_set1_pd(-1.65339022054652515390e-06), poly));
  poly = _mm256_mul_pd(t, _mm256_add_pd(_mm256_set1_pd(6.61375632143793436117e-05), poly));
  poly = _mm256_mul_pd(t, _mm256_add_pd(_mm256_set1_pd(-2.77777777770155933842e-03), poly));
  poly = _mm256_add_pd(_mm256_set1_pd(1.66666666666666019037e-01), poly);
  const __m256d c = _mm256_sub_pd(xr, _mm256_mul_pd(t, poly));
  const __m256d one = _mm256_set1_pd(1.0);
  const __m256d q = _mm256_div_pd(_mm256_mul_pd(xr, c), _mm256_sub_pd(_mm256_set1_pd(2.0), c));
  const __m256d y = _mm256_sub_pd(one, _mm256_sub_pd(_mm256_sub_pd(lo, q), hi));
  // 2^k from its exponent bits (|k| <= 1010 here, a normal number)
  const __m256i exponent = _mm256_add_epi64(_mm256_cvtepi32_epi64(_mm256_cvtpd_epi32(k)), _mm256_set1_epi64x(1023));
  __m256d e = _mm256_mul_pd(y, _mm256_castsi256_pd(_mm256_slli_epi64(exponent, 52)));
  e = _mm256_blendv_pd(e, _mm256_add_pd(one, x), tiny);
  return _mm256_blendv_pd(e, _mm256_set1_pd(2.718281828459045), _mm256_cmp_pd(x, one, _CMP_EQ_OQ));
}

__attribute__((target("avx2"))) void logLossAvx2(const double* y, const double* F, const double* w, double* g,
                                                 double* h, int64_t n) {
  const __m256d sign = _mm256_set1_pd(-0.0);
  const __m256d limit = _mm256_set1_pd(700.0);
  const __m256d one = _mm256_set1_pd(1.0);
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m256d x = _mm256_xor_pd(_mm256_loadu_pd(F + i), sign);
    // |x| >= 700, infinite or NaN: fdlibm's other branches, row by row
    if (_mm256_movemask_pd(_mm256_cmp_pd(_mm256_andnot_pd(sign, x), limit, _CMP_LT_OQ)) != 0xF) {
      logLossScalar(y, F, w, g, h, i, i + 4);
      continue;
    }
    const __m256d p = _mm256_div_pd(one, _mm256_add_pd(one, expLanes(x)));
    const __m256d wi = _mm256_loadu_pd(w + i);
    _mm256_storeu_pd(g + i, _mm256_mul_pd(wi, _mm256_sub_pd(p, _mm256_loadu_pd(y + i))));
    _mm256_storeu_pd(h + i, _mm256_mul_pd(_mm256_mul_pd(wi, p), _mm256_sub_pd(one, p)));
  }
  logLossScalar(y, F, w, g, h, i, n);
}

// expLanes and logLossAvx2 in eight lanes with AVX-512: the same operations, lane for
// lane (comparisons give mask registers, blends take them; the build never fuses a
// multiply and an add).
// (GCC 12's AVX-512 header starts some intrinsics from an undefined vector, which its
// uninitialized-use warning reports at every inlining.)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#define MLSWEEP_AVX512 __attribute__((target("avx512f,avx512dq")))
MLSWEEP_AVX512 inline __m512d expLanes8(__m512d x) {
  const __m512d sign = _mm512_set1_pd(-0.0);
  const __m512d ax = _mm512_andnot_pd(sign, x);
  const __m512d xsign = _mm512_and_pd(sign, x);
  const __mmask8 reduce = _mm512_cmp_pd_mask(ax, _mm512_set1_pd(fromWords(0x3fd62e43, 0)), _CMP_GE_OQ);
  const __mmask8 near = reduce & _mm512_cmp_pd_mask(ax, _mm512_set1_pd(fromWords(0x3FF0A2B2, 0)), _CMP_LT_OQ);
  const __mmask8 tiny = _mm512_cmp_pd_mask(ax, _mm512_set1_pd(fromWords(0x3e300000, 0)), _CMP_LT_OQ);
  const __m512d half = _mm512_or_pd(xsign, _mm512_set1_pd(0.5));
  const __m512d unit = _mm512_or_pd(xsign, _mm512_set1_pd(1.0));
  const __m512d kFar = _mm512_roundscale_pd(_mm512_add_pd(_mm512_mul_pd(_mm512_set1_pd(1.44269504088896338700e+00), x), half),
                                            _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  const __m512d k = _mm512_maskz_mov_pd(reduce, _mm512_mask_blend_pd(near, kFar, unit));
  const __m512d hi = _mm512_sub_pd(x, _mm512_mul_pd(k, _mm512_set1_pd(6.93147180369123816490e-01)));
  const __m512d lo = _mm512_mul_pd(k, _mm512_set1_pd(1.90821492927058770002e-10));
  const __m512d xr = _mm512_sub_pd(hi, lo);
  const __m512d t = _mm512_mul_pd(xr, xr);
  __m512d poly = _mm512_mul_pd(t, _mm512_set1_pd(4.13813679705723846039e-08));
  poly = _mm512_mul_pd(t, _mm512_add_pd(_mm512_set1_pd(-1.65339022054652515390e-06), poly));
  poly = _mm512_mul_pd(t, _mm512_add_pd(_mm512_set1_pd(6.61375632143793436117e-05), poly));
  poly = _mm512_mul_pd(t, _mm512_add_pd(_mm512_set1_pd(-2.77777777770155933842e-03), poly));
  poly = _mm512_add_pd(_mm512_set1_pd(1.66666666666666019037e-01), poly);
  const __m512d c = _mm512_sub_pd(xr, _mm512_mul_pd(t, poly));
  const __m512d one = _mm512_set1_pd(1.0);
  const __m512d q = _mm512_div_pd(_mm512_mul_pd(xr, c), _mm512_sub_pd(_mm512_set1_pd(2.0), c));
  const __m512d y = _mm512_sub_pd(one, _mm512_sub_pd(_mm512_sub_pd(lo, q), hi));
  const __m512i exponent =
      _mm512_add_epi64(_mm512_cvtepi32_epi64(_mm512_cvtpd_epi32(k)), _mm512_set1_epi64(1023));
  __m512d e = _mm512_mul_pd(y, _mm512_castsi512_pd(_mm512_slli_epi64(exponent, 52)));
  e = _mm512_mask_blend_pd(tiny, e, _mm512_add_pd(one, x));
  return _mm512_mask_blend_pd(_mm512_cmp_pd_mask(x, one, _CMP_EQ_OQ), e, _mm512_set1_pd(2.718281828459045));
}

MLSWEEP_AVX512 void logLossAvx512(const double* y, const double* F, const double* w, double* g, double* h, int64_t n) {
  const __m512d sign = _mm512_set1_pd(-0.0);
  const __m512d limit = _mm512_set1_pd(700.0);
  const __m512d one = _mm512_set1_pd(1.0);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m512d x = _mm512_xor_pd(_mm512_loadu_pd(F + i), sign);
    // |x| >= 700, infinite or NaN: fdlibm's other branches, row by row
    if (_mm512_cmp_pd_mask(_mm512_andnot_pd(sign, x), limit, _CMP_LT_OQ) != 0xFF) {
      logLossScalar(y, F, w, g, h, i, i + 8);
      continue;
    }
    const __m512d p = _mm512_div_pd(one, _mm512_add_pd(one, expLanes8(x)));
    const __m512d wi = _mm512_loadu_pd(w + i);
    _mm512_storeu_pd(g + i, _mm512_mul_pd(wi, _mm512_sub_pd(p, _mm512_loadu_pd(y + i))));
    _mm512_storeu_pd(h + i, _mm512_mul_pd(_mm512_mul_pd(wi, p), _mm512_sub_pd(one, p)));
  }
  logLossScalar(y, F, w, g, h, i, n);
}

// F[r] += scale * value[leafOfRow[r]], 8 rows at a time, up to the first 8 holding a row
// without a leaf (-1: the caller's loop finds its leaf in the bins). Returns the rows done.
MLSWEEP_AVX512 int64_t addLeafScoresAvx512(const int32_t* leafOfRow, const double* value, int64_t n, double scale,
                                           double* F) {
  const __m512d s = _mm512_set1_pd(scale);
  int64_t r = 0;
  for (; r + 8 <= n; r += 8) {
    const __m256i leaf = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(leafOfRow + r));
    if (_mm256_movemask_ps(_mm256_castsi256_ps(leaf)) != 0) break;  // a negative leaf
    const __m512d v = _mm512_i32gather_pd(leaf, value, 8);
    _mm512_storeu_pd(F + r, _mm512_add_pd(_mm512_loadu_pd(F + r), _mm512_mul_pd(s, v)));
  }
  return r;
}

#pragma GCC diagnostic pop


bool cpuHasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}
#endif

}  // namespace

void logLossGradients(const double* y, const double* F, const double* w, double* g, double* h, int64_t n) {
#if MLSWEEP_BOOST_AVX2
  if (cpuHasAvx512()) return logLossAvx512(y, F, w, g, h, n);
  if (cpuHasAvx2()) return logLossAvx2(y, F, w, g, h, n);
#endif
  logLossScalar(y, F, w, g, h, 0, n);
}

void addTreeScores(const TreeView& tree, const int32_t* leafOfRow, const uint8_t* bins, int64_t nRows, double scale,
                   double* F, int nOut, int column) {
  const double* value = tree.value;
  int64_t r = 0;
#if MLSWEEP_BOOST_AVX2
  if (leafOfRow && nOut == 1 && cpuHasAvx512()) r = addLeafScoresAvx512(leafOfRow, value, nRows, scale, F);
#endif
  for (; r < nRows; r++) {
    int leaf = leafOfRow ? leafOfRow[r] : -1;
    if (leaf < 0) leaf = leafOfView(tree, bins, nRows, r);
    F[r * nOut + column] += scale * value[leaf];
  }
}

}  // namespace mlsweep
