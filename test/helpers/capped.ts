import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT } from './cli.js';

/**
 * The built CLI in a child process, measured and fenced: its CPU seconds and peak resident memory
 * (GNU time, where installed), killed after `wallMs` (a hang: blocked, it uses no CPU), and held
 * under a hard address-space cap (prlimit, where installed) so that a runaway cannot take the
 * machine's memory before the test sees it.
 */
export interface CappedResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Killed after wallMs. */
  hung: boolean;
  /** User + system CPU seconds, and peak RSS in bytes (null without GNU time). */
  cpuSeconds: number | null;
  maxRssBytes: number | null;
}

const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const PRLIMIT = existsSync('/usr/bin/prlimit') ? '/usr/bin/prlimit' : null;
const scratch = mkdtempSync(join(tmpdir(), 'fleetsim-capped-'));
let seq = 0;

export function runCapped(args: string[], opts: { wallMs: number; addressSpaceBytes: number; cwd?: string }): Promise<CappedResult> {
  const timeFile = join(scratch, `time-${process.pid}-${seq++}.txt`);
  let cmd = [process.execPath, CLI, ...args];
  if (PRLIMIT) cmd = [PRLIMIT, `--as=${opts.addressSpaceBytes}`, '--', ...cmd];
  if (GNU_TIME) cmd = [GNU_TIME, '-o', timeFile, '-f', '%U %S %M', ...cmd];
  return new Promise((resolve, reject) => {
    // A process group of its own: a hung CLI is killed with the wrappers around it.
    const child = spawn(cmd[0], cmd.slice(1), { cwd: opts.cwd ?? ROOT, env: { ...process.env, CI: '1' }, detached: true });
    let stdout = '';
    let stderr = '';
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, opts.wallMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let cpuSeconds: number | null = null;
      let maxRssBytes: number | null = null;
      if (GNU_TIME && existsSync(timeFile)) {
        // GNU time notes a child killed by a signal on a line of its own before the figures.
        const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
        const [u, s, m] = last.split(' ').map(Number);
        if ([u, s, m].every(Number.isFinite)) {
          cpuSeconds = u + s;
          maxRssBytes = m * 1024;
        }
        // GNU time exits with the child's status; a signal shows as 128 + n.
      }
      resolve({ code, signal, stdout, stderr, hung, cpuSeconds, maxRssBytes });
    });
  });
}
