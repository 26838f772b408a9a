#pragma once

#include <napi.h>

namespace lrsweep {

// Adds broadcastRows, gatherRows, relu, reluMask, nonzeroColumns and softmaxCrossEntropy (see elementwise.cc) to the addon's exports.
void RegisterElementwise(Napi::Env env, Napi::Object exports);

}  // namespace lrsweep
