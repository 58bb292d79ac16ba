/**
 * One keyboard map for people playing an env, shared by the terminal (`npm run env -- play`) and the
 * browser viewer, which both print it with `keyHelp`. Keys are named as the DOM's KeyboardEvent.key
 * names them ('ArrowUp', 'w', ' ', 'F'); the terminal turns its escape sequences into those names.
 *
 * Sokoban moves with the arrows or WASD (and IJKL for gym-sokoban's walk-only moves); Football uses
 * the arrows, Y/U/B/N for the diagonals (as in roguelikes) and letters named after the action. The
 * keys r and q are never bound: the terminal keeps them for restart and quit.
 */

/** Keys by action name; an env binds those of its own action names. */
const BY_NAME: Readonly<Record<string, readonly string[]>> = {
  left: ['ArrowLeft'],
  right: ['ArrowRight'],
  // Sokoban
  noop: [' ', '.'],
  up: ['ArrowUp'],
  down: ['ArrowDown'],
  'move up': ['i'],
  'move down': ['k'],
  'move left': ['j'],
  'move right': ['l'],
  // Football
  idle: [' '],
  top: ['ArrowUp'],
  bottom: ['ArrowDown'],
  top_left: ['y'],
  top_right: ['u'],
  bottom_left: ['b'],
  bottom_right: ['n'],
  short_pass: ['p'],
  long_pass: ['l'],
  high_pass: ['h'],
  shot: ['s'],
  sprint: ['f'],
  release_sprint: ['F'],
  dribble: ['d'],
  release_dribble: ['D'],
  release_direction: ['x'],
  sliding: ['t'],
};

/**
 * WASD beside the arrows for envs that name their moves up/down/left/right (Sokoban); Football says
 * top/bottom and keeps s and d for shot and dribble.
 */
const WASD: Readonly<Record<string, string>> = { up: 'w', left: 'a', down: 's', right: 'd' };

/** Keys for actions the table does not name (other envs): digits, then letters, never r or q. */
const SPARE = '1234567890abcdefghijklmnopstuvwxyz'.split('');

export interface KeyBinding {
  /** Action index in the env's discrete space. */
  action: number;
  name: string;
  /** KeyboardEvent.key names, the first one shown in help. */
  keys: string[];
}

/** The bindings for a discrete space's action names; every action gets at least one key, no key two actions. */
export function keyBindings(names: readonly string[]): KeyBinding[] {
  const used = new Set<string>();
  const wasd = names.includes('up');
  const bindings = names.map((name, action) => {
    const keys = [...(BY_NAME[name] ?? []), ...(wasd && WASD[name] ? [WASD[name]] : [])].filter((k) => !used.has(k));
    keys.forEach((k) => used.add(k));
    return { action, name, keys };
  });
  for (const b of bindings) {
    if (b.keys.length > 0) continue;
    const spare = SPARE.find((k) => !used.has(k));
    if (spare === undefined) continue; // more than ~40 unnamed actions: the buttons still play them
    used.add(spare);
    b.keys.push(spare);
  }
  return bindings;
}

/** The action a key plays, or undefined. */
export function actionForKey(bindings: readonly KeyBinding[], key: string): number | undefined {
  return bindings.find((b) => b.keys.includes(key))?.action;
}

const LABEL: Readonly<Record<string, string>> = { ArrowUp: 'Up', ArrowDown: 'Down', ArrowLeft: 'Left', ArrowRight: 'Right', ' ': 'Space' };

/** A key as shown to a person: arrows and space by name (they render in every font), letters as typed. */
export function keyLabel(key: string): string {
  return LABEL[key] ?? key;
}

/** One line of help, e.g. "Up/w up · Down/s down · ... · Space/. noop". */
export function keyHelp(bindings: readonly KeyBinding[]): string {
  return bindings
    .filter((b) => b.keys.length > 0)
    .map((b) => `${b.keys.map(keyLabel).join('/')} ${b.name}`)
    .join(' · ');
}
