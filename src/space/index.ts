export { Choice, type ChoiceOption } from './choice.ts';
export {
  choice,
  lognormal,
  loguniform,
  normal,
  qlognormal,
  qloguniform,
  qnormal,
  quniform,
  randint,
  uniform,
} from './constructors.ts';
export { isParamValue, Normal, RandInt, Uniform } from './distributions.ts';
export { looksLikeExpression, parseExpression } from './expression.ts';
export { didYouMean, nearest } from './nearest.ts';
export { normalCdf, normalQuantile } from './normal.ts';
export { DISTRIBUTION_TYPES, parseDefinition, parseEntry, searchSpace } from './parse.ts';
export { Space, type SpaceEntry } from './space.ts';
export type * from './types.ts';
