// `mlsweep endpoint package NAME --out DIR`: the endpoint's build context and Kubernetes
// manifests (serve/package/). It registers itself on the `endpoint` command group, which
// another file owns; that file (or main.ts) calls registerEndpointPackage.
import type { Command } from 'commander';
import { ValidationError } from '../core/errors.ts';
import { loadServeConfig } from '../serve/catalog.ts';
import { type PackageResult, packageEndpoint } from '../serve/package/package-endpoint.ts';
import type { ServeConfig } from '../serve/types.ts';
import { defaultStoreDir } from '../tracking/sqlite-store.ts';
import { printResult } from './output.ts';

interface PackageCliOptions {
  out: string;
  store?: string;
  image?: string;
  namespace?: string;
  force?: boolean;
  json?: boolean;
}

/** Reads what a store serves (serve/catalog.ts's `loadServeConfig`). */
export type ServeConfigLoader = (storeDir: string) => ServeConfig | Promise<ServeConfig>;

/**
 * Registers `package` on the `endpoint` command group: `mlsweep endpoint package NAME
 * --out DIR [--store S] [--image IMAGE] [--namespace NS] [--force] [--json]`.
 *
 * @example
 * const endpoint = program.command('endpoint');
 * registerEndpointPackage(endpoint);
 */
export function registerEndpointPackage(
  endpointCommand: Command,
  load: ServeConfigLoader = loadServeConfig,
): Command {
  return endpointCommand
    .command('package')
    .description(
      'write a build context (Dockerfile, model, scoring module, lockfile) and Kubernetes manifests',
    )
    .argument('<name>', 'the endpoint')
    .requiredOption('--out <dir>', 'folder to write (must be empty or absent unless --force)')
    .option('--store <dir>', 'store folder (default: $MLSWEEP_STORE or ./mlruns)')
    .option('--image <image>', 'image name in the manifests (default: mlsweep-NAME:VERSION-HASH)')
    .option('--namespace <namespace>', 'Kubernetes namespace written into the manifests')
    .option('--force', 'replace a non-empty --out folder')
    .option('--json', 'print one JSON document')
    .action(async (name: string, options: PackageCliOptions) => {
      const config = await load(options.store ?? defaultStoreDir());
      const endpoint = config.endpoints.find((e) => e.spec.name === name);
      if (endpoint === undefined) {
        const names = config.endpoints.map((e) => e.spec.name);
        throw new ValidationError(
          `no endpoint named ${JSON.stringify(name)} in the store` +
            (names.length > 0 ? ` (it has: ${names.join(', ')})` : ' (it has none)'),
        );
      }
      const result = packageEndpoint(endpoint, options.out, {
        force: options.force === true,
        ...(options.image === undefined ? {} : { image: options.image }),
        ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
      });
      printResult(options.json === true, result, () => summary(result));
    });
}

function summary(result: PackageResult): string {
  return [
    `packaged endpoint ${result.endpoint} (${result.deployments.join(', ')}) into ${result.outDir}`,
    `  build:  docker build -t ${result.image} ${result.outDir}`,
    `  deploy: kubectl apply -f ${result.outDir}/k8s`,
    `  objects: ${result.manifests.join(', ')}`,
  ].join('\n');
}
