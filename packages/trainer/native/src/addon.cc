// The trainer's native addon for the `blas` backend: the built-in sgemm (sgemm.cc, no BLAS
// library needed), the optimizer updates, the MLP's elementwise loops and the CNN's patch and
// pooling kernels (conv-kernels.cc), on Float32Arrays owned by JS (no copies).
// Single-threaded: we run one worker process per core.
#include <napi.h>

#include <cstdint>
#include <string>

#include "elementwise.h"
#include "napi-args.h"
#include "conv-kernels.h"
#include "optimizer-steps.h"
#include "sgemm.h"

namespace lrsweep {
namespace {

Napi::Value SgemmOne(const Napi::CallbackInfo& info) { return SgemmCall(info, false, Sgemm); }
Napi::Value SgemmBatch(const Napi::CallbackInfo& info) { return SgemmCall(info, true, Sgemm, SgemmBatchSharedA); }

// Reads an Int32Array of at least `need` increasing indices below `limit` (null: none).
bool ReadRows(const Napi::Env& env, const Napi::Value& v, const char* name, int64_t need, int64_t limit, const int32_t** out) {
  *out = nullptr;
  if (v.IsNull()) return true;
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    Napi::TypeError::New(env, std::string(name) + " must be an Int32Array or null").ThrowAsJavaScriptException();
    return false;
  }
  auto rows = v.As<Napi::Int32Array>();
  if (static_cast<int64_t>(rows.ElementLength()) < need) {
    Napi::RangeError::New(env, std::string(name) + " has fewer than " + std::to_string(need) + " rows").ThrowAsJavaScriptException();
    return false;
  }
  const int32_t* data = rows.Data();
  for (int64_t i = 0; i < need; i++) {
    if (data[i] < 0 || data[i] >= limit || (i > 0 && data[i] <= data[i - 1])) {
      Napi::RangeError::New(env, std::string(name) + " must increase and stay below " + std::to_string(limit)).ThrowAsJavaScriptException();
      return false;
    }
  }
  *out = data;
  return true;
}

// sgemmRows(transA, m, n, k, alpha, a, lda, b, ldb, bRows, strideB, rowsOfB, beta, c, ldc, cRows, strideC, rowsOfC, count):
// SgemmBatchSharedA (B not transposed) with row indices: op(B) row p is B's row rowsOfB[p] of
// its bRows; product row i is C's row rowsOfC[i] of its cRows, the others set to 0 (beta 0).
Napi::Value SgemmRows(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 19) {
    Napi::TypeError::New(env, "expected 19 arguments").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!Numbers(info, {4, 12})) return env.Undefined();
  const bool transA = info[0].ToBoolean().Value();
  int64_t m, n, k, lda, ldb, bRows, strideB, ldc, cRows, strideC, count;
  Matrix a, b, c;
  const int32_t *rowsOfB, *rowsOfC;
  if (!ReadInt(env, info[1], "m", &m) || !ReadInt(env, info[2], "n", &n) || !ReadInt(env, info[3], "k", &k) ||
      !ReadMatrix(env, info[5], "a", &a) || !ReadInt(env, info[6], "lda", &lda) || !ReadMatrix(env, info[7], "b", &b) ||
      !ReadInt(env, info[8], "ldb", &ldb) || !ReadInt(env, info[9], "bRows", &bRows) ||
      !ReadInt(env, info[10], "strideB", &strideB) || !ReadMatrix(env, info[13], "c", &c) ||
      !ReadInt(env, info[14], "ldc", &ldc) || !ReadInt(env, info[15], "cRows", &cRows) ||
      !ReadInt(env, info[16], "strideC", &strideC) || !ReadInt(env, info[18], "count", &count)) {
    return env.Undefined();
  }
  const float alpha = ReadFloat(info[4]), beta = ReadFloat(info[12]);
  if (!ReadRows(env, info[11], "rowsOfB", k, bRows, &rowsOfB) || !ReadRows(env, info[17], "rowsOfC", m, cRows, &rowsOfC)) {
    return env.Undefined();
  }
  if (rowsOfC && beta != 0) {
    Napi::RangeError::New(env, "rowsOfC needs beta = 0").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!Fits(env, "a", transA ? k : m, transA ? m : k, lda, 1, 0, a.length) ||
      !Fits(env, "b", rowsOfB ? bRows : k, n, ldb, count, strideB, b.length) ||
      !Fits(env, "c", rowsOfC ? cRows : m, n, ldc, count, strideC, c.length)) {
    return env.Undefined();
  }
  SgemmBatchSharedA(transA, false, m, n, k, alpha, a.data, lda, b.data, ldb, strideB, beta, c.data, ldc, strideC, count,
                    rowsOfB, rowsOfC, cRows);
  return env.Undefined();
}

Napi::Value Kernels(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), SgemmKernels()); }

Napi::Value UseKernels(const Napi::CallbackInfo& info) {
  if (!info[0].IsString()) {
    Napi::TypeError::New(info.Env(), "kernels must be a string").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  return Napi::Boolean::New(info.Env(), UseSgemmKernels(name.c_str()));
}

}  // namespace
}  // namespace lrsweep

// At global scope: NODE_API_MODULE takes a plain name.
static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  using namespace lrsweep;
  exports.Set("sgemm", Napi::Function::New(env, SgemmOne, "sgemm"));
  exports.Set("sgemmBatch", Napi::Function::New(env, SgemmBatch, "sgemmBatch"));
  exports.Set("sgemmRows", Napi::Function::New(env, SgemmRows, "sgemmRows"));
  exports.Set("kernels", Napi::Function::New(env, Kernels, "kernels"));
  exports.Set("useKernels", Napi::Function::New(env, UseKernels, "useKernels"));
  RegisterOptimizerSteps(env, exports);
  RegisterElementwise(env, exports);
  RegisterConvKernels(env, exports);
  return exports;
}

NODE_API_MODULE(lrsweep_blas, Init)
