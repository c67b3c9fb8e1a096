import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { readReportInput } from '../report/load.ts';
import { renderReport } from '../report/render.ts';
import { log, printResult } from './output.ts';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write a self-contained HTML report of a sweep or AutoML result')
    .argument('<result>', 'a result JSON file (from `mlsweep sweep --json` or `mlsweep automl --json`)')
    .option('--out <file>', 'where to write the report', 'report.html')
    .option('--open', 'open the report in the default browser')
    .option('--json', 'print one JSON document describing what was written')
    .action((resultPath: string, options: { out: string; open?: boolean; json?: boolean }) => {
      const html = renderReport(readReportInput(resultPath));
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
