/**
 * Actions: Google Research Football's default set of 19, by name or index, plus the spellings an
 * LMM may write. MageBench offers 16 of them in its prompt (no idle, release_direction, sliding).
 */

export const ACTIONS = [
  'idle',
  'left',
  'top_left',
  'top',
  'top_right',
  'right',
  'bottom_right',
  'bottom',
  'bottom_left',
  'long_pass',
  'high_pass',
  'short_pass',
  'shot',
  'sprint',
  'release_direction',
  'release_sprint',
  'sliding',
  'dribble',
  'release_dribble',
] as const;
export type ActionName = (typeof ACTIONS)[number];

export const ACTION = Object.fromEntries(ACTIONS.map((name, i) => [name, i])) as Record<ActionName, number>;

/** The 16 actions MageBench's Football-Online prompt offers. */
export const PROMPT_ACTIONS: readonly ActionName[] = [
  'top',
  'bottom',
  'left',
  'right',
  'top_left',
  'top_right',
  'bottom_left',
  'bottom_right',
  'short_pass',
  'long_pass',
  'high_pass',
  'shot',
  'sprint',
  'release_sprint',
  'dribble',
  'release_dribble',
];

/** Unit vectors of the 8 directions, indexed by sticky direction 1..8 (0 = none). y grows down. */
const D = Math.SQRT1_2;
export const DIRECTIONS: readonly (readonly [number, number])[] = [
  [0, 0],
  [-1, 0],
  [-D, -D],
  [0, -1],
  [D, -D],
  [1, 0],
  [D, D],
  [0, 1],
  [-D, D],
];

/** Sticky direction (1..8) of an action index, or 0 when it is not a movement. */
export function directionOf(action: number): number {
  return action >= ACTION.left && action <= ACTION.bottom_left ? action : 0;
}

/** Other spellings accepted in text answers, lower case, mapped to the canonical name. */
export function actionAliases(): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (alias: string, name: ActionName) => {
    if (!(ACTIONS as readonly string[]).includes(alias)) out[alias] = name;
  };
  for (const name of ACTIONS) {
    for (const spelling of [name.replace(/_/g, ' '), name.replace(/_/g, '-'), name.replace(/_/g, '')]) add(spelling, name);
    if (ACTION[name] >= ACTION.left && ACTION[name] <= ACTION.bottom_left) add(`move ${name.replace(/_/g, ' ')}`, name);
  }
  // Screen words: "up" is the top of the frame.
  const screen: Record<string, ActionName> = {
    up: 'top',
    down: 'bottom',
    up_left: 'top_left',
    up_right: 'top_right',
    down_left: 'bottom_left',
    down_right: 'bottom_right',
  };
  for (const [word, name] of Object.entries(screen)) {
    for (const spelling of [word, word.replace('_', ' '), word.replace('_', '-'), `move ${word.replace('_', ' ')}`]) add(spelling, name);
  }
  Object.assign(out, {
    pass: 'short_pass',
    shoot: 'shot',
    'no-op': 'idle',
    noop: 'idle',
    stop: 'release_direction',
    slide: 'sliding',
    'stop sprint': 'release_sprint',
    'stop dribble': 'release_dribble',
  });
  return out;
}
