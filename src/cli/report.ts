import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { readReportInput, reportInputFromStore } from '../report/load.ts';
import { renderReport } from '../report/render.ts';
import { log, printResult } from './output.ts';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write a self-contained HTML report of a sweep or AutoML result')
    .argument('<result>', 'a recorded sweep id, or a result JSON file (from `mlsweep sweep --json`)')
    .option(
      '--store <DIR>',
      'tracking store folder to find a sweep id in (default: $MLSWEEP_STORE or ./mlruns)',
    )
    .option('--out <file>', 'where to write the report', 'report.html')
    .option('--open', 'open the report in the default browser')
    .option('--json', 'print one JSON document describing what was written')
    .action((source: string, options: { out: string; store?: string; open?: boolean; json?: boolean }) => {
      // a path that exists is a result file; anything else names a recorded sweep
      const input = existsSync(source)
        ? readReportInput(source)
        : reportInputFromStore(source, options.store);
      const html = renderReport(input);
      const out = resolve(options.out);
      writeFileSync(out, html);
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
