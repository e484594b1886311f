// Reading untrusted JSON documents into the wire types: fields of the wrong type
// are dropped and reported, never trusted.

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export interface FieldReader {
  string(name: string): string | undefined;
  strings(name: string): string[] | undefined;
  /** Names of fields present with the wrong type, with what was expected. */
  wrongTypes: Array<{ field: string; expected: string; got: string }>;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export function fieldReader(doc: JsonObject): FieldReader {
  const wrongTypes: FieldReader['wrongTypes'] = [];
  return {
    wrongTypes,
    string(name) {
      const value = doc[name];
      if (value === undefined) return undefined;
      if (typeof value === 'string') return value;
      wrongTypes.push({ field: name, expected: 'string', got: typeName(value) });
      return undefined;
    },
    strings(name) {
      const value = doc[name];
      if (value === undefined) return undefined;
      if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
      wrongTypes.push({ field: name, expected: 'array of strings', got: typeName(value) });
      return undefined;
    },
  };
}
