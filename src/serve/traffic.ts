/**
 * Which deployment of an endpoint answers a request, and which get a copy of it: Azure's
 * `traffic` (percentages of live traffic, one draw per request) and `mirror_traffic`
 * (each mirrored deployment gets a copy of that share of requests, answers discarded).
 * The draw is injectable so tests can seed it.
 */
import { mulberry32, UINT32_RANGE } from '../compute/rng.ts';
import type { EndpointSpec } from '../registry/endpoint-types.ts';

/** A source of uniform numbers in [0, 1), such as `Math.random`. */
export type Random = () => number;

/**
 * The deployment a request goes to by the endpoint's live traffic split, or undefined
 * when every deployment has 0%.
 *
 * @example
 * chooseDeployment({ blue: 80, green: 20 }, () => 0.9); // 'green'
 */
export function chooseDeployment(traffic: EndpointSpec['traffic'], random: Random): string | undefined {
  let total = 0;
  for (const share of Object.values(traffic)) if (share > 0) total += share;
  if (total <= 0) return undefined;
  const draw = random() * total;
  let sum = 0;
  let last: string | undefined;
  for (const [name, share] of Object.entries(traffic)) {
    if (!(share > 0)) continue;
    sum += share;
    last = name;
    if (draw < sum) return name;
  }
  return last;
}

/**
 * The deployments that get a copy of this request: each mirrored deployment with its own
 * draw against its percentage. The one serving the request is never mirrored to.
 *
 * @example
 * mirrorTargets({ green: 10 }, 'blue', () => 0.05); // ['green']
 */
export function mirrorTargets(
  mirror: EndpointSpec['mirrorTraffic'],
  serving: string,
  random: Random,
): string[] {
  const targets: string[] = [];
  for (const [name, share] of Object.entries(mirror)) {
    if (name === serving || !(share > 0)) continue;
    if (random() * 100 < share) targets.push(name);
  }
  return targets;
}

/**
 * A seeded uniform generator (the project's mulberry32), for reproducible traffic in tests.
 *
 * @example
 * const random = seededRandom(7); random(); // same sequence every run
 */
export function seededRandom(seed: number): Random {
  const next = mulberry32(seed);
  return () => next() / UINT32_RANGE;
}
