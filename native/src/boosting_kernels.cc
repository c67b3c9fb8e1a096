// Boosting's per-round kernels (boosting_kernels.h).
#include "boosting_kernels.h"

#include "cpu_features.h"
#include "fdlibm_exp.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define MLSWEEP_BOOST_AVX2 1
// Each instruction set named once: the lane types, the regions the lane functions are
// compiled in, and the entry functions all take their target from these.
#define MLSWEEP_AVX2_SET "avx2"
#define MLSWEEP_AVX512_SET "avx512f,avx512dq"
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
// The gradients four rows at a time with AVX2 or eight with AVX-512, written once:
// expLanes and logLossLanes (boosting_lanes.inc), over a lane type (Avx2Lanes, Avx512Lanes) that
// gives what they need beyond +, -, * and /. Those GCC and Clang apply to __m256d and
// __m512d lane by lane: the very operations _mm256_add_pd and the like are defined as. A
// Mask is true or false per lane: all-ones lanes for AVX2, a mask register for AVX-512.
// The lane types' functions are plain inline, and the two entry functions, which carry the
// target, flatten everything into themselves.
// GCC warns that vector parameters and results change the ABI without AVX: these functions
// are never called as functions. (It reports that at the end of the file, so the warning
// stays off from here on.)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

#define MLSWEEP_AVX2 __attribute__((target(MLSWEEP_AVX2_SET)))
#define MLSWEEP_AVX2_LANE static inline MLSWEEP_AVX2
struct Avx2Lanes {
  using V = __m256d;
  using Mask = __m256d;
  static constexpr int kWidth = 4;
  MLSWEEP_AVX2_LANE V set1(double v) { return _mm256_set1_pd(v); }
  MLSWEEP_AVX2_LANE V load(const double* p) { return _mm256_loadu_pd(p); }
  MLSWEEP_AVX2_LANE void store(double* p, V v) { _mm256_storeu_pd(p, v); }
  MLSWEEP_AVX2_LANE V bitAnd(V a, V b) { return _mm256_and_pd(a, b); }
  MLSWEEP_AVX2_LANE V andNot(V a, V b) { return _mm256_andnot_pd(a, b); }  // ~a & b
  MLSWEEP_AVX2_LANE V bitOr(V a, V b) { return _mm256_or_pd(a, b); }
  MLSWEEP_AVX2_LANE V bitXor(V a, V b) { return _mm256_xor_pd(a, b); }
  MLSWEEP_AVX2_LANE Mask lt(V a, V b) { return _mm256_cmp_pd(a, b, _CMP_LT_OQ); }
  MLSWEEP_AVX2_LANE Mask ge(V a, V b) { return _mm256_cmp_pd(a, b, _CMP_GE_OQ); }
  MLSWEEP_AVX2_LANE Mask eq(V a, V b) { return _mm256_cmp_pd(a, b, _CMP_EQ_OQ); }
  MLSWEEP_AVX2_LANE Mask both(Mask a, Mask b) { return _mm256_and_pd(a, b); }
  MLSWEEP_AVX2_LANE bool all(Mask m) { return _mm256_movemask_pd(m) == 0xF; }
  MLSWEEP_AVX2_LANE V select(Mask m, V yes, V no) { return _mm256_blendv_pd(no, yes, m); }
  MLSWEEP_AVX2_LANE V zeroUnless(Mask m, V v) { return _mm256_and_pd(v, m); }
  MLSWEEP_AVX2_LANE V truncate(V v) { return _mm256_round_pd(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC); }
  // 2^k for whole k with |k| <= 1010 (a normal number), from its exponent bits
  MLSWEEP_AVX2_LANE V pow2(V k) {
    const __m256i exponent = _mm256_add_epi64(_mm256_cvtepi32_epi64(_mm256_cvtpd_epi32(k)), _mm256_set1_epi64x(1023));
    return _mm256_castsi256_pd(_mm256_slli_epi64(exponent, 52));
  }
};

// (GCC 12's AVX-512 header starts some intrinsics from an undefined vector, which its
// uninitialized-use warning reports at every inlining.)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#define MLSWEEP_AVX512 __attribute__((target(MLSWEEP_AVX512_SET)))
#define MLSWEEP_AVX512_LANE static inline MLSWEEP_AVX512
struct Avx512Lanes {
  using V = __m512d;
  using Mask = __mmask8;
  static constexpr int kWidth = 8;
  MLSWEEP_AVX512_LANE V set1(double v) { return _mm512_set1_pd(v); }
  MLSWEEP_AVX512_LANE V load(const double* p) { return _mm512_loadu_pd(p); }
  MLSWEEP_AVX512_LANE void store(double* p, V v) { _mm512_storeu_pd(p, v); }
  MLSWEEP_AVX512_LANE V bitAnd(V a, V b) { return _mm512_and_pd(a, b); }
  MLSWEEP_AVX512_LANE V andNot(V a, V b) { return _mm512_andnot_pd(a, b); }  // ~a & b
  MLSWEEP_AVX512_LANE V bitOr(V a, V b) { return _mm512_or_pd(a, b); }
  MLSWEEP_AVX512_LANE V bitXor(V a, V b) { return _mm512_xor_pd(a, b); }
  MLSWEEP_AVX512_LANE Mask lt(V a, V b) { return _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ); }
  MLSWEEP_AVX512_LANE Mask ge(V a, V b) { return _mm512_cmp_pd_mask(a, b, _CMP_GE_OQ); }
  MLSWEEP_AVX512_LANE Mask eq(V a, V b) { return _mm512_cmp_pd_mask(a, b, _CMP_EQ_OQ); }
  MLSWEEP_AVX512_LANE Mask both(Mask a, Mask b) { return a & b; }
  MLSWEEP_AVX512_LANE bool all(Mask m) { return m == 0xFF; }
  MLSWEEP_AVX512_LANE V select(Mask m, V yes, V no) { return _mm512_mask_blend_pd(m, no, yes); }
  MLSWEEP_AVX512_LANE V zeroUnless(Mask m, V v) { return _mm512_maskz_mov_pd(m, v); }
  MLSWEEP_AVX512_LANE V truncate(V v) { return _mm512_roundscale_pd(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC); }
  MLSWEEP_AVX512_LANE V pow2(V k) {
    const __m512i exponent = _mm512_add_epi64(_mm512_cvtepi32_epi64(_mm512_cvtpd_epi32(k)), _mm512_set1_epi64(1023));
    return _mm512_castsi512_pd(_mm512_slli_epi64(exponent, 52));
  }
};

// The lane functions, once per instruction set: boosting_lanes.inc compiled inside a
// region for that set (GCC's `#pragma GCC target`, Clang's `#pragma clang attribute`), so
// that every function passing vectors has their instruction set.
#define MLSWEEP_PRAGMA(x) _Pragma(#x)
#if defined(__clang__)
#define MLSWEEP_TARGET_PUSH(set) MLSWEEP_PRAGMA(clang attribute push(__attribute__((target(set))), apply_to = function))
#define MLSWEEP_TARGET_POP MLSWEEP_PRAGMA(clang attribute pop)
#else
#define MLSWEEP_TARGET_PUSH(set) MLSWEEP_PRAGMA(GCC push_options) MLSWEEP_PRAGMA(GCC target(set))
#define MLSWEEP_TARGET_POP MLSWEEP_PRAGMA(GCC pop_options)
#endif

namespace avx2 {
MLSWEEP_TARGET_PUSH(MLSWEEP_AVX2_SET)
using Lanes = Avx2Lanes;
#include "boosting_lanes.inc"
MLSWEEP_TARGET_POP
}  // namespace avx2

namespace avx512 {
MLSWEEP_TARGET_PUSH(MLSWEEP_AVX512_SET)
using Lanes = Avx512Lanes;
#include "boosting_lanes.inc"
MLSWEEP_TARGET_POP
}  // namespace avx512

MLSWEEP_AVX2 __attribute__((flatten)) void logLossAvx2(const double* y, const double* F, const double* w, double* g,
                                                       double* h, int64_t n) {
  avx2::logLossLanes(y, F, w, g, h, n);
}

MLSWEEP_AVX512 __attribute__((flatten)) void logLossAvx512(const double* y, const double* F, const double* w, double* g,
                                                           double* h, int64_t n) {
  avx512::logLossLanes(y, F, w, g, h, n);
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
