import { ValidationError } from '../core/errors.ts';

/**
 * The steps in an order where each comes after the steps it depends on (Kahn's
 * algorithm, ties broken by the order written). A cycle is a ValidationError that names
 * it, e.g. `a -> b -> a`.
 *
 * @example
 * topologicalOrder(['a', 'b'], (s) => (s === 'b' ? ['a'] : [])); // ['a', 'b']
 */
export function topologicalOrder(
  steps: readonly string[],
  dependsOn: (step: string) => readonly string[],
): string[] {
  const indegree = new Map(steps.map((s) => [s, 0]));
  const dependants = new Map<string, string[]>(steps.map((s) => [s, []]));
  for (const step of steps) {
    for (const dep of new Set(dependsOn(step))) {
      indegree.set(step, indegree.get(step)! + 1);
      dependants.get(dep)?.push(step);
    }
  }
  const order: string[] = [];
  const ready = steps.filter((s) => indegree.get(s) === 0);
  while (ready.length > 0) {
    const step = ready.shift()!;
    order.push(step);
    for (const next of dependants.get(step)!) {
      indegree.set(next, indegree.get(next)! - 1);
      if (indegree.get(next) === 0) ready.push(next);
    }
  }
  if (order.length < steps.length) {
    const cycle = findCycle(
      steps.filter((s) => !order.includes(s)),
      dependsOn,
    );
    throw new ValidationError(`the pipeline's steps form a cycle: ${cycle.join(' -> ')}`, {
      path: 'jobs',
      code: 'E_PIPELINE_CYCLE',
    });
  }
  return order;
}

/** One cycle among the steps left over by Kahn's algorithm, first step repeated at the end. */
function findCycle(left: readonly string[], dependsOn: (step: string) => readonly string[]): string[] {
  const inLeft = new Set(left);
  // Walk dependencies from any leftover step: every leftover step has a leftover dependency,
  // so the walk must revisit a step; the part from its first visit is a cycle.
  const path: string[] = [];
  const seen = new Map<string, number>();
  let step = left[0]!;
  while (!seen.has(step)) {
    seen.set(step, path.length);
    path.push(step);
    step = dependsOn(step).find((d) => inLeft.has(d))!;
  }
  // Written in the direction data flows: producer -> consumer.
  return [...path.slice(seen.get(step)!), step].reverse();
}
