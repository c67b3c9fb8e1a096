import { ValidationError } from '../core/errors.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const ALIAS = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

/** What a `models:/` URI points at: a version number, an alias, or the latest version. */
export type ModelReference =
  | { readonly name: string; readonly version: number }
  | { readonly name: string; readonly alias: string }
  | { readonly name: string; readonly latest: true };

/**
 * Checks a registered model name: 1 to 128 letters, digits, `_`, `.`, `-`, starting with
 * a letter or digit (so it never holds the `/` or `@` of a models:/ URI).
 *
 * @example
 * checkModelName('iris-rf'); // 'iris-rf'
 * checkModelName('iris/rf'); // ValidationError naming the bad character
 */
export function checkModelName(name: string): string {
  if (typeof name === 'string' && NAME.test(name)) return name;
  const bad = typeof name === 'string' ? [...name].find((c) => !/[A-Za-z0-9_.-]/.test(c)) : undefined;
  throw new ValidationError(
    `invalid model name ${JSON.stringify(name)}: use 1 to 128 letters, digits, '_', '.', '-', starting with a letter or digit` +
      (bad !== undefined ? ` (it contains ${JSON.stringify(bad)})` : ''),
    { path: 'name' },
  );
}

/**
 * Checks an alias: a letter or `_` then letters, digits, `_`, `-` (64 at most); `latest`
 * is reserved for the newest version.
 *
 * @example
 * checkAlias('production'); // 'production'
 */
export function checkAlias(alias: string): string {
  if (typeof alias === 'string' && ALIAS.test(alias) && alias !== 'latest') return alias;
  throw new ValidationError(
    `invalid alias ${JSON.stringify(alias)}: use a letter or '_' then letters, digits, '_', '-' (64 at most); 'latest' is reserved`,
    { path: 'alias' },
  );
}

/**
 * Parses `models:/NAME/VERSION`, `models:/NAME@ALIAS` or `models:/NAME/latest`.
 * `models:/NAME@latest` is the latest version too (Azure users write `NAME@latest`, and
 * `latest` can never be an alias).
 *
 * @example
 * parseModelUri('models:/iris-rf@production'); // { name: 'iris-rf', alias: 'production' }
 * parseModelUri('models:/iris-rf/3'); // { name: 'iris-rf', version: 3 }
 * parseModelUri('models:/iris-rf@latest'); // { name: 'iris-rf', latest: true }
 */
export function parseModelUri(uri: string): ModelReference {
  const match = typeof uri === 'string' ? /^models:\/([^/@]+)(?:\/([^/@]+)|@([^/@]+))$/.exec(uri) : null;
  if (!match) {
    throw new ValidationError(
      `invalid model URI ${JSON.stringify(uri)}: expected models:/NAME/VERSION, models:/NAME@ALIAS or models:/NAME/latest`,
      { path: 'uri' },
    );
  }
  const name = checkModelName(match[1]!);
  if (match[3] === 'latest') return { name, latest: true };
  if (match[3] !== undefined) return { name, alias: checkAlias(match[3]) };
  const version = match[2]!;
  if (version === 'latest') return { name, latest: true };
  if (!/^[1-9]\d*$/.test(version)) {
    throw new ValidationError(
      `invalid model version '${version}' in ${uri}: expected a number from 1, or latest`,
      {
        path: 'uri',
      },
    );
  }
  return { name, version: Number(version) };
}
