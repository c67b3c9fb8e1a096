#include "knn_search.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "parallel.h"

namespace mlsweep {
namespace {

constexpr int64_t kQueryBlock = 32;
constexpr int64_t kTrainBlock = 2048;
constexpr int64_t kLanes = 4;

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
    std::vector<double> d(static_cast<size_t>(kTrainBlock) * kLanes);
    for (int64_t t0 = 0; t0 < nTrain; t0 += kTrainBlock) {
      const int64_t nt = std::min(kTrainBlock, nTrain - t0);
      // Four queries per pass over the block: each training value loaded serves four
      // distance rows, which quarters the traffic from cache.
      for (int64_t q = 0; q < nq; q += kLanes) {
        const int lanes = static_cast<int>(std::min<int64_t>(kLanes, nq - q));
        std::fill(d.begin(), d.end(), 0.0);
        double* d0 = d.data();
        double* d1 = d0 + kTrainBlock;
        double* d2 = d1 + kTrainBlock;
        double* d3 = d2 + kTrainBlock;
        for (int j = 0; j < p; j++) {
          const double* xj = X + j * nTrain + t0;
          const double* qj = Q + j * nQuery + q0 + q;
          const double qa = qj[0], qb = lanes > 1 ? qj[1] : 0, qc = lanes > 2 ? qj[2] : 0, qd = lanes > 3 ? qj[3] : 0;
          if (metric == kMetricEuclidean) {
            for (int64_t t = 0; t < nt; t++) {
              const double x = xj[t];
              d0[t] += (x - qa) * (x - qa);
              d1[t] += (x - qb) * (x - qb);
              d2[t] += (x - qc) * (x - qc);
              d3[t] += (x - qd) * (x - qd);
            }
          } else if (metric == kMetricManhattan) {
            for (int64_t t = 0; t < nt; t++) {
              const double x = xj[t];
              d0[t] += std::fabs(x - qa);
              d1[t] += std::fabs(x - qb);
              d2[t] += std::fabs(x - qc);
              d3[t] += std::fabs(x - qd);
            }
          } else {
            for (int64_t t = 0; t < nt; t++) {
              const double x = xj[t];
              d0[t] += x * qa;
              d1[t] += x * qb;
              d2[t] += x * qc;
              d3[t] += x * qd;
            }
          }
        }
        for (int l = 0; l < lanes; l++) {
          double* dd = d.data() + l * kTrainBlock;
          if (metric == kMetricCosine) {
            const double qn = queryNorm[q0 + q + l];
            for (int64_t t = 0; t < nt; t++) {
              const double denom = qn * trainNorm[t0 + t];
              dd[t] = denom == 0 ? 1.0 : 1.0 - dd[t] / denom;
            }
          }
          double* bq = best.data() + (q + l) * k;
          int32_t* iq = bestIdx.data() + (q + l) * k;
          for (int64_t t = 0; t < nt; t++) offer(bq, iq, k, dd[t], static_cast<int32_t>(t0 + t));
        }
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
