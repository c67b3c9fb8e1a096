// Forests (random forests, extra trees) and tree-ensemble prediction on bins. The
// procedure is documented at ForestInput in src/compute/kernels/trees/grow-params.ts;
// src/compute/kernels/trees/js/forest.ts follows the same draws in the same order.
#pragma once
#include <cstdint>
#include <vector>

#include "tree_grow.h"

namespace mlsweep {

struct ForestArgs {
  GrowData data;          // rows/grad/hess are filled per tree
  const double* target;   // gradient mode (regression): y per row
  const double* weight;   // base weight per row (sample weight x class weight)
  GrowParams params;
  int nTrees;
  uint32_t seed;
  int64_t bootstrapSamples;  // 0: every row, unweighted draw otherwise
  bool balancedSubsample;    // class modes with a draw: weigh the draw's classes evenly
  double* oobSum;            // nRows x nOut, or null
  double* oobCount;          // nRows, or null
};

// Grows nTrees trees, trees in parallel on data.nThreads threads.
void growForest(const ForestArgs& a, std::vector<Tree>& trees);

// A tree whose arrays live elsewhere (typed arrays of a JS tree object).
struct TreeView {
  int nOut;
  int64_t nNodes;
  const int32_t *feature, *threshold, *left, *right, *catIndex;
  const uint8_t* missingLeft;
  const uint32_t* catBits;
  const double* value;
};

// Leaf reached by row r of a column-major bin matrix in a tree read from TypeScript.
inline int leafOfView(const TreeView& t, const uint8_t* bins, int64_t nRows, int64_t r) {
  int node = 0;
  for (int f = t.feature[0]; f >= 0; f = t.feature[node]) {
    const int b = bins[f * nRows + r];
    const int ci = t.catIndex[node];
    const bool goLeft = ci >= 0 ? ((t.catBits[ci * 8 + (b >> 5)] >> (b & 31)) & 1u) != 0
                                : (b == 255 ? t.missingLeft[node] != 0 : b <= t.threshold[node]);
    node = goLeft ? t.left[node] : t.right[node];
  }
  return node;
}

// out[r * nOut + k] += scales[t] * value of the leaf reached by row r in tree t.
void predictTrees(const uint8_t* bins, int64_t nRows, const std::vector<TreeView>& trees, const double* scales,
                  double* out, int nThreads);

}  // namespace mlsweep
