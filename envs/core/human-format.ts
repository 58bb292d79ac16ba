/**
 * Numbers and plans as people read them in the CLIs and the viewer: floats rounded (a score of
 * 53.40288533333333 or an optimal return of 10.200000000000001 prints as 53.4 and 10.2), and move
 * names in one case everywhere, the case the prompts ask for ("Up, Down, Left, Right").
 * Machine output (--json, the HTTP API, replays) keeps full precision.
 */

/** An integer as is; otherwise at most `digits` decimals, trailing zeros dropped. */
export function formatNumber(n: number, digits = 2): string {
  if (!Number.isFinite(n) || Number.isInteger(n)) return String(n);
  return String(Number(n.toFixed(digits)));
}

/** A JSON text with every number rounded for reading (info objects printed to a terminal). */
export function humanJson(value: unknown, digits = 3): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' ? Number(formatNumber(v, digits)) : v));
}

/** "top_left" -> "Top_left", "move up" -> "Move up": the first letter capitalised, as prompts write moves. */
export function actionLabel(name: string): string {
  return name.length === 0 ? name : name[0].toUpperCase() + name.slice(1);
}

/** A plan of action names as one comma-separated line, e.g. "Down, Left, Up". */
export function formatPlan(names: readonly string[]): string {
  return names.map(actionLabel).join(', ');
}
