/**
 * A bounded cache keyed by the bytes a value was decoded from. Issuer names and extension values repeat
 * across the certificates of one CA, and each decode has a fixed cost that dominates small values.
 */
export function bytesMemo<T>(capacity = 1024): (bytes: Uint8Array, decode: () => T) => T {
  const cache = new Map<string, T>();
  return (bytes, decode) => {
    const key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const value = decode();
    if (cache.size >= capacity) cache.clear();
    cache.set(key, value);
    return value;
  };
}
