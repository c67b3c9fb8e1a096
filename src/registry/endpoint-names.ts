import { ValidationError } from '../core/errors.ts';

// Azure's rule for online endpoint and deployment names: 3 to 32 letters, digits and '-',
// starting with a letter and not ending with '-'. The names appear in URLs
// (`/endpoints/NAME/score`) and in the `azureml-model-deployment` header, so the rule
// also keeps them free of anything that would need escaping there.
const NAME = /^[A-Za-z][A-Za-z0-9-]{1,30}[A-Za-z0-9]$/;

/**
 * Checks an online endpoint or deployment name (Azure's rule: 3 to 32 letters, digits
 * and '-', starting with a letter, not ending with '-'); returns it, or throws a
 * ValidationError naming the value and the rule.
 *
 * @example
 * checkEndpointName('iris', 'endpoint'); // 'iris'
 * checkEndpointName('blue_1', 'deployment'); // ValidationError: invalid deployment name "blue_1" ...
 */
export function checkEndpointName(name: unknown, what: 'endpoint' | 'deployment'): string {
  if (typeof name === 'string' && NAME.test(name)) return name;
  throw new ValidationError(
    `invalid ${what} name ${JSON.stringify(name)}: use 3 to 32 letters, digits and '-', starting with a letter and not ending with '-'`,
    { path: 'name' },
  );
}

/**
 * Whether a name follows the endpoint and deployment name rule (see checkEndpointName).
 *
 * @example
 * isEndpointName('blue'); // true
 */
export function isEndpointName(name: unknown): name is string {
  return typeof name === 'string' && NAME.test(name);
}
