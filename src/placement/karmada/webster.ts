/**
 * Webster (Sainte-Laguë) seat allocation and the Dispenser wrapper: the division primitive behind
 * every weighted split in Karmada >= v1.16 (`pkg/util/helper/webstermethod.go` fn
 * `AllocateWebsterSeats`, `pkg/util/helper/binding.go` `Dispenser.AllocateByWeight`). Spec §7.2.
 *
 * Seats are handed out one at a time to the party with the highest priority
 * `votes / (2 * seats + 1)`, computed in IEEE-754 doubles exactly as Go's float64 does, so exact
 * rational ties are exact float ties. Ties go to the party with fewer current seats, then by name
 * (ascending by default; see `tieBreakerByUID`).
 */
import type { TargetCluster } from './types.js';
import { compareNames } from './names.js';

/** A party of the apportionment: a cluster, its weight (`votes`) and its seats (replicas). */
export interface Party {
  name: string;
  votes: number;
  seats: number;
}

/**
 * Decides a tie between two parties of exactly equal priority: true if `a` gets the seat before `b`.
 * Must be a strict total order over the parties it is given (every built-in one is), which makes the
 * result independent of how the priority queue is laid out.
 */
export type PartyTieBreaker = (a: Party, b: Party) => boolean;

/** Default tie-break (also what an empty UID gives): fewer seats first, then ascending name. */
export const defaultTieBreaker: PartyTieBreaker = (a, b) => {
  if (a.seats !== b.seats) return a.seats < b.seats;
  return compareNames(a.name, b.name) < 0;
};

/** Fewer seats first, then DESCENDING name (odd FNV-1a-32 UID hash). */
export const descendingNameTieBreaker: PartyTieBreaker = (a, b) => {
  if (a.seats !== b.seats) return a.seats < b.seats;
  return compareNames(a.name, b.name) > 0;
};

/**
 * 32-bit FNV-1a over the UTF-8 bytes of `s` (Go `hash/fnv` New32a), as an unsigned integer. The
 * bytes are those TextEncoder writes (a lone surrogate as U+FFFD), encoded here as they are hashed:
 * every Job's completions are divided with its UID's hash, and an encoder's array per call was a
 * noticeable share of a large run's garbage.
 */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  const byte = (b: number): void => {
    h = Math.imul(h ^ b, 0x01000193);
  };
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      h = Math.imul(h ^ c, 0x01000193);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else c = 0xfffd;
    }
    if (c < 0x800) {
      byte(0xc0 | (c >> 6));
    } else if (c < 0x10000) {
      byte(0xe0 | (c >> 12));
      byte(0x80 | ((c >> 6) & 0x3f));
    } else {
      byte(0xf0 | (c >> 18));
      byte(0x80 | ((c >> 12) & 0x3f));
      byte(0x80 | ((c >> 6) & 0x3f));
    }
    byte(0x80 | (c & 0x3f));
  }
  return h >>> 0;
}

/**
 * Karmada `tieBreakerByUID`: the resource UID decides the name direction of Webster ties.
 * Empty UID → ascending names (what Karmada's unit tests use). Otherwise FNV-1a-32(uid):
 * even → ascending, odd → descending. Seats are always compared first (fewer seats wins).
 */
export function tieBreakerByUID(uid: string | undefined | null): PartyTieBreaker {
  if (!uid) return defaultTieBreaker;
  return fnv1a32(uid) % 2 === 1 ? descendingNameTieBreaker : defaultTieBreaker;
}

export type Votes = Readonly<Record<string, number>> | ReadonlyMap<string, number>;

function entriesOf(v: Votes | undefined | null): Array<[string, number]> {
  if (!v) return [];
  if (v instanceof Map) return [...(v as ReadonlyMap<string, number>).entries()];
  return Object.entries(v as Record<string, number>);
}

/**
 * Allocate `newSeats` seats by Webster's method.
 *
 * Parties are every name in `initialAssignments` (votes 0 unless also in `partyVotes`) and every
 * name in `partyVotes` (seats 0 unless in `initialAssignments`). Returns every party, including
 * those left with 0 seats, sorted by name ascending; an empty array when there are no parties.
 * A party with 0 votes has priority 0 and so never wins a seat while any party has votes > 0.
 */
export function allocateWebsterSeats(
  newSeats: number,
  partyVotes: Votes,
  initialAssignments?: Votes | null,
  tieBreaker?: PartyTieBreaker | null,
): Party[] {
  const byName = new Map<string, Party>();
  for (const [name, seats] of entriesOf(initialAssignments)) byName.set(name, { name, votes: 0, seats });
  for (const [name, votes] of entriesOf(partyVotes)) {
    const p = byName.get(name);
    if (p) p.votes = votes;
    else byName.set(name, { name, votes, seats: 0 });
  }
  // Lay the heap out from a name-sorted array: the order is irrelevant to the result (the
  // comparator is a total order), but a fixed layout keeps the work itself reproducible.
  const parties = [...byName.values()].sort((a, b) => compareNames(a.name, b.name));
  if (parties.length === 0) return [];

  const tb = tieBreaker ?? defaultTieBreaker;
  // first(a, b): a gets the next seat before b.
  const first = (a: Party, b: Party): boolean => {
    const pa = a.votes / (2 * a.seats + 1);
    const pb = b.votes / (2 * b.seats + 1);
    if (pa === pb) return tb(a, b);
    return pa > pb;
  };

  if (newSeats > 0) {
    const heap = parties.slice();
    const n = heap.length;
    const siftDown = (start: number): void => {
      let i = start;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) return;
        let best = l;
        const r = l + 1;
        if (r < n && first(heap[r], heap[l])) best = r;
        if (!first(heap[best], heap[i])) return;
        const t = heap[i];
        heap[i] = heap[best];
        heap[best] = t;
        i = best;
      }
    };
    for (let i = (n >> 1) - 1; i >= 0; i--) siftDown(i);
    for (let remaining = newSeats; remaining > 0; remaining--) {
      heap[0].seats++; // the top party takes the seat; its priority only drops, so sift it down
      siftDown(0);
    }
  }
  return parties.map((p) => ({ name: p.name, votes: p.votes, seats: p.seats }));
}

/** A cluster's weight in a division (Karmada `ClusterWeightInfo`). */
export interface ClusterWeightInfo {
  clusterName: string;
  weight: number;
}

/** Sum of the weights. */
export function weightSum(w: ReadonlyArray<ClusterWeightInfo>): number {
  let s = 0;
  for (const x of w) s += x.weight;
  return s;
}

/**
 * Divides `numReplicas` among clusters by weight, on top of an initial result
 * (Karmada `NewDispenser(numReplicas, init)` + `AllocateByWeight`), with the UID tie-break.
 */
export class Dispenser {
  readonly numReplicas: number;
  readonly initial: ReadonlyArray<TargetCluster>;
  readonly tieBreaker: PartyTieBreaker;

  constructor(numReplicas: number, initial: ReadonlyArray<TargetCluster> | null | undefined, uidOrTieBreaker?: string | PartyTieBreaker | null) {
    this.numReplicas = numReplicas;
    this.initial = (initial ?? []).map((t) => ({ name: t.name, replicas: t.replicas }));
    this.tieBreaker = typeof uidOrTieBreaker === 'function' ? uidOrTieBreaker : tieBreakerByUID(uidOrTieBreaker ?? '');
  }

  /**
   * The initial result plus `numReplicas` new seats divided by `weights`, sorted by name.
   * If there is nothing to hand out onto a non-empty initial result, or every weight is 0,
   * the initial result is returned unchanged (a copy, in its own order).
   */
  allocateByWeight(weights: ReadonlyArray<ClusterWeightInfo>): TargetCluster[] {
    if (this.numReplicas === 0 && this.initial.length > 0) return this.initial.map((t) => ({ ...t }));
    if (weightSum(weights) === 0) return this.initial.map((t) => ({ ...t }));
    const votes = new Map<string, number>();
    for (const w of weights) votes.set(w.clusterName, w.weight);
    const init = new Map<string, number>();
    for (const t of this.initial) init.set(t.name, (init.get(t.name) ?? 0) + t.replicas);
    return allocateWebsterSeats(this.numReplicas, votes, init, this.tieBreaker).map((p) => ({ name: p.name, replicas: p.seats }));
  }
}

/**
 * Karmada `SpreadReplicasByTargetClusters`: divide `numReplicas` by the replica counts of `tcs`
 * used as weights, on top of `initial`.
 */
export function spreadReplicasByTargetClusters(
  numReplicas: number,
  tcs: ReadonlyArray<TargetCluster>,
  initial: ReadonlyArray<TargetCluster> | null | undefined,
  uid?: string,
): TargetCluster[] {
  const weights = tcs.map((t) => ({ clusterName: t.name, weight: t.replicas }));
  return new Dispenser(numReplicas, initial, uid).allocateByWeight(weights);
}
