import type { InputsReport } from '../runner/result.js';
import type { ReportSection } from './html.js';

/**
 * What the included manifests held, said the same way by `validate`, `run` and the HTML report:
 * how many objects of each kind were read, which were skipped (kinds fleetsim does not model),
 * and the notes (fields not modelled, run times that fell back to a default...). The rule:
 * anything in an input that fleetsim does not model is named.
 */

/** `apps/v1 Deployment ×2, v1 Pod`: the kinds read, in the order first met. */
function kindsLine(kinds: Record<string, number>): string {
  return Object.entries(kinds)
    .map(([k, n]) => (n > 1 ? `${k} ×${n}` : k))
    .join(', ');
}

/** The lines `validate` and `run` print (each indented two spaces), empty when there is nothing to say. */
export function formatInputs(inputs: InputsReport | null | undefined): string[] {
  if (!inputs) return [];
  const out: string[] = [];
  if (Object.keys(inputs.kinds).length) out.push(`  read: ${kindsLine(inputs.kinds)}`);
  for (const m of inputs.skipped) out.push(`  note: ${m.file}: ${m.kind} ${m.name || '(no metadata.name)'} is not modelled and was skipped${m.reason ? ` (${m.reason})` : ''}`);
  for (const n of inputs.notes) out.push(`  note: ${n.source}: ${n.object}: ${n.text}`);
  return out;
}

/** The report's "Inputs" section, or null when there is nothing to say. */
export function inputsSection(inputs: InputsReport | null | undefined): ReportSection | null {
  if (!inputs) return null;
  const rows: (string | number | null)[][] = [];
  for (const [k, n] of Object.entries(inputs.kinds)) rows.push(['read', k, String(n), 'modelled']);
  const skipped = new Map<string, { n: number; reason: string }>();
  for (const m of inputs.skipped) {
    const s = skipped.get(m.kind) ?? { n: 0, reason: m.reason ?? 'not modelled' };
    s.n++;
    skipped.set(m.kind, s);
  }
  for (const [k, s] of skipped) rows.push(['skipped', k, String(s.n), s.reason]);
  for (const n of inputs.notes) rows.push(['note', n.object, n.source, n.text]);
  return {
    title: 'Inputs',
    text: 'What the included manifests held: each kind read, each kind skipped because fleetsim does not model it, and every field fleetsim does not model or value it assumed.',
    table: { columns: ['', 'kind or object', 'count or where', 'what'], rows },
  };
}
