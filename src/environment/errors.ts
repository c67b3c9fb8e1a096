import { MlsweepError } from '../core/errors.ts';

/**
 * An environment could not be built or run on this machine (npm or pip failed, no
 * package index reachable, no docker or podman): one line naming the environment and why.
 */
export class EnvironmentBuildError extends MlsweepError {
  constructor(message: string, code = 'E_ENV_BUILD') {
    super(message, code);
    this.name = 'EnvironmentBuildError';
  }
}
