// The real core serialises several java.util.HashSet / HashMap collections (a user's tenantIds,
// emails and phone numbers; the tenants a revoke groups handles by), so their JSON order is Java's
// bucket order, not insertion order. Reproduced here for String elements: iteration order is by
// bucket index (hash spread, table size growing 16 → 32 → … at 75 % load), insertion order within
// a bucket.

/** java.lang.String#hashCode over UTF-16 code units, as a signed 32-bit int. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * Order in which a java.util.HashSet<String> (or a HashMap's keys) built by adding `items` in order
 * iterates. A null key hashes to 0, so it sits in the first bucket.
 */
export function javaHashSetOrder<T extends string | null>(items: Iterable<T>): T[] {
  const unique: T[] = [];
  const seen = new Set<T>();
  for (const s of items) {
    if (!seen.has(s)) {
      seen.add(s);
      unique.push(s);
    }
  }
  let capacity = 16;
  while (unique.length > capacity * 0.75) capacity *= 2;
  const bucket = (s: T) => {
    const h = s === null ? 0 : javaStringHash(s);
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return unique
    .map((s, i) => ({ s, i, b: bucket(s) }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((x) => x.s);
}
