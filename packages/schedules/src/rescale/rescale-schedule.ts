// Budgeted training: a schedule written for a run of E epochs, compressed to a run of b epochs,
// so that at every fraction of training the rate is (as nearly as PyTorch's integers allow) the
// one the full run would have. Successive halving's rungs train with these, which is why a
// short rung ranks schedules the way the full run does (the issue measured rho 0.57-0.71 for
// compressed runs against -0.27-0.35 for truncated ones).
import { canonicalSchedule } from '../canonical/canonical-schedule.ts';
import { validateSchedule } from '../create-scheduler.ts';
import { ScheduleError } from '../errors.ts';
import { tokenize } from '../expression/expression.lexer.ts';
import { MAX_EXPRESSION_LENGTH } from '../expression/expression.compiler.ts';
import type { ScheduleSpec } from '../types.ts';

type Spec = Record<string, unknown>;

interface Scale {
  /** What one counted unit of the full run becomes: b / E, or b * stepsPerEpoch / E when an epoch-interval schedule moves onto steps. */
  ratio: number;
  /** 1 / ratio */
  inverse: number;
  /** 1 / ratio as an expression (`12 / 4`, `10 / 375`), for what Python expressions see. */
  inverseText: string;
  budget: number;
  full: number;
}

/**
 * A count of epochs or steps scaled by b/E: rounded, because PyTorch requires an integer for
 * every one of them, and kept >= 1 unless it was 0 (a 0 means "off", e.g. cooldown=0).
 */
function count(value: unknown, s: Scale): unknown {
  if (typeof value !== 'number' || value === 0) return value;
  return Math.max(1, Math.round(value * s.ratio));
}

/** Where a Python expression uses `variable` (a name, not an attribute such as `math.e`). */
function uses(expr: string, variable: string) {
  const tokens = tokenize(expr);
  return tokens.filter((t, i) => t.kind === 'name' && t.text === variable && !(tokens[i - 1]?.kind === 'op' && tokens[i - 1]!.text === '.'));
}

/** `expr` with every use of `variable` replaced by `(replacement)`. */
function substitute(expr: string, variable: string, replacement: string): string {
  let out = expr;
  // Backwards, so earlier columns stay valid while later ones are replaced.
  for (const t of uses(expr, variable).reverse()) out = out.slice(0, t.col) + `(${replacement})` + out.slice(t.col + t.text.length);
  return out;
}

/** The expression seeing `variable * E / b`: at compressed epoch k it gives the full run's value at k * E / b (per step: k * E / (b * stepsPerEpoch)). */
const stretch = (expr: string, variable: string, s: Scale): string => substitute(expr, variable, `${variable} * ${s.inverseText}`);

/**
 * MultiplicativeLR multiplies the rate by lr_lambda(epoch) at every step, so the full run's rate
 * after t epochs is a product of t factors. One compressed epoch must carry the product of the
 * E/b factors it stands for: a constant factor f becomes f ** (E/b) (as ExponentialLR's gamma);
 * a factor that depends on epoch can only be regrouped when E/b is a whole number.
 */
function multiplicativeLambda(expr: string, path: string, s: Scale): string {
  if (uses(expr, 'epoch').length === 0) return `(${expr}) ** (${s.inverseText})`;
  if (!Number.isInteger(s.inverse)) {
    throw new ScheduleError(path, `MultiplicativeLR with an lr_lambda in epoch cannot be rescaled from ${s.full} to ${s.budget} epochs: its factors regroup only when ${s.budget} divides ${s.full}`);
  }
  const r = s.inverse;
  const factors = Array.from({ length: r }, (_, i) => `(${substitute(expr, 'epoch', `epoch * ${r} - ${r - 1 - i}`)})`);
  const product = factors.join(' * ');
  if (product.length > MAX_EXPRESSION_LENGTH) {
    throw new ScheduleError(path, `MultiplicativeLR's lr_lambda rescaled from ${s.full} to ${s.budget} epochs is a product of ${r} factors, longer than ${MAX_EXPRESSION_LENGTH} characters`);
  }
  return product;
}

function eachExpression(value: unknown, path: string, f: (expr: string, path: string) => string): unknown {
  if (typeof value === 'string') return f(value, path);
  if (Array.isArray(value)) return value.map((v, i) => (typeof v === 'string' ? f(v, `${path}/${i}`) : v));
  return value;
}

function rescaleNode(spec: Spec, path: string, s: Scale): Spec {
  const out: Spec = { ...spec };
  const at = (key: string): string => `${path}/${key}`;
  switch (spec.type) {
    case 'StepLR':
      out.step_size = count(spec.step_size, s);
      break;
    case 'MultiStepLR':
      // Two milestones that round onto one epoch still decay twice there (MultiStepLR counts repeats).
      out.milestones = Array.isArray(spec.milestones) ? spec.milestones.map((m) => count(m, s)) : spec.milestones;
      break;
    case 'ConstantLR':
    case 'LinearLR':
    case 'PolynomialLR':
      out.total_iters = count(spec.total_iters, s);
      break;
    case 'ExponentialLR':
      // The same rate at the end: gamma^E = (gamma^(E/b))^b.
      if (typeof spec.gamma === 'number') out.gamma = spec.gamma ** s.inverse;
      break;
    case 'CosineAnnealingLR':
      out.T_max = count(spec.T_max, s);
      break;
    case 'CosineAnnealingWarmRestarts':
      // T_mult multiplies cycle lengths, a ratio that compression keeps.
      out.T_0 = count(spec.T_0, s);
      break;
    case 'CyclicLR':
      out.step_size_up = count(spec.step_size_up, s);
      out.step_size_down = spec.step_size_down === null ? null : count(spec.step_size_down, s);
      // exp_range scales by gamma ** iterations, and a custom scale_fn in 'iterations' mode sees
      // the iteration count: both must see the full run's count. In 'cycle' mode x counts cycles,
      // which compression keeps.
      if (spec.mode === 'exp_range' && spec.scale_fn == null && typeof spec.gamma === 'number') out.gamma = spec.gamma ** s.inverse;
      if (spec.scale_fn != null && spec.scale_mode === 'iterations') out.scale_fn = eachExpression(spec.scale_fn, at('scale_fn'), (e) => stretch(e, 'x', s));
      break;
    case 'OneCycleLR':
      if (spec.total_steps != null) out.total_steps = count(spec.total_steps, s);
      else out.epochs = count(spec.epochs, s);
      break;
    case 'ReduceLROnPlateau':
      out.patience = count(spec.patience, s);
      out.cooldown = count(spec.cooldown, s);
      break;
    case 'LambdaLR':
      out.lr_lambda = eachExpression(spec.lr_lambda, at('lr_lambda'), (e) => stretch(e, 'epoch', s));
      break;
    case 'MultiplicativeLR':
      out.lr_lambda = eachExpression(spec.lr_lambda, at('lr_lambda'), (e, p) => multiplicativeLambda(e, p, s));
      break;
    case 'SequentialLR': {
      const milestones = Array.isArray(spec.milestones) ? spec.milestones.map((m) => count(m, s)) : [];
      for (let i = 1; i < milestones.length; i++) {
        if ((milestones[i] as number) <= (milestones[i - 1] as number)) {
          throw new ScheduleError(
            at(`milestones/${i}`),
            `SequentialLR milestones ${JSON.stringify(spec.milestones)} rescaled from ${s.full} to ${s.budget} epochs collide (${JSON.stringify(milestones)}): a child would get no epoch of its own`,
          );
        }
      }
      out.milestones = milestones;
      out.schedulers = children(spec, path, s);
      break;
    }
    case 'ChainedScheduler':
      out.schedulers = children(spec, path, s);
      break;
  }
  return out;
}

function children(spec: Spec, path: string, s: Scale): unknown[] {
  const list = Array.isArray(spec.schedulers) ? spec.schedulers : [];
  return list.map((child, i) => rescaleNode(child as Spec, `${path}/schedulers/${i}`, s));
}

/**
 * Schedules that stay on epochs: ReduceLROnPlateau steps on a validation metric (one per
 * epoch); a MultiplicativeLR factor in `epoch` regroups only into whole epochs; OneCycleLR ends
 * its phases one scheduler step before pct_start * total_steps, a whole epoch of the full run
 * that would become one step of the rung, so its warm-up would end late.
 */
function needsEpochs(spec: Spec): boolean {
  if (spec.type === 'ReduceLROnPlateau' || spec.type === 'OneCycleLR') return true;
  if (spec.type === 'MultiplicativeLR') {
    const lambdas = Array.isArray(spec.lr_lambda) ? spec.lr_lambda : [spec.lr_lambda];
    if (lambdas.some((e) => typeof e === 'string' && uses(e, 'epoch').length > 0)) return true;
  }
  return Array.isArray(spec.schedulers) && spec.schedulers.some((child) => needsEpochs(child as Spec));
}

export interface RescaleOptions {
  /**
   * Optimizer steps per epoch of the run (`stepsPerEpoch` of @lrsweep/contracts). When known,
   * a schedule stepped per epoch is compressed onto the rung's optimizer steps instead of its
   * epochs (`interval: 'step'`, its epoch counts x stepsPerEpoch x b/E), so that a rung of one
   * or two epochs still passes through every rate of the full run, within one step, instead
   * of one or two of them. ReduceLROnPlateau, OneCycleLR and a MultiplicativeLR factor in
   * `epoch` stay per epoch (needsEpochs says why). @defaultValue undefined: compressed onto epochs
   */
  stepsPerEpoch?: number | undefined;
}

/**
 * `spec`, written for a run of `fullEpochs`, compressed to a run of `budgetEpochs`: every
 * parameter counted in epochs or steps scaled by b/E (rounded where PyTorch wants an integer,
 * kept >= 1), ExponentialLR's gamma raised to E/b, LambdaLR's expression fed `epoch * E / b`,
 * composites' children rescaled alike. PyTorch's defaults are filled in first, so a default
 * (ConstantLR's total_iters=5) is compressed too. With `stepsPerEpoch`, a schedule stepped per
 * epoch moves onto optimizer steps (see RescaleOptions). Rescaling to `fullEpochs` is the
 * identity.
 *
 * Throws ScheduleError (with the path of the field and why) for a schedule that cannot be
 * compressed faithfully, or whose compressed form PyTorch would refuse.
 */
export function rescaleSchedule(spec: ScheduleSpec, budgetEpochs: number, fullEpochs: number, options: RescaleOptions = {}): ScheduleSpec {
  if (!Number.isInteger(budgetEpochs) || !Number.isInteger(fullEpochs) || budgetEpochs < 1 || budgetEpochs > fullEpochs) {
    throw new RangeError(`rescaleSchedule: budget must be an integer in 1..${fullEpochs}, got ${budgetEpochs}`);
  }
  const { stepsPerEpoch } = options;
  if (stepsPerEpoch !== undefined && !(Number.isInteger(stepsPerEpoch) && stepsPerEpoch >= 1)) {
    throw new RangeError(`rescaleSchedule: stepsPerEpoch must be a positive integer, got ${stepsPerEpoch}`);
  }
  if (budgetEpochs === fullEpochs) return spec;
  const invalid = validateSchedule(spec)[0];
  if (invalid) throw new ScheduleError(invalid.path, invalid.message);
  const canonical = canonicalSchedule(spec) as Spec;
  const ontoSteps = stepsPerEpoch !== undefined && canonical.interval === 'epoch' && !needsEpochs(canonical);
  // Units of the compressed run that one unit of the full run's count becomes.
  const units = ontoSteps ? budgetEpochs * stepsPerEpoch : budgetEpochs;
  const s: Scale = { ratio: units / fullEpochs, inverse: fullEpochs / units, inverseText: `${fullEpochs} / ${units}`, budget: budgetEpochs, full: fullEpochs };
  const rescaled = rescaleNode(canonical, '', s) as ScheduleSpec;
  if (ontoSteps) rescaled.interval = 'step';
  const refused = validateSchedule(rescaled)[0];
  if (refused) throw new ScheduleError(refused.path, `rescaled from ${fullEpochs} to ${budgetEpochs} epochs: ${refused.message}`);
  return rescaled;
}
