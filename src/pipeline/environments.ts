/**
 * The environment a step runs in, as src/environment resolves it: its identity (recorded
 * on the step's run and part of its cache key), the variables it adds, and how it wraps a
 * command (the identity for the running Node).
 */
export interface StepEnvironment {
  readonly name: string;
  readonly version: string;
  readonly hash: string;
  readonly env: Readonly<Record<string, string>>;
  /** The argv that runs `argv` inside it; `passEnv` names the variables a container must receive. */
  wrap(argv: readonly string[], passEnv?: readonly string[]): string[];
  readonly description?: string;
}

/**
 * Resolves (and builds when needed) a component's `environment`. Passed in by the caller
 * (the CLI passes src/environment's resolveEnvironment), so that pipelines run without it
 * where no environment is named.
 */
export type EnvironmentResolver = (
  ref: string | Readonly<Record<string, unknown>>,
  options: { readonly cwd: string },
) => Promise<StepEnvironment>;
