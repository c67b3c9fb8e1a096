// N-API bindings of the linear-model and k-NN kernels (linear_kernels.h, knn_search.h).
// Shapes were validated in TypeScript; buffer lengths are re-checked here before any
// pointer is touched.
#include <napi.h>

#include <string>

#include "knn_search.h"
#include "linear_kernels.h"
#include "napi_util.h"

namespace mlsweep {
namespace {

void require(const Napi::CallbackInfo& info, bool ok, const char* what) {
  if (!ok) throw Napi::RangeError::New(info.Env(), std::string(what) + ": buffer sizes do not match the shape");
}

// logisticObjective(X, n, p, K, y, w, theta, grad, nThreads) -> loss
Napi::Value LogisticObjective(const Napi::CallbackInfo& info) {
  size_t xl = 0, yl = 0, wl = 0, tl = 0, gl = 0;
  const double* X = typedData<double>(info, 0, napi_float64_array, "X", &xl);
  const int64_t n = intArg(info, 1);
  const int p = static_cast<int>(intArg(info, 2));
  const int K = static_cast<int>(intArg(info, 3));
  const int32_t* y = typedData<int32_t>(info, 4, napi_int32_array, "y", &yl);
  const double* w = typedData<double>(info, 5, napi_float64_array, "w", &wl);
  const double* theta = typedData<double>(info, 6, napi_float64_array, "theta", &tl);
  double* grad = typedData<double>(info, 7, napi_float64_array, "grad", &gl);
  const size_t width = static_cast<size_t>(K) * (p + 1);
  require(info, K >= 1 && xl == static_cast<size_t>(n) * p && yl == static_cast<size_t>(n) && wl == yl &&
                    tl == width && gl == width,
          "logisticObjective");
  const int nClasses = K == 1 ? 2 : K;
  for (size_t i = 0; i < yl; i++) {
    if (y[i] < 0 || y[i] >= nClasses) throw Napi::RangeError::New(info.Env(), "logisticObjective: class out of range");
  }
  return Napi::Number::New(info.Env(), logisticObjective(X, n, p, K, y, w, theta, grad,
                                                         static_cast<int>(intArg(info, 8))));
}

// linearScores(X, n, p, K, theta, out, nThreads)
Napi::Value LinearScores(const Napi::CallbackInfo& info) {
  size_t xl = 0, tl = 0, ol = 0;
  const double* X = typedData<double>(info, 0, napi_float64_array, "X", &xl);
  const int64_t n = intArg(info, 1);
  const int p = static_cast<int>(intArg(info, 2));
  const int K = static_cast<int>(intArg(info, 3));
  const double* theta = typedData<double>(info, 4, napi_float64_array, "theta", &tl);
  double* out = typedData<double>(info, 5, napi_float64_array, "out", &ol);
  require(info, K >= 1 && xl == static_cast<size_t>(n) * p && tl == static_cast<size_t>(K) * (p + 1) &&
                    ol == static_cast<size_t>(n) * K,
          "linearScores");
  linearScores(X, n, p, K, theta, out, static_cast<int>(intArg(info, 6)));
  return info.Env().Undefined();
}

// transposeProduct(X, n, p, K, R, out, nThreads)
Napi::Value TransposeProduct(const Napi::CallbackInfo& info) {
  size_t xl = 0, rl = 0, ol = 0;
  const double* X = typedData<double>(info, 0, napi_float64_array, "X", &xl);
  const int64_t n = intArg(info, 1);
  const int p = static_cast<int>(intArg(info, 2));
  const int K = static_cast<int>(intArg(info, 3));
  const double* R = typedData<double>(info, 4, napi_float64_array, "R", &rl);
  double* out = typedData<double>(info, 5, napi_float64_array, "out", &ol);
  require(info, K >= 1 && xl == static_cast<size_t>(n) * p && rl == static_cast<size_t>(n) * K &&
                    ol == static_cast<size_t>(K) * p,
          "transposeProduct");
  transposeProduct(X, n, p, K, R, out, static_cast<int>(intArg(info, 6)));
  return info.Env().Undefined();
}

// enetCoordinateDescent(X, n, p, y, w, alpha, beta, maxIter, tol) -> [nIter, gap]
Napi::Value EnetCoordinateDescent(const Napi::CallbackInfo& info) {
  size_t xl = 0, yl = 0, wl = 0;
  const double* X = typedData<double>(info, 0, napi_float64_array, "X", &xl);
  const int64_t n = intArg(info, 1);
  const int p = static_cast<int>(intArg(info, 2));
  const double* y = typedData<double>(info, 3, napi_float64_array, "y", &yl);
  double* w = typedData<double>(info, 4, napi_float64_array, "w", &wl);
  require(info, xl == static_cast<size_t>(n) * p && yl == static_cast<size_t>(n) && wl == static_cast<size_t>(p),
          "enetCoordinateDescent");
  CdResult r = enetCoordinateDescent(X, n, p, y, w, info[5].As<Napi::Number>().DoubleValue(),
                                     info[6].As<Napi::Number>().DoubleValue(), static_cast<int>(intArg(info, 7)),
                                     info[8].As<Napi::Number>().DoubleValue());
  Napi::Array out = Napi::Array::New(info.Env(), 2);
  out.Set(0u, Napi::Number::New(info.Env(), r.nIter));
  out.Set(1u, Napi::Number::New(info.Env(), r.gap));
  return out;
}

// knnSearch(X, nTrain, Q, nQuery, p, k, metric, outIndex, outDist, nThreads)
Napi::Value KnnSearch(const Napi::CallbackInfo& info) {
  size_t xl = 0, ql = 0, il = 0, dl = 0;
  const double* X = typedData<double>(info, 0, napi_float64_array, "X", &xl);
  const int64_t nTrain = intArg(info, 1);
  const double* Q = typedData<double>(info, 2, napi_float64_array, "Q", &ql);
  const int64_t nQuery = intArg(info, 3);
  const int p = static_cast<int>(intArg(info, 4));
  const int k = static_cast<int>(intArg(info, 5));
  const int metric = static_cast<int>(intArg(info, 6));
  int32_t* outIndex = typedData<int32_t>(info, 7, napi_int32_array, "outIndex", &il);
  double* outDist = typedData<double>(info, 8, napi_float64_array, "outDist", &dl);
  require(info, k >= 1 && k <= nTrain && metric >= 0 && metric <= 2 && xl == static_cast<size_t>(nTrain) * p &&
                    ql == static_cast<size_t>(nQuery) * p && il == static_cast<size_t>(nQuery) * k && dl == il,
          "knnSearch");
  knnSearch(X, nTrain, Q, nQuery, p, k, metric, outIndex, outDist, static_cast<int>(intArg(info, 9)));
  return info.Env().Undefined();
}

}  // namespace

void InitLinear(Napi::Env env, Napi::Object exports) {
  exports.Set("logisticObjective", Napi::Function::New(env, LogisticObjective));
  exports.Set("linearScores", Napi::Function::New(env, LinearScores));
  exports.Set("transposeProduct", Napi::Function::New(env, TransposeProduct));
  exports.Set("enetCoordinateDescent", Napi::Function::New(env, EnetCoordinateDescent));
  exports.Set("knnSearch", Napi::Function::New(env, KnnSearch));
}

}  // namespace mlsweep
