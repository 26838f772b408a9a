#pragma once

#include <napi.h>

namespace lrsweep {

// Adds sgdStep and adamStep (see optimizer-steps.cc) to the addon's exports.
void RegisterOptimizerSteps(Napi::Env env, Napi::Object exports);

}  // namespace lrsweep
