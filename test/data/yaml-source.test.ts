import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/core/errors.ts';
import { parseYamlFile } from '../../src/data/yaml-file.ts';
import { joinKeyPath, parseSource, splitKeyPath } from '../../src/data/yaml-source.ts';

const text = [
  'base: &base', // 1
  '  path: ./data', // 2
  '  type: uri_folder', // 3
  'assets:', // 4
  '  - name: a', // 5
  '    <<: *base', // 6
  '  - name: "b"', // 7
  '    path: ./b', // 8
].join('\n');

describe('parseSource', () => {
  const doc = parseSource(text, 'assets.yml');

  it('gives the line and column of the key that holds a path', () => {
    assert.deepEqual(doc.keyPosition(['assets', 1, 'path']), { line: 8, column: 5 });
    assert.equal(doc.line(['assets', 1, 'path']), 8);
  });

  it('finds a merged key where it is written, through the alias', () => {
    assert.deepEqual(doc.keyPosition(['assets', 0, 'type']), { line: 3, column: 3 });
  });

  it('falls back to the deepest part of a path that exists', () => {
    assert.deepEqual(doc.keyPosition(['assets', 1, 'missing', 'deeper']), { line: 7, column: 5 });
  });

  it('places a value past its opening quote, and only a value that exists', () => {
    assert.deepEqual(doc.position(['assets', 1, 'name']), { line: 7, column: 12 });
    assert.equal(doc.position(['assets', 1, 'missing']), undefined);
  });
});

describe('parseYamlFile', () => {
  it('applies merge keys as the sweep files do', () => {
    const file = parseYamlFile(text, 'assets.yml');
    const assets = (file.value as { assets: Array<Record<string, string>> }).assets;
    assert.deepEqual(assets[0], { name: 'a', path: './data', type: 'uri_folder' });
  });

  it("names the file, the key's line and the key path in its errors", () => {
    const error = parseYamlFile(text, 'assets.yml').error(['assets', 0, 'type'], 'bad type');
    assert.ok(error instanceof ConfigError);
    assert.equal(error.message, 'assets.yml:line 3: assets[0].type: bad type');
  });

  it('refuses a second document with the line of its separator', () => {
    assert.throws(
      () => parseYamlFile('a: 1\n---\nb: 2\n', 'two.yml'),
      /^ConfigError: two\.yml:line 2: cannot parse the file: the file holds more than one YAML document/,
    );
  });
});

describe('key paths', () => {
  it('split and join as the messages write them', () => {
    assert.deepEqual(splitKeyPath('assets[1].path'), ['assets', 1, 'path']);
    assert.equal(joinKeyPath(['assets', 1, 'path']), 'assets[1].path');
  });
});
