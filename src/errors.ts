/**
 * Errors that are the user's to fix (bad scenario, bad flag, missing file). The CLI prints
 * `message` alone (no stack trace) and exits with `exitCode` (2 by default).
 */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'UserError';
    this.exitCode = exitCode;
  }
}
