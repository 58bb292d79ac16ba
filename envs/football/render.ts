/**
 * The frame: a top-down pitch (stripes, lines, boxes, goals), the left team in blue, the right in
 * red (keepers in darker shirts), the controlled player in yellow with a marker above, the ball in
 * white lifted by its height over a dark shadow on the grass. A strip above shows the score and
 * the steps left. Opaque integer rectangles only, so every canvas gives the same pixels.
 */
import type { RgbaImage } from '../core/types.js';
import { RasterContext, type Context2D } from '../render/context.js';
import { GOAL_HALF_WIDTH, PITCH_X, PITCH_Y } from './constants.js';
import { drawText } from './font.js';
import { scoreline } from './state.js';
import type { FootballOptions, FootballState } from './types.js';

export const FRAME_WIDTH = 320;
export const FRAME_HEIGHT = 160;
/** Pixels per pitch unit, and the pitch's top-left corner on the frame. */
const S = 144;
const OX = 16;
const OY = 26;

const COLORS = {
  grass: '#2f8a3a',
  stripe: '#348f3f',
  border: '#1f6a2a',
  hud: '#18381e',
  line: '#e6efe6',
  net: '#b9c4b9',
  left: '#2a62d8',
  leftKeeper: '#17337a',
  right: '#d8352a',
  rightKeeper: '#7a1a14',
  outline: '#101010',
  active: '#ffdc00',
  ball: '#ffffff',
  shadow: '#164a1c',
  text: '#f2f2f2',
} as const;

const px = (x: number) => Math.round(OX + (x + PITCH_X) * S);
const py = (y: number) => Math.round(OY + (y + PITCH_Y) * S);

/** A filled disc of radius r centred on pixel (cx, cy), as one rectangle per row. */
function disc(ctx: Context2D, cx: number, cy: number, r: number, color: string): void {
  ctx.fillStyle = color;
  for (let dy = -r; dy <= r; dy++) {
    const half = Math.floor(Math.sqrt((r + 0.5) ** 2 - dy * dy));
    ctx.fillRect(cx - half, cy + dy, 2 * half + 1, 1);
  }
}

/** A one-pixel ring: per row, the span of the outer disc minus the inner one. */
function ring(ctx: Context2D, cx: number, cy: number, r: number, color: string): void {
  ctx.fillStyle = color;
  for (let dy = -r; dy <= r; dy++) {
    const outer = Math.floor(Math.sqrt((r + 0.5) ** 2 - dy * dy));
    const inner = Math.abs(dy) < r ? Math.floor(Math.sqrt((r - 0.5) ** 2 - dy * dy)) : -1;
    if (inner < 0) ctx.fillRect(cx - outer, cy + dy, 2 * outer + 1, 1);
    else {
      ctx.fillRect(cx - outer, cy + dy, outer - inner, 1);
      ctx.fillRect(cx + inner + 1, cy + dy, outer - inner, 1);
    }
  }
}

/** The outline of a rectangle given in pixels, one pixel wide. */
function box(ctx: Context2D, x0: number, y0: number, x1: number, y1: number): void {
  ctx.fillRect(x0, y0, x1 - x0 + 1, 1);
  ctx.fillRect(x0, y1, x1 - x0 + 1, 1);
  ctx.fillRect(x0, y0, 1, y1 - y0 + 1);
  ctx.fillRect(x1, y0, 1, y1 - y0 + 1);
}

function drawPitch(ctx: Context2D): void {
  ctx.fillStyle = COLORS.border;
  ctx.fillRect(0, 0, FRAME_WIDTH, FRAME_HEIGHT);
  ctx.fillStyle = COLORS.hud;
  ctx.fillRect(0, 0, FRAME_WIDTH, 16);
  const x0 = px(-PITCH_X);
  const x1 = px(PITCH_X);
  const y0 = py(-PITCH_Y);
  const y1 = py(PITCH_Y);
  // Mowing stripes: ten bands along x.
  for (let k = 0; k < 10; k++) {
    ctx.fillStyle = k % 2 === 0 ? COLORS.grass : COLORS.stripe;
    const a = Math.round(x0 + ((x1 - x0) * k) / 10);
    const b = Math.round(x0 + ((x1 - x0) * (k + 1)) / 10);
    ctx.fillRect(a, y0, b - a, y1 - y0 + 1);
  }
  ctx.fillStyle = COLORS.line;
  box(ctx, x0, y0, x1, y1);
  ctx.fillRect(px(0), y0, 1, y1 - y0 + 1);
  ring(ctx, px(0), py(0), Math.round(0.13 * S), COLORS.line);
  disc(ctx, px(0), py(0), 1, COLORS.line);
  ctx.fillStyle = COLORS.line;
  for (const side of [-1, 1]) {
    const line = px(side * PITCH_X);
    for (const [depth, half] of [[0.3, 0.24], [0.1, 0.1]] as const) {
      const inner = px(side * (PITCH_X - depth));
      box(ctx, Math.min(line, inner), py(-half), Math.max(line, inner), py(half));
    }
    disc(ctx, px(side * (PITCH_X - 0.2)), py(0), 0, COLORS.line);
    ctx.fillStyle = COLORS.line;
    // The goal: a net behind the line between the posts.
    const gy0 = py(-GOAL_HALF_WIDTH);
    const gy1 = py(GOAL_HALF_WIDTH);
    const gx0 = side < 0 ? line - 6 : line + 1;
    ctx.fillStyle = COLORS.net;
    ctx.fillRect(gx0, gy0, 6, gy1 - gy0 + 1);
    ctx.fillStyle = COLORS.line;
    box(ctx, side < 0 ? line - 6 : line, gy0, side < 0 ? line : line + 6, gy1);
  }
}

function drawHud(ctx: Context2D, s: FootballState, o: FootballOptions): void {
  // Left: a blue square, our goals, '-', their goals, a red square. Right: steps left.
  ctx.fillStyle = COLORS.left;
  ctx.fillRect(4, 4, 8, 8);
  const w = drawText(ctx, scoreline(s).join('-'), 16, 3, 2, COLORS.text);
  ctx.fillStyle = COLORS.right;
  ctx.fillRect(16 + w + 2, 4, 8, 8);
  const left = String(Math.max(0, o.max_steps - s.turn));
  drawText(ctx, left, FRAME_WIDTH - 4 - (left.length * 8 - 2), 3, 2, COLORS.text);
}

export function drawFrame(ctx: Context2D, s: FootballState, o: FootballOptions): void {
  drawPitch(ctx);
  drawPlay(ctx, s, o);
}

/** The empty pitch never changes: painted once, then copied under every frame. */
let pitch: RgbaImage | null = null;

/** The fast path: the same pixels as `drawFrame` on a RasterContext, without repainting the pitch. */
export function rasterizeFrame(s: FootballState, o: FootballOptions): RgbaImage {
  if (!pitch) {
    const bg = new RasterContext(FRAME_WIDTH, FRAME_HEIGHT);
    drawPitch(bg);
    pitch = bg.image;
  }
  const ctx = new RasterContext(FRAME_WIDTH, FRAME_HEIGHT);
  ctx.image.data.set(pitch.data);
  drawPlay(ctx, s, o);
  return ctx.image;
}

/** Everything over the pitch: the HUD, the players, the ball. */
function drawPlay(ctx: Context2D, s: FootballState, o: FootballOptions): void {
  drawHud(ctx, s, o);
  // Players: an outline disc, then the shirt; the controlled player last, on top.
  for (let i = 0; i < s.players.length; i++) {
    if (i === s.active) continue;
    const p = s.players[i];
    const left = i < s.nLeft;
    const keeper = p.role === 'keeper';
    const shirt = left ? (keeper ? COLORS.leftKeeper : COLORS.left) : keeper ? COLORS.rightKeeper : COLORS.right;
    disc(ctx, px(p.x), py(p.y), 4, COLORS.outline);
    disc(ctx, px(p.x), py(p.y), 3, shirt);
  }
  const me = s.players[s.active];
  const mx = px(me.x);
  const my = py(me.y);
  disc(ctx, mx, my, 4, COLORS.outline);
  disc(ctx, mx, my, 3, COLORS.active);
  // The marker: a yellow arrow pointing down at the controlled player, outlined in black.
  for (let row = 0; row < 5; row++) {
    const half = 4 - row;
    ctx.fillStyle = COLORS.outline;
    ctx.fillRect(mx - half - 1, my - 13 + row, 2 * half + 3, 1);
    ctx.fillStyle = COLORS.active;
    ctx.fillRect(mx - half, my - 13 + row, 2 * half + 1, 1);
  }
  // The ball: its shadow on the grass, the ball raised by its height (drawn 2x for legibility).
  const b = s.ball;
  // A carried ball is drawn a few pixels ahead of the carrier's centre so that it stays visible.
  const carrier = b.owner >= 0 ? s.players[b.owner] : null;
  const bx = carrier ? px(carrier.x) + Math.round(carrier.fx * 5) : px(b.x);
  const by = carrier ? py(carrier.y) + Math.round(carrier.fy * 5) : py(b.y);
  disc(ctx, bx + 1, by + 1, 2, COLORS.shadow);
  const lift = Math.round(b.z * S * 2);
  disc(ctx, bx, by - lift, 2, COLORS.outline);
  disc(ctx, bx, by - lift, 1, COLORS.ball);
}
