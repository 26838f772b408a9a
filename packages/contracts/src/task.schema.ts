import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { DATASETS } from './datasets.ts';
import { MetricName } from './metrics.schema.ts';

// What a trial trains: dataset, model, epochs, batch size and a PyTorch-named optimizer.
// Schedules are validated by @lrsweep/schedules, not here: this file only types the boundary.
// Rules a JSON schema cannot say (a CNN's depth depends on the dataset) are in task-rules.ts.

export const MODEL_TYPES = ['mlp', 'cnn'] as const;
export const OPTIMIZER_TYPES = ['SGD', 'Adam', 'AdamW'] as const;

export const MlpModel = Type.Object(
  {
    type: Type.Literal(MODEL_TYPES[0]),
    hidden: Type.Array(Type.Integer({ minimum: 1, maximum: 4096 }), { maxItems: 8, default: [128] }),
  },
  { additionalProperties: false },
);

export const CnnModel = Type.Object(
  {
    type: Type.Literal(MODEL_TYPES[1]),
    channels: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 256 }), { minItems: 1, maxItems: 4 })),
  },
  { additionalProperties: false },
);

export const Model = Type.Union([MlpModel, CnnModel]);

const positive = (description: string) => Type.Number({ exclusiveMinimum: 0, description });
const unit = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });

const positiveLr = positive('initial learning rate');
/**
 * A sweep's lr may be searched with the schedule: a grid axis `{"values": [...]}` or a
 * distribution `{"distribution": ...}`, both checked when the sweep is planned. Each trial then
 * carries its own lr (see trial-task.ts).
 */
const searchedLr = Type.Union([
  positiveLr,
  Type.Object({}, { additionalProperties: true, description: 'a grid axis {"values": [...]} or a distribution {"distribution": "log_uniform_values", "min", "max"}' }),
]);

/** PyTorch's optimizer names and hyperparameter names (`torch.optim.SGD`, `Adam`, `AdamW`). */
const sgdOptimizer = <L extends TSchema>(lr: L) =>
  Type.Object(
    {
      type: Type.Literal(OPTIMIZER_TYPES[0]),
      lr,
      momentum: Type.Optional(unit('SGD momentum')),
      nesterov: Type.Optional(Type.Boolean()),
      weight_decay: Type.Optional(Type.Number({ minimum: 0 })),
    },
    { additionalProperties: false },
  );

const adamOptimizer = <L extends TSchema>(lr: L) =>
  Type.Object(
    {
      type: Type.Union([Type.Literal(OPTIMIZER_TYPES[1]), Type.Literal(OPTIMIZER_TYPES[2])]),
      lr,
      betas: Type.Optional(Type.Tuple([unit('beta1'), unit('beta2')])),
      eps: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
      weight_decay: Type.Optional(Type.Number({ minimum: 0 })),
    },
    { additionalProperties: false },
  );

export const SgdOptimizer = sgdOptimizer(positiveLr);
export const AdamOptimizer = adamOptimizer(positiveLr);
export const Optimizer = Type.Union([SgdOptimizer, AdamOptimizer]);
/** A sweep's optimizer: its lr may be a grid axis or a distribution. */
export const SweepOptimizer = Type.Union([sgdOptimizer(searchedLr), adamOptimizer(searchedLr)]);

const builtinTask = <O extends TSchema>(optimizer: O) =>
  Type.Object(
    {
      dataset: Type.Union(DATASETS.map((d) => Type.Literal(d))),
      model: Model,
      epochs: Type.Integer({ minimum: 1, maximum: 1000 }),
      batchSize: Type.Integer({ minimum: 1, maximum: 65536 }),
      optimizer,
    },
    { additionalProperties: false },
  );
export const BuiltinTask = builtinTask(Optimizer);

/**
 * A trial trained by a user's script: `trainer` names a program the worker's operator declared
 * (lrsweep.config.yaml), never a command, so no request chooses what a worker runs. `args`
 * are handed to the script as data (`trial.args`), never as a command line.
 */
const externalTask = <O extends TSchema>(optimizer: O) =>
    Type.Object(
    {
      trainer: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$', description: 'a trainer declared in the workers\' lrsweep.config.yaml' }),
      args: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.Any(), { maxProperties: 100, description: "handed to the script as trial.args" })),
      epochs: Type.Integer({ minimum: 1, maximum: 1000 }),
      optimizer,
      timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 7 * 24 * 3600, description: 'the script is killed and the trial failed after this long' })),
      stepsPerEpoch: Type.Optional(
        Type.Integer({ minimum: 1, maximum: 1_000_000, description: "optimizer steps per epoch of the script's loader: checks per-step schedules at submit and their lrs after" }),
      ),
    },
    { additionalProperties: false },
  );
export const ExternalTask = externalTask(Optimizer);

// A body with `trainer` is a script's, any other the built-in tfjs trainer's. if/then/else
// rather than anyOf, so a bad body gets the errors of the variant it meant, not of both.
const taskOf = <B extends TSchema, E extends TSchema>(builtin: B, external: E) =>
  Type.Unsafe<Static<B> | Static<E>>({ if: { type: 'object', required: ['trainer'] }, then: external, else: builtin });

/** What one trial trains: every value concrete. */
export const Task = taskOf(BuiltinTask, ExternalTask);
/** What a sweep trains: the same, with `optimizer.lr` possibly searched. */
export const SweepTask = taskOf(builtinTask(SweepOptimizer), externalTask(SweepOptimizer));

export const Objective = Type.Object(
  {
    metric: Type.String({
      ...MetricName,
      description: "the metric to rank by: the built-in trainer's val_loss, val_acc or train_loss; for a script, any metric it reports (val_f1, perplexity)",
    }),
    mode: Type.Union([Type.Literal('min'), Type.Literal('max')]),
  },
  { additionalProperties: false },
);

export type Task = Static<typeof Task>;
export type SweepTask = Static<typeof SweepTask>;
export type BuiltinTask = Static<typeof BuiltinTask>;
export type ExternalTask = Static<typeof ExternalTask>;

export function isExternalTask<T extends Task | SweepTask>(task: T): task is Extract<T, { trainer: string }> {
  return 'trainer' in task;
}
export type Model = Static<typeof Model>;
export type Optimizer = Static<typeof Optimizer>;
export type Objective = Static<typeof Objective>;
export type ModelType = (typeof MODEL_TYPES)[number];
export type OptimizerType = (typeof OPTIMIZER_TYPES)[number];

