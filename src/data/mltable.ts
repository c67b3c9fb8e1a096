import { existsSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { DataError } from '../core/errors.ts';
import { folderFiles, globFiles } from './glob.ts';
import type { ColumnKind } from './table.ts';
import { parseYamlFile, readYamlFile, type YamlFile } from './yaml-file.ts';

/** How the files of an MLTable name their columns (Azure's `read_delimited.header`). */
export type MLTableHeader = 'all_files_same_headers' | 'from_first_file' | 'no_header';

/** The text encodings an MLTable may declare, as Node reads them. */
export type MLTableEncoding = 'utf8' | 'latin1' | 'ascii' | 'utf16le';

/** One entry of an MLTable's `paths`: exactly one of `file`, `folder`, `pattern`. */
export interface MLTablePath {
  readonly kind: 'file' | 'folder' | 'pattern';
  /** As written in the MLTable file (relative to its folder, or a URI). */
  readonly value: string;
}

/** An MLTable file's reading settings, checked. */
export interface MLTableSpec {
  /** The MLTable file itself (absolute). */
  readonly file: string;
  readonly paths: readonly MLTablePath[];
  /** The field delimiter; sniffed when the file gives none. */
  readonly delimiter: string | undefined;
  readonly header: MLTableHeader;
  readonly encoding: MLTableEncoding;
  /** Empty cells are empty strings rather than missing values. */
  readonly emptyAsString: boolean;
  /** Column kinds from `convert_column_types`. */
  readonly types: Readonly<Record<string, ColumnKind>>;
  /** Rows to skip after the header (`skip`). */
  readonly skip: number;
  /** At most this many rows (`take`). */
  readonly take: number | undefined;
  readonly keepColumns: readonly string[] | undefined;
  readonly dropColumns: readonly string[] | undefined;
  /** Keys accepted but without effect here (e.g. `include_path_column`), to be reported. */
  readonly ignored: readonly string[];
}

/** The name of the file that makes a folder an MLTable. */
export const MLTABLE_FILE = 'MLTable';

const HEADERS: readonly MLTableHeader[] = ['all_files_same_headers', 'from_first_file', 'no_header'];
const ENCODINGS: Readonly<Record<string, MLTableEncoding>> = {
  utf8: 'utf8',
  'utf-8': 'utf8',
  utf8bom: 'utf8',
  ascii: 'ascii',
  latin1: 'latin1',
  iso88591: 'latin1',
  utf16: 'utf16le',
};
const COLUMN_TYPES: Readonly<Record<string, ColumnKind>> = {
  int: 'numeric',
  float: 'numeric',
  boolean: 'boolean',
  string: 'categorical',
  datetime: 'datetime',
};
/** Readers Azure has that read something other than delimited text. */
const OTHER_READERS = ['read_parquet', 'read_json_lines', 'read_delta_lake'];
const READ_DELIMITED_IGNORED = ['infer_column_types', 'include_path_column', 'support_multi_line'];

/**
 * Whether `path` is an MLTable: a folder holding an `MLTable` file, or that file itself.
 *
 * @example
 * isMLTable('data/iris-mltable'); // true when data/iris-mltable/MLTable exists
 */
export function isMLTable(path: string): boolean {
  try {
    const s = statSync(path);
    if (s.isDirectory()) return existsSync(join(path, MLTABLE_FILE));
    return s.isFile() && basename(path) === MLTABLE_FILE;
  } catch {
    return false;
  }
}

/**
 * The MLTable file of an MLTable folder (or the file itself), absolute.
 *
 * @example
 * mltableFile('data/sales'); // '/work/data/sales/MLTable'
 */
export function mltableFile(path: string): string {
  const absolute = resolve(path);
  return basename(absolute) === MLTABLE_FILE && !isDirectory(absolute)
    ? absolute
    : join(absolute, MLTABLE_FILE);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function names(doc: YamlFile, v: unknown, path: readonly (string | number)[]): string[] {
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length === 0 || !list.every((x) => typeof x === 'string')) {
    throw doc.error(path, `expected a column name or a list of column names, got ${JSON.stringify(v)}`);
  }
  return list as string[];
}

function count(doc: YamlFile, v: unknown, path: readonly (string | number)[]): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw doc.error(path, `expected a whole number >= 0, got ${JSON.stringify(v)}`);
  }
  return v;
}

/**
 * Reads and checks an MLTable file's text (Azure's schema: `paths` of `file`, `folder`
 * or `pattern`; `transformations` with `read_delimited {delimiter, header, encoding,
 * empty_as_string}`, `convert_column_types`, `keep_columns`, `drop_columns`, `skip`,
 * `take`). Anything else that would change the data (another reader, `filter`, a
 * sample) is refused; a mistake is a ConfigError naming the file, line and key.
 *
 * @example
 * const spec = parseMLTable('paths:\n  - file: ./iris.csv\ntransformations:\n  - read_delimited:\n      delimiter: ";"\n', '/data/iris/MLTable');
 * spec.delimiter; // ';'
 */
export function parseMLTable(text: string, file: string): MLTableSpec {
  return checkMLTable(parseYamlFile(text, file));
}

/**
 * Reads an MLTable folder's (or file's) `MLTable` and checks it (see parseMLTable).
 *
 * @example
 * loadMLTable('data/iris-mltable').paths; // [{ kind: 'file', value: './iris.csv' }]
 */
export function loadMLTable(path: string): MLTableSpec {
  const file = mltableFile(path);
  if (!existsSync(file)) {
    throw new DataError(`${path} is not an MLTable: it holds no ${MLTABLE_FILE} file`, 'E_DATA_MLTABLE');
  }
  return checkMLTable(readYamlFile(file));
}

function checkMLTable(doc: YamlFile): MLTableSpec {
  const root = doc.value;
  if (!isRecord(root))
    throw doc.error([], 'an MLTable file is a mapping with `paths` (and `transformations`)');
  const ignored: string[] = [];
  for (const key of Object.keys(root)) {
    if (!['paths', 'transformations', 'type', '$schema', 'metadata', 'traits'].includes(key)) {
      throw doc.error(
        [key],
        `unknown key; an MLTable file has paths, transformations, type, metadata and traits`,
      );
    }
    if (key === 'metadata' || key === 'traits') ignored.push(key);
  }
  if (root.type !== undefined && root.type !== 'mltable') {
    throw doc.error(['type'], `expected mltable, got ${JSON.stringify(root.type)}`);
  }
  const rawPaths = root.paths;
  if (!Array.isArray(rawPaths) || rawPaths.length === 0) {
    throw doc.error(['paths'], 'expected a list of {file|folder|pattern: <path>} entries, one at least');
  }
  const paths = rawPaths.map((entry, i): MLTablePath => {
    const keys = isRecord(entry) ? Object.keys(entry) : [];
    const kind = keys.find((k) => k === 'file' || k === 'folder' || k === 'pattern');
    if (!isRecord(entry) || kind === undefined || keys.length !== 1) {
      throw doc.error(
        ['paths', i],
        `expected exactly one of file, folder or pattern, got ${JSON.stringify(entry)}`,
      );
    }
    const value = entry[kind];
    if (typeof value !== 'string' || value === '') {
      throw doc.error(['paths', i, kind], `expected a path, got ${JSON.stringify(value)}`);
    }
    return { kind, value };
  });
  let delimiter: string | undefined;
  let header: MLTableHeader = 'all_files_same_headers';
  let encoding: MLTableEncoding = 'utf8';
  let emptyAsString = false;
  const types: Record<string, ColumnKind> = {};
  let skip = 0;
  let take: number | undefined;
  let keepColumns: string[] | undefined;
  let dropColumns: string[] | undefined;
  const transformations = root.transformations ?? [];
  if (!Array.isArray(transformations)) {
    throw doc.error(
      ['transformations'],
      'expected a list of transformations, e.g. - read_delimited: {delimiter: ","}',
    );
  }
  transformations.forEach((step, i) => {
    const at = ['transformations', i] as const;
    const name = typeof step === 'string' ? step : isRecord(step) ? Object.keys(step)[0] : undefined;
    if (name === undefined || (isRecord(step) && Object.keys(step).length !== 1)) {
      throw doc.error(
        [...at],
        `expected one transformation such as read_delimited, got ${JSON.stringify(step)}`,
      );
    }
    const body = isRecord(step) ? step[name] : undefined;
    const where = [...at, name];
    if (OTHER_READERS.includes(name)) {
      throw doc.error(where, `${name} is not supported here: mlsweep reads delimited text (read_delimited)`);
    }
    switch (name) {
      case 'read_delimited': {
        const options = body ?? {};
        if (!isRecord(options)) throw doc.error(where, 'expected a mapping of reading options');
        for (const [key, v] of Object.entries(options)) {
          const p = [...where, key];
          if (key === 'delimiter') {
            if (typeof v !== 'string' || v.length !== 1 || v === '"' || v === '\n' || v === '\r') {
              throw doc.error(
                p,
                `expected one character (not a quote or line break), got ${JSON.stringify(v)}`,
              );
            }
            delimiter = v;
          } else if (key === 'header') {
            if (!HEADERS.includes(v as MLTableHeader)) {
              throw doc.error(p, `expected ${HEADERS.join(', ')}, got ${JSON.stringify(v)}`);
            }
            header = v as MLTableHeader;
          } else if (key === 'encoding') {
            const e = typeof v === 'string' ? ENCODINGS[v.toLowerCase()] : undefined;
            if (e === undefined) {
              throw doc.error(p, `expected ${Object.keys(ENCODINGS).join(', ')}, got ${JSON.stringify(v)}`);
            }
            encoding = e;
          } else if (key === 'empty_as_string') {
            if (typeof v !== 'boolean')
              throw doc.error(p, `expected true or false, got ${JSON.stringify(v)}`);
            emptyAsString = v;
          } else if (READ_DELIMITED_IGNORED.includes(key)) {
            ignored.push(`read_delimited.${key}`);
          } else {
            throw doc.error(
              p,
              `unknown read_delimited option; expected delimiter, header, encoding, empty_as_string, ${READ_DELIMITED_IGNORED.join(', ')}`,
            );
          }
        }
        break;
      }
      case 'convert_column_types': {
        if (!Array.isArray(body)) throw doc.error(where, 'expected a list of {columns, column_type}');
        body.forEach((conversion, j) => {
          const p = [...where, j];
          if (!isRecord(conversion)) throw doc.error(p, 'expected {columns, column_type}');
          const columns = names(doc, conversion.columns, [...p, 'columns']);
          const type = conversion.column_type;
          const typeName =
            typeof type === 'string' ? type : isRecord(type) ? Object.keys(type)[0] : undefined;
          const kind = typeName === undefined ? undefined : COLUMN_TYPES[typeName];
          if (kind === undefined) {
            throw doc.error(
              [...p, 'column_type'],
              `expected ${Object.keys(COLUMN_TYPES).join(', ')}, got ${JSON.stringify(type)}`,
            );
          }
          for (const c of columns) types[c] = kind;
        });
        break;
      }
      case 'keep_columns':
        keepColumns = names(doc, body, where);
        break;
      case 'drop_columns':
        dropColumns = names(doc, body, where);
        break;
      case 'skip':
        skip = count(doc, body, where);
        break;
      case 'take':
        take = count(doc, body, where);
        break;
      default:
        throw doc.error(
          where,
          `unsupported transformation; mlsweep applies read_delimited, convert_column_types, keep_columns, drop_columns, skip and take`,
        );
    }
  });
  return {
    file: resolve(doc.file),
    paths,
    delimiter,
    header,
    encoding,
    emptyAsString,
    types,
    skip,
    take,
    keepColumns,
    dropColumns,
    ignored,
  };
}

/**
 * Whether an MLTable path is a URI (resolved by the caller) rather than a local path.
 *
 * @example
 * isUri('azureml://datastores/ds/paths/a.csv'); // true
 * isUri('./a.csv'); // false
 */
export function isUri(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
}

/**
 * The data files an MLTable stands for, absolute, in the order of its `paths` (each
 * folder's or pattern's files sorted), each once. Local paths are read relative to the
 * MLTable's folder; URIs (`azureml://datastores/…`) go to `resolveUri`, which returns
 * their files. An entry that matches nothing is a DataError naming it.
 *
 * @example
 * mltableFiles(loadMLTable('data/iris-mltable')); // ['/work/data/iris-mltable/iris.csv']
 */
export function mltableFiles(
  spec: MLTableSpec,
  resolveUri?: (uri: string, kind: MLTablePath['kind']) => readonly string[],
): string[] {
  const folder = dirname(spec.file);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const entry of spec.paths) {
    let files: readonly string[];
    if (isUri(entry.value)) {
      if (!resolveUri) {
        throw new DataError(
          `${spec.file}: paths entry ${entry.value} is a URI, which needs a store to resolve`,
          'E_DATA_MLTABLE',
        );
      }
      files = resolveUri(entry.value, entry.kind);
    } else {
      const path = isAbsolute(entry.value) ? entry.value : resolve(folder, entry.value);
      files =
        entry.kind === 'pattern'
          ? globFiles(path, folder)
          : entry.kind === 'folder'
            ? isDirectory(path)
              ? folderFiles(path)
              : []
            : existsSync(path) && !isDirectory(path)
              ? [path]
              : [];
    }
    if (files.length === 0) {
      throw new DataError(
        `${spec.file}: paths entry ${entry.kind}: ${entry.value} matches no file`,
        'E_DATA_MLTABLE',
      );
    }
    for (const f of files) {
      if (seen.has(f)) continue;
      seen.add(f);
      out.push(f);
    }
  }
  return out;
}
