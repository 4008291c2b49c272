import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type { TopLevelSpec } from 'vega-lite';
import { VEGA_LITE_SCHEMA } from './chart-parts.js';
import { columnar, shareColumns, type PageData } from './page-data.js';
import { PAGE_SCRIPT } from './page-script.js';

/**
 * Self-contained HTML reports: Vega, Vega-Lite and vega-embed are inlined (no CDN, works
 * offline), every chart also carries a static SVG rendered in Node (shown until, or unless, the
 * scripts run), and every user-provided string is HTML-escaped.
 */

export type VegaLiteSpec = TopLevelSpec;

export interface ReportTable {
  columns: string[];
  rows: (string | number | null)[][];
  /** Show this many rows; the rest fold into a <details> below (default: all). */
  visibleRows?: number;
}

export interface ReportSection {
  title: string;
  /** The section's element id (an anchor others link to). */
  id?: string;
  /** Folded: the body opens on demand (a <details>). */
  folded?: boolean;
  /** Plain text paragraphs (escaped; blank lines separate paragraphs). */
  text?: string;
  charts?: VegaLiteSpec[];
  table?: ReportTable;
  /** Preformatted text (escaped), e.g. the scenario itself. */
  pre?: string;
  /** Markup the report builds itself, every string in it escaped (escapeHtml); after the text. */
  html?: string;
}

export interface ReportOptions {
  title: string;
  subtitle?: string;
  sections: ReportSection[];
  /** Render a static SVG of every chart in Node as a fallback (default true; not with `page`). */
  staticSvg?: boolean;
  /**
   * A light page (the run report): charts drawn in the page as they come near the viewport,
   * without static SVGs; their data named datasets sent once, by column (a chart's inline data of
   * more than a few rows is moved there too); `.itable` and `.waits` placeholders in sections'
   * markup drawn from `tables` and `waits` (page-script.ts).
   */
  page?: PageData;
}

const require = createRequire(import.meta.url);
let libs: string | null = null;

/** The folder of an installed package (its `exports` hide the build files from require.resolve). */
function packageDir(pkg: string): string {
  let dir = dirname(require.resolve(pkg));
  for (;;) {
    const p = join(dir, 'package.json');
    if (existsSync(p) && (JSON.parse(readFileSync(p, 'utf8')) as { name?: string }).name === pkg) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the folder of package ${pkg}`);
    dir = up;
  }
}

const readBundle = (pkg: string, file: string) => readFileSync(join(packageDir(pkg), file), 'utf8').replace(/<\/script/gi, '<\\/script');

/** The three browser bundles, read once from node_modules. */
function inlineLibraries(): string {
  if (libs === null) {
    libs = [readBundle('vega', 'build/vega.min.js'), readBundle('vega-lite', 'build/vega-lite.min.js'), readBundle('vega-embed', 'build/vega-embed.min.js')]
      .map((js) => `<script>${js}</script>`)
      .join('\n');
  }
  return libs;
}


/** Escape text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON that is safe inside a <script> element (no `</script>`, no `<!--`). */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Render a Vega-Lite spec to SVG in Node (no browser, no canvas). */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  // Loaded on first use: most commands never render a chart, and vega is large.
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const vg = compile(spec).spec;
  const view = new vega.View(vega.parse(vg), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Load vega and render a small chart once, so that the first real chart does not pay for the
 * import and the JIT warm-up (~0.4 s of a sweep report's ~0.6 s). `fleetsim sweep` with worker
 * threads calls it while they run, when this thread has nothing else to do.
 */
export async function warmChartRenderer(): Promise<void> {
  await renderSvg({
    $schema: VEGA_LITE_SCHEMA,
    data: { values: [{ x: 0, y: 0, c: 'a' }, { x: 1, y: 1, c: 'b' }] },
    layer: [
      { mark: 'line', encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, color: { field: 'c', type: 'nominal' } } },
      { mark: 'area', encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } },
    ],
  } as VegaLiteSpec);
}

function renderTable(t: ReportTable): string {
  const head = t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const rows = (rs: ReportTable['rows']) =>
    rs.map((r) => `<tr>${r.map((v) => `<td${typeof v === 'number' ? ' class="num"' : ''}>${escapeHtml(v === null ? '—' : String(v))}</td>`).join('')}</tr>`).join('\n');
  const table = (rs: ReportTable['rows']) => `<div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>\n${rows(rs)}\n</tbody></table></div>`;
  const n = t.visibleRows ?? t.rows.length;
  if (t.rows.length <= n) return table(t.rows);
  const rest = t.rows.length - n;
  return `${table(t.rows.slice(0, n))}\n<details class="more"><summary>the other ${rest} row${rest === 1 ? '' : 's'}</summary>\n${table(t.rows.slice(n))}\n</details>`;
}

const CSS = `
:root { color-scheme: light; --fg:#1d2433; --muted:#5b6475; --line:#dfe3ea; --accent:#2f6fde; --bg:#f7f8fa; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--fg); background:var(--bg); }
header { padding:24px 32px 12px; background:#fff; border-bottom:1px solid var(--line); }
header h1 { margin:0 0 4px; font-size:22px; }
header p { margin:0; color:var(--muted); }
main { padding:16px 32px 48px; max-width:1280px; }
section { background:#fff; border:1px solid var(--line); border-radius:8px; padding:16px 20px; margin:16px 0; }
section h2 { margin:0 0 8px; font-size:17px; }
.charts { display:flex; flex-wrap:wrap; gap:16px; }
.chart { min-width:320px; overflow-x:auto; }
.table-wrap { overflow-x:auto; }
details.more { margin-top:8px; }
details.more > summary { cursor:pointer; color:var(--accent); }
table { border-collapse:collapse; width:100%; font-size:13px; }
th, td { text-align:left; padding:4px 10px; border-bottom:1px solid var(--line); white-space:nowrap; }
th { color:var(--muted); font-weight:600; }
td.num { text-align:right; font-variant-numeric:tabular-nums; }
pre { background:var(--bg); padding:12px; border-radius:6px; overflow:auto; font-size:12px; max-height:480px; }
footer { color:var(--muted); font-size:12px; padding:0 32px 24px; }
table.verdict td, table.verdict th { white-space:nowrap; vertical-align:top; padding:4px 8px; }
table.verdict th { vertical-align:bottom; white-space:normal; min-width:72px; max-width:120px; }
table.verdict td .ci { display:block; font-size:11px; color:var(--muted); font-weight:400; }
table.verdict td a { color:inherit; text-decoration:none; border-bottom:1px dotted var(--line); }
table.verdict td.best { background:#e7f4ea; font-weight:600; }
table.verdict td.best > :first-child::after { content:' ★'; color:#2e7d32; }
ul.sentences li { margin:4px 0; }
`;

/** The light page's own parts: folded sections, the verdict, tables and waits drawn by its script. */
const PAGE_CSS = `
details.fold > summary { cursor:pointer; list-style:none; }
details.fold > summary h2 { display:inline; }
details.fold > summary::before { content:'▸ '; color:var(--muted); }
details.fold[open] > summary::before { content:'▾ '; }
.muted { color:var(--muted); }
main.wide { max-width:1500px; }
.tbar { margin:6px 0; } .tbar input { padding:3px 6px; min-width:220px; }
button.more { margin:6px 0; background:none; border:1px solid var(--line); border-radius:4px; padding:2px 10px; color:var(--accent); cursor:pointer; }
tr.group { cursor:pointer; background:#f3f5f9; font-weight:600; }
tr.member td:first-child { padding-left:28px; }
details.wait-group { margin:6px 0; } details.wait-group > summary, details.wait > summary { cursor:pointer; }
details.wait { margin:4px 0 4px 18px; } details.wait .wl { font-family:ui-monospace,monospace; }
td.reason { white-space:normal; min-width:420px; }
.config { margin:10px 0; }
`;

/** Build the whole HTML page. */
export async function renderHtmlReport(opts: ReportOptions): Promise<string> {
  const specs: VegaLiteSpec[] = [];
  const parts: string[] = [];
  const page = opts.page;
  for (const s of opts.sections) {
    const body: string[] = [];
    if (s.text) for (const para of s.text.split(/\n\s*\n/)) body.push(`<p>${escapeHtml(para.trim())}</p>`);
    if (s.html) body.push(s.html);
    if (s.charts?.length) {
      const charts: string[] = [];
      for (const spec of s.charts) {
        const id = specs.length;
        specs.push(spec);
        const svg = page || opts.staticSvg === false ? '' : await renderSvg(spec);
        charts.push(`<div class="chart" id="chart-${id}" data-chart="${id}"${page ? ` style="min-height:${chartHeight(spec)}px"` : ''}>${svg}</div>`);
      }
      body.push(`<div class="charts">${charts.join('\n')}</div>`);
    }
    if (s.table) body.push(renderTable(s.table));
    if (s.pre !== undefined) body.push(`<pre>${escapeHtml(s.pre)}</pre>`);
    const id = s.id ? ` id="${escapeHtml(s.id)}"` : '';
    const h2 = `<h2>${escapeHtml(s.title)}</h2>`;
    parts.push(s.folded ? `<section${id}><details class="fold"><summary>${h2}</summary>\n${body.join('\n')}\n</details></section>` : `<section${id}>${h2}\n${body.join('\n')}</section>`);
  }
  const head = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(opts.title)}</title>
<style>${CSS}${page ? PAGE_CSS : ''}</style>
</head>
<body>
<header><h1>${escapeHtml(opts.title)}</h1>${opts.subtitle ? `<p>${escapeHtml(opts.subtitle)}</p>` : ''}</header>
<main${page ? ' class="wide"' : ''}>
${parts.join('\n')}
</main>
`;
  if (page) {
    // Big inline data go to the page's datasets, by column (page-data.ts): far fewer bytes than rows of objects.
    const lightSpecs = specs.map((spec) => externalizeData(spec, page));
    shareColumns(page);
    return `${head}<footer>Generated by fleetsim. Charts: Vega-Lite, drawn in the page as you reach them (scripts must run).</footer>
<script type="application/json" id="fleetsim-specs">${scriptJson(lightSpecs)}</script>
<script type="application/json" id="fleetsim-data">${scriptJson(page)}</script>
${inlineLibraries()}
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
  }
  return `${head}<footer>Generated by fleetsim. Charts: Vega-Lite, rendered in the page; a static SVG is shown where scripts do not run.</footer>
<script type="application/json" id="fleetsim-specs">${scriptJson(specs)}</script>
${inlineLibraries()}
<script>
(function () {
  var specs = JSON.parse(document.getElementById('fleetsim-specs').textContent);
  var pending = specs.length;
  window.fleetsimChartsRendered = 0;
  specs.forEach(function (spec, i) {
    var el = document.getElementById('chart-' + i);
    vegaEmbed(el, spec, { renderer: 'svg', actions: false }).then(function () {
      window.fleetsimChartsRendered++;
      if (--pending === 0) document.body.setAttribute('data-charts-ready', 'true');
    }).catch(function (err) {
      console.error('chart ' + i + ' failed: ' + err);
    });
  });
  if (specs.length === 0) document.body.setAttribute('data-charts-ready', 'true');
})();
</script>
</body>
</html>
`;
}

/** Move a spec's inline data of more than a few rows (at any depth) into the page's datasets. */
function externalizeData(spec: VegaLiteSpec, page: PageData): VegaLiteSpec {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) {
      const values = k === 'data' && x && typeof x === 'object' ? (x as { values?: unknown }).values : undefined;
      if (Array.isArray(values) && values.length > 8 && values.every((r) => r && typeof r === 'object' && !Array.isArray(r))) {
        const name = `i${Object.keys(page.datasets).length}`;
        page.datasets[name] = columnar(values as Record<string, string | number | null>[]);
        out[k] = { name };
      } else out[k] = walk(x);
    }
    return out;
  };
  return walk(spec) as VegaLiteSpec;
}

/** The height a chart will take, so the page does not jump when it is drawn (its specs' heights, roughly). */
function chartHeight(spec: VegaLiteSpec): number {
  const s = spec as { height?: number; vconcat?: { height?: number }[] };
  if (s.vconcat) return s.vconcat.reduce((h, x) => h + (x.height ?? 200) + 40, 40);
  return (typeof s.height === 'number' ? s.height : 200) + 70;
}
