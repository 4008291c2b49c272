// spread-evenly, fixed: the share per cluster is rounded down and the remainder goes one
// replica each to the first clusters by name, so the shares always sum to the replicas asked.
import { isDuplicated, usable } from './spread-evenly.mjs';

export default {
  name: 'spread-evenly-fixed',
  filter: usable,
  assign(binding, feasible) {
    if (isDuplicated(binding)) return feasible.map((c) => ({ name: c.name, replicas: binding.replicas }));
    const sorted = [...feasible].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const base = Math.floor(binding.replicas / sorted.length);
    const extra = binding.replicas % sorted.length;
    return sorted.map((c, i) => ({ name: c.name, replicas: base + (i < extra ? 1 : 0) }));
  },
};
