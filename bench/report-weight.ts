/**
 * What the default report costs: `npm start`'s wall time, the size of what it writes, and how
 * soon its page is usable in headless Chromium. With `--before DIR` (another checkout, built,
 * with its node_modules), the same in both trees, round by round, alternating which goes first,
 * and the ratios: medians and the median of the per-round ratios (a load change between rounds
 * cancels out within a round).
 *
 *   npm run build && node dist/bench/report-weight.js --rounds 3 --before /path/to/main-checkout
 *
 * Page times (navigation start to): `interactive`, the page's own mark that its first screen is
 * drawn and its script done (`data-interactive`; a page without the mark draws every chart
 * before it can be used, so for it this is `data-charts-ready`), and `charts`, every chart drawn.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';

interface Figures {
  startSeconds: number;
  htmlBytes: number;
  summaryBytes: number;
  interactiveMs: number;
  chartsMs: number;
}

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const rounds = Number(arg('rounds') ?? 3);
const here = resolve('.');
const before = arg('before') ? resolve(arg('before')!) : null;
const CHROMIUM = process.env.FLEETSIM_CHROMIUM ?? '/usr/bin/chromium';

async function pageTimes(file: string): Promise<{ interactiveMs: number; chartsMs: number }> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    // Page code as text: this file is compiled without the DOM's types.
    await page.addInitScript({
      content: `new MutationObserver(() => {
        const b = document.body; if (!b) return;
        if (b.getAttribute('data-interactive') === 'true' && window.__interactive === undefined) window.__interactive = performance.now();
        if (b.getAttribute('data-charts-ready') === 'true' && window.__charts === undefined) window.__charts = performance.now();
      }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-interactive', 'data-charts-ready'] });`,
    });
    await page.goto('file://' + file);
    await page.waitForSelector('body[data-charts-ready="true"]', { timeout: 300_000 });
    const t = (await page.evaluate('({ __interactive: window.__interactive, __charts: window.__charts })')) as { __interactive?: number; __charts?: number };
    const charts = t.__charts ?? NaN;
    return { interactiveMs: t.__interactive ?? charts, chartsMs: charts };
  } finally {
    await browser.close();
  }
}

async function measure(tree: string): Promise<Figures> {
  const t0 = performance.now();
  const r = spawnSync('npm', ['start', '--silent'], { cwd: tree, encoding: 'utf8', env: { ...process.env, CI: '1' } });
  const startSeconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`npm start in ${tree} failed: ${r.stderr}`);
  const dir = join(tree, 'reports/kurator-fleet');
  return { startSeconds, htmlBytes: statSync(join(dir, 'index.html')).size, summaryBytes: statSync(join(dir, 'summary.json')).size, ...(await pageTimes(join(dir, 'index.html'))) };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (Debian's chromium)`);
  const trees = before ? [before, here] : [here];
  const results = new Map<string, Figures[]>(trees.map((t) => [t, []]));
  for (let k = 0; k < rounds; k++) {
    const order = k % 2 ? [...trees].reverse() : trees;
    for (const t of order) {
      const f = await measure(t);
      results.get(t)!.push(f);
      process.stderr.write(`round ${k + 1} ${t === here ? 'this tree' : 'before'}: ${JSON.stringify(f)} (load ${loadavg()[0].toFixed(1)})\n`);
    }
  }
  const keys: (keyof Figures)[] = ['startSeconds', 'htmlBytes', 'summaryBytes', 'interactiveMs', 'chartsMs'];
  const row = (t: string) => Object.fromEntries(keys.map((k) => [k, median(results.get(t)!.map((f) => f[k]))]));
  const out: Record<string, unknown> = { rounds, load: loadavg()[0], after: row(here) };
  if (before) {
    out.before = row(before);
    out.ratio = Object.fromEntries(keys.map((k) => [k, median(results.get(here)!.map((f) => f[k])) / median(results.get(before)!.map((f) => f[k]))]));
    out.pairedRatio = Object.fromEntries(keys.map((k) => [k, median(results.get(here)!.map((f, i) => f[k] / results.get(before)!.map((g) => g[k])[i]))]));
  }
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

await main();
