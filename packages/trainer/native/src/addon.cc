// The trainer's native addon for the `blas` backend: the built-in sgemm (sgemm.cc, no BLAS
// library needed), the optimizer updates and the CNN's patch and pooling kernels
// (conv-kernels.cc), on Float32Arrays owned by JS (no copies).
// Single-threaded: we run one worker process per core.
#include <napi.h>

#include <string>

#include "napi-args.h"
#include "conv-kernels.h"
#include "optimizer-steps.h"
#include "sgemm.h"

namespace lrsweep {
namespace {

Napi::Value SgemmOne(const Napi::CallbackInfo& info) { return SgemmCall(info, false, Sgemm); }
Napi::Value SgemmBatch(const Napi::CallbackInfo& info) { return SgemmCall(info, true, Sgemm); }

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
  exports.Set("kernels", Napi::Function::New(env, Kernels, "kernels"));
  exports.Set("useKernels", Napi::Function::New(env, UseKernels, "useKernels"));
  RegisterOptimizerSteps(env, exports);
  RegisterConvKernels(env, exports);
  return exports;
}

NODE_API_MODULE(lrsweep_blas, Init)
