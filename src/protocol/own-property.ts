// Copying a server's JSON key by key: `out[key] = value` with the key "__proto__" (which
// JSON.parse makes an ordinary own property) sets the copy's prototype instead, so the
// member vanishes from the copy and, when its value is an object, the server's object
// answers every property lookup the copy does not have itself.

/** target[key] = value, as an own enumerable property whatever the key. */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
