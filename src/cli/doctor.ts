import type { Command } from 'commander';
import { doctorReport } from '../compute/doctor.ts';
import { printResult } from './output.ts';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('show the Node version, platform, threads, and which compute backends work here and why not')
    .option('--json', 'print one JSON document')
    .action((options: { json?: boolean }) => {
      const report = doctorReport();
      printResult(options.json === true, report, () => {
        const lines = [
          `mlsweep ${report.mlsweep} on Node ${report.node} (${report.platform}), ${report.threads} threads`,
          `backend in force: ${report.backendChoice} -> ${report.selected}`,
        ];
        for (const [name, b] of Object.entries(report.backends)) {
          lines.push(`  ${name.padEnd(7)} ${b.available ? 'available' : 'unavailable'}  ${b.detail}`);
        }
        return lines.join('\n');
      });
    });
}
