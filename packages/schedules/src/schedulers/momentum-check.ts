// Shared by CyclicLR and OneCycleLR: PyTorch refuses cycle_momentum on an optimizer whose
// defaults hold neither `momentum` nor `betas` (SGD always holds momentum, even when 0).
import type { ParseContext } from '../parsing/schedule-definition.ts';
import type { SpecReader } from '../parsing/spec-reader.ts';

export function checkCycleMomentum(r: SpecReader, ctx: ParseContext, cycleMomentum: boolean): void {
  if (cycleMomentum && ctx.momentumKind === null) {
    // 1.13 said "optimizer must support momentum with ..." and rejected Adam in CyclicLR.
    r.issue(r.path('cycle_momentum'), 'optimizer must support momentum or beta1 with `cycle_momentum` option enabled');
  }
}
