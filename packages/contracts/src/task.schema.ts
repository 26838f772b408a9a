import { Type, type Static } from '@sinclair/typebox';
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

/** PyTorch's optimizer names and hyperparameter names (`torch.optim.SGD`, `Adam`, `AdamW`). */
export const SgdOptimizer = Type.Object(
  {
    type: Type.Literal(OPTIMIZER_TYPES[0]),
    lr: positive('initial learning rate'),
    momentum: Type.Optional(unit('SGD momentum')),
    nesterov: Type.Optional(Type.Boolean()),
    weight_decay: Type.Optional(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
);

export const AdamOptimizer = Type.Object(
  {
    type: Type.Union([Type.Literal(OPTIMIZER_TYPES[1]), Type.Literal(OPTIMIZER_TYPES[2])]),
    lr: positive('initial learning rate'),
    betas: Type.Optional(Type.Tuple([unit('beta1'), unit('beta2')])),
    eps: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    weight_decay: Type.Optional(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
);

export const Optimizer = Type.Union([SgdOptimizer, AdamOptimizer]);

export const BuiltinTask = Type.Object(
  {
    dataset: Type.Union(DATASETS.map((d) => Type.Literal(d))),
    model: Model,
    epochs: Type.Integer({ minimum: 1, maximum: 1000 }),
    batchSize: Type.Integer({ minimum: 1, maximum: 65536 }),
    optimizer: Optimizer,
  },
  { additionalProperties: false },
);

/**
 * A trial trained by a user's script: `trainer` names a program the worker's operator declared
 * (lrsweep.config.yaml), never a command, so no request chooses what a worker runs. `args`
 * are handed to the script as data (`trial.args`), never as a command line.
 */
export const ExternalTask = Type.Object(
  {
    trainer: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$', description: 'a trainer declared in the workers\' lrsweep.config.yaml' }),
    args: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.Any(), { maxProperties: 100, description: "handed to the script as trial.args" })),
    epochs: Type.Integer({ minimum: 1, maximum: 1000 }),
    optimizer: Optimizer,
    timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 7 * 24 * 3600, description: 'the script is killed and the trial failed after this long' })),
    stepsPerEpoch: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1_000_000, description: "optimizer steps per epoch of the script's loader: checks per-step schedules at submit and their lrs after" }),
    ),
  },
  { additionalProperties: false },
);

// A body with `trainer` is a script's, any other the built-in tfjs trainer's. if/then/else
// rather than anyOf, so a bad body gets the errors of the variant it meant, not of both.
export const Task = Type.Unsafe<Static<typeof BuiltinTask> | Static<typeof ExternalTask>>({
  if: { type: 'object', required: ['trainer'] },
  then: ExternalTask,
  else: BuiltinTask,
});

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
export type BuiltinTask = Static<typeof BuiltinTask>;
export type ExternalTask = Static<typeof ExternalTask>;

export function isExternalTask(task: Task): task is ExternalTask {
  return 'trainer' in task;
}
export type Model = Static<typeof Model>;
export type Optimizer = Static<typeof Optimizer>;
export type Objective = Static<typeof Objective>;
export type ModelType = (typeof MODEL_TYPES)[number];
export type OptimizerType = (typeof OPTIMIZER_TYPES)[number];

