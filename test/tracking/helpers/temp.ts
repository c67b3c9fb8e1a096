import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/**
 * A fresh temporary folder, removed after the test file's tests.
 *
 * @example
 * const dir = tempDir('store');
 */
export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `mlsweep-${label}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
