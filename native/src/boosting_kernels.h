// Boosting's work in each round outside the tree grower: the binary log loss gradients,
// and adding a tree's leaf values to the scores. The counterpart of
// src/compute/kernels/boosting/js.ts, bit for bit (fdlibm_exp.h for Math.exp).
#pragma once
#include <cstdint>

#include "tree_forest.h"

namespace mlsweep {

// p = 1 / (1 + exp(-F[i])), g[i] = w[i] (p - y[i]), h[i] = w[i] p (1 - p) for i < n:
// eight rows at a time with AVX-512, or four with AVX2, where the CPU has them, each lane
// computing Math.exp's algorithm operation for operation, so the results are those of one
// row at a time.
void logLossGradients(const double* y, const double* F, const double* w, double* g, double* h, int64_t n);

// F[r * nOut + column] += scale * value[leaf of row r] for every row: leafOfRow[r] where
// leafOfRow is given and holds a leaf (>= 0), else the leaf the row reaches in the bins.
// The tree has one output; leafOfRow's entries are below its node count (the caller checks).
void addTreeScores(const TreeView& tree, const int32_t* leafOfRow, const uint8_t* bins, int64_t nRows, double scale,
                   double* F, int nOut, int column);

}  // namespace mlsweep
