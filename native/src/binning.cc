#include "binning.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <vector>

#include "parallel.h"

namespace mlsweep {
namespace {

uint32_t mulberry32Next(uint32_t& state) {
  state += 0x6d2b79f5u;
  uint32_t t = state;
  t = (t ^ (t >> 15)) * (t | 1u);
  t ^= t + (t ^ (t >> 7)) * (t | 61u);
  return t ^ (t >> 14);
}

double midpoint(double a, double b) {
  const double inf = std::numeric_limits<double>::infinity();
  if (a == -inf) return b == inf ? 0.0 : -DBL_MAX;
  if (b == inf) return DBL_MAX;
  double t = a + (b - a) * 0.5;
  if (!std::isfinite(t)) t = a * 0.5 + b * 0.5;
  return t >= b ? a : t;
}

void fitNumeric(const std::vector<double>& sorted, int maxBins, BinEdgesView& out, int c) {
  const int64_t m = static_cast<int64_t>(sorted.size());
  double* edges = out.edges + static_cast<int64_t>(c) * kMaxValueBins;
  if (m == 0) {
    out.nBins[c] = 0;
    return;
  }
  int64_t distinct = 1;
  for (int64_t i = 1; i < m; i++) distinct += sorted[i] != sorted[i - 1];
  int nEdges = 0;
  if (distinct <= maxBins) {
    for (int64_t i = 1; i < m; i++) {
      if (sorted[i] != sorted[i - 1]) edges[nEdges++] = midpoint(sorted[i - 1], sorted[i]);
    }
  } else {
    for (int k = 1; k < maxBins; k++) {
      const int64_t scaled = static_cast<int64_t>(k) * (m - 1);
      const int64_t lo = scaled / maxBins;
      const bool exact = scaled % maxBins == 0;
      const double a = sorted[lo];
      double edge = a;
      if (!exact) {
        const double b = sorted[lo + 1];
        edge = a == b ? a : midpoint(a, b);
      }
      if (nEdges == 0 || edge > edges[nEdges - 1]) edges[nEdges++] = edge;
    }
  }
  out.nBins[c] = nEdges + 1;
}

void fitCategorical(const std::vector<double>& sorted, int maxBins, BinEdgesView& out, int c) {
  double* edges = out.edges + static_cast<int64_t>(c) * kMaxValueBins;
  std::vector<double> cats;
  std::vector<int64_t> counts;
  for (size_t i = 0; i < sorted.size(); i++) {
    if (i == 0 || sorted[i] != sorted[i - 1]) {
      cats.push_back(sorted[i]);
      counts.push_back(1);
    } else {
      counts.back()++;
    }
  }
  const int nCats = static_cast<int>(cats.size());
  if (nCats <= maxBins) {
    std::copy(cats.begin(), cats.end(), edges);
    out.nBins[c] = nCats;
    out.otherBin[c] = -1;
    return;
  }
  std::vector<int> order(nCats);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int i, int j) {
    return counts[i] != counts[j] ? counts[i] > counts[j] : cats[i] < cats[j];
  });
  order.resize(maxBins - 1);
  std::sort(order.begin(), order.end(), [&](int i, int j) { return cats[i] < cats[j]; });
  for (int i = 0; i < maxBins - 1; i++) edges[i] = cats[order[i]];
  out.nBins[c] = maxBins;
  out.otherBin[c] = maxBins - 1;
}

// Sorts doubles (no NaN) ascending, -0 before +0 as JavaScript's Float64Array sort does,
// by an LSD radix sort on order-preserving integer keys: several times faster than
// std::sort at the sample sizes binning uses (up to 200,000 values per column). Digits of
// 11 bits: 2,048 buckets per pass keep the scatter's write streams in cache (16-bit digits
// took twice as long at 100,000 values); a pass's counts come from one read of the keys,
// and a pass whose digit every key shares is skipped.
//
// The top 31 bits (sign, exponent and 20 bits of mantissa) first, in three passes: values
// of a continuous feature rarely share them, and the few runs of keys that do are sorted
// on their own. Only when such runs hold more than an eighth of the keys (values packed
// within a millionth of each other) do the three low passes run over all of them.
//
// The key buffers are the caller's, kept from column to column: fresh ones cost a page
// fault per 4 KiB on every column (the allocator hands memory this size back to the system
// when it is freed), more than the sort itself.
struct RadixScratch {
  std::vector<uint64_t> keys, buffer;
};

namespace radix {
constexpr int kBits = 11;
constexpr uint64_t kMask = (uint64_t{1} << kBits) - 1;
constexpr int kHighShift = 33;  // passes 3 to 5 sort bits 33..63

// Stable passes over the digits at shifts from, from + 11, ... below `to`.
void passes(std::vector<uint64_t>& keys, std::vector<uint64_t>& buffer, int from, int to) {
  const size_t n = keys.size();
  const int nPasses = (to - from + kBits - 1) / kBits;
  std::vector<uint32_t> counts(static_cast<size_t>(nPasses) << kBits, 0);
  for (uint64_t k : keys)
    for (int p = 0; p < nPasses; p++) counts[(static_cast<size_t>(p) << kBits) + ((k >> (from + p * kBits)) & kMask)]++;
  for (int p = 0; p < nPasses; p++) {
    const int shift = from + p * kBits;
    uint32_t* c = counts.data() + (static_cast<size_t>(p) << kBits);
    if (c[(keys[0] >> shift) & kMask] == n) continue;  // every key shares this digit
    uint32_t sum = 0;
    for (size_t d = 0; d <= kMask; d++) {
      const uint32_t c0 = c[d];
      c[d] = sum;
      sum += c0;
    }
    for (uint64_t k : keys) buffer[c[(k >> shift) & kMask]++] = k;
    keys.swap(buffer);
  }
}
}  // namespace radix

void radixSortDoubles(std::vector<double>& values, RadixScratch& scratch) {
  const size_t n = values.size();
  if (n < 256) {
    std::sort(values.begin(), values.end(), [](double a, double b) {
      return a < b || (a == b && std::signbit(a) && !std::signbit(b));
    });
    return;
  }
  std::vector<uint64_t>& keys = scratch.keys;
  std::vector<uint64_t>& buffer = scratch.buffer;
  keys.resize(n);
  buffer.resize(n);
  for (size_t i = 0; i < n; i++) {
    uint64_t u;
    std::memcpy(&u, &values[i], sizeof u);
    keys[i] = (u >> 63) ? ~u : (u | (uint64_t{1} << 63));
  }
  radix::passes(keys, buffer, radix::kHighShift, 64);
  // runs of keys that share the top bits but not all of them: sorted on their own, unless
  // there are too many such keys
  size_t unsorted = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    bool differ = false;
    while (j < n && (keys[j] >> radix::kHighShift) == (keys[i] >> radix::kHighShift)) {
      differ = differ || keys[j] != keys[i];
      j++;
    }
    if (differ) unsorted += j - i;
    i = j;
  }
  if (unsorted * 8 > n) {
    radix::passes(keys, buffer, 0, 64);
  } else if (unsorted > 0) {
    for (size_t i = 0; i < n;) {
      size_t j = i + 1;
      while (j < n && (keys[j] >> radix::kHighShift) == (keys[i] >> radix::kHighShift)) j++;
      if (j - i > 1) std::sort(keys.begin() + i, keys.begin() + j);
      i = j;
    }
  }
  for (size_t i = 0; i < n; i++) {
    const uint64_t k = keys[i];
    const uint64_t u = (k >> 63) ? (k & ~(uint64_t{1} << 63)) : ~k;
    std::memcpy(&values[i], &u, sizeof u);
  }
}

// The bin of a numeric value whose lower bound is `pos`: NaN compares false everywhere
// (pos 0), so it is redirected to the missing bin without a branch.
inline uint8_t finishBin(unsigned pos, double v) {
  const unsigned missing = -static_cast<unsigned>(v != v);
  return static_cast<uint8_t>((pos & ~missing) | (kMissingBin & missing));
}

}  // namespace

void sampleIndices(int64_t n, int64_t k, uint32_t seed, int32_t* out) {
  std::vector<int32_t> pool(n);
  std::iota(pool.begin(), pool.end(), 0);
  uint32_t state = seed;
  for (int64_t i = 0; i < k; i++) {
    const double u = static_cast<double>(mulberry32Next(state)) / 4294967296.0;
    const int64_t j = i + static_cast<int64_t>(std::floor(u * static_cast<double>(n - i)));
    std::swap(pool[i], pool[j]);
  }
  std::copy(pool.begin(), pool.begin() + k, out);
}

void fitBinEdges(const double* data, int64_t nRows, const int32_t* rows, int64_t nSample, int maxBins,
                 BinEdgesView edges, int nThreads) {
  parallelFor(edges.nCols, nThreads, [&](int c) {
    const double* col = data + static_cast<int64_t>(c) * nRows;
    // each thread's buffers, reused for every column it sorts; filled through a plain
    // pointer (in a shared library each use of a thread_local may be a call to find it)
    thread_local std::vector<double> tlsValues;
    thread_local RadixScratch tlsScratch;
    std::vector<double>& values = tlsValues;
    RadixScratch& scratch = tlsScratch;
    values.resize(static_cast<size_t>(nSample));
    double* out = values.data();
    size_t m = 0;
    for (int64_t i = 0; i < nSample; i++) {
      const double v = col[rows ? rows[i] : i];
      out[m] = v;
      m += !std::isnan(v);
    }
    values.resize(m);
    radixSortDoubles(values, scratch);
    if (edges.categorical[c]) {
      fitCategorical(values, maxBins, edges, c);
    } else {
      fitNumeric(values, maxBins, edges, c);
    }
  });
}

// Below this many cells a thread costs more to start (tens of microseconds) than the work.
constexpr int64_t kMinCellsPerThread = 1 << 16;

void applyBins(const double* data, int64_t nRows, BinEdgesView binning, uint8_t* out, int nThreads) {
  const int64_t cells = nRows * binning.nCols;
  const int threads = cells < kMinCellsPerThread ? 1 : nThreads;
  parallelFor(binning.nCols, threads, [&](int c) {
    const double* col = data + static_cast<int64_t>(c) * nRows;
    uint8_t* dst = out + static_cast<int64_t>(c) * nRows;
    const double* edges = binning.edges + static_cast<int64_t>(c) * kMaxValueBins;
    const int nBins = binning.nBins[c];
    const int other = binning.otherBin[c];
    if (binning.categorical[c]) {
      const int nEdges = nBins - (other >= 0 ? 1 : 0);
      const uint8_t unseen = static_cast<uint8_t>(other >= 0 ? other : kMissingBin);
      for (int64_t r = 0; r < nRows; r++) {
        const double v = col[r];
        if (std::isnan(v)) {
          dst[r] = kMissingBin;
          continue;
        }
        const double* it = std::lower_bound(edges, edges + nEdges, v);
        dst[r] = (it != edges + nEdges && *it == v) ? static_cast<uint8_t>(it - edges) : unseen;
      }
      return;
    }
    // Numeric: a branchless lower bound over the edges padded with +inf to a power of
    // two, so every value takes the same 8 steps and the loop pipelines.
    const int nEdges = std::max(nBins - 1, 0);
    double padded[256];
    for (int i = 0; i < 256; i++) {
      padded[i] = i < nEdges ? edges[i] : std::numeric_limits<double>::infinity();
    }
    // Four values at a time through the same eight search steps: their dependency
    // chains are independent, so the core overlaps them.
    int64_t r = 0;
    for (; r + 4 <= nRows; r += 4) {
      const double v0 = col[r], v1 = col[r + 1], v2 = col[r + 2], v3 = col[r + 3];
      unsigned p0 = 0, p1 = 0, p2 = 0, p3 = 0;
      for (unsigned step = 128; step > 0; step >>= 1) {
        p0 += step & -static_cast<unsigned>(padded[p0 + step - 1] < v0);
        p1 += step & -static_cast<unsigned>(padded[p1 + step - 1] < v1);
        p2 += step & -static_cast<unsigned>(padded[p2 + step - 1] < v2);
        p3 += step & -static_cast<unsigned>(padded[p3 + step - 1] < v3);
      }
      dst[r] = finishBin(p0, v0);
      dst[r + 1] = finishBin(p1, v1);
      dst[r + 2] = finishBin(p2, v2);
      dst[r + 3] = finishBin(p3, v3);
    }
    for (; r < nRows; r++) {
      const double v = col[r];
      unsigned p = 0;
      for (unsigned step = 128; step > 0; step >>= 1) p += step & -static_cast<unsigned>(padded[p + step - 1] < v);
      dst[r] = finishBin(p, v);
    }
  });
}

void countBins(const uint8_t* bins, int64_t nRows, int nCols, double* out) {
  for (int c = 0; c < nCols; c++) {
    // four partial counts: consecutive rows of the same bin do not wait on each other
    int64_t n[4][256] = {};
    const uint8_t* col = bins + static_cast<int64_t>(c) * nRows;
    int64_t r = 0;
    for (; r + 4 <= nRows; r += 4) {
      n[0][col[r]]++;
      n[1][col[r + 1]]++;
      n[2][col[r + 2]]++;
      n[3][col[r + 3]]++;
    }
    for (; r < nRows; r++) n[0][col[r]]++;
    for (int b = 0; b < 256; b++) out[c * 256 + b] = static_cast<double>(n[0][b] + n[1][b] + n[2][b] + n[3][b]);
  }
}

}  // namespace mlsweep
