#pragma once

#include <napi.h>

namespace lrsweep {

// Adds im2col, col2im, biasReluPool and biasReluPoolBackward (see conv-kernels.cc) to the
// addon's exports.
void RegisterConvKernels(Napi::Env env, Napi::Object exports);

}  // namespace lrsweep
