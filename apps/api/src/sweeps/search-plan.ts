import type { CreateSweepBody, Issue } from '@lrsweep/contracts';
import {
  configurationAt,
  distributionPointers,
  expandEntry,
  gridOf,
  MAX_SEARCH_DIMENSIONS,
  searchPoints,
  searchSpaceOf,
  type GridEntry,
  type SearchMethod,
  type SearchParameter,
} from '@lrsweep/schedules';

// How a sweep's configurations are chosen (its `search`): every grid combination, as always,
// or `count` draws per schedule entry, random or Sobol. `task.optimizer.lr` is one more
// parameter of every entry, so schedule shape and base rate are searched together.

const LR_AT = '/task/optimizer/lr';
/** Draws of one entry, repeats included, before its space is called too small for `count`. */
const drawLimit = (count: number) => count * 10 + 100;

export interface Configuration {
  /** The concrete schedule, every axis and distribution resolved; without the lr. */
  schedule: Record<string, unknown>;
  /** What was chosen, by where it is written in the request, to name the configuration in errors. */
  choices: string[];
  /** The trial's lr, when the sweep searches it. */
  lr?: number;
}

export interface SearchPlan {
  method: 'grid' | SearchMethod;
  count: number;
  seed: number;
  streamOffset: number;
  entries: Array<Record<string, unknown>>;
  grids: GridEntry[];
  parameters: SearchParameter[][];
  /** The lr as a search parameter, when the sweep searches it. */
  lr: SearchParameter | undefined;
  /** A grid's lr values (one undefined when the lr is fixed). */
  lrValues: Array<number | undefined>;
  /** Trials per seed: the worst case, checked against LRSWEEP_MAX_TRIALS before anything is drawn. */
  configurationCount: number;
  issues: Issue[];
}

function lrSearchOf(lr: unknown): { lr?: SearchParameter; values: Array<number | undefined>; issues: Issue[] } {
  if (typeof lr === 'number') return { values: [undefined], issues: [] };
  const { parameters, issues } = searchSpaceOf({ lr }, '/task/optimizer');
  const [param] = parameters;
  if (issues.length > 0) return { values: [], issues };
  if (parameters.length !== 1 || param!.path.length !== 1) {
    return { values: [], issues: [{ path: LR_AT, message: 'lr is a positive number, a grid axis {"values": [...]} or a distribution {"distribution": ...}' }] };
  }
  const spec = lr as { values?: unknown[]; min?: number };
  if (spec.values) {
    const bad = spec.values.flatMap((v, k) => (typeof v === 'number' && v > 0 ? [] : [{ path: `${LR_AT}/values/${k}`, message: `an lr must be a positive number, not ${JSON.stringify(v)}` }]));
    return { lr: param, values: spec.values as number[], issues: bad };
  }
  if (!(spec.min! > 0)) return { values: [], issues: [{ path: `${LR_AT}/min`, message: `an lr must be positive, so min must be too, not ${spec.min}` }] };
  return { lr: param, values: [], issues: [] };
}

/** The sweep's search, checked: what it draws from and how many trials it makes per seed. */
export function searchOf(body: CreateSweepBody, streamOffset: number): SearchPlan {
  const method = body.search?.method ?? 'grid';
  const count = body.search?.count ?? 0;
  const seed = body.search?.seed ?? 0;
  const issues: Issue[] = [];
  const lr = lrSearchOf(body.task.optimizer.lr);
  issues.push(...lr.issues);
  const entries = body.schedules as Array<Record<string, unknown>>;
  const plan: SearchPlan = { method, count, seed, streamOffset, entries, grids: [], parameters: [], lr: lr.lr, lrValues: lr.values, configurationCount: 0, issues };

  if (method === 'grid') {
    if (body.search?.count !== undefined) issues.push({ path: '/search/count', message: 'a grid runs every combination; count is for "random" and "sobol" search' });
    if (body.search?.seed !== undefined) issues.push({ path: '/search/seed', message: 'a grid draws nothing; seed is for "random" and "sobol" search' });
    const drawn = [...entries.flatMap((entry, i) => distributionPointers(entry, `/schedules/${i}`)), ...distributionPointers(body.task.optimizer.lr, LR_AT)];
    for (const at of drawn) issues.push({ path: at, message: 'a distribution is drawn from, not enumerated: search it with "search": {"method": "random" or "sobol", "count": N}' });
    entries.forEach((entry, i) => {
      const { grid, issues: gridIssues } = gridOf(entry, `/schedules/${i}`);
      issues.push(...gridIssues);
      plan.grids.push(grid);
    });
    plan.configurationCount = plan.grids.reduce((n, g) => n + g.size, 0) * Math.max(1, lr.values.length);
    return plan;
  }

  if (body.search?.count === undefined) issues.push({ path: '/search/count', message: `${method} search needs count: the configurations to draw per schedule entry` });
  entries.forEach((entry, i) => {
    const { parameters, issues: found } = searchSpaceOf(entry, `/schedules/${i}`);
    issues.push(...found);
    const dims = parameters.length + (lr.lr ? 1 : 0);
    if (dims > MAX_SEARCH_DIMENSIONS) issues.push({ path: `/schedules/${i}`, message: `${dims} searched parameters; at most ${MAX_SEARCH_DIMENSIONS} per schedule entry` });
    plan.parameters.push(parameters);
    // An entry with nothing to draw (a fixed baseline) is one configuration.
    plan.configurationCount += dims > 0 ? count : 1;
  });
  return plan;
}

/**
 * The configurations of schedule entry `i`, lazily: under random and Sobol search a draw that
 * `isNew` refuses (a configuration already planned, compared in canonical form) is drawn again,
 * up to a bound, after which an issue says the space is too small.
 */
export function* configurationsOf(plan: SearchPlan, i: number, isNew: (c: Configuration) => boolean): Generator<Configuration | { issue: Issue }> {
  const entry = plan.entries[i]!;
  const at = `/schedules/${i}`;
  if (plan.method === 'grid') {
    for (const { schedule, choices } of expandEntry(entry, plan.grids[i]!, at)) {
      for (const [k, lr] of plan.lrValues.entries()) {
        yield lr === undefined ? { schedule, choices } : { schedule, choices: [...choices, `${LR_AT}/values/${k}`], lr };
      }
    }
    return;
  }
  const parameters = plan.parameters[i]!;
  const dims = parameters.length + (plan.lr ? 1 : 0);
  if (dims === 0) {
    yield { schedule: entry, choices: [] };
    return;
  }
  let found = 0;
  let draws = 0;
  for (const point of searchPoints(plan.method, dims, plan.seed, plan.streamOffset + i)) {
    if (found === plan.count) return;
    if (draws++ === drawLimit(plan.count)) break;
    const { schedule, choices } = configurationAt(entry, parameters, point);
    const lr = plan.lr ? (plan.lr.draw(point[parameters.length]!) as number) : undefined;
    const configuration: Configuration = lr === undefined ? { schedule, choices } : { schedule, choices: [...choices, `${LR_AT} = ${lr}`], lr };
    if (!isNew(configuration)) continue;
    found++;
    yield configuration;
  }
  yield {
    issue: {
      path: '/search/count',
      message: `${at} has only ${found} distinct configurations in ${draws - 1} ${plan.method} draws, fewer than count ${plan.count}: widen its ranges or lower count`,
    },
  };
}
