// Extra trees' random draws, shared by the histogram grower and the absolute-error
// search: the counterpart of src/compute/kernels/trees/js/random-splits.ts, draw for draw.
#pragma once
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "tree_grow.h"

namespace mlsweep {

// Extra trees' threshold bin on a numeric feature: with the column's value edges, a value
// drawn uniformly between the node's outer edges, in the last bin whose upper edge it
// reaches; without them (or an infinite span), a bin drawn uniformly in [lowest, highest)
// of the nv value slots present (ascending). random-splits.ts says why.
inline int randomThresholdBin(const int32_t* present, int nv, Mulberry32& rng, const double* edges) {
  const int lo = present[0];
  if (nv < 2) return lo;
  const int hi = present[nv - 1];
  const double r = rng.uniform();
  if (edges != nullptr) {
    const double low = edges[lo];
    const double span = edges[hi - 1] - low;
    if (std::isfinite(span)) {
      const double u = low + r * span;
      int t = lo;
      while (t + 1 < hi && edges[t + 1] <= u) t++;
      return t;
    }
  }
  return lo + static_cast<int>(std::floor(r * (hi - lo)));
}

// Column f's value edges in GrowData::edges, or null.
inline const double* columnEdges(const GrowData& d, int f) {
  return d.edges != nullptr ? d.edges + static_cast<size_t>(f) * 255 : nullptr;
}

// Shuffles order and returns how many of its first categories go left, in [1, size).
inline int randomCategoryCut(std::vector<int32_t>& order, Mulberry32& rng) {
  const int m = static_cast<int>(order.size());
  for (int i = 0; i < m - 1; i++) {
    const int j = i + static_cast<int>(std::floor(rng.uniform() * (m - i)));
    std::swap(order[i], order[j]);
  }
  return 1 + static_cast<int>(std::floor(rng.uniform() * (m - 1)));
}

}  // namespace mlsweep
