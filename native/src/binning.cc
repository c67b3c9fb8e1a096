#include "binning.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
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
    std::vector<double> values;
    values.reserve(nSample);
    for (int64_t i = 0; i < nSample; i++) {
      const double v = col[rows ? rows[i] : i];
      if (!std::isnan(v)) values.push_back(v);
    }
    std::sort(values.begin(), values.end());
    if (edges.categorical[c]) {
      fitCategorical(values, maxBins, edges, c);
    } else {
      fitNumeric(values, maxBins, edges, c);
    }
  });
}

void applyBins(const double* data, int64_t nRows, BinEdgesView binning, uint8_t* out, int nThreads) {
  parallelFor(binning.nCols, nThreads, [&](int c) {
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
    for (int64_t r = 0; r < nRows; r++) {
      const double v = col[r];
      int pos = 0;
      for (int step = 128; step > 0; step >>= 1) pos += (padded[pos + step - 1] < v) ? step : 0;
      dst[r] = std::isnan(v) ? kMissingBin : static_cast<uint8_t>(pos);
    }
  });
}

}  // namespace mlsweep
