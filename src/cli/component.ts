// `mlsweep component create|list|show`: Azure ML command components registered as
// versions in the store, so pipelines can name them as azureml:name:version or @latest.
import type { Command } from 'commander';
import { readComponentFile } from '../pipeline/component.ts';
import {
  createComponent,
  getComponent,
  listComponents,
  type RegisteredComponent,
} from '../pipeline/component-registry.ts';
import { type StoreOption, table, when, withCliStore, withStoreOptions } from './experiments.ts';
import { log, printResult } from './output.ts';

function human(c: RegisteredComponent): string {
  const ports = (kind: string, ports: Readonly<Record<string, { type: string }>>) =>
    Object.entries(ports).map(([n, p]) => `  ${kind}.${n}: ${p.type}`);
  return [
    `${c.name}:${c.version}${c.spec.displayName ? ` (${c.spec.displayName})` : ''}`,
    `  hash ${c.hash}`,
    `  ref  azureml:${c.name}:${c.version}`,
    ...ports('inputs', c.spec.inputs),
    ...ports('outputs', c.spec.outputs),
    `  command ${c.spec.command}`,
    ...(c.spec.code ? [`  code ${c.spec.code}`] : []),
    ...(c.spec.isDeterministic ? [] : ['  is_deterministic: false (never reused)']),
    `  created ${when(c.createdAt)}`,
  ].join('\n');
}

/**
 * Registers `mlsweep component create|list|show`.
 *
 * @example
 * registerComponents(program); // mlsweep component create -f prep.yml
 */
export function registerComponents(program: Command): void {
  const component = program.command('component').description('command components: reusable pipeline steps');

  withStoreOptions(component.command('create').description('register a component version from its YAML'))
    .requiredOption('-f, --file <yml>', 'Azure ML command component YAML (type: command)')
    .action((o: StoreOption & { json?: boolean; file: string }) => {
      const spec = readComponentFile(o.file);
      for (const key of spec.ignored) log(`note: ${o.file}: ${key} has no effect on a local run`);
      withCliStore(o, true, (store) => {
        const created = createComponent(store, spec);
        printResult(
          o.json === true,
          created,
          () => `registered component ${created.name}:${created.version}\n${human(created)}`,
        );
      });
    });

  withStoreOptions(component.command('list').description('every registered component version')).action(
    (o: StoreOption & { json?: boolean }) =>
      withCliStore(o, false, (store) => {
        const list = listComponents(store);
        printResult(o.json === true, list, () =>
          table(
            ['name', 'version', 'display name', 'created'],
            list.map((c) => [c.name, c.version, c.spec.displayName ?? '', when(c.createdAt)]),
          ),
        );
      }),
  );

  withStoreOptions(component.command('show').description('one component version'))
    .argument('<ref>', 'name, name:version, name@latest or azureml:name:version')
    .action((ref: string, o: StoreOption & { json?: boolean }) =>
      withCliStore(o, false, (store) => {
        const bare = ref.replace(/^azureml:/i, '');
        const at = /^([^:@]+)(?::([^:@]+)|@latest)?$/.exec(bare);
        const found = getComponent(store, at?.[1] ?? bare, at?.[2] ?? 'latest');
        printResult(o.json === true, found, () => human(found));
      }),
    );
}
