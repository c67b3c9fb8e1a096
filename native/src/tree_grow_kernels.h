// The two hot loops of gradient mode in tree_grow.cc, vectorized without changing a bit of
// their results (each vector lane is IEEE arithmetic on its own, in the scalar order):
//
// - the histogram kernel: up to 4 features per pass over a node's rows, each row's
//   (g, h, 1, 0) added to the 32-byte slot of its bin in each feature. Every slot receives
//   the rows in row order, so the sums are those of scalar code (and of grow.ts, which adds
//   G, H and the count one at a time). On x86-64 the add is two SSE2 operations, or one
//   AVX operation where the CPU has AVX (chosen at run time; the build needs no -mavx);
// - the gains of a feature's split candidates, 2 or 4 at a time (the divisions dominate a
//   scalar scan), the first strictly best then picked in scan order as before.
#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>

#include "cpu_features.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <emmintrin.h>
#define MLSWEEP_HIST_SSE2 1
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define MLSWEEP_HIST_AVX 1
#include <immintrin.h>
#define MLSWEEP_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define MLSWEEP_ALWAYS_INLINE inline
#endif

// GCC notes that 32-byte vectors passed by value change the ABI without AVX: the functions
// passing them here are always inlined into their AVX-targeted callers. (GCC reports it at
// the end of the including file, so the note stays off from here on.)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

namespace mlsweep {

// One group's features: each one's bin column, and where its slots are. Direct layout
// (slot[0] == nullptr): 256 slots per feature from base[g] (in doubles), bin value b's at
// base[g] + 4b, the missing value 255 in the last one (tree_grow.cc moves it after the
// build). Table layout, for features of few bins where 256 slots each would waste memory:
// where each bin value's slot starts, the missing value included, read from slot[g]; one
// more load per row and feature.
template <int G>
struct HistGroup {
  const uint8_t* col[G];
  const int32_t* slot[G];  // table layout: 256 entries each, in doubles from the histogram's start
  int32_t base[G];         // direct layout
};

#if MLSWEEP_HIST_SSE2
// (g, h) in one register, (1, 0) in another: built in registers, never through memory (a
// vector assembled on the stack stalls store forwarding).
struct SseLane {
  struct Slot {
    __m128d gh, c;
  };
  static MLSWEEP_ALWAYS_INLINE Slot make(double g, double h) { return {_mm_set_pd(h, g), _mm_set_pd(0.0, 1.0)}; }
  static MLSWEEP_ALWAYS_INLINE Slot load(const double* gh) { return {_mm_loadu_pd(gh), _mm_set_pd(0.0, 1.0)}; }
  static MLSWEEP_ALWAYS_INLINE void add(double* s, const Slot& v) {
    _mm_storeu_pd(s, _mm_add_pd(_mm_loadu_pd(s), v.gh));
    _mm_storeu_pd(s + 2, _mm_add_pd(_mm_loadu_pd(s + 2), v.c));
  }
};
using DefaultLane = SseLane;
#else
struct ScalarLane {
  struct Slot {
    double g, h;
  };
  static inline Slot make(double g, double h) { return {g, h}; }
  static inline Slot load(const double* gh) { return {gh[0], gh[1]}; }
  static inline void add(double* s, const Slot& v) {
    s[0] += v.g;
    s[1] += v.h;
    s[2] += 1;
  }
};
using DefaultLane = ScalarLane;
#endif

#if MLSWEEP_HIST_AVX
// One 4-lane vector per slot; only ever inlined into the AVX-targeted kernel below, where
// the compiler emits one 256-bit add.
struct VecLane {
  typedef double Slot __attribute__((vector_size(32), aligned(8), __may_alias__));
  static MLSWEEP_ALWAYS_INLINE Slot make(double g, double h) { return Slot{g, h, 1.0, 0.0}; }
  static MLSWEEP_ALWAYS_INLINE Slot load(const double* gh) { return Slot{gh[0], gh[1], 1.0, 0.0}; }
  // memory through memcpy, an unaligned move: Clang does not lower a vector type's alignment
  // by aligned(8) and would move the unaligned slots as aligned ones
  static MLSWEEP_ALWAYS_INLINE void add(double* s, const Slot& v) {
    Slot sum;
    __builtin_memcpy(&sum, s, sizeof sum);
    sum += v;
    __builtin_memcpy(s, &sum, sizeof sum);
  }
};
#endif

// rows == nullptr: rows 0..n-1 with their grad[r], hess[r] (the root on every row);
// otherwise rows[0..n) with their pairs gathered in `ordered` (g, h, g, h, ...).
// The group's pointers are copied to locals, which the histogram's stores cannot alias,
// so they stay in registers.
template <int G, class Lane, bool Direct>
MLSWEEP_ALWAYS_INLINE void histLoop(double* h, const HistGroup<G>& hg, const int32_t* rows, const double* ordered,
                                    const double* grad, const double* hess, int64_t n) {
  const uint8_t* col[G];
  const int32_t* slot[G];
  double* base[G];
  for (int g = 0; g < G; g++) {
    col[g] = hg.col[g];
    slot[g] = hg.slot[g];
    base[g] = h + hg.base[g];
  }
  auto at = [&](int g, int b) { return Direct ? base[g] + 4 * b : h + slot[g][b]; };
  if (rows == nullptr) {
    for (int64_t r = 0; r < n; r++) {
      const typename Lane::Slot v = Lane::make(grad[r], hess[r]);
      for (int g = 0; g < G; g++) Lane::add(at(g, col[g][r]), v);
    }
    return;
  }
  for (int64_t i = 0; i < n; i++) {
    const int32_t r = rows[i];
    const typename Lane::Slot v = Lane::load(ordered + 2 * i);
    for (int g = 0; g < G; g++) Lane::add(at(g, col[g][r]), v);
  }
}

template <int G>
void histDefault(double* h, const HistGroup<G>& hg, const int32_t* rows, const double* ordered, const double* grad,
                 const double* hess, int64_t n) {
  if (hg.slot[0] == nullptr)
    histLoop<G, DefaultLane, true>(h, hg, rows, ordered, grad, hess, n);
  else
    histLoop<G, DefaultLane, false>(h, hg, rows, ordered, grad, hess, n);
}

#if MLSWEEP_HIST_AVX
template <int G>
__attribute__((target("avx"))) void histAvx(double* h, const HistGroup<G>& hg, const int32_t* rows, const double* ordered,
                                            const double* grad, const double* hess, int64_t n) {
  if (hg.slot[0] == nullptr)
    histLoop<G, VecLane, true>(h, hg, rows, ordered, grad, hess, n);
  else
    histLoop<G, VecLane, false>(h, hg, rows, ordered, grad, hess, n);
}

inline bool cpuHasAvx() {
  static const bool has = __builtin_cpu_supports("avx");
  return has;
}
#endif

// Accumulates a group of G features over the rows (see histLoop), with AVX where the CPU has it.
template <int G>
void accumulateHistGroup(double* h, const HistGroup<G>& hg, const int32_t* rows, const double* ordered, const double* grad,
                         const double* hess, int64_t n) {
#if MLSWEEP_HIST_AVX
  if (cpuHasAvx()) return histAvx<G>(h, hg, rows, ordered, grad, hess, n);
#endif
  histDefault<G>(h, hg, rows, ordered, grad, hess, n);
}

// The root on every row, where each bin's count is known beforehand (the same for every
// tree of a fit): G features per pass, each row's (g, h) added to its bin's 16-byte pair
// slot (pairs[g] + 2b, 256 per feature, bin value b's at 2b) as one SSE2 operation. Half
// the 32-byte slots' bytes: more features per pass fit in the core's first-level cache
// (5 here: 20 KiB of slots) and each add moves half as much, about 20% faster per row and
// feature. The sums are those of histLoop: each pair slot receives the rows in row order.
template <int G>
void rootPairs(double* const* pairs, const uint8_t* const* cols, const double* grad, const double* hess, int64_t n) {
  double* p[G];
  const uint8_t* col[G];
  for (int g = 0; g < G; g++) {
    p[g] = pairs[g];
    col[g] = cols[g];
  }
  for (int64_t r = 0; r < n; r++) {
#if MLSWEEP_HIST_SSE2
    const __m128d v = _mm_set_pd(hess[r], grad[r]);
    for (int g = 0; g < G; g++) {
      double* s = p[g] + 2 * col[g][r];
      _mm_storeu_pd(s, _mm_add_pd(_mm_loadu_pd(s), v));
    }
#else
    for (int g = 0; g < G; g++) {
      double* s = p[g] + 2 * col[g][r];
      s[0] += grad[r];
      s[1] += hess[r];
    }
#endif
  }
}

#if MLSWEEP_HIST_AVX
// A numeric split's partition 16 rows at a time (Grower::partition): each row's bin read
// as the low byte of a 4-byte gather at col + r, the rows going left (bin <= threshold, or
// the missing bin 255 when missing values go left) packed in order at rows + nl, the
// others at tmp + nr. Writing 16 entries at rows + nl is safe: nl <= i, and rows i..i+15
// are read before. tmp needs 16 entries of slack. Stops at the first vector holding a row
// at or past `limit` (rows ascend), for the caller's scalar loop.
// (GCC 12's AVX-512 header starts the gather from an undefined vector, which its
// uninitialized-use warning reports at every inlining.)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
__attribute__((target("avx512f,popcnt"))) inline void partitionAvx512(int32_t* rows, int32_t* tmp, const uint8_t* col,
                                                                      int threshold, bool missingLeft, int64_t limit,
                                                                      int64_t& i, int64_t end, int64_t& nl,
                                                                      int64_t& nr) {
  const __m512i lowByte = _mm512_set1_epi32(0xFF);
  const __m512i thr = _mm512_set1_epi32(threshold);
  const __m512i missing = _mm512_set1_epi32(255);
  for (; i + 16 <= end && rows[i + 15] < limit; i += 16) {
    const __m512i r = _mm512_loadu_si512(rows + i);
    const __m512i bin = _mm512_and_si512(_mm512_i32gather_epi32(r, col, 1), lowByte);
    __mmask16 left = _mm512_cmple_epu32_mask(bin, thr);
    if (missingLeft) left = left | _mm512_cmpeq_epi32_mask(bin, missing);
    const int nLeft = __builtin_popcount(left);
    _mm512_storeu_si512(rows + nl, _mm512_maskz_compress_epi32(left, r));
    _mm512_storeu_si512(tmp + nr, _mm512_maskz_compress_epi32(static_cast<__mmask16>(~left), r));
    nl += nLeft;
    nr += 16 - nLeft;
  }
}
#pragma GCC diagnostic pop

#endif

// parent[i] -= small[i] for i < n: the larger child's histogram by subtraction.
MLSWEEP_ALWAYS_INLINE void subtractLoop(double* parent, const double* small, size_t n) {
  for (size_t i = 0; i < n; i++) parent[i] -= small[i];
}
#if MLSWEEP_HIST_AVX
__attribute__((target("avx"))) inline void subtractAvx(double* parent, const double* small, size_t n) {
  subtractLoop(parent, small, n);
}
#endif
inline void subtractHist(double* parent, const double* small, size_t n) {
#if MLSWEEP_HIST_AVX
  if (cpuHasAvx()) return subtractAvx(parent, small, n);
#endif
  subtractLoop(parent, small, n);
}

// What a candidate split's gain depends on besides its left side (G, H, count): the node's
// totals, the limits, the regularization and the parent's score.
struct GainInputs {
  double totalG, totalH, totalC;
  double minLeaf, minWeight, l1, l2, scoreP;
  // added to every left side first (the missing rows' statistics, or zeros: the prefix
  // sums are never -0, so adding +0 changes nothing)
  double addG, addH, addC;
};

#if defined(__GNUC__) || defined(__clang__)
// Grower::tryGradient's gain of a split, W candidates at a time, with the vector constants
// built once: gain(gl, hl, cl, out) sets out to the gain of the split with left side (gl, hl, cl), or
// -infinity where a side is under minLeaf rows or minWeight hessian.
template <int W>
struct GainLanes {
  typedef double V __attribute__((vector_size(8 * W), aligned(8), __may_alias__));
  typedef int64_t M __attribute__((vector_size(8 * W)));
  const GainInputs& p;
  const V zero, minLeaf, minWeight, l1, negL1, none;
  MLSWEEP_ALWAYS_INLINE explicit GainLanes(const GainInputs& in)
      : p(in),
        zero(V{}),
        minLeaf(zero + in.minLeaf),
        minWeight(zero + in.minWeight),
        l1(zero + in.l1),
        negL1(zero - in.l1),
        none(zero - std::numeric_limits<double>::infinity()) {}
  MLSWEEP_ALWAYS_INLINE V score(V g, V h) const {
    const V t = g > l1 ? g - p.l1 : (g < negL1 ? g + p.l1 : zero);
    const V d = h + p.l2;
    return d > zero ? (t * t) / d : zero;
  }
  // (vectors in and out by reference: Clang rejects a vector passed or returned by value
  // between a function compiled with AVX and one without, as bestOfFoursBody and this are)
  MLSWEEP_ALWAYS_INLINE void gain(const V& gl, const V& hl, const V& cl, V& out) const {
    const V gr = p.totalG - gl;
    const V hr = p.totalH - hl;
    const V cr = p.totalC - cl;
    // tryGradient skips a side under a limit; a NaN statistic (whose gain is NaN, never
    // better) is left out here instead: either way it is never chosen
    const M ok = (cl >= minLeaf) & (cr >= minLeaf) & (hl >= minWeight) & (hr >= minWeight);
    out = ok ? score(gl, hl) + score(gr, hr) - p.scoreP : none;
  }
};

// out[i] = the gain of the split with left side (G[i], H[i], C[i]) (GainLanes::gain). The
// arrays are read in whole vectors: padded to a multiple of W.
template <int W>
MLSWEEP_ALWAYS_INLINE void gainLoop(const double* G, const double* H, const double* C, int n, const GainInputs& p,
                                    double* out) {
  const GainLanes<W> lanes(p);
  using V = typename GainLanes<W>::V;
  // memory through memcpy, unaligned moves (as VecLane::add)
  V gl, hl, cl, gain;
  for (int i = 0; i < n; i += W) {
    __builtin_memcpy(&gl, G + i, sizeof gl);
    __builtin_memcpy(&hl, H + i, sizeof hl);
    __builtin_memcpy(&cl, C + i, sizeof cl);
    lanes.gain(gl + p.addG, hl + p.addH, cl + p.addC, gain);
    __builtin_memcpy(out + i, &gain, sizeof gain);
  }
}

inline void gainsDefault(const double* G, const double* H, const double* C, int n, const GainInputs& p, double* out) {
  gainLoop<2>(G, H, C, n, p, out);
}

#if MLSWEEP_HIST_AVX
__attribute__((target("avx"))) inline void gainsAvx(const double* G, const double* H, const double* C, int n,
                                                    const GainInputs& p, double* out) {
  gainLoop<4>(G, H, C, n, p, out);
}
#endif

#if MLSWEEP_HIST_AVX
// The split search of four numeric features of nb value bins each with the features as the
// lanes of one vector (Grower::pickFours), in one pass over the bins: it transposes the
// four features' 32-byte slots (G, H, count, 0) into G, H and count vectors, keeps the left
// side's running sums, computes every candidate's gain and keeps each lane's best. Nothing
// is written per bin. The values are those of the scan one feature at a time (prefixSlots,
// candidateGains and pickSplit): each lane does that scan's IEEE operations in its order,
// and keeps the first strictly best candidate in its order (side A before side B at each bin).
struct FourBest {
  // per lane: the best candidate's gain (-infinity where there is none), its bin, and 1
  // where it has the missing rows on the left (side B); its left side is prefixThrough's
  double gain[4], bin[4], sideB[4];
  double mG[4], mH[4], mC[4];  // each lane's missing rows (slot nb)
};

// One lane's left side (G, H, count) after bin `last` of its slots (4 doubles a slot): the
// sums bestOfFours keeps, by the same operations in the same order. Recomputed for the
// lanes that win rather than carried through the search, whose registers it would crowd.
inline void prefixThrough(const double* slots, int last, double* left) {
  double g = 0, h = 0, c = 0;
  for (int b = 0; b <= last; b++) {
    const double* s = slots + static_cast<size_t>(b) * 4;
    const bool filled = s[2] > 0;
    g = g + (filled ? s[0] : 0.0);
    h = h + (filled ? s[1] : 0.0);
    c = c + s[2];
  }
  left[0] = g, left[1] = h, left[2] = c;
}

// slots[g] points at lane g's slot 0 (4 doubles a slot, bins 0..nb-1, then the missing rows
// in slot nb). An absent bin adds +0 to G and H (a histogram made by subtraction may hold
// rounding residue where its count is 0), as prefixSlots does. A candidate is a bin holding
// rows that is not the lane's last one, or is its last one when the lane has missing rows
// (side A only): the candidates of pickSplit, in the same places. Counts are whole numbers
// (sums of them exact in any order), so bin b holds rows exactly when the left count grows
// there, and comes before the lane's last such bin exactly when the left count is still
// below the node's count less the lane's missing rows.
__attribute__((target("avx"))) MLSWEEP_ALWAYS_INLINE void bestOfFoursBody(const double* const* slots, int nb,
                                                                        const GainInputs& p, FourBest& out) {
  const GainLanes<4> lanes(p);
  using V = GainLanes<4>::V;
  using M = GainLanes<4>::M;
  const V zero = lanes.zero;
  const V one = zero + 1.0;
  const V none = lanes.none;
  bool anyMissing = false;
  for (int g = 0; g < 4; g++) {
    const double* m = slots[g] + static_cast<size_t>(nb) * 4;
    out.mG[g] = m[0], out.mH[g] = m[1], out.mC[g] = m[2];
    anyMissing = anyMissing || m[2] > 0;
  }
  const V mG = V{out.mG[0], out.mG[1], out.mG[2], out.mG[3]};
  const V mH = V{out.mH[0], out.mH[1], out.mH[2], out.mH[3]};
  const V mC = V{out.mC[0], out.mC[1], out.mC[2], out.mC[3]};
  const M missing = mC > zero;
  const V finalC = p.totalC - mC;
  const double* s0 = slots[0];
  const double* s1 = slots[1];
  const double* s2 = slots[2];
  const double* s3 = slots[3];
  V gl = zero, hl = zero, cl = zero;
  V before = zero;  // the left count after the previous bin
  V best = none, bin = zero, sideB = zero;
  V at = zero;  // b, in every lane
  auto keep = [&](const M& better, const V& gain, const V& side) {
    best = better ? gain : best;
    bin = better ? at : bin;
    sideB = better ? side : sideB;
  };
  for (int b = 0; b < nb; b++, at += 1.0) {
    const size_t o = static_cast<size_t>(b) * 4;
    const __m256d a = _mm256_loadu_pd(s0 + o);
    const __m256d bb = _mm256_loadu_pd(s1 + o);
    const __m256d c = _mm256_loadu_pd(s2 + o);
    const __m256d d = _mm256_loadu_pd(s3 + o);
    const __m256d t0 = _mm256_unpacklo_pd(a, bb);  // g0 g1 c0 c1
    const __m256d t1 = _mm256_unpackhi_pd(a, bb);  // h0 h1 0 0
    const __m256d t2 = _mm256_unpacklo_pd(c, d);   // g2 g3 c2 c3
    const __m256d t3 = _mm256_unpackhi_pd(c, d);   // h2 h3 0 0
    const V G = (V)_mm256_permute2f128_pd(t0, t2, 0x20);
    const V C = (V)_mm256_permute2f128_pd(t0, t2, 0x31);
    const V H = (V)_mm256_permute2f128_pd(t1, t3, 0x20);
    const M filled = C > zero;
    gl = gl + (filled ? G : zero);
    hl = hl + (filled ? H : zero);
    cl = cl + C;
    const M present = cl > before;
    const M beforeLast = cl < finalC;
    before = cl;
    // side A adds +0 (the prefix sums are never -0), as candidateGains does
    V gainA;
    lanes.gain(gl + 0.0, hl + 0.0, cl + 0.0, gainA);
    gainA = (present & (beforeLast | missing)) ? gainA : none;
    keep(gainA > best, gainA, zero);
    if (anyMissing) {
      V gainB;
      lanes.gain(gl + mG, hl + mH, cl + mC, gainB);
      gainB = (present & beforeLast & missing) ? gainB : none;
      keep(gainB > best, gainB, one);
    }
  }
  for (int g = 0; g < 4; g++) {
    out.gain[g] = best[g];
    out.bin[g] = bin[g];
    out.sideB[g] = sideB[g];
  }
}

// The search compiled twice: for AVX, and for AVX-512 where the CPU has it (its 32 vector
// registers hold every running value; with 16 some go through the stack on every bin).
// Both do the same IEEE operations (the build never fuses a multiply and an add).
__attribute__((target("avx"))) inline void bestOfFoursAvx(const double* const* slots, int nb, const GainInputs& p,
                                                          FourBest& out) {
  bestOfFoursBody(slots, nb, p, out);
}
__attribute__((target("avx512f,avx512vl"))) inline void bestOfFoursAvx512(const double* const* slots, int nb,
                                                                         const GainInputs& p, FourBest& out) {
  bestOfFoursBody(slots, nb, p, out);
}
inline void bestOfFours(const double* const* slots, int nb, const GainInputs& p, FourBest& out) {
  if (cpuHasAvx512()) return bestOfFoursAvx512(slots, nb, p, out);
  bestOfFoursAvx(slots, nb, p, out);
}
#endif

// The gains of n candidates (see gainLoop); the arrays hold a multiple of 4 entries.
inline void candidateGains(const double* G, const double* H, const double* C, int n, const GainInputs& p,
                           double* out) {
#if MLSWEEP_HIST_AVX
  if (cpuHasAvx()) return gainsAvx(G, H, C, n, p, out);
#endif
  gainsDefault(G, H, C, n, p, out);
}
#else
// Compilers without vector extensions: the same expression one candidate at a time.
inline void candidateGains(const double* G, const double* H, const double* C, int n, const GainInputs& p,
                           double* out) {
  auto score = [&](double g, double h) {
    const double t = g > p.l1 ? g - p.l1 : (g < -p.l1 ? g + p.l1 : 0.0);
    const double d = h + p.l2;
    return d > 0 ? (t * t) / d : 0.0;
  };
  for (int i = 0; i < n; i++) {
    const double gl = G[i] + p.addG, hl = H[i] + p.addH, cl = C[i] + p.addC;
    const double gr = p.totalG - gl, hr = p.totalH - hl, cr = p.totalC - cl;
    const bool ok = !(cl < p.minLeaf) && !(cr < p.minLeaf) && !(hl < p.minWeight) && !(hr < p.minWeight);
    out[i] = ok ? score(gl, hl) + score(gr, hr) - p.scoreP : -std::numeric_limits<double>::infinity();
  }
}
#endif

}  // namespace mlsweep
