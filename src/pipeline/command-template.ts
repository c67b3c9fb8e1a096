import { type CommandInputs, type SubstitutedCommand, substitute } from '../sweep/substitute.ts';
import { COMMAND_PLACEHOLDER } from './component.ts';

/**
 * Drops each optional part `$[[ ... ]]` of a command whose inputs are not all present,
 * and keeps the text of the others without their brackets, as Azure ML does.
 *
 * @example
 * expandOptional('train $[[--seed ${{inputs.seed}}]]', () => false); // 'train '
 */
export function expandOptional(command: string, present: (input: string) => boolean): string {
  return command.replace(/\$\[\[([\s\S]*?)\]\]/g, (_, inner: string) => {
    for (const m of inner.matchAll(COMMAND_PLACEHOLDER)) {
      if (m[1] === 'inputs' && !present(m[2]!)) return '';
    }
    return inner;
  });
}

/**
 * The command of a component step ready for `/bin/sh -c`: optional parts expanded, and
 * each `${{inputs.x}}` and `${{outputs.y}}` turned into a reference to an environment
 * variable that holds its value (substitute.ts), so no value ever reaches the shell as
 * code. `display` is the command with the values written in, quoted, for logs only.
 *
 * @example
 * const { command, env } = renderCommand('cp ${{inputs.a}} ${{outputs.b}}', { a: '/x y' }, { b: '/out' });
 */
export function renderCommand(
  template: string,
  inputs: Readonly<Record<string, string | number | boolean>>,
  outputs: Readonly<Record<string, string>>,
): SubstitutedCommand {
  const expanded = expandOptional(template, (name) => inputs[name] !== undefined);
  // substitute() knows `${{inputs.NAME}}`; outputs travel as inputs named `outputs.NAME`
  // (port names are identifiers, so no input can take such a name).
  const rewritten = expanded.replace(COMMAND_PLACEHOLDER, (whole, kind: string, name: string) =>
    kind === 'outputs' ? `\${{inputs.outputs.${name}}}` : whole,
  );
  const values: Record<string, string | number | boolean> = { ...inputs };
  for (const [name, path] of Object.entries(outputs)) values[`outputs.${name}`] = path;
  return substitute(rewritten, {}, values as CommandInputs);
}
