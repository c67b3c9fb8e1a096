// Dense kernels of the linear models: the logistic objective and its gradient, the
// products X·Wᵀ + b and Rᵀ·X, and coordinate descent for the elastic net. X is
// column-major (n rows, p columns) as everywhere in mlsweep. Sums over rows run in
// fixed blocks reduced in block order, so results do not depend on the thread count.
#pragma once
#include <cstdint>

namespace mlsweep {

// Rows per block of the row-parallel kernels; the TypeScript kernels use the same.
constexpr int64_t kLinearBlock = 2048;

// theta: K x p coefficients (row-major) then K intercepts. y: class index per row
// (0/1 when K == 1: binary, sigmoid; else softmax over K classes). w: weight per row.
// Writes the gradient (same layout as theta) and returns sum_i w_i * loss_i.
double logisticObjective(const double* X, int64_t n, int p, int K, const int32_t* y, const double* w,
                         const double* theta, double* grad, int nThreads);

// out (n x K, column-major) = X · coefᵀ + intercept, theta laid out as above.
void linearScores(const double* X, int64_t n, int p, int K, const double* theta, double* out, int nThreads);

// out (K x p, row-major) = Rᵀ · X, R being n x K column-major.
void transposeProduct(const double* X, int64_t n, int p, int K, const double* R, double* out, int nThreads);

struct CdResult {
  int nIter;
  double gap;
};

// scikit-learn's enet_coordinate_descent: minimizes 0.5 ||y - Xw||² + alpha ||w||_1 +
// 0.5 beta ||w||², cyclic updates from the given w (warm start), stopping on the
// duality gap (tol scaled by ||y||²) once the largest update is below tol.
CdResult enetCoordinateDescent(const double* X, int64_t n, int p, const double* y, double* w, double alpha,
                               double beta, int maxIter, double tol);

}  // namespace mlsweep
