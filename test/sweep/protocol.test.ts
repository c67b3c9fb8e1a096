// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Azure's ${{...}} placeholders and the shell's ${...}
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../src/core/errors.ts';
import {
  formatMetricsLine,
  parseMetricsLine,
  placeholders,
  shellQuote,
  substitute,
} from '../../src/sweep/index.ts';
import { lineSplitter, outputTail } from '../../src/sweep/runners/lines.ts';

describe('metrics line protocol', () => {
  it('parses a prefixed JSON object, with an optional step', () => {
    assert.deepEqual(parseMetricsLine('##mlsweep {"loss": 0.5, "acc": 1, "step": 2}'), {
      metrics: { loss: 0.5, acc: 1 },
      step: 2,
    });
    assert.deepEqual(parseMetricsLine('##mlsweep {"loss": 0.5}'), {
      metrics: { loss: 0.5 },
      step: undefined,
    });
  });

  it('leaves ordinary output alone', () => {
    assert.equal(parseMetricsLine('epoch 3: loss 0.5'), undefined);
    assert.equal(parseMetricsLine('{"loss": 1}'), undefined);
    assert.deepEqual(parseMetricsLine('{"loss": 1}', true), { metrics: { loss: 1 }, step: undefined });
  });

  it("accepts Python's NaN and Infinity tokens", () => {
    const r = parseMetricsLine('##mlsweep {"loss": NaN, "grad": -Infinity}');
    assert.ok(r && 'metrics' in r);
    assert.ok(Number.isNaN(r.metrics['loss']));
    assert.equal(r.metrics['grad'], Number.NEGATIVE_INFINITY);
  });

  it('says why a prefixed line is unusable', () => {
    assert.deepEqual(parseMetricsLine('##mlsweep {loss: 1'), { error: 'not a JSON object' });
    assert.deepEqual(parseMetricsLine('##mlsweep [1, 2]'), { error: 'not a JSON object' });
    assert.deepEqual(parseMetricsLine('##mlsweep {"loss": "low"}'), {
      error: `'loss' is not a number (got "low")`,
    });
    assert.deepEqual(parseMetricsLine('##mlsweep {"loss": 1, "step": -1}'), {
      error: 'step must be an integer >= 0, got -1',
    });
    assert.deepEqual(parseMetricsLine('##mlsweep {"step": 1}'), { error: 'no metric in the object' });
  });

  it('formats what it parses back', () => {
    const line = formatMetricsLine({ loss: 0.25, bad: Number.NaN }, 4);
    assert.equal(line, '##mlsweep {"loss":0.25,"bad":"NaN","step":4}');
    const back = parseMetricsLine(line);
    assert.ok(back && 'metrics' in back);
    assert.equal(back.step, 4);
    assert.ok(Number.isNaN(back.metrics['bad']));
  });
});

describe('command substitution', () => {
  it('replaces search_space and inputs placeholders', () => {
    const command =
      'train --lr ${{search_space.lr}} --model ${{ search_space.model.name }} --data ${{inputs.data}} --k ${{inputs.k}}';
    assert.deepEqual(placeholders(command), [
      { kind: 'search_space', name: 'lr' },
      { kind: 'search_space', name: 'model.name' },
      { kind: 'inputs', name: 'data' },
      { kind: 'inputs', name: 'k' },
    ]);
    // The values travel in the environment; the command only refers to them.
    const done = substitute(
      command,
      { lr: 0.001, 'model.name': 'rf' },
      { data: { path: '/tmp/a b.csv' }, k: 5 },
    );
    assert.equal(
      done.command,
      'train --lr "${MLSWEEP_ARG_1}" --model "${MLSWEEP_ARG_2}" --data "${MLSWEEP_ARG_3}" --k "${MLSWEEP_ARG_4}"',
    );
    assert.deepEqual(done.env, {
      MLSWEEP_ARG_1: '0.001',
      MLSWEEP_ARG_2: 'rf',
      MLSWEEP_ARG_3: '/tmp/a b.csv',
      MLSWEEP_ARG_4: '5',
    });
    assert.equal(done.display, "train --lr 0.001 --model rf --data '/tmp/a b.csv' --k 5");
  });

  it('refers to each value as its quoting requires, and shows it quoted for its place', () => {
    const done = substitute(
      `a \${{search_space.v}} '\${{search_space.v}}' "\${{search_space.v}}" $'\${{search_space.v}}' $((\${{search_space.n}} + 1))`,
      { v: "it's $x", n: 3 },
    );
    assert.equal(
      done.command,
      `a "\${MLSWEEP_ARG_1}" ''"\${MLSWEEP_ARG_1}"'' "\${MLSWEEP_ARG_1}" $''"\${MLSWEEP_ARG_1}"$'' $((\${MLSWEEP_ARG_2} + 1))`,
    );
    assert.deepEqual(done.env, { MLSWEEP_ARG_1: "it's $x", MLSWEEP_ARG_2: '3' });
    assert.equal(done.display, String.raw`a 'it'\''s $x' 'it'\''s $x' "it's \$x" $'it\'s $x' $((3 + 1))`);
    // bash evaluates the text of an expansion inside $((...)): only integers go there
    assert.throws(() => substitute('echo $((${{search_space.n}}))', { n: 'a[$(id)]' }), /must be an integer/);
  });

  it('names a placeholder without a value', () => {
    assert.throws(
      () => substitute('run ${{search_space.depth}}', { lr: 1 }),
      (e: ValidationError) =>
        e instanceof ValidationError &&
        /\$\{\{search_space.depth\}\}, but this trial has no parameter 'depth'/.test(e.message),
    );
    assert.throws(() => substitute('run ${{inputs.data}}', {}), /there is no input 'data'/);
  });

  it('quotes for the shell only when needed', () => {
    assert.equal(shellQuote('0.5'), '0.5');
    assert.equal(shellQuote('a;rm -rf /'), "'a;rm -rf /'");
    assert.equal(shellQuote("it's"), "'it'\\''s'");
  });
});

describe('output handling', () => {
  it('splits chunks into lines, keeping partial lines', () => {
    const lines: string[] = [];
    const split = lineSplitter((l) => lines.push(l));
    split.push('a\nb');
    split.push('c\r\nd');
    split.flush();
    assert.deepEqual(lines, ['a', 'bc', 'd']);
  });

  it('keeps the tail of long output and says so', () => {
    const tail = outputTail(5);
    tail.push('hello ');
    tail.push('world');
    assert.equal(tail.text(), '[... 6 characters dropped]\nworld');
    const short = outputTail(100);
    short.push('ok');
    assert.equal(short.text(), 'ok');
  });
});
