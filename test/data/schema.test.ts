import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/core/errors.ts';
import { loadSchema, parseSchema } from '../../src/data/schema.ts';
import { tempDir } from '../tracking/helpers/temp.ts';

const dir = tempDir('schema');
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('loadSchema', () => {
  it('reads a schema file', () => {
    const path = file(
      'ok.schema.json',
      '{ "task": "regression", "target": "y", "categorical_features": ["city"] }',
    );
    assert.deepEqual(loadSchema(path), { task: 'regression', target: 'y', categorical_features: ['city'] });
  });

  it('names the line and column of a bad key', () => {
    const path = file('task.schema.json', '{\n  "target": "y",\n  "task": "clustering"\n}\n');
    assert.throws(
      () => loadSchema(path),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message ===
          `${path}:line 3, column 3: task: must be 'classification' or 'regression', got "clustering"` &&
        e.line === 3 &&
        e.column === 3,
    );
  });

  it('names the line of a syntax error, and a missing file', () => {
    const path = file('broken.schema.json', '{\n  "target": "y",\n  "task": [\n}\n');
    assert.throws(
      () => loadSchema(path),
      (e: unknown) => e instanceof ConfigError && e.line !== undefined,
    );
    assert.throws(() => loadSchema(join(dir, 'none.json')), /cannot read the schema file: no such file/);
  });
});

describe('parseSchema', () => {
  it('names the key alone for a value that came from no file', () => {
    assert.throws(
      () => parseSchema({ numeric_features: 'a' }),
      /^ConfigError: numeric_features: must be a list/,
    );
  });
});
