// Histogram tree grower (LightGBM's method on the bins of binning.cc). The rules are
// documented in src/compute/kernels/trees/grow-params.ts; src/compute/kernels/trees/js/grow.ts
// implements the same steps in the same order, so both backends grow the same trees.
#pragma once
#include <cstdint>
#include <vector>

namespace mlsweep {

constexpr int kModeGradient = 0;
constexpr int kModeGini = 1;
constexpr int kModeEntropy = 2;
constexpr int kModeAbsolute = 3;  // grad holds targets, hess weights (tree_median_split.h)

// mulberry32, step for step as src/compute/rng.ts (and sampleIndices in binning.cc).
struct Mulberry32 {
  uint32_t state;
  explicit Mulberry32(uint32_t seed) : state(seed) {}
  uint32_t next() {
    state += 0x6d2b79f5u;
    uint32_t t = state;
    t = (t ^ (t >> 15)) * (t | 1u);
    t ^= t + (t ^ (t >> 7)) * (t | 61u);
    return t ^ (t >> 14);
  }
  // A double in [0, 1): next() / 2^32, as the TypeScript divides.
  double uniform() { return next() / 4294967296.0; }
};

struct GrowParams {
  int mode = kModeGradient;
  int nClasses = 1;
  int maxDepth = 0;
  int maxLeaves = 0;
  double minSamplesSplit = 2;
  double minSamplesLeaf = 1;
  double minChildWeight = 0;
  double minGain = 0;
  double lambdaL1 = 0;
  double lambdaL2 = 0;
  int maxFeatures = 0;
  bool randomSplits = false;
  uint32_t seed = 0;
};

// Reads the Float64Array written by packGrowParams() in grow-params.ts.
GrowParams unpackGrowParams(const double* p);

struct GrowData {
  const uint8_t* bins;  // column-major nRows x nCols
  int64_t nRows;
  int nCols;
  const int32_t* nBins;
  const uint8_t* categorical;
  const double* grad;   // gradient mode: gradients; absolute mode: targets
  const double* hess;   // gradient mode: hessians; class and absolute modes: weights
  const int32_t* label; // class modes
  const int32_t* rows;  // ascending
  int64_t nUsedRows;
  const int32_t* features;  // ascending
  int nFeatures;
  int nThreads;  // features in parallel when building histograms
  // gradient mode, optional: rows per bin value of each column over all nRows rows
  // (countBins, nCols x 256), the same for every tree of a fit. With it, a root on every row
  // adds only (g, h) pairs (tree_grow_kernels.h's rootPairs) and takes the counts from here.
  const double* binCounts = nullptr;
  // optional: the columns' value edges (BinEdges.edges, nCols x 255), for extra trees'
  // thresholds drawn in value space (tree_random_split.h); without them, over bins
  const double* edges = nullptr;
};

struct Tree {
  int nOut = 1;
  std::vector<int32_t> feature, threshold, left, right, catIndex;
  std::vector<uint8_t> missingLeft;
  std::vector<uint32_t> catBits;
  std::vector<double> value, gain, cover;
  int nNodes() const { return static_cast<int>(feature.size()); }
};

// Grows one tree; fills leafOfRow[r] for the rows it was grown on when leafOfRow is given.
void growTree(const GrowData& data, const GrowParams& params, Tree& out, int32_t* leafOfRow);

// Leaf reached by row r of a column-major bin matrix.
inline int leafOf(const Tree& t, const uint8_t* bins, int64_t nRows, int64_t r) {
  int node = 0;
  for (int f = t.feature[0]; f >= 0; f = t.feature[node]) {
    int b = bins[f * nRows + r];
    int ci = t.catIndex[node];
    bool goLeft = ci >= 0 ? ((t.catBits[ci * 8 + (b >> 5)] >> (b & 31)) & 1u) != 0
                          : (b == 255 ? t.missingLeft[node] != 0 : b <= t.threshold[node]);
    node = goLeft ? t.left[node] : t.right[node];
  }
  return node;
}

}  // namespace mlsweep
