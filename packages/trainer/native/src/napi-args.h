// Argument checks shared by the addon's functions (and the OpenBLAS reference addon): every
// call checks types and that matrices fit their arrays, since a wrong leading dimension would
// otherwise read or write outside a JS buffer.
#pragma once

#include <napi.h>

#include <cstdint>
#include <initializer_list>
#include <string>

namespace lrsweep {

struct Matrix {
  float* data;
  size_t length;
};

inline bool ReadMatrix(const Napi::Env& env, const Napi::Value& v, const char* name, Matrix* out) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    Napi::TypeError::New(env, std::string(name) + " must be a Float32Array").ThrowAsJavaScriptException();
    return false;
  }
  auto arr = v.As<Napi::Float32Array>();
  out->data = arr.Data();
  out->length = arr.ElementLength();
  return true;
}

inline bool ReadInt(const Napi::Env& env, const Napi::Value& v, const char* name, int64_t* out) {
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

inline float ReadFloat(const Napi::Value& v) { return v.As<Napi::Number>().FloatValue(); }

// Scalars (alpha, beta, lr, ...) must be numbers: a NaN from a bad argument would silently
// poison the weights.
inline bool Numbers(const Napi::CallbackInfo& info, std::initializer_list<size_t> indices) {
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
inline bool Fits(const Napi::Env& env, const char* name, int64_t rows, int64_t cols, int64_t ld, int64_t count,
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

// Parameter, gradient and optimizer slots are updated elementwise: equal lengths or nothing.
inline bool SameLength(const Napi::Env& env, std::initializer_list<const Matrix*> ms) {
  for (const Matrix* m : ms) {
    if (m->length != (*ms.begin())->length) {
      Napi::RangeError::New(env, "parameter, gradient and slots must have the same length").ThrowAsJavaScriptException();
      return false;
    }
  }
  return true;
}

using SgemmFn = void (*)(bool transA, bool transB, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                         int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);
using SgemmSharedAFn = void (*)(bool transA, bool transB, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                                int64_t lda, const float* b, int64_t ldb, int64_t strideB, float beta, float* c,
                                int64_t ldc, int64_t strideC, int64_t count, const int32_t* rowsOfB,
                                const int32_t* rowsOfC, int64_t cRows);

// sgemmBatch(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, count):
// for i < count, C_i = alpha * op(A_i) @ op(B_i) + beta * C_i, row-major, X_i = X + i * strideX.
// sgemm is the count = 1 case (13 arguments, no strides). Strides let packed trials (one model
// per trial, stacked) run their products in one call. Checks the arguments, then calls `sgemm`,
// or `sharedA` (where given) for a batch whose A has stride 0.
inline Napi::Value SgemmCall(const Napi::CallbackInfo& info, bool batched, SgemmFn sgemm, SgemmSharedAFn sharedA = nullptr) {
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
  const float alpha = ReadFloat(info[i++]);
  Matrix a, b, c;
  if (!ReadMatrix(env, info[i++], "a", &a) || !ReadInt(env, info[i++], "lda", &lda)) return env.Undefined();
  if (batched && !ReadInt(env, info[i++], "strideA", &strideA)) return env.Undefined();
  if (!ReadMatrix(env, info[i++], "b", &b) || !ReadInt(env, info[i++], "ldb", &ldb)) return env.Undefined();
  if (batched && !ReadInt(env, info[i++], "strideB", &strideB)) return env.Undefined();
  const float beta = ReadFloat(info[i++]);
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
  if (sharedA && strideA == 0 && count > 1) {
    sharedA(transA, transB, m, n, k, alpha, a.data, lda, b.data, ldb, strideB, beta, c.data, ldc, strideC, count, nullptr,
            nullptr, 0);
    return env.Undefined();
  }
  for (int64_t j = 0; j < count; j++) {
    sgemm(transA, transB, m, n, k, alpha, a.data + j * strideA, lda, b.data + j * strideB, ldb, beta,
          c.data + j * strideC, ldc);
  }
  return env.Undefined();
}

}  // namespace lrsweep
