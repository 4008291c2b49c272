import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Write a scenario (`s.yaml`) and the files it includes into a fresh temporary folder; the scenario's path. */
export function writeScenario(files: Record<string, string>, scenario: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fleetsim-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 's.yaml'), scenario);
  return join(dir, 's.yaml');
}
