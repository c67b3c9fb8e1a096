import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { checkOutputFile, writeFileAtomic } from '../core/files.ts';
import { readReportInput, reportInputFromStore } from '../report/load.ts';
import { renderReport } from '../report/render.ts';
import { isModelReference, resultFileFor } from './model-ref.ts';
import { log, printResult } from './output.ts';

interface ReportCliOptions {
  out: string;
  store?: string;
  open?: boolean;
  json?: boolean;
}

/**
 * `mlsweep report <result> [--out FILE]`: a self-contained HTML report of a result file
 * (`mlsweep sweep --json`, `mlsweep automl --json`), a registered result (`models:/...`)
 * or a recorded sweep id. `--out` is checked before anything is read and written
 * atomically (an existing file is replaced whole or left as it was).
 *
 * @example
 * registerReport(program); // then: mlsweep automl ... --json > r.json && mlsweep report r.json
 */
export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write a self-contained HTML report of a sweep or AutoML result')
    .argument(
      '<result>',
      'a result JSON file (from `mlsweep sweep --json` or `mlsweep automl --json`), a registered result (models:/NAME/VERSION, models:/NAME@ALIAS), or a recorded sweep id',
    )
    .option(
      '--store <DIR>',
      'tracking store of sweep ids and models:/ references (default: $MLSWEEP_STORE or ./mlruns)',
    )
    .option('--out <file>', 'where to write the report', 'report.html')
    .option('--open', 'open the report in the default browser')
    .option('--json', 'print one JSON document describing what was written')
    .action(async (source: string, options: ReportCliOptions) => {
      // a registry reference names a result file; a path that exists is one; anything
      // else names a recorded sweep
      const file = isModelReference(source)
        ? resultFileFor(source, options.store)
        : existsSync(source)
          ? source
          : undefined;
      checkOutputFile(options.out, '--out', { '<result>': file });
      const input =
        file !== undefined ? readReportInput(file) : await reportInputFromStore(source, options.store);
      const html = renderReport(input);
      const out = resolve(options.out);
      writeFileAtomic(out, html);
      printResult(
        options.json === true,
        { report: out, bytes: Buffer.byteLength(html) },
        () => `wrote ${out}`,
      );
      if (options.open) openInBrowser(out);
    });
}

function openInBrowser(file: string): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [file]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', file]]
        : ['xdg-open', [file]];
  const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
  child.on('error', () => log(`could not open a browser (${cmd}); open ${file} yourself`));
  child.unref();
}
