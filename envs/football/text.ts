/**
 * The text view: what a text-only agent (or an LMM beside the frame) reads. The controlled player,
 * the ball, the goal, the nearest opponents and teammates with positions relative to the
 * controlled player, the score and the steps left, then the actions MageBench offers.
 */
import { PROMPT_ACTIONS } from './actions.js';
import { dist } from './geometry.js';
import { scoreline } from './state.js';
import type { FootballOptions, FootballState, Player } from './types.js';

const NEAREST = 3;
const DIR_WORDS = ['none', 'left', 'top-left', 'top', 'top-right', 'right', 'bottom-right', 'bottom', 'bottom-left'];

const f2 = (v: number) => v.toFixed(2);

/** "0.12 ahead, 0.03 above" relative to `me` (ahead = towards the goal on the right, above = top). */
function relative(me: Player, x: number, y: number): string {
  const dx = x - me.x;
  const dy = y - me.y;
  const along = Math.abs(dx) < 0.005 ? 'level' : `${f2(Math.abs(dx))} ${dx > 0 ? 'ahead' : 'behind'}`;
  const across = Math.abs(dy) < 0.005 ? 'in line' : `${f2(Math.abs(dy))} ${dy < 0 ? 'above' : 'below'}`;
  return `${along}, ${across}`;
}

function facing(p: Player): string {
  const a = Math.atan2(p.fy, p.fx);
  const sector = ((Math.round(a / (Math.PI / 4)) % 8) + 8) % 8;
  return ['right', 'bottom-right', 'bottom', 'bottom-left', 'left', 'top-left', 'top', 'top-right'][sector];
}

function listNearest(s: FootballState, me: Player, from: number, to: number, skip: number): string[] {
  const idx: number[] = [];
  for (let i = from; i < to; i++) if (i !== skip) idx.push(i);
  idx.sort((a, b) => dist(s.players[a].x, s.players[a].y, me.x, me.y) - dist(s.players[b].x, s.players[b].y, me.x, me.y));
  return idx.slice(0, NEAREST).map((i) => {
    const p = s.players[i];
    return `${p.role} #${i} ${relative(me, p.x, p.y)} (distance ${f2(dist(p.x, p.y, me.x, me.y))})`;
  });
}

export function describe(s: FootballState, o: FootballOptions): string {
  const me = s.players[s.active];
  const lines: string[] = [];
  const [ours, theirs] = scoreline(s);
  lines.push(`Football (${s.scenario}, difficulty ${s.difficulty.toFixed(2)}). Step ${s.turn}, ${Math.max(0, o.max_steps - s.turn)} steps left. Score ${ours}-${theirs}.`);
  lines.push('You play for the left team (blue) and attack the goal on the right (x = 1). Positions: x from -1 (left) to 1 (right), y from -0.42 (top) to 0.42 (bottom).');
  const has = s.ball.owner === s.active;
  lines.push(
    `You control ${me.role} #${s.active} (yellow) at x ${f2(me.x)}, y ${f2(me.y)}, facing ${facing(me)}, ${has ? 'with the ball' : 'without the ball'}.` +
      ` Moving: ${DIR_WORDS[s.sticky.dir]}; sprint ${s.sticky.sprint ? 'on' : 'off'}; dribble ${s.sticky.dribble ? 'on' : 'off'}.`,
  );
  if (!has) {
    const b = s.ball;
    const kick = b.kick;
    const holder =
      b.owner >= 0
        ? b.owner < s.nLeft
          ? `with teammate #${b.owner}`
          : `with opponent #${b.owner}`
        : kick && kick.to === s.active
          ? `${kick.kind.replace('_', ' ')} to you on its way`
          : kick
            ? `in flight (${kick.kind.replace('_', ' ')})`
            : 'loose';
    lines.push(`Ball: ${holder}, ${relative(me, b.x, b.y)}, height ${f2(b.z)}.`);
  }
  lines.push(`Goal: ${relative(me, 1, 0)} (distance ${f2(dist(me.x, me.y, 1, 0))}).`);
  const opp = listNearest(s, me, s.nLeft, s.players.length, -1);
  lines.push(`Nearest opponents: ${opp.length ? opp.join('; ') : 'none'}.`);
  const mates = listNearest(s, me, 0, s.nLeft, s.active);
  lines.push(`Nearest teammates: ${mates.length ? mates.join('; ') : 'none'}.`);
  if (s.end) lines.push(`Episode over: ${s.end === 'goal' ? 'goal!' : s.end === 'out' ? 'ball out of play' : theirs ? 'own goal' : 'ball lost'}.`);
  lines.push(`Actions: ${PROMPT_ACTIONS.join(', ')}.`);
  return lines.join('\n');
}
