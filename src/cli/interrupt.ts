/**
 * Ctrl-C (SIGINT) and SIGTERM while a command computes: the first one aborts `signal` (the work in
 * progress stops at its next check and keeps what it has, which the command then writes and names
 * in one line); a second one exits at once. The exit code is the shell's for the signal (130, 143).
 */
export interface Interrupt {
  /** Aborted on the first signal. */
  readonly signal: AbortSignal;
  /** The signal received, if any. */
  received(): NodeJS.Signals | null;
  /** The exit code for the signal received (128 + its number). */
  exitCode(): number;
  /** Stop listening (the default handling returns). */
  dispose(): void;
}

const EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

/** Listen for Ctrl-C and SIGTERM; `onFirst` runs on the first (e.g. to end a progress bar's line). */
export function listenForInterrupt(onFirst?: () => void): Interrupt {
  const controller = new AbortController();
  let got: NodeJS.Signals | null = null;
  const handler = (sig: NodeJS.Signals): void => {
    if (got !== null) process.exit(EXIT[got] ?? 130);
    got = sig;
    onFirst?.();
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    received: () => got,
    exitCode: () => (got ? (EXIT[got] ?? 130) : 0),
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
