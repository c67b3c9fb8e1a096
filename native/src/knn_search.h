// Exact k-nearest-neighbour search by brute force over blocks of queries x training
// rows, both column-major, so the inner loop streams one feature of a training block.
#pragma once
#include <cstdint>

namespace mlsweep {

constexpr int kMetricEuclidean = 0;
constexpr int kMetricManhattan = 1;
constexpr int kMetricCosine = 2;

// Writes, per query, the k nearest training rows (index and distance), nearest first,
// ties broken by the lower training index. Cosine distance is 1 - cos, and 1 where a
// vector has norm 0 (as scikit-learn's cosine_distances).
void knnSearch(const double* X, int64_t nTrain, const double* Q, int64_t nQuery, int p, int k, int metric,
               int32_t* outIndex, double* outDist, int nThreads);

}  // namespace mlsweep
