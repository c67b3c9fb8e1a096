#include "knn_search.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "parallel.h"

namespace mlsweep {
namespace {

constexpr int64_t kQueryBlock = 32;
constexpr int64_t kTrainBlock = 2048;

// Keeps the k smallest (distance, index) pairs seen, sorted; candidates arrive in
// increasing index, so an equal distance never displaces an earlier row.
inline void offer(double* dist, int32_t* idx, int k, double d, int32_t i) {
  if (!(d < dist[k - 1])) return;
  int pos = k - 1;
  while (pos > 0 && dist[pos - 1] > d) {
    dist[pos] = dist[pos - 1];
    idx[pos] = idx[pos - 1];
    pos--;
  }
  dist[pos] = d;
  idx[pos] = i;
}

std::vector<double> norms(const double* M, int64_t n, int p) {
  std::vector<double> out(n, 0.0);
  for (int j = 0; j < p; j++) {
    const double* mj = M + j * n;
    for (int64_t i = 0; i < n; i++) out[i] += mj[i] * mj[i];
  }
  for (auto& v : out) v = std::sqrt(v);
  return out;
}

}  // namespace

void knnSearch(const double* X, int64_t nTrain, const double* Q, int64_t nQuery, int p, int k, int metric,
               int32_t* outIndex, double* outDist, int nThreads) {
  std::vector<double> trainNorm, queryNorm;
  if (metric == kMetricCosine) {
    trainNorm = norms(X, nTrain, p);
    queryNorm = norms(Q, nQuery, p);
  }
  const int nBlocks = static_cast<int>((nQuery + kQueryBlock - 1) / kQueryBlock);
  parallelFor(nBlocks, nThreads, [&](int b) {
    const int64_t q0 = b * kQueryBlock;
    const int64_t nq = std::min(kQueryBlock, nQuery - q0);
    std::vector<double> best(static_cast<size_t>(nq) * k, INFINITY);
    std::vector<int32_t> bestIdx(static_cast<size_t>(nq) * k, -1);
    std::vector<double> d(static_cast<size_t>(kTrainBlock));
    for (int64_t t0 = 0; t0 < nTrain; t0 += kTrainBlock) {
      const int64_t nt = std::min(kTrainBlock, nTrain - t0);
      for (int64_t q = 0; q < nq; q++) {
        std::fill(d.begin(), d.begin() + nt, 0.0);
        double* dd = d.data();
        for (int j = 0; j < p; j++) {
          const double* xj = X + j * nTrain + t0;
          const double qj = Q[j * nQuery + q0 + q];
          if (metric == kMetricEuclidean) {
            for (int64_t t = 0; t < nt; t++) {
              const double diff = xj[t] - qj;
              dd[t] += diff * diff;
            }
          } else if (metric == kMetricManhattan) {
            for (int64_t t = 0; t < nt; t++) dd[t] += std::fabs(xj[t] - qj);
          } else {
            for (int64_t t = 0; t < nt; t++) dd[t] += xj[t] * qj;
          }
        }
        if (metric == kMetricCosine) {
          const double qn = queryNorm[q0 + q];
          for (int64_t t = 0; t < nt; t++) {
            const double denom = qn * trainNorm[t0 + t];
            dd[t] = denom == 0 ? 1.0 : 1.0 - dd[t] / denom;
          }
        }
        double* bq = best.data() + q * k;
        int32_t* iq = bestIdx.data() + q * k;
        for (int64_t t = 0; t < nt; t++) offer(bq, iq, k, dd[t], static_cast<int32_t>(t0 + t));
      }
    }
    for (int64_t q = 0; q < nq; q++) {
      for (int r = 0; r < k; r++) {
        const double v = best[q * k + r];
        outDist[(q0 + q) * k + r] = metric == kMetricEuclidean ? std::sqrt(v) : v;
        outIndex[(q0 + q) * k + r] = bestIdx[q * k + r];
      }
    }
  });
}

}  // namespace mlsweep
