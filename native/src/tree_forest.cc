// Forests and ensemble prediction: the counterpart of src/compute/kernels/trees/js/forest.ts.
#include "tree_forest.h"

#include <algorithm>
#include <cmath>

#include "parallel.h"

namespace mlsweep {
namespace {

// balanceDraw of src/compute/kernels/trees/js/forest.ts: the draw's balanced class weights.
void balanceDraw(std::vector<double>& w, const std::vector<int32_t>& counts, const int32_t* label, int nClasses,
                 int64_t drawn) {
  std::vector<double> perClass(nClasses, 0.0);
  for (size_t r = 0; r < counts.size(); r++) perClass[label[r]] += counts[r];
  int present = 0;
  for (int k = 0; k < nClasses; k++)
    if (perClass[k] > 0) present++;
  for (int k = 0; k < nClasses; k++)
    perClass[k] = perClass[k] > 0 ? static_cast<double>(drawn) / (present * perClass[k]) : 0.0;
  for (size_t r = 0; r < w.size(); r++) w[r] *= perClass[label[r]];
}

}  // namespace

void growForest(const ForestArgs& a, std::vector<Tree>& trees) {
  const int64_t n = a.data.nRows;
  trees.assign(a.nTrees, Tree());
  std::vector<uint32_t> seeds(a.nTrees);
  Mulberry32 master(a.seed);
  for (int t = 0; t < a.nTrees; t++) seeds[t] = master.next();
  const bool oob = a.oobSum != nullptr && a.bootstrapSamples > 0;
  std::vector<std::vector<uint8_t>> inBag(oob ? a.nTrees : 0);
  const bool gradient = a.params.mode == kModeGradient;
  const bool absolute = a.params.mode == kModeAbsolute;
  const int threads = std::min(resolveThreads(a.data.nThreads), std::max(a.nTrees, 1));
  parallelFor(a.nTrees, threads, [&](int t) {
    Mulberry32 rng(seeds[t]);
    std::vector<double> w(a.weight, a.weight + n);
    if (a.bootstrapSamples > 0) {
      std::vector<int32_t> counts(n, 0);
      for (int64_t i = 0; i < a.bootstrapSamples; i++) {
        counts[static_cast<int64_t>(std::floor(rng.uniform() * static_cast<double>(n)))]++;
      }
      for (int64_t r = 0; r < n; r++) w[r] *= counts[r];
      if (a.balancedSubsample) balanceDraw(w, counts, a.data.label, a.params.nClasses, a.bootstrapSamples);
      if (oob) {
        inBag[t].resize(n);
        for (int64_t r = 0; r < n; r++) inBag[t][r] = counts[r] > 0 ? 1 : 0;
      }
    }
    std::vector<int32_t> rows;
    rows.reserve(n);
    for (int64_t r = 0; r < n; r++)
      if (w[r] > 0) rows.push_back(static_cast<int32_t>(r));
    std::vector<double> grad;
    if (gradient) {
      grad.resize(n);
      for (int64_t r = 0; r < n; r++) grad[r] = -w[r] * a.target[r];
    }
    GrowParams p = a.params;
    p.seed = rng.next();
    GrowData d = a.data;
    d.rows = rows.data();
    d.nUsedRows = static_cast<int64_t>(rows.size());
    d.grad = gradient ? grad.data() : (absolute ? a.target : nullptr);
    d.hess = w.data();
    d.nThreads = 1;
    growTree(d, p, trees[t], nullptr);
  });
  if (!oob) return;
  const int nOut = trees.empty() ? 1 : trees[0].nOut;
  const int64_t chunk = 4096;
  const int nChunks = static_cast<int>((n + chunk - 1) / chunk);
  parallelFor(nChunks, a.data.nThreads, [&](int c) {
    const int64_t end = std::min(n, (c + 1) * chunk);
    for (int t = 0; t < a.nTrees; t++) {
      const Tree& tree = trees[t];
      for (int64_t r = c * chunk; r < end; r++) {
        if (inBag[t][r] || !(a.weight[r] > 0)) continue;
        const int leaf = leafOf(tree, a.data.bins, n, r);
        for (int k = 0; k < nOut; k++) a.oobSum[r * nOut + k] += tree.value[static_cast<size_t>(leaf) * nOut + k];
        a.oobCount[r] += 1;
      }
    }
  });
}

void predictTrees(const uint8_t* bins, int64_t nRows, const std::vector<TreeView>& trees, const double* scales,
                  double* out, int nThreads) {
  const int64_t chunk = 2048;
  const int nChunks = static_cast<int>((nRows + chunk - 1) / chunk);
  parallelFor(nChunks, nThreads, [&](int c) {
    const int64_t begin = c * chunk;
    const int64_t end = std::min(nRows, begin + chunk);
    for (size_t t = 0; t < trees.size(); t++) {
      const TreeView& tree = trees[t];
      const double s = scales[t];
      const int k = tree.nOut;
      for (int64_t r = begin; r < end; r++) {
        const int leaf = leafOfView(tree, bins, nRows, r);
        for (int j = 0; j < k; j++) out[r * k + j] += s * tree.value[static_cast<size_t>(leaf) * k + j];
      }
    }
  });
}

}  // namespace mlsweep
