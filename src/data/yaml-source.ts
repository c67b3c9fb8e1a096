import {
  type Alias,
  type Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
  visit,
  type YAMLMap,
} from 'yaml';
import { ConfigError, MlsweepError } from '../core/errors.ts';

/** One key path segment: a mapping key or a list index. */
export type KeySegment = string | number;

/** A 1-based line and column. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** A parsed YAML (or JSON) file: its plain value and where each key path sits. */
export interface SourceDocument {
  readonly file: string | undefined;
  readonly value: unknown;
  /**
   * The 1-based line of the deepest node along `path` that exists (the key's line for a
   * mapping entry). Aliases are followed and merged keys (`<<: *base`) are found where
   * they are written, so an error in a shared block names the line that holds it.
   */
  line(path: readonly KeySegment[]): number | undefined;
  /** As `line`, with the column: where the key (or list item) of the deepest node found starts. */
  keyPosition(path: readonly KeySegment[]): SourcePosition | undefined;
  /**
   * Where the scalar at exactly `path` starts (1-based line and column, past an opening
   * quote), for messages that point inside a value; undefined when there is no scalar there.
   */
  position(path: readonly KeySegment[]): SourcePosition | undefined;
}

/** The most nodes that aliases may add to a document once expanded (an alias bomb adds billions). */
export const MAX_ALIAS_NODES = 10_000;

/** The deepest nesting of mappings and lists a document may have, aliases expanded. */
export const MAX_DEPTH = 100;

/**
 * Parses YAML (and so JSON, a subset of YAML 1.2) keeping source positions, so that
 * every later error can name the line of the key it is about: the one reader of every
 * YAML or JSON file a user writes for mlsweep (sweeps, search spaces, endpoints,
 * pipelines, components, data assets, MLTables, datastores, schedules, environments,
 * featurization settings, data set schemas). YAML 1.1 merge keys
 * (`<<: *base`, `<<: [*a, *b]`) are applied, keys written in the mapping winning.
 * Whatever the text, the only error thrown is a ConfigError with the file and, where
 * there is one, the line: bad syntax, duplicate keys, an alias with no anchor or inside
 * its own anchor, a merge of something that is not a mapping, aliases expanding to more
 * than MAX_ALIAS_NODES nodes (an alias bomb) or nesting deeper than MAX_DEPTH.
 *
 * @example
 * const doc = parseSource('limits:\n  max_total_trials: 0\n', 'sweep.yml');
 * doc.line(['limits', 'max_total_trials']); // 2
 */
export function parseSource(text: string, file?: string): SourceDocument {
  const counter = new LineCounter();
  const positionAt = (offset: number): SourcePosition | undefined => {
    try {
      const { line, col } = counter.linePos(offset);
      return { line, column: col };
    } catch {
      return undefined;
    }
  };
  const lineAt = (offset: number): number | undefined => positionAt(offset)?.line;
  const positionOf = (node: unknown): SourcePosition | undefined => {
    const range = (node as Node | null | undefined)?.range;
    return range ? positionAt(range[0]) : undefined;
  };
  const lineOf = (node: unknown): number | undefined => positionOf(node)?.line;
  try {
    const doc = parseDocument(text, {
      lineCounter: counter,
      prettyErrors: false,
      uniqueKeys: true,
      merge: true,
    });
    const first = doc.errors[0];
    if (first !== undefined) {
      const message =
        first.code === 'MULTIPLE_DOCS'
          ? 'the file holds more than one YAML document (a second ---); one is expected'
          : first.code === 'RESOURCE_EXHAUSTION'
            ? `the YAML nests too deeply to read (${first.message.split('\n')[0]})`
            : (first.message.split('\n')[0] ?? first.message);
      throw new ConfigError(`cannot parse the file: ${message}`, {
        file,
        line: lineAt(first.pos[0]),
        cause: first,
      });
    }
    const fail = (node: unknown, message: string): never => {
      throw new ConfigError(message, { file, line: lineOf(node) });
    };
    const targets = anchorTargets(doc);
    const target = (alias: Alias): Node =>
      targets.get(alias) ??
      fail(alias, `the alias *${alias.source} names no anchor (&${alias.source}) before it`);
    measure(doc.contents, target, fail);
    const value = toValue(doc.contents, target, fail);
    // Follows `path` from the root through aliases and merged keys: the deepest node
    // reached, where the key or item that holds it starts, and whether all of `path` exists.
    const follow = (path: readonly KeySegment[]) => {
      let node: unknown = doc.contents;
      let at = positionOf(node);
      for (const segment of path) {
        if (isAlias(node)) node = targets.get(node);
        const pair = isMap(node) ? findPair(node, String(segment), targets, 0) : undefined;
        const item = isSeq(node) && typeof segment === 'number' ? node.items[segment] : undefined;
        if (pair === undefined && item === undefined) return { node, at, complete: false };
        // a mapping entry is where its key is; a list item where it is itself
        at = positionOf(pair?.key ?? item) ?? at;
        node = pair !== undefined ? pair.value : item;
      }
      return { node, at, complete: true };
    };
    return {
      file,
      value,
      position(path) {
        const { node, complete } = follow(path);
        if (!complete || !isScalar(node) || !node.range) return undefined;
        const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0;
        return positionAt(node.range[0] + quoted);
      },
      keyPosition: (path) => follow(path).at,
      line: (path) => follow(path).at?.line,
    };
  } catch (error) {
    if (error instanceof MlsweepError) throw error;
    // The parser and the checks above turn every problem into a ConfigError; this is the
    // net for what they do not foresee (e.g. a stack overflow), never a stack trace.
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ConfigError(`cannot parse the file: ${message}`, { file, cause: error });
  }
}

type Fail = (node: unknown, message: string) => never;

/** Each alias of the document and the node it stands for: the last node anchored with its name before it. */
function anchorTargets(doc: Document.Parsed): Map<Alias, Node> {
  const anchors = new Map<string, Node>();
  const targets = new Map<Alias, Node>();
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        const found = anchors.get(node.source);
        if (found !== undefined) targets.set(node, found);
      } else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  return targets;
}

/** A merge key: the plain scalar `<<`, which the parser resolves to a symbol when merging is on. */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol';
}

/**
 * The entry for `key` in `map`: its own pairs first, then those it merges, in order.
 * `depth` bounds the walk through merges of merges.
 */
function findPair(
  map: YAMLMap,
  key: string,
  targets: Map<Alias, Node>,
  depth: number,
): Pair<unknown, unknown> | undefined {
  const own = map.items.find((p) => !isMergeKey(p.key) && keyOf(p.key, (a) => targets.get(a)) === key);
  if (own !== undefined || depth > MAX_DEPTH) return own;
  for (const pair of map.items) {
    if (!isMergeKey(pair.key)) continue;
    for (const source of mergeSources(pair.value, (a) => targets.get(a))) {
      const found = isMap(source) ? findPair(source, key, targets, depth + 1) : undefined;
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The nodes a merge key's value names: one mapping or alias, or a list of them, aliases resolved. */
function mergeSources(value: unknown, target: (alias: Alias) => Node | undefined): unknown[] {
  const resolve = (v: unknown) => (isAlias(v) ? target(v) : v);
  const source = resolve(value);
  return isSeq(source) ? source.items.map(resolve) : [source];
}

/** A mapping key as the plain value has it, or undefined for a key that is not a single value. */
function keyOf(key: unknown, resolve: (alias: Alias) => Node | undefined): string | undefined {
  const node = isAlias(key) ? resolve(key) : key;
  if (node === null || node === undefined) return '';
  if (!isScalar(node)) return undefined;
  const v = node.value;
  if (v === null || v === undefined) return '';
  if (typeof v === 'symbol') return v.description ?? '';
  return typeof v === 'object' ? undefined : String(v);
}

/**
 * Checks the document before it is turned into plain values: every alias has an anchor
 * and is not inside it, merge keys merge mappings, aliases add at most MAX_ALIAS_NODES
 * nodes and nothing nests deeper than MAX_DEPTH. Linear in the size of the text: the
 * expansion of each anchor is counted once.
 */
function measure(root: unknown, target: (alias: Alias) => Node, fail: Fail): void {
  // Per anchored node: its expanded size and depth; `open` holds those being measured.
  const known = new Map<Node, { size: number; depth: number }>();
  const open = new Set<Node>();
  let added = 0;
  // Returns the expanded size and depth of `node`; `at` is the depth it sits at,
  // `literal` whether it is written in the document (not reached through an alias).
  const walk = (node: unknown, at: number, literal: boolean): { size: number; depth: number } => {
    if (at > MAX_DEPTH) fail(node, `the YAML nests deeper than ${MAX_DEPTH} levels`);
    if (isAlias(node)) {
      const source = target(node);
      if (open.has(source)) {
        fail(node, `the alias *${node.source} sits inside its own anchor &${node.source} (a cycle)`);
      }
      let m = known.get(source);
      if (m === undefined) {
        open.add(source);
        m = walk(source, 0, false);
        open.delete(source);
        known.set(source, m);
      }
      if (at + m.depth > MAX_DEPTH) fail(node, `the YAML nests deeper than ${MAX_DEPTH} levels`);
      if (literal) {
        added += m.size;
        if (added > MAX_ALIAS_NODES) {
          fail(node, `the YAML expands aliases to more than ${MAX_ALIAS_NODES} nodes (an alias bomb?)`);
        }
      }
      return m;
    }
    if (!isCollection(node)) return { size: 1, depth: 0 };
    let size = 1;
    let depth = 0;
    for (const item of node.items) {
      const parts = isPair(item) ? [item.key, item.value] : [item];
      if (isPair(item) && isMergeKey(item.key)) checkMerge(item, target, fail);
      for (const part of parts) {
        const m = walk(part, at + 1, literal);
        size += m.size;
        depth = Math.max(depth, m.depth + 1);
      }
    }
    return { size, depth };
  };
  walk(root, 0, true);
}

function checkMerge(pair: Pair<unknown, unknown>, target: (alias: Alias) => Node, fail: Fail): void {
  if (!mergeSources(pair.value, target).every((s) => isMap(s))) {
    fail(pair.key, 'a merge key (<<) takes a mapping, an alias of one or a list of them');
  }
}

/**
 * The plain value of a node: mappings become objects (with the keys they merge, in
 * the order the `yaml` package gives them), lists arrays, aliases the value of their anchor (shared, as
 * the `yaml` package does). Runs after `measure`, so it terminates.
 */
function toValue(root: unknown, target: (alias: Alias) => Node, fail: Fail): unknown {
  const values = new Map<Node, unknown>();
  const convert = (node: unknown): unknown => {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const source = target(node);
      if (!values.has(source)) values.set(source, convert(source));
      return values.get(source);
    }
    if (isScalar(node)) {
      const v = node.value;
      if (v instanceof Uint8Array) fail(node, 'binary data (!!binary) is not a value these files take');
      return typeof v === 'symbol' ? (v.description ?? '') : v;
    }
    if (isSeq(node)) return node.items.map(convert);
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const set = (key: string, value: unknown) =>
        Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
      for (const pair of node.items) {
        if (!isMergeKey(pair.key)) {
          const key = keyOf(pair.key, target);
          if (key === undefined)
            fail(pair.key, 'a mapping key must be a single value, not a mapping or a list');
          else set(key, convert(pair.value));
          continue;
        }
        // As the `yaml` package merges: at the place of `<<`, the keys the mapping does
        // not have yet; a key written later in the mapping replaces a merged one.
        const resolved = isAlias(pair.value) ? target(pair.value) : pair.value;
        for (const source of isSeq(resolved) ? resolved.items : [resolved]) {
          const merged = convert(source) as Record<string, unknown>;
          for (const key of Object.keys(merged)) if (!Object.hasOwn(out, key)) set(key, merged[key]);
        }
      }
      return out;
    }
    return null;
  };
  return convert(root);
}

/**
 * Splits a dotted key path with `[i]` indexes into segments.
 *
 * @example
 * splitKeyPath('search_space.model.values[1].C'); // ['search_space', 'model', 'values', 1, 'C']
 */
export function splitKeyPath(path: string): KeySegment[] {
  const out: KeySegment[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (m === null) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const index of (m[2] ?? '').matchAll(/\[(\d+)\]/g)) out.push(Number(index[1]));
  }
  return out;
}

/**
 * Joins segments into the dotted form used in messages.
 *
 * @example
 * joinKeyPath(['inputs', 'data', 'path']); // 'inputs.data.path'
 */
export function joinKeyPath(path: readonly KeySegment[]): string {
  return path.reduce<string>(
    (s, seg) => (typeof seg === 'number' ? `${s}[${seg}]` : s ? `${s}.${seg}` : seg),
    '',
  );
}
