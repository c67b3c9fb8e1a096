import { arch, platform, release } from 'node:os';
import type { Command } from 'commander';
import { type BackendReport, backendReports, defaultThreads, getBackendChoice } from '../compute/backend.ts';
import { selectBackend } from '../compute/kernels/table.ts';
import { printResult } from './output.ts';
import { packageVersion } from './version.ts';

/** What `mlsweep doctor` prints: the environment and each backend's availability. */
export interface DoctorReport {
  mlsweep: string;
  node: string;
  platform: string;
  threads: number;
  backendChoice: string;
  selected: string;
  backends: { js: BackendReport; native: BackendReport; gpu: BackendReport };
}

/** Gathers the doctor report. Loads gpu.js if installed, to report its mode. */
export function doctorReport(): DoctorReport {
  const choice = getBackendChoice();
  return {
    mlsweep: packageVersion(),
    node: process.version,
    platform: `${platform()} ${release()} ${arch()}`,
    threads: defaultThreads(),
    backendChoice: choice,
    selected: selectBackend(choice === 'gpu' ? 'auto' : choice, 'binning'),
    backends: backendReports(),
  };
}

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
