// The vocabulary of environments: what a spec holds once read, and what resolving one gives.

/** How an environment is realised: a Node project, a Python venv from a conda file, or a container image. */
export type EnvironmentKind = 'node' | 'conda' | 'image';

/** The kinds, in the order `environment list` names them. */
export const ENVIRONMENT_KINDS: readonly EnvironmentKind[] = ['node', 'conda', 'image'];

/** A conda file reduced to what a venv can realise. */
export interface CondaRequirements {
  /** The `python=…` the file asks for, when it does (the venv uses the machine's python3). */
  readonly python?: string;
  /** Conda packages, written as pip requirements (`numpy=1.24` → `numpy==1.24.*`). */
  readonly conda: readonly string[];
  /** The `pip:` list, as written. */
  readonly pip: readonly string[];
}

/**
 * An environment's definition, self-contained: a Node project's package.json and lockfile
 * are held as text and a conda file as its parsed requirements, so a later build reads
 * nothing from where the YAML once was.
 */
export interface EnvironmentDefinition {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly environmentVariables: Readonly<Record<string, string>>;
  readonly kind: EnvironmentKind;
  /** kind node: the project's package.json and lockfile, as text. */
  readonly node?: {
    readonly packageJson: string;
    readonly lockfile: string;
    readonly lockfileName: 'package-lock.json' | 'npm-shrinkwrap.json';
  };
  /** kind conda. */
  readonly conda?: CondaRequirements;
  /** kind image: the image reference (`python:3.11-slim`). */
  readonly image?: string;
  /** Curated environments ship with mlsweep and need no build. */
  readonly curated?: boolean;
}

/** How to launch a command in an environment: `before`, then `envFlag NAME` per variable passed, then `after`, then the command. */
export interface Launcher {
  readonly before: readonly string[];
  /** Set when the command runs in a container: the flag (`-e`) that passes a host variable by name. */
  readonly envFlag?: string;
  readonly after: readonly string[];
}

/** An environment ready to run commands in (the contract other engines use). */
export interface ResolvedEnvironment {
  readonly name: string;
  readonly version: string;
  /** sha256 of the definition's content (kind, packages, image, variables): the cache key. */
  readonly hash: string;
  readonly kind: EnvironmentKind;
  readonly description: string;
  /** Variables to add to the command's environment (PATH is given whole, with the environment's folders first). */
  readonly env: Readonly<Record<string, string>>;
  /** The argv that runs `argv` inside the environment; `passEnv` names host variables a container must receive. */
  wrap(argv: readonly string[], passEnv?: readonly string[]): string[];
  /** The same as data (for runners that cross a thread or process boundary). */
  readonly launcher: Launcher;
  /** The cache folder it was built into (undefined for curated and image environments). */
  readonly path?: string;
  /** True when this call built it; false when the cache already held it. */
  readonly builtNow: boolean;
}
