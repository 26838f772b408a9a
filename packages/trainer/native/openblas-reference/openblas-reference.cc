// OpenBLAS's cblas_sgemm behind the same `sgemm` call and argument checks as the trainer's
// addon: only `npm run bench:sgemm` and the sgemm tests load it, to measure and check the
// built-in kernels against a reference in the same run. Training never uses it.
#include <napi.h>

#include <cblas.h>

#include "napi-args.h"

extern "C" {
// OpenBLAS extensions; also declared by its cblas.h, repeated for headers that omit them.
void openblas_set_num_threads(int num_threads);
char* openblas_get_config(void);
}

namespace {

void OpenblasSgemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                   int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
  cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
              static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), alpha, a, static_cast<int>(lda), b,
              static_cast<int>(ldb), beta, c, static_cast<int>(ldc));
}

Napi::Value Sgemm(const Napi::CallbackInfo& info) { return lrsweep::SgemmCall(info, false, OpenblasSgemm); }
Napi::Value SgemmBatch(const Napi::CallbackInfo& info) { return lrsweep::SgemmCall(info, true, OpenblasSgemm); }

Napi::Value Kernels(const Napi::CallbackInfo& info) {
  const char* config = openblas_get_config();
  return Napi::String::New(info.Env(), config ? config : "OpenBLAS");
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // Single-threaded, like the built-in kernels: the comparison is per core.
  openblas_set_num_threads(1);
  exports.Set("sgemm", Napi::Function::New(env, Sgemm, "sgemm"));
  exports.Set("sgemmBatch", Napi::Function::New(env, SgemmBatch, "sgemmBatch"));
  exports.Set("kernels", Napi::Function::New(env, Kernels, "kernels"));
  return exports;
}

}  // namespace

NODE_API_MODULE(lrsweep_openblas_reference, Init)
