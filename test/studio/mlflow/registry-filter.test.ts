// The filter and order_by language of the registry and logged-model searches, in memory.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MlflowApiError } from '../../../src/studio/mlflow/context.ts';
import { compareBy, compileSearchFilter, parseOrderBy } from '../../../src/studio/mlflow/search-filter.ts';

interface Item {
  readonly name: string;
  readonly version: number;
  readonly tags: Record<string, string>;
}

const items: Item[] = [
  { name: 'iris_rf', version: 1, tags: { 'mlflow.source': 'automl', team: 'ml' } },
  { name: 'iris-gb', version: 2, tags: { 'mlflow.source': 'sweep' } },
  { name: 'Wine', version: 3, tags: {} },
];
const read = (item: Item, key: string) =>
  key === 'name'
    ? item.name
    : key === 'version_number'
      ? item.version
      : key.startsWith('tags.')
        ? item.tags[key.slice(5)]
        : undefined;
const names = (filter: string) =>
  items.filter(compileSearchFilter(filter, ['name', 'version_number'], read)).map((i) => i.name);

describe('registry search filters', () => {
  it('compares, matches LIKE and ILIKE patterns, lists, and reads tag keys with dots', () => {
    assert.deepEqual(names(''), ['iris_rf', 'iris-gb', 'Wine']);
    assert.deepEqual(names("name = 'Wine'"), ['Wine']);
    assert.deepEqual(names("name != 'Wine'"), ['iris_rf', 'iris-gb']);
    assert.deepEqual(names("name LIKE 'iris%'"), ['iris_rf', 'iris-gb']);
    // _ is one character, and the other characters are literal (a '.' is not a wildcard)
    assert.deepEqual(names("name LIKE 'iris_gb'"), ['iris-gb']);
    assert.deepEqual(names("name LIKE 'iris.rf'"), []);
    assert.deepEqual(names("name LIKE 'wine'"), []);
    assert.deepEqual(names("name ILIKE 'wine'"), ['Wine']);
    assert.deepEqual(names("name IN ('Wine', 'iris_rf')"), ['iris_rf', 'Wine']);
    assert.deepEqual(names("name NOT IN ('Wine')"), ['iris_rf', 'iris-gb']);
    assert.deepEqual(names('version_number >= 2'), ['iris-gb', 'Wine']);
    assert.deepEqual(names("tags.`mlflow.source` = 'automl'"), ['iris_rf']);
    assert.deepEqual(names("tags.mlflow.source = 'sweep'"), ['iris-gb']);
    assert.deepEqual(names("tags.team = 'ml' and name LIKE 'iris%'"), ['iris_rf']);
    // a missing tag matches only != and NOT IN
    assert.deepEqual(names("tags.team != 'ml'"), ['iris-gb', 'Wine']);
  });

  it('refuses unknown keys, OR, and bad syntax with INVALID_PARAMETER_VALUE', () => {
    const fails = (filter: string, message: RegExp) =>
      assert.throws(
        () => names(filter),
        (e: unknown) =>
          e instanceof MlflowApiError && e.errorCode === 'INVALID_PARAMETER_VALUE' && message.test(e.message),
      );
    fails("owner = 'me'", /unsupported key 'owner'/);
    fails("name = 'a' OR name = 'b'", /expected AND or the end/);
    fails('name =', /expected a value/);
    fails("name = 'unclosed", /unclosed/);
    fails("name IN 'a'", /expected '\('/);
  });

  it('orders by several keys, numbers as numbers', () => {
    const order = parseOrderBy(['version_number DESC', 'name'], ['name', 'version_number']);
    assert.deepEqual(order, [
      { key: 'version_number', ascending: false },
      { key: 'name', ascending: true },
    ]);
    const list = [
      { name: 'b', version: 10, tags: {} },
      { name: 'a', version: 9, tags: {} },
      { name: 'a', version: 10, tags: {} },
    ];
    assert.deepEqual(
      list.sort(compareBy(order, read)).map((i) => `${i.name}${i.version}`),
      ['a10', 'b10', 'a9'],
    );
    assert.throws(() => parseOrderBy(['size DESC'], ['name']), /Invalid order_by clause/);
    assert.throws(() => parseOrderBy(['name SIDEWAYS'], ['name']), /Invalid order_by clause/);
  });
});
