/**
 * Truth-tellers and liars (knights always tell the truth, knaves always lie). Each person makes
 * one or more statements about the others; the item is kept only when brute force over all 2^n
 * role assignments finds exactly one consistent with every statement, so the gold answer is the
 * unique solution.
 */
import type { Rng } from '../../core/rng.js';
import type { JsonObject } from '../../core/types.js';
import type { PuzzleFamily, PuzzleItem } from '../types.js';
import { level } from './level.js';

const NAMES = ['Alice', 'Bob', 'Carol', 'Dave', 'Erin', 'Frank', 'Grace', 'Heidi'];

export type KnightsStatementKind = 'is' | 'both' | 'either' | 'same' | 'different' | 'count' | 'implies';

/** A statement as data; `a`, `b` index people, `knight` says which role it is about. */
export interface KnightsStatement {
  kind: KnightsStatementKind;
  a: number;
  b: number;
  knight: boolean;
  k: number;
}

const KNOBS: Record<1 | 2 | 3 | 4 | 5, { people: number; kinds: KnightsStatementKind[] }> = {
  1: { people: 2, kinds: ['is', 'same', 'different'] },
  2: { people: 3, kinds: ['is', 'same', 'different', 'both', 'either'] },
  3: { people: 4, kinds: ['is', 'same', 'different', 'both', 'either', 'count'] },
  4: { people: 5, kinds: ['is', 'same', 'different', 'both', 'either', 'count', 'implies'] },
  5: { people: 6, kinds: ['same', 'different', 'both', 'either', 'count', 'implies'] },
};

/** True when the statement holds under `roles` (true = knight). */
function holds(s: KnightsStatement, roles: readonly boolean[]): boolean {
  const is = (i: number) => roles[i] === s.knight;
  switch (s.kind) {
    case 'is': return is(s.a);
    case 'both': return is(s.a) && is(s.b);
    case 'either': return is(s.a) || is(s.b);
    case 'same': return roles[s.a] === roles[s.b];
    case 'different': return roles[s.a] !== roles[s.b];
    case 'count': return roles.filter((r) => r === s.knight).length === s.k;
    case 'implies': return !roles[s.a] || is(s.b); // "if A is a knight, then B is a <role>"
  }
}

function render(s: KnightsStatement, speaker: number, names: readonly string[]): string {
  const role = s.knight ? 'knight' : 'knave';
  const aIs = (i: number) => (i === speaker ? 'I am' : `${names[i]} is`);
  // The speaker comes last in a pair, as people say it: "Bob and I", "one of Bob and me".
  const pair = (me: 'I' | 'me') =>
    s.a === speaker ? `${names[s.b]} and ${me}` : s.b === speaker ? `${names[s.a]} and ${me}` : `${names[s.a]} and ${names[s.b]}`;
  switch (s.kind) {
    case 'is': return `${aIs(s.a)} a ${role}.`;
    case 'both': return `${pair('I')} are both ${role}s.`;
    case 'either': return `At least one of ${pair('me')} is a ${role}.`;
    case 'same': return `${pair('I')} are the same kind.`;
    case 'different': return `${pair('I')} are different kinds.`;
    case 'count':
      if (s.k === 0) return `None of us is a ${role}.`;
      return `Exactly ${s.k} of us ${s.k === 1 ? 'is a' : 'are'} ${role}${s.k === 1 ? '' : 's'}.`;
    case 'implies': return `If ${aIs(s.a)} a knight, then ${aIs(s.b)} a ${role}.`;
  }
}

function randomStatement(rng: Rng, kinds: KnightsStatementKind[], n: number, speaker: number): KnightsStatement {
  const kind = rng.pick(kinds);
  // Two distinct people, not both the speaker; pair statements name at least one other person.
  const others = rng.shuffle([...Array(n).keys()].filter((i) => i !== speaker));
  const a = kind === 'is' || rng.next() < 0.7 ? others[0] : speaker;
  const b = others[0] === a ? (others[1] ?? speaker) : others[0];
  return { kind, a, b, knight: rng.next() < 0.5, k: rng.range(0, n) };
}

/** A statement that `speaker` could make given `roles`: true for a knight, false for a knave. */
function consistentStatement(rng: Rng, kinds: KnightsStatementKind[], roles: boolean[], speaker: number): KnightsStatement {
  for (let t = 0; t < 50; t++) {
    const s = randomStatement(rng, kinds, roles.length, speaker);
    if (holds(s, roles) === roles[speaker]) return s;
  }
  // "X is a knight" or "X is a knave": one of the two always fits the speaker.
  const a = (speaker + 1) % roles.length;
  return { kind: 'is', a, b: a, knight: roles[a] === roles[speaker], k: 0 };
}

/** All role assignments consistent with every statement (each speaker's truth = their role). */
export function solveKnights(n: number, said: ReadonlyArray<{ speaker: number; statement: KnightsStatement }>): boolean[][] {
  const out: boolean[][] = [];
  for (let mask = 0; mask < 1 << n; mask++) {
    const roles = Array.from({ length: n }, (_, i) => ((mask >> i) & 1) === 1);
    if (said.every(({ speaker, statement }) => holds(statement, roles) === roles[speaker])) out.push(roles);
  }
  return out;
}

/** The gold text: "Alice: knight, Bob: knave". */
function answerText(names: readonly string[], roles: readonly boolean[]): string {
  return names.map((name, i) => `${name}: ${roles[i] ? 'knight' : 'knave'}`).join(', ');
}

/**
 * Reads "Alice: knight, Bob is a knave, Carol - knight" into name -> role. Names that are not
 * people of the puzzle are ignored; a person given two different roles makes the answer invalid.
 */
export function parseRoles(answer: string, names: readonly string[]): Map<string, boolean> | null {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const roles = new Map<string, boolean>();
  // Word boundaries, and never two runs of spaces side by side, keep the scan linear.
  const re = /\b([A-Za-z]+)\b(?:\s+is\s+(?:an?\s+)?|\s*[:=\u2014-]\s*|\s+)(knight|knave)/gi;
  for (const m of answer.slice(0, 10_000).matchAll(re)) {
    const name = m[1].toLowerCase();
    if (!wanted.has(name)) continue;
    const knight = m[2].toLowerCase() === 'knight';
    if (roles.has(name) && roles.get(name) !== knight) return null;
    roles.set(name, knight);
  }
  return roles;
}

export const knights: PuzzleFamily = {
  name: 'knights',
  description: 'Knights and knaves: deduce who tells the truth from their statements (unique solution)',
  generate(rng, difficulty) {
    const { people, kinds } = KNOBS[level(difficulty)];
    const names = rng.shuffle(NAMES).slice(0, people).sort((x, y) => NAMES.indexOf(x) - NAMES.indexOf(y));
    let roles: boolean[] = [];
    let said: Array<{ speaker: number; statement: KnightsStatement }> = [];
    for (let attempt = 0; attempt < 200; attempt++) {
      roles = names.map(() => rng.next() < 0.5);
      said = names.map((_, i) => ({ speaker: i, statement: consistentStatement(rng, kinds, roles, i) }));
      // Extra statements narrow the solutions down; up to one more per person.
      for (let extra = 0; extra <= people && solveKnights(people, said).length > 1; extra++) {
        const speaker = rng.int(people);
        said.push({ speaker, statement: consistentStatement(rng, kinds, roles, speaker) });
      }
      if (solveKnights(people, said).length === 1) break;
    }
    const lines = said.map(({ speaker, statement }) => `${names[speaker]} says: "${render(statement, speaker, names)}"`);
    return {
      question:
        'On an island, knights always tell the truth and knaves always lie. ' +
        `You meet ${people} inhabitants: ${names.join(', ')}.\n${lines.join('\n')}\n` +
        `Who is a knight and who is a knave? Answer in the form ${names.map((n) => `${n}: knight/knave`).join(', ')}.`,
      answer: answerText(names, roles),
      // Statements are flat records of numbers, booleans and a kind name: JSON as they are.
      meta: { names, roles, statements: said.map((s) => ({ speaker: s.speaker, ...s.statement })) as unknown as JsonObject[] },
    };
  },
  check(item: PuzzleItem, answer: string) {
    const names = (item.meta.names as string[] | undefined) ?? [];
    const gold = (item.meta.roles as boolean[] | undefined) ?? [];
    if (names.length === 0 || gold.length !== names.length) return false;
    const roles = parseRoles(answer, names);
    return roles !== null && names.every((n, i) => roles.get(n.toLowerCase()) === gold[i]);
  },
};
