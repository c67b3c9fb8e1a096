#include "linear_kernels.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "parallel.h"

namespace mlsweep {
namespace {

constexpr double kLn2 = 0.69314718055994530942;

int blockCount(int64_t n) { return static_cast<int>((n + kLinearBlock - 1) / kLinearBlock); }

// z (len x K, column-major within the block) = X[r0 .. r0+len) · coefᵀ + intercept, over
// the columns usedColumns lists.
// Each z[i] receives b, then x_j[i]·c_j for j in order (columns with c_j = 0 skipped):
// the TypeScript's order. Four columns per pass keep z[i] in a register meanwhile, which
// rounds the same as four passes.
// The columns of non-zero coefficient of each of the K outputs, found once per call.
std::vector<std::vector<int>> usedColumns(int p, int K, const double* theta) {
  std::vector<std::vector<int>> used(K);
  for (int k = 0; k < K; k++) {
    const double* coef = theta + static_cast<int64_t>(k) * p;
    for (int j = 0; j < p; j++)
      if (coef[j] != 0.0) used[k].push_back(j);
  }
  return used;
}

void blockScores(const double* X, int64_t n, int p, int K, const double* theta,
                 const std::vector<std::vector<int>>& usedOf, int64_t r0, int64_t len, double* z) {
  for (int k = 0; k < K; k++) {
    double* zk = z + k * len;
    const double* coef = theta + static_cast<int64_t>(k) * p;
    const double b = theta[static_cast<int64_t>(K) * p + k];
    for (int64_t i = 0; i < len; i++) zk[i] = b;
    const std::vector<int>& used = usedOf[k];
    size_t u = 0;
    for (; u + 4 <= used.size(); u += 4) {
      const double* x0 = X + used[u] * n + r0;
      const double* x1 = X + used[u + 1] * n + r0;
      const double* x2 = X + used[u + 2] * n + r0;
      const double* x3 = X + used[u + 3] * n + r0;
      const double c0 = coef[used[u]], c1 = coef[used[u + 1]], c2 = coef[used[u + 2]], c3 = coef[used[u + 3]];
      for (int64_t i = 0; i < len; i++) {
        double acc = zk[i];
        acc += x0[i] * c0;
        acc += x1[i] * c1;
        acc += x2[i] * c2;
        acc += x3[i] * c3;
        zk[i] = acc;
      }
    }
    for (; u < used.size(); u++) {
      const double* xj = X + used[u] * n + r0;
      const double c = coef[used[u]];
      for (int64_t i = 0; i < len; i++) zk[i] += xj[i] * c;
    }
  }
}

// Σ_i a[i]·b[i] in four interleaved lanes (row i into lane i mod 4), reduced as
// (l0 + l1) + (l2 + l3): independent sums the compiler keeps in vector registers, and
// the order the TypeScript's laneDot uses, so both backends round alike.
inline double laneDot(const double* a, const double* b, int64_t len) {
  double l0 = 0, l1 = 0, l2 = 0, l3 = 0;
  int64_t i = 0;
  for (; i + 4 <= len; i += 4) {
    l0 += a[i] * b[i];
    l1 += a[i + 1] * b[i + 1];
    l2 += a[i + 2] * b[i + 2];
    l3 += a[i + 3] * b[i + 3];
  }
  if (i < len) l0 += a[i] * b[i];
  if (i + 1 < len) l1 += a[i + 1] * b[i + 1];
  if (i + 2 < len) l2 += a[i + 2] * b[i + 2];
  return (l0 + l1) + (l2 + l3);
}

// Σ_i a[i], in the lanes of laneDot.
inline double laneSum(const double* a, int64_t len) {
  double l0 = 0, l1 = 0, l2 = 0, l3 = 0;
  int64_t i = 0;
  for (; i + 4 <= len; i += 4) {
    l0 += a[i];
    l1 += a[i + 1];
    l2 += a[i + 2];
    l3 += a[i + 3];
  }
  if (i < len) l0 += a[i];
  if (i + 1 < len) l1 += a[i + 1];
  if (i + 2 < len) l2 += a[i + 2];
  return (l0 + l1) + (l2 + l3);
}

// g (K x (p+1)) += Rᵀ X over the block; r is len x K column-major.
void blockGradient(const double* X, int64_t n, int p, int K, int64_t r0, int64_t len, const double* r,
                   double* g) {
  for (int k = 0; k < K; k++) {
    const double* rk = r + k * len;
    for (int j = 0; j < p; j++) g[static_cast<int64_t>(k) * p + j] += laneDot(X + j * n + r0, rk, len);
    g[static_cast<int64_t>(K) * p + k] += laneSum(rk, len);
  }
}

// log1p(e) for 0 <= e < 2^-10 by its series to e^6: the first term left out is below
// 2^-70 · e, so this is log1p to rounding, without a call into libm.
inline double log1pSmall(double e) {
  return e * (1.0 - e * (1.0 / 2 - e * (1.0 / 3 - e * (1.0 / 4 - e * (1.0 / 5 - e * (1.0 / 6))))));
}

// Turns the scores of a block into residuals (dloss/dz, weighted) and returns the loss.
// Binary: the loss of a row is max(z, 0) - y·z + log1p(e), e = exp(-|z|) in (0, 1]. The
// log1p terms of rows of equal weight are gathered as one product of (1 + e), scaled by
// exact powers of two to stay finite, and its log taken once per block: a libm call per
// row was a quarter of the objective's time. Rows with e < 2^-10 (confident ones, where
// 1 + e would lose e's digits) take the series instead, and rows of another weight
// log1p. products.ts's logLossResiduals takes the same steps.
double blockLoss(int K, int64_t len, const int32_t* y, const double* w, double* z) {
  double loss = 0;
  if (K == 1) {
    const double wProduct = len > 0 ? w[0] : 0.0;
    double linear = 0, small = 0, other = 0, product = 1;
    int scaled = 0;
    for (int64_t i = 0; i < len; i++) {
      const double zi = z[i];
      const double yi = y[i];
      const double wi = w[i];
      // One exp serves both the loss log(1 + e^z) and the probability, stably for any z.
      const double e = std::exp(-std::fabs(zi));
      linear += wi * ((zi > 0 ? zi : 0.0) - yi * zi);
      if (e < 0x1p-10) {
        small += wi * log1pSmall(e);
      } else if (wi == wProduct) {
        product *= 1.0 + e;
        if (product > 0x1p500) {
          product *= 0x1p-500;
          scaled++;
        }
      } else {
        other += wi * std::log1p(e);
      }
      const double prob = zi >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
      z[i] = wi * (prob - yi);
    }
    return linear + small + other + wProduct * (std::log(product) + scaled * (500 * kLn2));
  }
  for (int64_t i = 0; i < len; i++) {
    double m = z[i];
    for (int k = 1; k < K; k++) m = std::max(m, z[k * len + i]);
    double s = 0;
    for (int k = 0; k < K; k++) s += std::exp(z[k * len + i] - m);
    const double lse = m + std::log(s);
    loss += w[i] * (lse - z[y[i] * len + i]);
    for (int k = 0; k < K; k++) {
      const double prob = std::exp(z[k * len + i] - lse);
      z[k * len + i] = w[i] * (prob - (y[i] == k ? 1.0 : 0.0));
    }
  }
  return loss;
}

}  // namespace

double logisticObjective(const double* X, int64_t n, int p, int K, const int32_t* y, const double* w,
                         const double* theta, double* grad, int nThreads) {
  const int nb = blockCount(n);
  const int64_t width = static_cast<int64_t>(K) * (p + 1);
  std::vector<double> partial(static_cast<size_t>(nb) * width, 0.0);
  std::vector<double> losses(nb, 0.0);
  const std::vector<std::vector<int>> used = usedColumns(p, K, theta);
  parallelFor(nb, nThreads, [&](int b) {
    const int64_t r0 = b * kLinearBlock;
    const int64_t len = std::min(kLinearBlock, n - r0);
    std::vector<double> z(static_cast<size_t>(len) * K);
    blockScores(X, n, p, K, theta, used, r0, len, z.data());
    losses[b] = blockLoss(K, len, y + r0, w + r0, z.data());
    blockGradient(X, n, p, K, r0, len, z.data(), partial.data() + b * width);
  });
  double loss = 0;
  std::fill(grad, grad + width, 0.0);
  for (int b = 0; b < nb; b++) {
    loss += losses[b];
    for (int64_t t = 0; t < width; t++) grad[t] += partial[b * width + t];
  }
  return loss;
}

void linearScores(const double* X, int64_t n, int p, int K, const double* theta, double* out, int nThreads) {
  const std::vector<std::vector<int>> used = usedColumns(p, K, theta);
  parallelFor(blockCount(n), nThreads, [&](int b) {
    const int64_t r0 = b * kLinearBlock;
    const int64_t len = std::min(kLinearBlock, n - r0);
    std::vector<double> z(static_cast<size_t>(len) * K);
    blockScores(X, n, p, K, theta, used, r0, len, z.data());
    for (int k = 0; k < K; k++) std::copy(z.data() + k * len, z.data() + (k + 1) * len, out + k * n + r0);
  });
}

void transposeProduct(const double* X, int64_t n, int p, int K, const double* R, double* out, int nThreads) {
  const int nb = blockCount(n);
  const int64_t width = static_cast<int64_t>(K) * (p + 1);
  std::vector<double> partial(static_cast<size_t>(nb) * width, 0.0);
  parallelFor(nb, nThreads, [&](int b) {
    const int64_t r0 = b * kLinearBlock;
    const int64_t len = std::min(kLinearBlock, n - r0);
    std::vector<double> r(static_cast<size_t>(len) * K);
    for (int k = 0; k < K; k++) std::copy(R + k * n + r0, R + k * n + r0 + len, r.data() + k * len);
    blockGradient(X, n, p, K, r0, len, r.data(), partial.data() + b * width);
  });
  std::fill(out, out + static_cast<int64_t>(K) * p, 0.0);
  for (int b = 0; b < nb; b++) {
    for (int64_t t = 0; t < static_cast<int64_t>(K) * p; t++) out[t] += partial[b * width + t];
  }
}

CdResult enetCoordinateDescent(const double* X, int64_t n, int p, const double* y, double* w, double alpha,
                               double beta, int maxIter, double tol) {
  std::vector<double> norm(p, 0.0), R(y, y + n);
  for (int j = 0; j < p; j++) {
    const double* xj = X + j * n;
    double s = 0;
    for (int64_t i = 0; i < n; i++) s += xj[i] * xj[i];
    norm[j] = s;
    if (w[j] != 0) {
      for (int64_t i = 0; i < n; i++) R[i] -= w[j] * xj[i];
    }
  }
  double yy = 0;
  for (int64_t i = 0; i < n; i++) yy += y[i] * y[i];
  const double gapTol = tol * yy;
  CdResult result{maxIter, INFINITY};
  for (int iter = 0; iter < maxIter; iter++) {
    double wMax = 0, dwMax = 0;
    for (int j = 0; j < p; j++) {
      if (norm[j] == 0) continue;
      const double* xj = X + j * n;
      const double old = w[j];
      if (old != 0) {
        for (int64_t i = 0; i < n; i++) R[i] += old * xj[i];
      }
      double t = 0;
      for (int64_t i = 0; i < n; i++) t += xj[i] * R[i];
      const double mag = std::max(std::fabs(t) - alpha, 0.0);
      w[j] = (t < 0 ? -mag : mag) / (norm[j] + beta);
      if (w[j] != 0) {
        for (int64_t i = 0; i < n; i++) R[i] -= w[j] * xj[i];
      }
      dwMax = std::max(dwMax, std::fabs(w[j] - old));
      wMax = std::max(wMax, std::fabs(w[j]));
    }
    if (wMax == 0 || dwMax / wMax < tol || iter == maxIter - 1) {
      double dualNorm = 0, rNorm2 = 0, wNorm2 = 0, l1 = 0, ry = 0;
      for (int j = 0; j < p; j++) {
        const double* xj = X + j * n;
        double s = 0;
        for (int64_t i = 0; i < n; i++) s += xj[i] * R[i];
        dualNorm = std::max(dualNorm, std::fabs(s - beta * w[j]));
        wNorm2 += w[j] * w[j];
        l1 += std::fabs(w[j]);
      }
      for (int64_t i = 0; i < n; i++) {
        rNorm2 += R[i] * R[i];
        ry += R[i] * y[i];
      }
      double c = 1, gap;
      if (dualNorm > alpha) {
        c = alpha / dualNorm;
        gap = 0.5 * (rNorm2 + rNorm2 * c * c);
      } else {
        gap = rNorm2;
      }
      gap += alpha * l1 - c * ry + 0.5 * beta * (1 + c * c) * wNorm2;
      result = {iter + 1, gap};
      if (gap < gapTol) break;
    }
  }
  return result;
}

}  // namespace mlsweep
