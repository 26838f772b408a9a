// The optimizer updates of the blas backend, torch.optim's rules in compiled float32 loops.
#include "optimizer-steps.h"

#include <cmath>

#if defined(__SSE__)
#include <xmmintrin.h>
#endif

#include "napi-args.h"

namespace lrsweep {
namespace {

// The optimizer updates are a few flops per parameter over ~100k parameters per step; in JS
// they cost ~0.8 ms a step (more than the step's sgemms), compiled and vectorised ~0.05 ms.
// Both take `p`, `g` and their slots of equal length and update in place, in float32.

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

}  // namespace

void RegisterOptimizerSteps(Napi::Env env, Napi::Object exports) {
  exports.Set("sgdStep", Napi::Function::New(env, SgdStep, "sgdStep"));
  exports.Set("adamStep", Napi::Function::New(env, AdamStep, "adamStep"));
}

}  // namespace lrsweep
