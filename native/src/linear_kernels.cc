#include "linear_kernels.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "parallel.h"

namespace mlsweep {
namespace {

int blockCount(int64_t n) { return static_cast<int>((n + kLinearBlock - 1) / kLinearBlock); }

// z (len x K, column-major within the block) = X[r0 .. r0+len) · coefᵀ + intercept.
void blockScores(const double* X, int64_t n, int p, int K, const double* theta, int64_t r0, int64_t len,
                 double* z) {
  for (int k = 0; k < K; k++) {
    double* zk = z + k * len;
    const double b = theta[static_cast<int64_t>(K) * p + k];
    for (int64_t i = 0; i < len; i++) zk[i] = b;
    for (int j = 0; j < p; j++) {
      const double c = theta[static_cast<int64_t>(k) * p + j];
      if (c == 0.0) continue;
      const double* xj = X + j * n + r0;
      for (int64_t i = 0; i < len; i++) zk[i] += xj[i] * c;
    }
  }
}

// g (K x (p+1)) += Rᵀ X over the block; r is len x K column-major.
void blockGradient(const double* X, int64_t n, int p, int K, int64_t r0, int64_t len, const double* r,
                   double* g) {
  for (int k = 0; k < K; k++) {
    const double* rk = r + k * len;
    for (int j = 0; j < p; j++) {
      const double* xj = X + j * n + r0;
      double s = 0;
      for (int64_t i = 0; i < len; i++) s += xj[i] * rk[i];
      g[static_cast<int64_t>(k) * p + j] += s;
    }
    double s = 0;
    for (int64_t i = 0; i < len; i++) s += rk[i];
    g[static_cast<int64_t>(K) * p + k] += s;
  }
}

// Turns the scores of a block into residuals (dloss/dz, weighted) and returns the loss.
double blockLoss(int K, int64_t len, const int32_t* y, const double* w, double* z) {
  double loss = 0;
  if (K == 1) {
    for (int64_t i = 0; i < len; i++) {
      const double zi = z[i];
      const double yi = y[i];
      // One exp serves both the loss log(1 + e^z) and the probability, stably for any z.
      const double e = std::exp(-std::fabs(zi));
      loss += w[i] * ((zi > 0 ? zi : 0.0) + std::log1p(e) - yi * zi);
      const double prob = zi >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
      z[i] = w[i] * (prob - yi);
    }
    return loss;
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
  parallelFor(nb, nThreads, [&](int b) {
    const int64_t r0 = b * kLinearBlock;
    const int64_t len = std::min(kLinearBlock, n - r0);
    std::vector<double> z(static_cast<size_t>(len) * K);
    blockScores(X, n, p, K, theta, r0, len, z.data());
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
  parallelFor(blockCount(n), nThreads, [&](int b) {
    const int64_t r0 = b * kLinearBlock;
    const int64_t len = std::min(kLinearBlock, n - r0);
    std::vector<double> z(static_cast<size_t>(len) * K);
    blockScores(X, n, p, K, theta, r0, len, z.data());
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
