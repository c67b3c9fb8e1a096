// `mlsweep datastore create|list|show|delete`: named folders that azureml://datastores/
// URIs are read under. Azure's datastore YAML; only local folders (no cloud storage).
import type { Command } from 'commander';
import {
  createDatastore,
  type Datastore,
  deleteDatastore,
  getDatastore,
  listDatastores,
  readDatastoreFile,
} from '../registry/datastores.ts';
import { type StoreOption, table, when, withCliStore, withStoreOptions } from './experiments.ts';
import { log, printResult } from './output.ts';

function human(d: Datastore): string {
  return [
    `${d.name} (${d.type}${d.builtIn ? ', built in' : ''})`,
    `  path ${d.path}`,
    `  uri  azureml://datastores/${d.name}/paths/<path>`,
    ...(d.description ? [`  ${d.description}`] : []),
    ...Object.entries(d.tags).map(([k, v]) => `  tags.${k} = ${v}`),
    ...(d.createdAt !== undefined ? [`  created ${when(d.createdAt)}`] : []),
  ].join('\n');
}

/**
 * Registers `mlsweep datastore create|list|show|delete`.
 *
 * @example
 * registerDatastores(program); // mlsweep datastore create -f ds.yml
 */
export function registerDatastores(program: Command): void {
  const datastore = program
    .command('datastore')
    .description('datastores: named folders reached by azureml://datastores/<name>/paths/<path>');

  withStoreOptions(datastore.command('create').description('add a datastore for a local folder'))
    .requiredOption(
      '-f, --file <yml>',
      'datastore YAML: name, type: local, path (relative to the file), description, tags',
    )
    .action((o: StoreOption & { json?: boolean; file: string }) => {
      const { spec, ignored } = readDatastoreFile(o.file);
      for (const key of ignored) log(`note: ${o.file}: ${key} has no effect on a local datastore`);
      withCliStore(o, true, (store) => {
        const created = createDatastore(store, spec);
        printResult(o.json === true, created, () => `created datastore ${created.name}\n${human(created)}`);
      });
    });

  withStoreOptions(datastore.command('list').description('every datastore of the store')).action(
    (o: StoreOption & { json?: boolean }) =>
      withCliStore(o, false, (store) => {
        const list = listDatastores(store);
        printResult(o.json === true, list, () =>
          table(
            ['name', 'type', 'path'],
            list.map((d) => [d.name + (d.builtIn ? ' *' : ''), d.type, d.path]),
          ),
        );
      }),
  );

  withStoreOptions(datastore.command('show').description('one datastore'))
    .argument('<name>', 'datastore name')
    .action((name: string, o: StoreOption & { json?: boolean }) =>
      withCliStore(o, false, (store) => {
        const found = getDatastore(store, name);
        printResult(o.json === true, found, () => human(found));
      }),
    );

  withStoreOptions(datastore.command('delete').description('remove a datastore (its folder and files stay)'))
    .argument('<name>', 'datastore name')
    .action((name: string, o: StoreOption & { json?: boolean }) => {
      withCliStore(o, false, (store) => {
        const gone = deleteDatastore(store, name);
        printResult(
          o.json === true,
          gone,
          () => `deleted datastore ${gone.name} (${gone.path} is untouched)`,
        );
      });
    });
}
