import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

// The public API is what src/index.ts exports: every name there is documented at its
// declaration (a doc comment), and the README's "Public API" section lists exactly those
// names, so the two cannot drift apart.
const root = fileURLToPath(new URL('../..', import.meta.url));
const entry = `${root}src/index.ts`;

function publicSymbols(): { name: string; documented: boolean }[] {
  const program = ts.createProgram([entry], {
    allowImportingTsExtensions: true,
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
  });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  return checker.getExportsOfModule(module).map((exported) => {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const documented = (symbol.declarations ?? []).some(
      (d) =>
        ts.getJSDocCommentsAndTags(d).length > 0 ||
        // `export const X = ...`: the comment sits on the statement, above the declaration list
        (ts.isVariableDeclaration(d) && ts.getJSDocCommentsAndTags(d.parent.parent).length > 0),
    );
    return { name: exported.name, documented };
  });
}

/** The names in backticks of the README's "Public API" section. */
function readmeNames(): Set<string> {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const start = readme.indexOf('\n## Public API');
  assert.notEqual(start, -1, 'README.md has no "## Public API" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  return new Set([...section.matchAll(/`([A-Za-z_$][A-Za-z0-9_$]*)`/g)].map((m) => m[1]!));
}

describe('the public API (src/index.ts)', () => {
  const symbols = publicSymbols();

  it('every exported name has a doc comment', () => {
    assert.deepEqual(
      symbols.filter((s) => !s.documented).map((s) => s.name),
      [],
    );
  });

  it('the README lists every exported name, and only those', () => {
    const listed = readmeNames();
    const exported = new Set(symbols.map((s) => s.name));
    assert.deepEqual(
      [...exported].filter((n) => !listed.has(n)).sort(),
      [],
      'exported but not in the README',
    );
    assert.deepEqual(
      [...listed].filter((n) => !exported.has(n)).sort(),
      [],
      'in the README but not exported',
    );
  });
});
