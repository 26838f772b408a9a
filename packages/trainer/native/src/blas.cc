// Single-precision matrix products for the trainer's `blas` backend: a thin N-API shell over
// OpenBLAS's cblas_sgemm on Float32Arrays owned by JS (no copies), plus the optimizer
// updates. Every call checks that the matrices fit their arrays, since a wrong leading
// dimension would otherwise read or write outside a JS buffer.
#include <napi.h>

#include <cblas.h>

#include <cmath>
#include <cstdlib>
#include <initializer_list>
#include <string>

#if defined(__SSE__)
#include <xmmintrin.h>
#endif

// OpenBLAS extensions; also declared by its cblas.h, repeated for headers that omit them.
extern "C" {
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char* openblas_get_config(void);
}

namespace {

struct Matrix {
  float* data;
  size_t length;
};

bool ReadMatrix(const Napi::Env& env, const Napi::Value& v, const char* name, Matrix* out) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    Napi::TypeError::New(env, std::string(name) + " must be a Float32Array").ThrowAsJavaScriptException();
    return false;
  }
  auto arr = v.As<Napi::Float32Array>();
  out->data = arr.Data();
  out->length = arr.ElementLength();
  return true;
}

bool ReadInt(const Napi::Env& env, const Napi::Value& v, const char* name, int64_t* out) {
  if (!v.IsNumber()) {
    Napi::TypeError::New(env, std::string(name) + " must be a number").ThrowAsJavaScriptException();
    return false;
  }
  double d = v.As<Napi::Number>().DoubleValue();
  if (d < 0 || d > 2147483647.0 || d != static_cast<double>(static_cast<int64_t>(d))) {
    Napi::RangeError::New(env, std::string(name) + " must be a non-negative 32-bit integer").ThrowAsJavaScriptException();
    return false;
  }
  *out = static_cast<int64_t>(d);
  return true;
}

// Scalars (alpha, beta, lr, ...) must be numbers: a NaN from a bad argument would silently
// poison the weights.
bool Numbers(const Napi::CallbackInfo& info, std::initializer_list<size_t> indices) {
  for (size_t i : indices) {
    if (!info[i].IsNumber()) {
      Napi::TypeError::New(info.Env(), "argument " + std::to_string(i) + " must be a number").ThrowAsJavaScriptException();
      return false;
    }
  }
  return true;
}

// A row-major rows x cols matrix with leading dimension ld, `count` of them `stride` apart,
// must lie inside an array of `length` floats.
bool Fits(const Napi::Env& env, const char* name, int64_t rows, int64_t cols, int64_t ld, int64_t count,
          int64_t stride, size_t length) {
  if (ld < (cols > 1 ? cols : 1)) {
    Napi::RangeError::New(env, std::string("leading dimension of ") + name + " is smaller than its row length")
        .ThrowAsJavaScriptException();
    return false;
  }
  if (rows == 0 || cols == 0 || count == 0) return true;
  int64_t need = (count - 1) * stride + (rows - 1) * ld + cols;
  if (need > static_cast<int64_t>(length)) {
    Napi::RangeError::New(env, std::string(name) + " needs " + std::to_string(need) + " floats, its array has " +
                                   std::to_string(length))
        .ThrowAsJavaScriptException();
    return false;
  }
  return true;
}

// sgemmBatch(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, count):
// for i < count, C_i = alpha * op(A_i) @ op(B_i) + beta * C_i, row-major, X_i = X + i * strideX.
// sgemm is the count = 1 case. Strides let packed trials (one model per trial, stacked) run
// their products in one call.
Napi::Value SgemmImpl(const Napi::CallbackInfo& info, bool batched) {
  Napi::Env env = info.Env();
  const size_t want = batched ? 17 : 13;
  if (info.Length() != want) {
    Napi::TypeError::New(env, "expected " + std::to_string(want) + " arguments").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!Numbers(info, {5, batched ? size_t{12} : size_t{10}})) return env.Undefined();
  size_t i = 0;
  const bool transA = info[i++].ToBoolean().Value();
  const bool transB = info[i++].ToBoolean().Value();
  int64_t m, n, k, lda, ldb, ldc, strideA = 0, strideB = 0, strideC = 0, count = 1;
  if (!ReadInt(env, info[i++], "m", &m) || !ReadInt(env, info[i++], "n", &n) || !ReadInt(env, info[i++], "k", &k)) {
    return env.Undefined();
  }
  const float alpha = info[i++].As<Napi::Number>().FloatValue();
  Matrix a, b, c;
  if (!ReadMatrix(env, info[i++], "a", &a) || !ReadInt(env, info[i++], "lda", &lda)) return env.Undefined();
  if (batched && !ReadInt(env, info[i++], "strideA", &strideA)) return env.Undefined();
  if (!ReadMatrix(env, info[i++], "b", &b) || !ReadInt(env, info[i++], "ldb", &ldb)) return env.Undefined();
  if (batched && !ReadInt(env, info[i++], "strideB", &strideB)) return env.Undefined();
  const float beta = info[i++].As<Napi::Number>().FloatValue();
  if (!ReadMatrix(env, info[i++], "c", &c) || !ReadInt(env, info[i++], "ldc", &ldc)) return env.Undefined();
  if (batched && (!ReadInt(env, info[i++], "strideC", &strideC) || !ReadInt(env, info[i++], "count", &count))) {
    return env.Undefined();
  }
  // op(A) is m x k: stored k x m when transposed; op(B) is k x n: stored n x k when transposed.
  if (!Fits(env, "a", transA ? k : m, transA ? m : k, lda, count, strideA, a.length) ||
      !Fits(env, "b", transB ? n : k, transB ? k : n, ldb, count, strideB, b.length) ||
      !Fits(env, "c", m, n, ldc, count, strideC, c.length)) {
    return env.Undefined();
  }
  if (m == 0 || n == 0) return env.Undefined();
  const auto ta = transA ? CblasTrans : CblasNoTrans;
  const auto tb = transB ? CblasTrans : CblasNoTrans;
  for (int64_t j = 0; j < count; j++) {
    cblas_sgemm(CblasRowMajor, ta, tb, static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), alpha,
                a.data + j * strideA, static_cast<int>(lda), b.data + j * strideB, static_cast<int>(ldb), beta,
                c.data + j * strideC, static_cast<int>(ldc));
  }
  return env.Undefined();
}

Napi::Value Sgemm(const Napi::CallbackInfo& info) { return SgemmImpl(info, false); }
Napi::Value SgemmBatch(const Napi::CallbackInfo& info) { return SgemmImpl(info, true); }

// The optimizer updates are a few flops per parameter over ~100k parameters per step; in JS
// they cost ~0.8 ms a step (more than the step's sgemms), compiled and vectorised ~0.05 ms.
// Both take `p`, `g` and their slots of equal length and update in place, in float32.

bool SameLength(const Napi::Env& env, std::initializer_list<const Matrix*> ms) {
  for (const Matrix* m : ms) {
    if (m->length != (*ms.begin())->length) {
      Napi::RangeError::New(env, "parameter, gradient and slots must have the same length").ThrowAsJavaScriptException();
      return false;
    }
  }
  return true;
}

float ReadFloat(const Napi::Value& v) { return v.As<Napi::Number>().FloatValue(); }

// Momentum buffers and Adam moments of rarely-lit pixels decay geometrically through the
// subnormal range, where each x86 float op takes a slow microcode path: with ~3% of SGD's
// buffer subnormal an update cost 3-6x more. Flushing them to zero inside the update (as
// torch.set_flush_denormal(True) would) changes values below 1.2e-38 only. The previous mode
// is restored on return, so JS arithmetic keeps IEEE subnormals.
class FlushSubnormals {
 public:
#if defined(__SSE__)
  FlushSubnormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | 0x8040); }  // FTZ | DAZ
  ~FlushSubnormals() { _mm_setcsr(saved_); }

 private:
  unsigned int saved_;
#endif
};

// sgdStep(p, g, buf, lr, momentum, weightDecay, nesterov, first): torch.optim.SGD, dampening 0.
// d = g + wd*p; momentum 0: p -= lr*d; else buf = first ? d : m*buf + d,
// p -= lr * (nesterov ? d + m*buf : buf). `buf` is ignored (may be any array) when momentum is 0.
Napi::Value SgdStep(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Matrix p, g, buf;
  if (info.Length() != 8 || !ReadMatrix(env, info[0], "p", &p) || !ReadMatrix(env, info[1], "g", &g) ||
      !ReadMatrix(env, info[2], "buf", &buf)) {
    if (!env.IsExceptionPending()) Napi::TypeError::New(env, "expected 8 arguments").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!Numbers(info, {3, 4, 5})) return env.Undefined();
  const float lr = ReadFloat(info[3]), momentum = ReadFloat(info[4]), wd = ReadFloat(info[5]);
  const bool nesterov = info[6].ToBoolean().Value(), first = info[7].ToBoolean().Value();
  if (!SameLength(env, momentum == 0 ? std::initializer_list<const Matrix*>{&p, &g} : std::initializer_list<const Matrix*>{&p, &g, &buf})) {
    return env.Undefined();
  }
  FlushSubnormals flush;
  float* __restrict pp = p.data;
  const float* __restrict gp = g.data;
  float* __restrict bp = buf.data;
  const size_t n = p.length;
  if (momentum == 0) {
    for (size_t j = 0; j < n; j++) pp[j] -= lr * (gp[j] + wd * pp[j]);
  } else if (first) {
    for (size_t j = 0; j < n; j++) {
      const float d = gp[j] + wd * pp[j];
      bp[j] = d;
      pp[j] -= lr * (nesterov ? d + momentum * d : d);
    }
  } else if (nesterov) {
    for (size_t j = 0; j < n; j++) {
      const float d = gp[j] + wd * pp[j];
      bp[j] = momentum * bp[j] + d;
      pp[j] -= lr * (d + momentum * bp[j]);
    }
  } else {
    for (size_t j = 0; j < n; j++) {
      bp[j] = momentum * bp[j] + gp[j] + wd * pp[j];
      pp[j] -= lr * bp[j];
    }
  }
  return env.Undefined();
}

// adamStep(p, g, m, v, stepSize, beta1, beta2, biasCorrection2Sqrt, eps, decay, l2):
// torch.optim.Adam/AdamW. g' = g + l2*p; m = b1*m + (1-b1)*g'; v = b2*v + (1-b2)*g'^2;
// p = p*decay - stepSize * m / (sqrt(v)/bc2sqrt + eps). Adam: decay 1, l2 = wd; AdamW: decay
// 1 - lr*wd, l2 = 0; stepSize = lr / (1 - beta1^step) with this step's beta1.
Napi::Value AdamStep(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Matrix p, g, m, v;
  if (info.Length() != 11 || !ReadMatrix(env, info[0], "p", &p) || !ReadMatrix(env, info[1], "g", &g) ||
      !ReadMatrix(env, info[2], "m", &m) || !ReadMatrix(env, info[3], "v", &v)) {
    if (!env.IsExceptionPending()) Napi::TypeError::New(env, "expected 11 arguments").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!SameLength(env, {&p, &g, &m, &v}) || !Numbers(info, {4, 5, 6, 7, 8, 9, 10})) return env.Undefined();
  const float stepSize = ReadFloat(info[4]), beta1 = ReadFloat(info[5]), beta2 = ReadFloat(info[6]);
  const float bc2 = ReadFloat(info[7]), eps = ReadFloat(info[8]), decay = ReadFloat(info[9]), l2 = ReadFloat(info[10]);
  FlushSubnormals flush;
  float* __restrict pp = p.data;
  const float* __restrict gp = g.data;
  float* __restrict mp = m.data;
  float* __restrict vp = v.data;
  for (size_t j = 0, n = p.length; j < n; j++) {
    const float gj = gp[j] + l2 * pp[j];
    mp[j] = beta1 * mp[j] + (1 - beta1) * gj;
    vp[j] = beta2 * vp[j] + (1 - beta2) * gj * gj;
    pp[j] = pp[j] * decay - stepSize * mp[j] / (std::sqrt(vp[j]) / bc2 + eps);
  }
  return env.Undefined();
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  int64_t n;
  if (!ReadInt(info.Env(), info[0], "threads", &n)) return info.Env().Undefined();
  if (n < 1) n = 1;
  openblas_set_num_threads(static_cast<int>(n));
  return info.Env().Undefined();
}

Napi::Value NumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), openblas_get_num_threads());
}

Napi::Value Config(const Napi::CallbackInfo& info) {
  const char* config = openblas_get_config();
  return Napi::String::New(info.Env(), config ? config : "");
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // One worker process per core: OpenBLAS's own threads would fight the other workers for
  // the cores. OPENBLAS_NUM_THREADS (OpenBLAS's documented knob) still wins when set.
  if (std::getenv("OPENBLAS_NUM_THREADS") == nullptr) openblas_set_num_threads(1);
  exports.Set("sgemm", Napi::Function::New(env, Sgemm, "sgemm"));
  exports.Set("sgemmBatch", Napi::Function::New(env, SgemmBatch, "sgemmBatch"));
  exports.Set("sgdStep", Napi::Function::New(env, SgdStep, "sgdStep"));
  exports.Set("adamStep", Napi::Function::New(env, AdamStep, "adamStep"));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads, "setNumThreads"));
  exports.Set("numThreads", Napi::Function::New(env, NumThreads, "numThreads"));
  exports.Set("config", Napi::Function::New(env, Config, "config"));
  return exports;
}

}  // namespace

NODE_API_MODULE(lrsweep_blas, Init)
