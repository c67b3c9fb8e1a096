import { ValidationError } from '../core/errors.ts';

/**
 * The error for a bad search space: the message starts with the parameter's path in
 * the space so the user can find it, and the path is kept on the error.
 *
 * @example
 * throw invalid('lr', "uniform needs min_value < max_value, got min_value 1 and max_value 0");
 */
export function invalid(path: string, message: string): ValidationError {
  return new ValidationError(path ? `${path}: ${message}` : message, {
    path: path || undefined,
    code: 'E_SPACE',
  });
}
