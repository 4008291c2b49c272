import { divisionTerm, type ClusterFacts, type PlacementFacts } from '../placement/explain.js';

/**
 * The filter or score term that decided why `cluster` got different replicas from A and from B
 * (each side's own decision facts). Checked in the pipeline's order: filters first (the first
 * failing plugin), then the scores, then the division of replicas and its inputs.
 */
export function decidingTerm(a: PlacementFacts, b: PlacementFacts, cluster: string): string {
  const ca = a.clusters.find((c) => c.name === cluster);
  const cb = b.clusters.find((c) => c.name === cluster);
  if (!ca || !cb) return `cluster ${cluster} was not in ${!ca ? 'A' : 'B'}'s view`;
  if ((ca.filter === null) !== (cb.filter === null)) {
    const [side, f] = ca.filter ? ['A', ca.filter] : ['B', cb.filter!];
    return `filter ${f.plugin} (${side}: ${f.reason}; passed under ${side === 'A' ? 'B' : 'A'})`;
  }
  if (ca.filter && cb.filter) return `filtered out under both (${ca.filter.plugin}; ${cb.filter.plugin}), yet placed: the scheduler overrode its filters`;
  if (a.family === 'karmada' && b.family === 'karmada') {
    // One pipeline on both sides: the term whose input differs decided it.
    const terms = [...new Set([...Object.keys(ca.scores), ...Object.keys(cb.scores)])];
    const differing = terms.filter((t) => ca.scores[t] !== cb.scores[t]);
    const scoreText = differing.map((t) => `score ${t} (A ${ca.scores[t]} vs B ${cb.scores[t]})`).join(', ');
    // Scores order the clusters; they decide only where the division picks clusters by rank (Aggregated).
    if (differing.length && a.strategy === 'Aggregated' && b.strategy === 'Aggregated') return scoreText;
    if (a.strategy !== b.strategy) return `replica division (A ${divisionTerm(a, ca)}; B ${divisionTerm(b, cb)})`;
    if (ca.weight !== cb.weight) return `static weight (A ${ca.weight ?? 0} vs B ${cb.weight ?? 0})`;
    if (ca.available !== cb.available) return `estimator: available replicas (A ${ca.available ?? 0} vs B ${cb.available ?? 0}) under ${a.strategy}`;
    if (ca.previous !== cb.previous) return `previous result (A had ${ca.previous}, B had ${cb.previous}): ${a.strategy} keeps it where it can (Steady assignment)`;
    if (differing.length) return scoreText;
    return `replica division (${a.strategy}) of different totals or cluster sets`;
  }
  // Different pipelines: each side's own deciding step for this cluster.
  return `A ${sideTerm(a, ca)}; B ${sideTerm(b, cb)}`;
}

/** What decided a cluster's replicas within one side's own pipeline (both filters passed). */
function sideTerm(f: PlacementFacts, c: ClusterFacts): string {
  if (f.family === 'opaque') return `inside ${f.scheduler}.schedule() (its reasons are not visible; Karmada's filters pass it)`;
  if (f.family === 'karmada') return `${f.scheduler}: replica division ${divisionTerm(f, c)}`;
  const own = c.scores[f.scheduler];
  if (own === undefined) return `${f.scheduler}: its assign step (no score)`;
  const feasible = f.clusters.filter((x) => x.filter === null);
  // Rank as frameworkScheduler orders them: higher score first, ties by name.
  const rank = 1 + feasible.filter((x) => (x.scores[f.scheduler] ?? 0) > own || ((x.scores[f.scheduler] ?? 0) === own && x.name < c.name)).length;
  return `${f.scheduler}: score ${own} (rank ${rank} of ${feasible.length}), then its assign step`;
}
