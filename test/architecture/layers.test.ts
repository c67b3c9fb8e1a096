import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// The layers of src/ as DESIGN.md writes them, lowest first. A file may import from its
// own layer or a lower one, never a higher one; files of one folder may import each other,
// but no set of files may import each other in a loop.
const LAYERS: readonly (readonly string[])[] = [
  ['core'],
  ['space', 'metrics', 'policies'],
  ['compute'],
  ['samplers', 'models', 'data'],
  ['tracking', 'registry', 'store'],
  ['sweep', 'study', 'automl', 'pipeline', 'environment'],
  ['serve', 'studio', 'report', 'config', 'cli', 'trial.ts'],
  ['index.ts'],
];

const src = fileURLToPath(new URL('../../src', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The project files a source file imports (static imports, re-exports and literal import() calls). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]!);
  return specifiers.filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s));
}

/** The top-level room of a file under src/: its first folder, or its own name. */
function room(file: string): string {
  return relative(src, file).split(/[\\/]/)[0]!;
}

function layerOf(file: string): number {
  const index = LAYERS.findIndex((rooms) => rooms.includes(room(file)));
  assert.notEqual(index, -1, `${relative(src, file)}: its folder is in no layer of DESIGN.md`);
  return index;
}

const files = sourceFiles(src);
const graph = new Map(files.map((f) => [f, importsOf(f)]));

/** Strongly connected components of more than one file, or a file importing itself (Tarjan). */
function cycles(): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component);
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return found;
}

describe('the layers of src/ (DESIGN.md)', () => {
  it('every import resolves to a file of src/', () => {
    const missing = [...graph].flatMap(([from, tos]) =>
      tos.filter((to) => !graph.has(to)).map((to) => `${relative(src, from)} -> ${relative(src, to)}`),
    );
    assert.deepEqual(missing, []);
  });

  it('no import points up the layers', () => {
    const upward = [...graph].flatMap(([from, tos]) =>
      tos
        .filter((to) => graph.has(to) && layerOf(to) > layerOf(from))
        .map(
          (to) =>
            `${relative(src, from)} (layer ${layerOf(from)}) -> ${relative(src, to)} (layer ${layerOf(to)})`,
        ),
    );
    assert.deepEqual(upward, []);
  });

  it('src/core/ imports nothing else of the project', () => {
    const out = [...graph]
      .filter(([from]) => room(from) === 'core')
      .flatMap(([from, tos]) =>
        tos.filter((to) => room(to) !== 'core').map((to) => `${relative(src, from)} -> ${relative(src, to)}`),
      );
    assert.deepEqual(out, []);
  });

  it('no files import each other in a loop', () => {
    assert.deepEqual(
      cycles().map((c) => c.map((f) => relative(src, f)).sort()),
      [],
    );
  });

  it('goals are compared only in src/core/ (one comparator, one NaN rule)', () => {
    const comparison =
      /\bgoal\b[^\n;]{0,40}?[!=]==\s*'(?:maximize|minimize)'|'(?:maximize|minimize)'\s*[!=]==/;
    const outside = files
      .filter((f) => room(f) !== 'core')
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, at: `${relative(src, f)}:${i + 1}` }))
          .filter(({ line }) => comparison.test(line) && !/^\s*(\*|\/\/)/.test(line))
          .map(({ at, line }) => `${at}: ${line.trim()}`),
      );
    assert.deepEqual(outside, []);
  });
});
