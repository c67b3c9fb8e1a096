import { DataError, MlsweepError, ValidationError } from '../core/errors.ts';
import type { MLTableEncoding, MLTableHeader, MLTableSpec } from './mltable.ts';
import { type CsvOptions, csvBatches, readCsv, readCsvHeader, TableBuilder } from './read-csv.ts';
import { loadSchema, schemaTypes } from './schema.ts';
import { strayNotice } from './strays.ts';
import { type ColumnKind, Table } from './table.ts';
import type { CsvRecord } from './tokenizer.ts';
import { DEFAULT_MISSING } from './values.ts';

/**
 * Tabular data on disk: one CSV file, several (a folder's or a glob's, read as one table
 * with the same header), or an MLTable. The shape `resolveDataInput` returns.
 */
export interface TabularSource {
  readonly kind: 'uri_file' | 'uri_folder' | 'mltable';
  /** The file, the folder, or the MLTable folder: what errors name. */
  readonly path: string;
  readonly files: readonly string[];
  /** The MLTable's reading settings (kind mltable). */
  readonly table?: MLTableSpec;
}

/** File names read as delimited text when a folder holds other files too. */
const DELIMITED = /\.(csv|tsv|txt)$/i;

/**
 * The files of a source that hold the table: a folder's (or glob's) `.csv`, `.tsv` and
 * `.txt` files when it has any (so a README or a schema beside them is not read as
 * data), else all of them; every file of a file source or an MLTable.
 *
 * @example
 * tabularFiles({ kind: 'uri_folder', path: '/d', files: ['/d/a.csv', '/d/README.md'] }); // ['/d/a.csv']
 */
export function tabularFiles(source: TabularSource): readonly string[] {
  if (source.kind !== 'uri_folder') return source.files;
  const delimited = source.files.filter((f) => DELIMITED.test(f));
  return delimited.length > 0 ? delimited : source.files;
}

/** How several delimited files become one table. */
interface MultiSettings {
  readonly delimiter: string | undefined;
  readonly header: MLTableHeader;
  readonly encoding: MLTableEncoding;
  readonly missing: readonly string[];
  readonly skip: number;
  readonly take: number | undefined;
}

function settingsOf(source: TabularSource, options: CsvOptions): MultiSettings {
  const t = source.table;
  return {
    // the caller's delimiter (a CLI --delimiter) wins over the MLTable's
    delimiter: options.delimiter ?? t?.delimiter,
    header: options.header === false ? 'no_header' : (t?.header ?? 'all_files_same_headers'),
    encoding: t?.encoding ?? 'utf8',
    missing: options.missing ?? DEFAULT_MISSING,
    skip: t?.skip ?? 0,
    take: t?.take,
  };
}

function typesOf(source: TabularSource, options: CsvOptions): Record<string, ColumnKind> {
  const schema = typeof options.schema === 'string' ? loadSchema(options.schema) : options.schema;
  return { ...(source.table?.types ?? {}), ...(schema ? schemaTypes(schema) : {}), ...(options.types ?? {}) };
}

/** Where each record came from: TableBuilder numbers rows by position here, errors are mapped back. */
interface Origin {
  readonly file: string;
  readonly line: number;
}

/** A name no path has, for TableBuilder's messages, replaced by the real file and line. */
const MARK = '\u0000row';
const MARKED = new RegExp(`${MARK}:(\\d+)`, 'g');

function located(message: string, origins: readonly Origin[], label: string): string {
  return message
    .replace(MARKED, (_, id: string) => {
      const o = origins[Number(id) - 1];
      return o ? `${o.file}:${o.line}` : label;
    })
    .replaceAll(MARK, label);
}

function relocate(error: unknown, origins: readonly Origin[], label: string): unknown {
  if (!(error instanceof MlsweepError) || !error.message.includes(MARK)) return error;
  const message = located(error.message, origins, label);
  if (error instanceof ValidationError)
    return new ValidationError(message, { path: error.path, code: error.code });
  return new DataError(message, error.code);
}

function sameHeader(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x.trim() === b[i]!.trim());
}

/** Reads the files of a source into one builder, checking every file's header and width. */
async function readMany(
  source: TabularSource,
  files: readonly string[],
  settings: MultiSettings,
  options: CsvOptions,
  stopAtFirstRow: boolean,
): Promise<{ builder: TableBuilder | undefined; origins: Origin[] }> {
  const origins: Origin[] = [];
  let builder: TableBuilder | undefined;
  let header: { names: string[]; file: string; line: number } | undefined;
  let skipped = 0;
  let taken = 0;
  const full = () => settings.take !== undefined && taken >= settings.take;
  for (const file of files) {
    let first = true;
    for await (const { records } of csvBatches(file, settings.delimiter, settings.encoding)) {
      let rows: CsvRecord[] = records;
      if (first) {
        first = false;
        const top = records[0]!;
        const hasHeader =
          settings.header === 'all_files_same_headers' || (settings.header === 'from_first_file' && !header);
        if (!header) {
          const names = hasHeader
            ? top.fields
            : (options.columnNames ?? top.fields.map((_, i) => `column_${i + 1}`)).slice();
          origins.push({ file, line: top.line });
          header = { names, file, line: top.line };
          try {
            builder = new TableBuilder(names, MARK, settings.missing, origins.length);
          } catch (error) {
            throw relocate(error, origins, source.path);
          }
        } else if (hasHeader && !sameHeader(top.fields, header.names)) {
          throw new DataError(
            `${file}:${top.line}: the header (${top.fields.join(', ')}) differs from ${header.file}'s (${header.names.join(', ')}); every file of ${source.path} must have the same columns`,
            'E_DATA_HEADER',
          );
        }
        if (hasHeader) rows = records.slice(1);
      }
      const width = builder!.names.length;
      const batch: CsvRecord[] = [];
      for (const r of rows) {
        if (r.fields.length !== width) {
          throw new DataError(
            `${file}:${r.line}: the row has ${r.fields.length} fields, but the header (${header!.file}:${header!.line}) has ${width}`,
            'E_DATA_RAGGED',
          );
        }
        if (skipped < settings.skip) {
          skipped++;
          continue;
        }
        if (full()) break;
        origins.push({ file, line: r.line });
        batch.push({ fields: r.fields, line: origins.length });
        taken++;
      }
      builder!.add(batch);
      if (full() || (stopAtFirstRow && taken > 0)) return { builder, origins };
    }
  }
  return { builder, origins };
}

/**
 * Reads tabular data into one typed Table: a CSV file as `readCsv` does; a folder's or
 * glob's delimited files as one table (each file with the same header row, in path
 * order); an MLTable with its settings (`paths`, `read_delimited` delimiter, header mode
 * and encoding, `convert_column_types`, `skip`, `take`, `keep_columns`, `drop_columns`).
 * Column kinds: the MLTable's, then the schema's, then `types`. Errors name the file and
 * line the bad row is on, whichever file it is.
 *
 * @example
 * const table = await readTabular(resolveDataInput('azureml:iris@latest', { store }), { types: { species: 'categorical' } });
 */
export async function readTabular(source: TabularSource, options: CsvOptions = {}): Promise<Table> {
  const files = tabularFiles(source);
  if (source.kind === 'uri_file' && files.length === 1) return readCsv(files[0]!, options);
  const settings = settingsOf(source, options);
  const { builder, origins } = await readMany(source, files, settings, options, false);
  if (!builder)
    throw new DataError(`${source.path} is empty (no header row in any of its files)`, 'E_DATA_EMPTY');
  let table: Table;
  try {
    table = builder.build(typesOf(source, options));
  } catch (error) {
    throw relocate(error, origins, source.path);
  }
  const notices = [
    ...builder.strays
      .filter((s) => s.strays > 0)
      .map((s) => {
        const o = s.line === undefined ? undefined : origins[s.line - 1];
        return strayNotice({ ...s, file: o?.file ?? source.path, line: o?.line });
      }),
    ...(source.table?.ignored ?? []).map((key) => `${source.table!.file}: ${key} has no effect here`),
  ];
  table = new Table(table.columns, notices);
  const spec = source.table;
  try {
    if (spec?.keepColumns) table = table.select(spec.keepColumns);
    if (spec?.dropColumns) table = table.drop(spec.dropColumns);
  } catch (error) {
    if (error instanceof DataError) throw new DataError(`${spec!.file}: ${error.message}`, error.code);
    throw error;
  }
  return table;
}

/**
 * The column names of tabular data (as `readTabular` names them, after an MLTable's
 * keep/drop) and whether any data row follows, reading only as far as the first row.
 *
 * @example
 * const { names, hasRows } = await readTabularHeader(resolveDataInput('data/*.csv', {}));
 */
export async function readTabularHeader(
  source: TabularSource,
  options: Pick<CsvOptions, 'delimiter' | 'header' | 'columnNames'> = {},
): Promise<{ names: string[]; hasRows: boolean }> {
  const files = tabularFiles(source);
  if (source.kind === 'uri_file' && files.length === 1) return readCsvHeader(files[0]!, options);
  const { builder } = await readMany(source, files, settingsOf(source, options), options, true);
  if (!builder)
    throw new DataError(`${source.path} is empty (no header row in any of its files)`, 'E_DATA_EMPTY');
  let names = builder.names;
  const spec = source.table;
  if (spec?.keepColumns) names = spec.keepColumns.filter((n) => names.includes(n));
  if (spec?.dropColumns) names = names.filter((n) => !spec.dropColumns!.includes(n));
  return { names, hasRows: builder.nRows > 0 };
}
