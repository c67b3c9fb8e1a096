/**
 * What the server serves at one moment: a snapshot of endpoints, their secrets and their
 * deployments with every reference resolved to a file. `mlsweep serve --model` builds one
 * from a model file; `mlsweep serve --store` builds one from the store (serve/catalog.ts)
 * and hands the server a new one whenever the store changes; the server swaps it in
 * without dropping a request (server.apply).
 */
import type { DeploymentSpec, EndpointCredentials, EndpointSpec } from '../registry/endpoint-types.ts';
import type { ServedEnvironment } from './deployment-environment.ts';

/** A deployment ready to load: its spec and the files it resolves to. */
export interface ServedDeployment {
  readonly spec: DeploymentSpec;
  /** The model's JSON file (for a registered folder, its `model.json`). */
  readonly modelFile: string;
  /** The folder given to a scoring module as `AZUREML_MODEL_DIR`. */
  readonly modelDir: string;
  /** Absolute path of the scoring module, when the deployment has one. */
  readonly scoringScript?: string;
  /** The environment its scoring threads run in (deployment-environment.ts), when it names one. */
  readonly environment?: ServedEnvironment;
  /**
   * Changes whenever what this deployment computes changes (spec, model file content,
   * scoring module): the server reloads a deployment only when its revision changes.
   */
  readonly revision: string;
}

/** An endpoint with what it needs to authenticate and route. */
export interface ServedEndpoint {
  readonly spec: EndpointSpec;
  /** Absent: the endpoint is open (only allowed on loopback). */
  readonly credentials?: EndpointCredentials;
  readonly deployments: readonly ServedDeployment[];
}

/** Everything the server serves. */
export interface ServeConfig {
  readonly endpoints: readonly ServedEndpoint[];
}
