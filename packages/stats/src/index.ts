export * from './student-t.ts';
export * from './interval.ts';
export * from './paired-difference.ts';
export * from './rank.ts';
export * from './seed-race.ts';
export * from './random.ts';
export * from './successive-halving.ts';
