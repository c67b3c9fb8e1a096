/**
 * Module resolution inside a deployment's environment, for scoring threads. A worker
 * thread shares the process, so NODE_PATH (read by `require` when the thread starts) covers
 * CommonJS scoring modules, but ES modules ignore NODE_PATH: this registers, in the calling
 * thread only (Node ≥ 20.6 keeps module hooks per thread), a resolve hook that looks up a
 * bare specifier (`import x from 'pkg'`) imported from the deployment's code folder in the
 * environment's `node_modules` first, and falls back to Node's own lookup from the
 * importing file. Imports made by mlsweep itself, and by packages from anywhere else, are
 * left alone, so the environment never replaces mlsweep's own dependencies.
 */
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * The hook, as a module text (registered from a data: URL, so it needs no file beside the
 * built or the TypeScript sources). `initialize` receives the folders as file URLs.
 */
const HOOK = `
let environment, code;
export async function initialize(data) { environment = data.environment; code = data.code; }
const bare = (s) => !s.startsWith('.') && !s.startsWith('/') && !s.startsWith('#') && !s.includes(':');
export async function resolve(specifier, context, next) {
  if (bare(specifier) && typeof context.parentURL === 'string' && context.parentURL.startsWith(code)) {
    try {
      return await next(specifier, { ...context, parentURL: environment });
    } catch {
      // not in the environment: Node's own lookup from the importing file
    }
  }
  return next(specifier, context);
}
`;

/** Folders already registered in this thread (registering twice would chain two hooks). */
const registered = new Set<string>();

/**
 * Makes bare imports from `codeDir` (the scoring module's folder) resolve in the
 * environment folder `environmentDir` (which holds `package.json` and `node_modules`)
 * first, in this thread. Call it before importing the scoring module.
 *
 * @example
 * useEnvironmentModules('/store/environments/ab12…', '/work/deploy/code');
 * await import('/work/deploy/code/score.mjs'); // its `import 'left-pad'` comes from the environment
 */
export function useEnvironmentModules(environmentDir: string, codeDir: string): void {
  const key = `${environmentDir}\0${codeDir}`;
  if (registered.has(key)) return;
  registered.add(key);
  const dirUrl = (dir: string) => {
    const href = pathToFileURL(dir).href;
    return href.endsWith('/') ? href : `${href}/`;
  };
  register(`data:text/javascript,${encodeURIComponent(HOOK)}`, {
    data: { environment: new URL('package.json', dirUrl(environmentDir)).href, code: dirUrl(codeDir) },
  });
}
