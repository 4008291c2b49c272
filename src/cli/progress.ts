/** A one-line progress bar with ETA on stderr, for terminals only (the caller decides). */
export class ProgressBar {
  private readonly label: string;
  private readonly t0 = performance.now();
  private last = 0;

  constructor(label: string) {
    this.label = label;
  }

  update(fraction: number): void {
    const now = performance.now();
    if (now - this.last < 100 && fraction < 1) return;
    this.last = now;
    const width = 30;
    const filled = Math.round(fraction * width);
    const elapsed = (now - this.t0) / 1000;
    const eta = fraction > 0 ? (elapsed * (1 - fraction)) / fraction : NaN;
    const etaText = Number.isFinite(eta) ? `ETA ${eta.toFixed(0)}s` : '';
    process.stderr.write(`\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${etaText}   `);
  }

  done(): void {
    process.stderr.write('\r\x1b[K');
  }
}
