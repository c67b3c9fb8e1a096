import { dirname, resolve } from 'node:path';
import { isMapping, readYamlDoc, type YamlDoc, type YamlPath } from './yaml-doc.ts';

/** The input and output types of Azure's command components. */
export const PORT_TYPES = [
  'uri_file',
  'uri_folder',
  'mltable',
  'mlflow_model',
  'custom_model',
  'number',
  'integer',
  'string',
  'boolean',
] as const;

/** One of PORT_TYPES. */
export type PortType = (typeof PORT_TYPES)[number];

/** Types whose value is a path (a file or a folder) rather than a literal. */
export const PATH_TYPES: readonly PortType[] = [
  'uri_file',
  'uri_folder',
  'mltable',
  'mlflow_model',
  'custom_model',
];

/** A literal value of a number, integer, string or boolean input. */
export type Literal = string | number | boolean;

/** A component input: its type, default and whether it may be left out. */
export interface InputPort {
  readonly type: PortType;
  readonly default?: Literal;
  readonly optional: boolean;
  readonly description?: string;
  readonly min?: number;
  readonly max?: number;
  readonly enum?: readonly Literal[];
}

/** A component output: a file or folder the command writes. */
export interface OutputPort {
  readonly type: PortType;
  readonly description?: string;
}

/** A command component, as Azure ML's v2 YAML writes it (`type: command`). */
export interface ComponentSpec {
  readonly name: string;
  /** As written; empty when the file has none (the registry then gives the next number). */
  readonly version: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly inputs: Readonly<Record<string, InputPort>>;
  readonly outputs: Readonly<Record<string, OutputPort>>;
  /** The `code` folder, absolute: the command's working directory, part of its content hash. */
  readonly code?: string;
  /** The component file's folder (absolute): the working directory when there is no `code`. */
  readonly baseDir: string;
  /** An environment reference (`azureml:name:version`, a file) or an inline spec, as written. */
  readonly environment?: string | Readonly<Record<string, unknown>>;
  readonly environmentVariables: Readonly<Record<string, string>>;
  readonly command: string;
  /** `false` disables step reuse for this component (default true). */
  readonly isDeterministic: boolean;
  /** Keys accepted and not used by a local run (reported as notes). */
  readonly ignored: readonly string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,254}$/;
const PORT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KNOWN = new Set([
  '$schema',
  'name',
  'version',
  'display_name',
  'description',
  'type',
  'inputs',
  'outputs',
  'code',
  'environment',
  'environment_variables',
  'command',
  'is_deterministic',
]);
const IGNORED = new Set(['tags', 'resources', 'distribution', 'additional_includes', 'instance_count']);

/**
 * Reads a command component file. Relative `code` is read from the file's folder; an
 * unknown key, a wrong type or a placeholder naming no input or output is a ConfigError
 * at its line and column.
 *
 * @example
 * const component = readComponentFile('components/prep.yml');
 * component.inputs.raw.type; // 'uri_file'
 */
export function readComponentFile(file: string): ComponentSpec {
  const doc = readYamlDoc(file);
  return parseComponent(doc.value, doc, [], dirname(resolve(file)));
}

/**
 * A component from parsed YAML at `at` inside `doc` (a file of its own, or a pipeline
 * step's inline `component:`); `baseDir` resolves a relative `code`.
 *
 * @example
 * const component = parseComponent(doc.value, doc, [], '/work/components');
 */
export function parseComponent(value: unknown, doc: YamlDoc, at: YamlPath, baseDir: string): ComponentSpec {
  if (!isMapping(value)) throw doc.error(at, 'a component must be a mapping');
  const ignored: string[] = [];
  for (const key of Object.keys(value)) {
    if (IGNORED.has(key)) ignored.push(key);
    else if (!KNOWN.has(key)) {
      throw doc.error(
        [...at, key],
        `unknown key '${key}' (a command component has ${[...KNOWN].join(', ')})`,
      );
    }
  }
  const type = value['type'] ?? 'command';
  if (type !== 'command') {
    throw doc.error([...at, 'type'], `only command components run here, got type ${JSON.stringify(type)}`);
  }
  const name = value['name'] ?? 'inline';
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw doc.error(
      [...at, 'name'],
      `name must be letters, digits, '_' and '-', got ${JSON.stringify(name)}`,
    );
  }
  const version = value['version'] === undefined ? '' : String(value['version']);
  const command = value['command'];
  if (typeof command !== 'string' || command.trim() === '') {
    throw doc.error([...at, 'command'], 'command must be a non-empty string');
  }
  const inputs = parseInputs(value['inputs'], doc, [...at, 'inputs']);
  const outputs = parseOutputs(value['outputs'], doc, [...at, 'outputs']);
  checkPlaceholders(command, inputs, outputs, doc, [...at, 'command']);
  const code = value['code'];
  if (code !== undefined && typeof code !== 'string')
    throw doc.error([...at, 'code'], 'code must be a folder path');
  const environment = value['environment'];
  if (environment !== undefined && typeof environment !== 'string' && !isMapping(environment)) {
    throw doc.error(
      [...at, 'environment'],
      'environment must be a reference (azureml:name:version) or a mapping',
    );
  }
  const deterministic = value['is_deterministic'] ?? true;
  if (typeof deterministic !== 'boolean') {
    throw doc.error([...at, 'is_deterministic'], 'is_deterministic must be true or false');
  }
  return {
    name,
    version,
    ...(typeof value['display_name'] === 'string' ? { displayName: value['display_name'] } : {}),
    ...(typeof value['description'] === 'string' ? { description: value['description'] } : {}),
    inputs,
    outputs,
    ...(typeof code === 'string' ? { code: resolve(baseDir, code) } : {}),
    baseDir,
    ...(environment !== undefined ? { environment: environment as ComponentSpec['environment'] } : {}),
    environmentVariables: stringMap(value['environment_variables'], doc, [...at, 'environment_variables']),
    command,
    isDeterministic: deterministic,
    ignored,
  };
}

function portType(value: unknown, doc: YamlDoc, path: YamlPath): PortType {
  if (typeof value !== 'string' || !(PORT_TYPES as readonly string[]).includes(value)) {
    throw doc.error(path, `type must be one of ${PORT_TYPES.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as PortType;
}

function parseInputs(value: unknown, doc: YamlDoc, at: YamlPath): Record<string, InputPort> {
  if (value === undefined || value === null) return {};
  if (!isMapping(value))
    throw doc.error(at, 'inputs must be a mapping of name to { type, default, optional }');
  const out: Record<string, InputPort> = {};
  for (const [name, raw] of Object.entries(value)) {
    if (!PORT_NAME.test(name)) throw doc.error([...at, name], `input name '${name}' must be an identifier`);
    if (!isMapping(raw)) throw doc.error([...at, name], `input ${name} must be a mapping with a type`);
    const type = portType(raw['type'], doc, [...at, name, 'type']);
    const optional = raw['optional'] ?? false;
    if (typeof optional !== 'boolean')
      throw doc.error([...at, name, 'optional'], 'optional must be true or false');
    const dflt = raw['default'];
    if (dflt !== undefined) checkLiteral(type, dflt, doc, [...at, name, 'default']);
    out[name] = {
      type,
      optional,
      ...(dflt !== undefined ? { default: dflt as Literal } : {}),
      ...(typeof raw['description'] === 'string' ? { description: raw['description'] } : {}),
      ...(typeof raw['min'] === 'number' ? { min: raw['min'] } : {}),
      ...(typeof raw['max'] === 'number' ? { max: raw['max'] } : {}),
      ...(Array.isArray(raw['enum']) ? { enum: raw['enum'] as Literal[] } : {}),
    };
  }
  return out;
}

function parseOutputs(value: unknown, doc: YamlDoc, at: YamlPath): Record<string, OutputPort> {
  if (value === undefined || value === null) return {};
  if (!isMapping(value)) throw doc.error(at, 'outputs must be a mapping of name to { type }');
  const out: Record<string, OutputPort> = {};
  for (const [name, raw] of Object.entries(value)) {
    if (!PORT_NAME.test(name)) throw doc.error([...at, name], `output name '${name}' must be an identifier`);
    if (!isMapping(raw)) throw doc.error([...at, name], `output ${name} must be a mapping with a type`);
    const type = portType(raw['type'], doc, [...at, name, 'type']);
    if (!PATH_TYPES.includes(type)) {
      throw doc.error(
        [...at, name, 'type'],
        `an output is a file or folder (${PATH_TYPES.join(', ')}), got ${type}`,
      );
    }
    out[name] = {
      type,
      ...(typeof raw['description'] === 'string' ? { description: raw['description'] } : {}),
    };
  }
  return out;
}

/**
 * Checks that a literal suits an input type: a number for `number`, an integer for
 * `integer`, true/false for `boolean`; a path type takes a string. Returns an error message, or
 * undefined when it fits.
 *
 * @example
 * literalProblem('integer', 2.5); // 'expected an integer, got 2.5'
 */
export function literalProblem(type: PortType, value: unknown): string | undefined {
  const got = JSON.stringify(value);
  switch (type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
        ? undefined
        : `expected a number, got ${got}`;
    case 'integer':
      return Number.isSafeInteger(value) ? undefined : `expected an integer, got ${got}`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `expected true or false, got ${got}`;
    case 'string':
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? undefined
        : `expected a string, got ${got}`;
    default:
      return typeof value === 'string' && value !== '' ? undefined : `expected a path, got ${got}`;
  }
}

function checkLiteral(type: PortType, value: unknown, doc: YamlDoc, path: YamlPath): void {
  const problem = literalProblem(type, value);
  if (problem !== undefined) throw doc.error(path, problem);
}

function stringMap(value: unknown, doc: YamlDoc, at: YamlPath): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isMapping(value)) throw doc.error(at, 'must be a mapping of names to values');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'object' && v !== null)
      throw doc.error([...at, k], 'must be a string, number or boolean');
    out[k] = String(v);
  }
  return out;
}

/** `${{inputs.x}}` and `${{outputs.y}}` in a command (spaces allowed inside the braces). */
export const COMMAND_PLACEHOLDER = /\$\{\{\s*(inputs|outputs)\.([A-Za-z0-9_]+)\s*\}\}/g;

function checkPlaceholders(
  command: string,
  inputs: Readonly<Record<string, InputPort>>,
  outputs: Readonly<Record<string, OutputPort>>,
  doc: YamlDoc,
  path: YamlPath,
): void {
  for (const m of command.matchAll(/\$\{\{([^}]*)\}\}/g)) {
    const inner = m[1]!.trim();
    const found = /^(inputs|outputs)\.([A-Za-z0-9_]+)$/.exec(inner);
    if (!found) throw doc.error(path, `${m[0]}: a command refers to \${{inputs.NAME}} or \${{outputs.NAME}}`);
    const [, kind, name] = found;
    const ports = kind === 'inputs' ? inputs : outputs;
    if (!(name! in ports)) {
      const known = Object.keys(ports);
      throw doc.error(
        path,
        `${m[0]} names no ${kind === 'inputs' ? 'input' : 'output'} of the component (${known.length ? known.join(', ') : 'it has none'})`,
      );
    }
  }
  // An optional input used outside $[[ ]] leaves the command without a value when absent.
  const outside = command.replace(/\$\[\[[\s\S]*?\]\]/g, '');
  for (const m of outside.matchAll(COMMAND_PLACEHOLDER)) {
    const port = m[1] === 'inputs' ? inputs[m[2]!] : undefined;
    if (port?.optional && port.default === undefined) {
      throw doc.error(
        path,
        `${m[0]} is an optional input used outside $[[ ... ]]: wrap the part that needs it`,
      );
    }
  }
}
