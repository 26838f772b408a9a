import './formats.ts';
export * from './task.schema.ts';
export * from './sweep.schema.ts';
export * from './trial.schema.ts';
export * from './leaderboard.schema.ts';
export * from './queue.schema.ts';
export * from './error.schema.ts';
export * from './preview.schema.ts';
