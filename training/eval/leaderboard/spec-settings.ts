/**
 * The `?key=value&...` settings of an agent spec on the command line (`tinylmm:DIR?temperature=0`,
 * `openai:MODEL@URL?stream=1`): a reader that refuses unknown keys and out-of-range values, naming
 * the agent kind, the key and the keys it knows, so a typo fails before any episode runs.
 */
export interface SpecSettings {
  num(key: string, fallback: number, ok: (v: number) => boolean): number;
  /** A number, or undefined when the key is absent (left to the other side's default). */
  optionalNum(key: string, ok: (v: number) => boolean): number | undefined;
  /** `1`/`true` or `0`/`false`. */
  bool(key: string, fallback: boolean): boolean;
  oneOf<T extends string>(key: string, fallback: T, allowed: readonly T[]): T;
}

export function readSpecSettings(kind: string, query: string, known: readonly string[]): SpecSettings {
  const params = new URLSearchParams(query);
  for (const key of params.keys()) {
    if (!known.includes(key)) throw new Error(`${kind}: unknown setting "${key}" (${known.join(', ')})`);
  }
  const optionalNum = (key: string, ok: (v: number) => boolean): number | undefined => {
    const raw = params.get(key);
    if (raw === null) return undefined;
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v) || !ok(v)) throw new Error(`${kind}: ${key}=${raw} is out of range`);
    return v;
  };
  return {
    num: (key, fallback, ok) => optionalNum(key, ok) ?? fallback,
    optionalNum,
    bool(key, fallback) {
      const raw = params.get(key);
      if (raw === null) return fallback;
      if (raw === '1' || raw === 'true') return true;
      if (raw === '0' || raw === 'false') return false;
      throw new Error(`${kind}: ${key} must be 1, 0, true or false, got ${raw}`);
    },
    oneOf(key, fallback, allowed) {
      const raw = params.get(key);
      if (raw === null) return fallback;
      if (!(allowed as readonly string[]).includes(raw)) throw new Error(`${kind}: ${key} must be ${allowed.join(' or ')}, got ${raw}`);
      return raw as (typeof allowed)[number];
    },
  };
}
