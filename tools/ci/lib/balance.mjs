// Split connectors into N shards of near-equal expected run time.
// Weights are each connector's last measured duration; connectors never measured get the median of the
// measured ones (a new connector is assumed typical), and with no measurements at all every connector
// weighs 1, which balances by count.

/**
 * @typedef {{ project: string, weight: number, measured: boolean }} Weighted
 * @typedef {{ shard: number, of: number, projects: string[], count: number, estimatedMs: number, unmeasured: number }} Shard
 */

/** @param {string[]} projects @param {Map<string, number>} durations @returns {Weighted[]} */
export function weighProjects(projects, durations) {
  const known = projects.map((p) => durations.get(p)).filter((d) => typeof d === 'number' && Number.isFinite(d) && d >= 0);
  const fallback = known.length ? median(known) : 1;
  return [...new Set(projects)].map((project) => {
    const d = durations.get(project);
    const measured = typeof d === 'number' && Number.isFinite(d) && d >= 0;
    // A measured 0 ms (a cache hit recorded as a report) still costs a task slot: never weigh below 1.
    return { project, weight: Math.max(1, measured ? d : fallback), measured };
  });
}

/**
 * Longest-processing-time-first: heaviest connector to the currently lightest shard. The result never
 * exceeds the ideal load by more than the heaviest single connector, and is at most 4/3 of the optimum.
 * Ties break by name and shard index, so the same input always gives the same shards (CI retries of a
 * single shard must see the same list).
 * @param {Weighted[]} items @param {number} count @returns {Shard[]}
 */
export function splitIntoShards(items, count) {
  if (!Number.isInteger(count) || count < 1) throw new Error(`shard count must be a positive integer, got ${count}`);
  const n = Math.min(count, items.length);
  const shards = Array.from({ length: n }, (_, i) => ({ shard: i + 1, of: n, projects: [], count: 0, estimatedMs: 0, unmeasured: 0 }));
  const sorted = [...items].sort((a, b) => b.weight - a.weight || (a.project < b.project ? -1 : a.project > b.project ? 1 : 0));
  const heap = new MinHeap(shards);
  for (const item of sorted) {
    const s = heap.pop();
    s.projects.push(item.project);
    s.count++;
    s.estimatedMs += item.weight;
    if (!item.measured) s.unmeasured++;
    heap.push(s);
  }
  for (const s of shards) s.projects.sort();
  return shards;
}

/** Max shard load over the ideal (total / shards): 1 is perfect. */
export function imbalance(shards) {
  if (!shards.length) return 1;
  const total = shards.reduce((sum, s) => sum + s.estimatedMs, 0);
  const ideal = total / shards.length;
  return ideal ? Math.max(...shards.map((s) => s.estimatedMs)) / ideal : 1;
}

function median(values) {
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** Binary min-heap on (load, shard index): O(n log k) for thousands of connectors. */
class MinHeap {
  constructor(items) {
    this.items = [...items];
  }
  less(a, b) {
    return a.estimatedMs < b.estimatedMs || (a.estimatedMs === b.estimatedMs && a.shard < b.shard);
  }
  push(x) {
    const h = this.items;
    h.push(x);
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }
  pop() {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
