export {
  constrainedDominates,
  isFeasible,
  totalViolation,
} from './constraints.ts';
export { compareLex, dominates } from './dominance.ts';
export { hypervolume } from './hypervolume.ts';
export { contributionWeights, goodIndices, MOTPESampler, type MOTPESamplerOptions } from './motpe.ts';
export { NSGA2Sampler, type NSGA2SamplerOptions } from './nsga2.ts';
export {
  crowdingDistance,
  fronts,
  lossesOf,
  nonDominatedSort,
  paretoFront,
  type Scored,
  type SortOptions,
} from './pareto.ts';
export { categoricalParzen, numericParzen, type Parzen1D, parzenWeights } from './parzen.ts';
export { bestTradeOff, TRADE_OFF_RULES, type TradeOffRule, tradeOffIndex } from './selection.ts';
export { polynomialMutation, randomOption, sbx, UNIT_MAX } from './variation.ts';
