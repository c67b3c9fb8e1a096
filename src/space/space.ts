import type { ParamSet, ParamValue } from '../core/trial.ts';
import { Choice } from './choice.ts';
import { isParamValue } from './distributions.ts';
import { invalid } from './invalid.ts';
import { fmt } from './numbers.ts';
import type {
  Distribution,
  NestedParams,
  Rng,
  SearchSpace,
  SearchSpaceDefinition,
  SpaceParameter,
} from './types.ts';

/** An entry of a space: a distribution (a `Choice` may hold sub-spaces) or a constant. */
export type SpaceEntry = Distribution | ParamValue;

type Node =
  | { kind: 'const'; path: string; name: string; value: ParamValue }
  | { kind: 'dist'; path: string; name: string; dist: Distribution; dim: number; size: number | undefined }
  | {
      kind: 'choice';
      path: string;
      name: string;
      choice: Choice;
      dim: number;
      branches: (Node[] | undefined)[];
      /** Grid points per option: 1 for a value, the branch's grid size for a sub-space. */
      optionSizes: (number | undefined)[];
      size: number | undefined;
    };

function nodeSize(node: Node): number | undefined {
  return node.kind === 'const' ? 1 : node.size;
}

function product(nodes: readonly Node[]): number | undefined {
  let n = 1;
  for (const node of nodes) {
    const s = nodeSize(node);
    if (s === undefined) return undefined;
    n *= s;
  }
  return n;
}

/**
 * A search space: named entries, each a distribution or a constant, where a `choice`
 * may branch into sub-spaces. Build one with `searchSpace({...})` (which also reads
 * YAML/JSON and expression forms) rather than with `new Space` directly.
 *
 * Grid order: the first parameter varies slowest and the last fastest, like nested
 * loops written in the space's order; each parameter runs through its values in listed
 * order (`choice`) or ascending (`randint`, `quniform`, `qloguniform`); a conditional
 * choice runs through its options in order, enumerating each sub-space's whole grid.
 *
 * @example
 * const space = new Space([['lr', new Uniform('uniform', 0, 1)], ['layers', 3]]);
 * space.fromUnit([0.5]); // { lr: 0.5, layers: 3 }
 */
export class Space implements SearchSpace {
  readonly entries: ReadonlyArray<readonly [string, SpaceEntry]>;
  readonly parameters: readonly SpaceParameter[];
  readonly dimensions: number;
  readonly gridSize: number | undefined;
  private readonly nodes: Node[];

  constructor(entries: Iterable<readonly [string, SpaceEntry]>, path = '') {
    this.entries = [...entries];
    const seen = new Set<string>();
    for (const [name] of this.entries) {
      const where = path ? `${path}.${name}` : name;
      if (name === '' || name.includes('.')) {
        throw invalid(where, `parameter names must be non-empty and contain no '.', got ${fmt(name)}`);
      }
      if (seen.has(name)) throw invalid(where, `parameter ${fmt(name)} is defined twice`);
      seen.add(name);
    }
    const parameters: SpaceParameter[] = [];
    const counter = { dims: 0 };
    this.nodes = compile(this.entries, '', counter, undefined, parameters);
    this.parameters = parameters;
    this.dimensions = counter.dims;
    this.gridSize = product(this.nodes);
  }

  sample(rng: Rng): ParamSet {
    const out: Record<string, ParamValue> = {};
    sampleNodes(this.nodes, rng, out);
    return out;
  }

  fromUnit(point: ArrayLike<number>): ParamSet {
    if (point.length < this.dimensions) {
      throw invalid('', `fromUnit needs a point with ${this.dimensions} coordinates, got ${point.length}`);
    }
    const out: Record<string, ParamValue> = {};
    unitNodes(this.nodes, point, out);
    return out;
  }

  contains(params: ParamSet): boolean {
    const seen = new Set<string>();
    if (!containsNodes(this.nodes, params, seen)) return false;
    return Object.keys(params).every((k) => seen.has(k));
  }

  gridAt(index: number): ParamSet {
    const size = this.gridSize;
    if (size === undefined) {
      const p = this.parameters.find(
        (x) => x.distribution !== undefined && x.distribution.gridSize === undefined,
      );
      throw invalid(
        p?.path ?? '',
        `${p?.distribution?.toString() ?? 'a parameter'} is continuous, so the space has no grid`,
      );
    }
    if (!Number.isInteger(index) || index < 0 || index >= size) {
      throw invalid('', `grid index ${index} is outside 0..${size - 1}`);
    }
    const out: Record<string, ParamValue> = {};
    gridNodes(this.nodes, index, out);
    return out;
  }

  nest(params: ParamSet): NestedParams {
    return nestNodes(this.nodes, params);
  }

  toJSON(): SearchSpaceDefinition {
    const out: Record<string, SearchSpaceDefinition[string]> = {};
    for (const [name, entry] of this.entries) out[name] = isParamValue(entry) ? entry : entry.toJSON();
    return out;
  }
}

function compile(
  entries: ReadonlyArray<readonly [string, SpaceEntry]>,
  prefix: string,
  counter: { dims: number },
  condition: SpaceParameter['condition'],
  parameters: SpaceParameter[],
): Node[] {
  return entries.map(([name, entry]): Node => {
    const path = prefix ? `${prefix}.${name}` : name;
    if (isParamValue(entry)) {
      parameters.push({ path, distribution: undefined, constant: entry, dimension: -1, condition });
      return { kind: 'const', path, name, value: entry };
    }
    const dim = counter.dims++;
    parameters.push({ path, distribution: entry, constant: undefined, dimension: dim, condition });
    if (!(entry instanceof Choice))
      return { kind: 'dist', path, name, dist: entry, dim, size: entry.gridSize };
    const branches = entry.options.map((option, i) => {
      if (isParamValue(option)) return undefined;
      if (!(option instanceof Space))
        throw invalid(path, `option ${i} is a sub-space not built by searchSpace()`);
      return compile(option.entries, path, counter, { path, option: i }, parameters);
    });
    const optionSizes = branches.map((b) => (b === undefined ? 1 : product(b)));
    const size = optionSizes.some((s) => s === undefined)
      ? undefined
      : optionSizes.reduce<number>((a, s) => a + (s as number), 0);
    return { kind: 'choice', path, name, choice: entry, dim, branches, optionSizes, size };
  });
}

function sampleNodes(nodes: readonly Node[], rng: Rng, out: Record<string, ParamValue>): void {
  for (const node of nodes) {
    if (node.kind === 'const') out[node.path] = node.value;
    else if (node.kind === 'dist') out[node.path] = node.dist.sample(rng);
    else {
      const i = node.choice.indexFromUnit(rng());
      out[node.path] = node.choice.valueAt(i);
      const branch = node.branches[i];
      if (branch) sampleNodes(branch, rng, out);
    }
  }
}

function unitNodes(nodes: readonly Node[], point: ArrayLike<number>, out: Record<string, ParamValue>): void {
  for (const node of nodes) {
    if (node.kind === 'const') out[node.path] = node.value;
    else if (node.kind === 'dist') out[node.path] = node.dist.fromUnit(point[node.dim] as number);
    else {
      const i = node.choice.indexFromUnit(point[node.dim] as number);
      out[node.path] = node.choice.valueAt(i);
      const branch = node.branches[i];
      if (branch) unitNodes(branch, point, out);
    }
  }
}

function containsNodes(nodes: readonly Node[], params: ParamSet, seen: Set<string>): boolean {
  for (const node of nodes) {
    if (!Object.hasOwn(params, node.path)) return false;
    const value = params[node.path];
    seen.add(node.path);
    if (node.kind === 'const') {
      if (value !== node.value) return false;
    } else if (node.kind === 'dist') {
      if (!node.dist.contains(value)) return false;
    } else {
      const i = node.choice.indexOf(value);
      if (i < 0) return false;
      const branch = node.branches[i];
      if (branch && !containsNodes(branch, params, seen)) return false;
    }
  }
  return true;
}

function gridNodes(nodes: readonly Node[], index: number, out: Record<string, ParamValue>): void {
  // Mixed radix with the last node fastest; digits first, so keys are set in space order.
  const digits = new Array<number>(nodes.length);
  let rest = index;
  for (let i = nodes.length - 1; i >= 0; i--) {
    const size = nodeSize(nodes[i] as Node) as number;
    digits[i] = rest % size;
    rest = Math.floor(rest / size);
  }
  nodes.forEach((node, i) => {
    const digit = digits[i] as number;
    if (node.kind === 'const') out[node.path] = node.value;
    else if (node.kind === 'dist') out[node.path] = node.dist.gridValue(digit);
    else {
      let r = digit;
      for (let o = 0; o < node.optionSizes.length; o++) {
        const w = node.optionSizes[o] as number;
        if (r < w) {
          out[node.path] = node.choice.valueAt(o);
          const branch = node.branches[o];
          if (branch) gridNodes(branch, r, out);
          return;
        }
        r -= w;
      }
    }
  });
}

function nestNodes(nodes: readonly Node[], params: ParamSet): NestedParams {
  const out: Record<string, ParamValue | NestedParams> = {};
  for (const node of nodes) {
    const value = params[node.path];
    if (value === undefined) throw invalid(node.path, `the parameter set has no value for ${node.path}`);
    if (node.kind !== 'choice' || !node.choice.conditional) {
      out[node.name] = value;
      continue;
    }
    const i = node.choice.indexOf(value);
    const branch = node.branches[i];
    const option = node.choice.options[i];
    if (option === undefined) throw invalid(node.path, `${fmt(value)} is not an option index of this choice`);
    out[node.name] = branch ? nestNodes(branch, params) : (option as ParamValue);
  }
  return out;
}
