// N-API bindings of the linear-model and k-NN kernels (linear_kernels.h, knn_search.h).
// Shapes were validated in TypeScript; buffer lengths are re-checked here before any
// pointer is touched.
#include <napi.h>

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "knn_search.h"
#include "linear_kernels.h"
#include "napi_util.h"

namespace mlsweep {
namespace {

void require(const Napi::CallbackInfo& info, bool ok, const char* what) {
  if (!ok) throw Napi::RangeError::New(info.Env(), std::string(what) + ": buffer sizes do not match the shape");
}

struct LogisticArgs {
  const double* X;
  int64_t n;
  int p;
  int K;
  const int32_t* y;
  const double* w;
  const double* theta;
  double* grad;
  int nThreads;
};

// Arguments: X, n, p, K, y, w, theta, grad, nThreads.
LogisticArgs readLogistic(const Napi::CallbackInfo& info) {
  size_t xl = 0, yl = 0, wl = 0, tl = 0, gl = 0;
  LogisticArgs a{};
  a.X = typedData<double>(info, 0, napi_float64_array, "X", &xl);
  a.n = intArg(info, 1);
  a.p = static_cast<int>(intArg(info, 2));
  a.K = static_cast<int>(intArg(info, 3));
  a.y = typedData<int32_t>(info, 4, napi_int32_array, "y", &yl);
  a.w = typedData<double>(info, 5, napi_float64_array, "w", &wl);
  a.theta = typedData<double>(info, 6, napi_float64_array, "theta", &tl);
  a.grad = typedData<double>(info, 7, napi_float64_array, "grad", &gl);
  a.nThreads = static_cast<int>(intArg(info, 8));
  const size_t width = static_cast<size_t>(a.K) * (a.p + 1);
  require(info, a.K >= 1 && xl == static_cast<size_t>(a.n) * a.p && yl == static_cast<size_t>(a.n) && wl == yl &&
                    tl == width && gl == width,
          "logisticObjective");
  const int nClasses = a.K == 1 ? 2 : a.K;
  for (size_t i = 0; i < yl; i++) {
    if (a.y[i] < 0 || a.y[i] >= nClasses) {
      throw Napi::RangeError::New(info.Env(), "logisticObjective: class out of range");
    }
  }
  return a;
}

double runLogistic(const LogisticArgs& a) {
  return logisticObjective(a.X, a.n, a.p, a.K, a.y, a.w, a.theta, a.grad, a.nThreads);
}

// Runs a kernel on the libuv pool; the promise resolves with one number, or with
// [first, second] when `pair`. Holds the typed arrays it reads and writes until then.
class DenseTask : public Napi::AsyncWorker {
 public:
  DenseTask(Napi::Env env, std::function<std::array<double, 2>()> work, bool pair,
            const Napi::CallbackInfo& info, std::initializer_list<size_t> keep)
      : Napi::AsyncWorker(env), work_(std::move(work)), pair_(pair), deferred_(env) {
    for (size_t i : keep) keep_.push_back(Napi::Persistent(info[i].As<Napi::Object>()));
  }

  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override { result_ = work_(); }
  void OnOK() override {
    Napi::Env env = Env();
    if (!pair_) {
      deferred_.Resolve(Napi::Number::New(env, result_[0]));
      return;
    }
    Napi::Array out = Napi::Array::New(env, 2);
    out.Set(0u, Napi::Number::New(env, result_[0]));
    out.Set(1u, Napi::Number::New(env, result_[1]));
    deferred_.Resolve(out);
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  std::function<std::array<double, 2>()> work_;
  bool pair_;
  std::array<double, 2> result_{};
  std::vector<Napi::ObjectReference> keep_;
  Napi::Promise::Deferred deferred_;
};

Napi::Value Queue(DenseTask* task) {
  Napi::Promise promise = task->Promise();
  task->Queue();
  return promise;
}

// logisticObjective(X, n, p, K, y, w, theta, grad, nThreads) -> loss
Napi::Value LogisticObjective(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), runLogistic(readLogistic(info)));
}

// logisticObjectiveAsync: same arguments; a promise of the loss.
Napi::Value LogisticObjectiveAsync(const Napi::CallbackInfo& info) {
  LogisticArgs a = readLogistic(info);
  return Queue(new DenseTask(
      info.Env(), [a] { return std::array<double, 2>{runLogistic(a), 0.0}; }, false, info, {0, 4, 5, 6, 7}));
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

struct CdArgs {
  const double* X;
  int64_t n;
  int p;
  const double* y;
  double* w;
  double alpha;
  double beta;
  int maxIter;
  double tol;
};

// Arguments: X, n, p, y, w, alpha, beta, maxIter, tol.
CdArgs readCd(const Napi::CallbackInfo& info) {
  size_t xl = 0, yl = 0, wl = 0;
  CdArgs a{};
  a.X = typedData<double>(info, 0, napi_float64_array, "X", &xl);
  a.n = intArg(info, 1);
  a.p = static_cast<int>(intArg(info, 2));
  a.y = typedData<double>(info, 3, napi_float64_array, "y", &yl);
  a.w = typedData<double>(info, 4, napi_float64_array, "w", &wl);
  a.alpha = info[5].As<Napi::Number>().DoubleValue();
  a.beta = info[6].As<Napi::Number>().DoubleValue();
  a.maxIter = static_cast<int>(intArg(info, 7));
  a.tol = info[8].As<Napi::Number>().DoubleValue();
  require(info,
          xl == static_cast<size_t>(a.n) * a.p && yl == static_cast<size_t>(a.n) && wl == static_cast<size_t>(a.p),
          "enetCoordinateDescent");
  return a;
}

std::array<double, 2> runCd(const CdArgs& a) {
  CdResult r = enetCoordinateDescent(a.X, a.n, a.p, a.y, a.w, a.alpha, a.beta, a.maxIter, a.tol);
  return {static_cast<double>(r.nIter), r.gap};
}

// enetCoordinateDescent(X, n, p, y, w, alpha, beta, maxIter, tol) -> [nIter, gap]
Napi::Value EnetCoordinateDescent(const Napi::CallbackInfo& info) {
  std::array<double, 2> r = runCd(readCd(info));
  Napi::Array out = Napi::Array::New(info.Env(), 2);
  out.Set(0u, Napi::Number::New(info.Env(), r[0]));
  out.Set(1u, Napi::Number::New(info.Env(), r[1]));
  return out;
}

// enetCoordinateDescentAsync: same arguments; a promise of [nIter, gap].
Napi::Value EnetCoordinateDescentAsync(const Napi::CallbackInfo& info) {
  CdArgs a = readCd(info);
  return Queue(new DenseTask(info.Env(), [a] { return runCd(a); }, true, info, {0, 3, 4}));
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
  exports.Set("logisticObjectiveAsync", Napi::Function::New(env, LogisticObjectiveAsync));
  exports.Set("enetCoordinateDescentAsync", Napi::Function::New(env, EnetCoordinateDescentAsync));
  exports.Set("knnSearch", Napi::Function::New(env, KnnSearch));
}

}  // namespace mlsweep
