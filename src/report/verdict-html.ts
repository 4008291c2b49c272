import { escapeHtml } from './html.js';
import { fmtValue, type Verdict } from './verdict.js';

/**
 * The verdict as an HTML table (every string escaped): a row per configuration, the mean of each
 * headline figure with its interval under it, the best of a column marked (class best), each cell
 * a link to the section that explains it; the sentences and the note under it.
 */
export function verdictTable(v: Verdict, links = true): string {
  if (!v.rows.length) return '<p>No run finished.</p>';
  const head = `<tr><th>${v.replications > 1 ? 'scheduler / variant (runs ok)' : 'scheduler / variant'}</th>${v.columns.map((c) => `<th class="num">${escapeHtml(c.title)}</th>`).join('')}</tr>`;
  const rows = v.rows.map((r) => {
    const cells = r.cells.map((c, j) => {
      const col = v.columns[j];
      const title = c.ciLow !== null && c.ciHigh !== null ? ` title="mean of ${c.n} runs; 95% CI ${escapeHtml(fmtValue(c.ciLow, col.unit))} to ${escapeHtml(fmtValue(c.ciHigh, col.unit))}"` : '';
      // The mean on top, its interval (and how often there was none) under it: a narrow table.
      const [mean, ...rest] = c.text.split(' ±');
      const under = rest.length ? `±${rest.join(' ±')}` : '';
      return `<td class="num${c.best ? ' best' : ''}"${title}>${links ? `<a href="#${col.section}">${escapeHtml(mean)}</a>` : `<span>${escapeHtml(mean)}</span>`}${under ? `<span class="ci">${escapeHtml(under)}</span>` : ''}</td>`;
    });
    const runs = v.replications > 1 || r.runsOk < r.runs ? ` <span class="muted">(${r.runsOk}/${r.runs})</span>` : '';
    return `<tr><td><strong>${escapeHtml(r.label)}</strong>${runs}</td>${cells.join('')}</tr>`;
  });
  const sentences = v.sentences.length ? `<ul class="sentences">${v.sentences.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>` : '';
  const note = v.note ? `<p class="muted">${escapeHtml(v.note)}</p>` : '';
  return `<div class="table-wrap"><table class="verdict"><thead>${head}</thead><tbody>${rows.join('\n')}</tbody></table></div>${sentences}${note}`;
}

