// Extra trees' random draws, shared by the histogram grower and the absolute-error
// search: the counterpart of src/compute/kernels/trees/js/random-splits.ts, draw for draw.
#pragma once
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "tree_grow.h"

namespace mlsweep {

// A bin drawn uniformly in [lowest, highest) of the nv value slots present (ascending).
inline int randomThresholdBin(const int32_t* present, int nv, Mulberry32& rng) {
  const int lo = present[0];
  if (nv < 2) return lo;
  return lo + static_cast<int>(std::floor(rng.uniform() * (present[nv - 1] - lo)));
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
