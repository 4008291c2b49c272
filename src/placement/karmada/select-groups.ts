/**
 * Choosing topology groups (`pkg/scheduler/core/spreadconstraint/select_groups.go`), spec §6.5:
 * a depth-first search over subsets of groups for combinations of `minGroups..maxGroups` groups
 * whose value (cluster count) reaches `target`, then the best by weight, value, discovery order,
 * preferring a strict prefix of the best.
 */
import { compareNames } from './names.js';

export interface SelectGroupInfo {
  name: string;
  /** e.g. the number of clusters in the region */
  value: number;
  /** e.g. the region's group score */
  weight: number;
}

interface DfsPath {
  id: number;
  groups: SelectGroupInfo[];
  weight: number;
  value: number;
}

function byWeightThenName(a: SelectGroupInfo, b: SelectGroupInfo): number {
  if (a.weight !== b.weight) return b.weight - a.weight;
  return compareNames(a.name, b.name);
}

/** All feasible paths in discovery order, each path's groups re-sorted by weight desc, name asc. */
export function findFeasiblePaths(groups: ReadonlyArray<SelectGroupInfo>, minGroups: number, maxGroups: number, target: number): DfsPath[] {
  const sorted = [...groups].sort((a, b) => {
    if (a.value !== b.value) return a.value - b.value;
    if (a.weight !== b.weight) return b.weight - a.weight;
    return compareNames(a.name, b.name);
  });
  const paths: DfsPath[] = [];
  const stack: SelectGroupInfo[] = [];
  let nextId = 0;
  const dfs = (sum: number, begin: number): void => {
    if (sum >= target && stack.length >= minGroups && stack.length <= maxGroups) {
      nextId++;
      const gs = [...stack].sort(byWeightThenName);
      let w = 0;
      let v = 0;
      for (const g of gs) {
        w += g.weight;
        v += g.value;
      }
      paths.push({ id: nextId, groups: gs, weight: w, value: v });
      return;
    }
    if (stack.length >= maxGroups) return;
    // With exactly `minGroups` groups only the path through all of them can qualify; the plain
    // search finds the same single path, so no special case is needed for correctness.
    for (let i = begin; i < sorted.length; i++) {
      stack.push(sorted[i]);
      dfs(sum + sorted[i].value, i + 1);
      stack.pop();
    }
  };
  dfs(0, 0);
  return paths;
}

function isStrictPrefix(sub: DfsPath, of: DfsPath): boolean {
  if (sub.groups.length >= of.groups.length) return false;
  return sub.groups.every((g, i) => of.groups[i].name === g.name);
}

/** Best path: weight desc, value desc, id asc; then any later strict prefix of it replaces it. */
export function prioritizePaths(paths: ReadonlyArray<DfsPath>): DfsPath {
  if (paths.length === 1) return paths[0];
  const sorted = [...paths].sort((a, b) => b.weight - a.weight || b.value - a.value || a.id - b.id);
  let best = sorted[0];
  for (let i = 1; i < sorted.length; i++) if (isStrictPrefix(sorted[i], best)) best = sorted[i];
  return best;
}

/** The chosen groups (weight desc, name asc), or `null` when no combination is feasible. */
export function selectGroups(groups: ReadonlyArray<SelectGroupInfo>, minGroups: number, maxGroups: number, target: number): SelectGroupInfo[] | null {
  if (groups.length === 0) return null;
  const paths = findFeasiblePaths(groups, minGroups, maxGroups, target);
  if (paths.length === 0) return null;
  return prioritizePaths(paths).groups;
}
