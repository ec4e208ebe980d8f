/**
 * A bounded cache keyed by the byte string a value was decoded from. OIDs, issuer names and extension values
 * repeat across the certificates of one CA, and each decode has a fixed cost that dominates small values.
 */
export function bytesMemo<T>(capacity = 1024): (bytes: string, decode: () => T) => T {
  const cache = new Map<string, T>();
  return (bytes, decode) => {
    const hit = cache.get(bytes);
    if (hit !== undefined) return hit;
    const value = decode();
    if (cache.size >= capacity) cache.clear();
    cache.set(bytes, value);
    return value;
  };
}
