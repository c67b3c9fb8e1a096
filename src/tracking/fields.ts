import { describeToken, syntaxError, type Token } from './tokens.ts';

/** What a field of a run holds: metrics and numeric attributes are numbers, the rest strings. */
export type FieldType = 'number' | 'string';

/** A run field resolved to an SQL expression over the `runs` row aliased `r`. */
export interface Field {
  /** As written, for messages: `metrics.accuracy`, `status`. */
  readonly label: string;
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly type: FieldType;
  /** Params and tags: strings that may be compared as numbers. */
  readonly castable: boolean;
  readonly token: Token;
}

const ENTITIES: Readonly<Record<string, 'metric' | 'param' | 'tag' | 'attribute'>> = {
  metrics: 'metric',
  metric: 'metric',
  params: 'param',
  param: 'param',
  parameters: 'param',
  tags: 'tag',
  tag: 'tag',
  attributes: 'attribute',
  attribute: 'attribute',
  attr: 'attribute',
  run: 'attribute',
};

const ATTRIBUTES: Readonly<Record<string, { sql: string; type: FieldType }>> = {
  run_id: { sql: 'r.run_id', type: 'string' },
  id: { sql: 'r.run_id', type: 'string' },
  run_name: { sql: 'r.name', type: 'string' },
  name: { sql: 'r.name', type: 'string' },
  status: { sql: 'r.status', type: 'string' },
  start_time: { sql: 'r.start_time', type: 'number' },
  end_time: { sql: 'r.end_time', type: 'number' },
  parent_run_id: { sql: 'r.parent_run_id', type: 'string' },
  experiment_id: { sql: 'r.experiment_id', type: 'number' },
};

const TABLES = { metric: 'latest_metrics', param: 'params', tag: 'tags' } as const;

/**
 * MLflow's system tags that mlsweep keeps as run columns: a filter on them reads the
 * column, so runs that never had the tag written (mlsweep's own) match too.
 */
const TAG_COLUMNS: Readonly<Record<string, string>> = {
  'mlflow.runName': 'r.name',
  'mlflow.parentRunId': 'r.parent_run_id',
};

/**
 * Reads a field at `tokens[at]`: `metrics.NAME`, `params.NAME`, `tags.NAME` (a NAME may
 * hold dots, or be backquoted), `attributes.NAME` or a bare attribute (`status`,
 * `run_name`, `start_time`, ...).
 *
 * @example
 * const { field, next } = readField(tokenize('metrics.acc', 'filter'), 0, 'metrics.acc', 'filter');
 * field.sql; // (SELECT value FROM latest_metrics WHERE run_id = r.run_id AND key = ?)
 */
export function readField(
  tokens: readonly Token[],
  at: number,
  source: string,
  path: string,
): { field: Field; next: number } {
  const head = tokens[at]!;
  if (head.kind !== 'word') {
    throw syntaxError(
      source,
      path,
      head,
      `expected a field (metrics.NAME, params.NAME, tags.NAME or an attribute such as status), got ${describeToken(head)}`,
    );
  }
  const entity = ENTITIES[head.text.toLowerCase()];
  if (entity === undefined || tokens[at + 1]?.text !== '.')
    return attribute(head, head, at + 1, source, path);
  let next = at + 2;
  const parts: string[] = [];
  for (;;) {
    const part = tokens[next]!;
    // A key may be backquoted or double-quoted (MLflow accepts both), or plain words.
    if (
      part.kind !== 'word' &&
      part.kind !== 'quoted' &&
      part.kind !== 'number' &&
      !isDoubleQuoted(part, source)
    ) {
      throw syntaxError(
        source,
        path,
        part,
        `expected a name after '${head.text}.', got ${describeToken(part)}`,
      );
    }
    parts.push(part.text);
    next++;
    if (tokens[next]?.text !== '.' || tokens[next]?.kind !== 'punct') break;
    next++;
  }
  const last = tokens[next - 1]!;
  const token: Token = {
    kind: 'word',
    text: source.slice(head.start, last.end),
    start: head.start,
    end: last.end,
  };
  const key = parts.join('.');
  if (entity === 'attribute') return attribute({ ...token, text: key }, token, next, source, path);
  const table = TABLES[entity];
  const column = entity === 'tag' ? TAG_COLUMNS[key] : undefined;
  if (column !== undefined) {
    return {
      field: { label: token.text, sql: column, params: [], type: 'string', castable: true, token },
      next,
    };
  }
  return {
    field: {
      label: token.text,
      sql: `(SELECT value FROM ${table} WHERE run_id = r.run_id AND key = ?)`,
      params: [key],
      type: entity === 'metric' ? 'number' : 'string',
      castable: entity !== 'metric',
      token,
    },
    next,
  };
}

function attribute(
  name: Token,
  token: Token,
  next: number,
  source: string,
  path: string,
): { field: Field; next: number } {
  const known = ATTRIBUTES[name.text.toLowerCase()];
  if (!known) {
    throw syntaxError(
      source,
      path,
      token,
      `unknown field ${describeToken(name)}: use metrics.NAME, params.NAME, tags.NAME or one of the attributes ${Object.keys(ATTRIBUTES).join(', ')}`,
    );
  }
  return {
    field: { label: token.text, sql: known.sql, params: [], type: known.type, castable: false, token },
    next,
  };
}

function isDoubleQuoted(token: Token, source: string): boolean {
  return token.kind === 'string' && source[token.start] === '"';
}
