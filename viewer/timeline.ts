/**
 * Re-simulates a replay in the browser with the same env code as the server: one frame per turn
 * (frame 0 is the reset), each with the turn that led to it, plus the verification report. Frames
 * are drawn on demand from the kept game states, so a long replay costs no pixel memory.
 */
import { GameEnv } from '../envs/core/game-env.js';
import { make } from '../envs/core/registry.js';
import type { Env, JsonObject } from '../envs/core/types.js';
import type { Replay, ReplayStep } from '../envs/replay/schema.js';
import { stepAction } from '../envs/replay/steps.js';
import { verifyReplay, type VerifyReport } from '../envs/replay/verify.js';
import type { Context2D } from '../envs/render/context.js';

export interface Frame {
  /** The turn that led here (null for the first frame). */
  step: ReplayStep | null;
  /** Sum of rewards up to here. */
  running: number;
  /** The game state to draw (GameEnv) or, for other envs, the frame pixels. */
  draw: (ctx: CanvasRenderingContext2D) => void;
  text: string;
}

export interface Timeline {
  replay: Replay;
  frames: Frame[];
  width: number;
  height: number;
  verification: VerifyReport;
}

function drawer(env: Env): () => (ctx: CanvasRenderingContext2D) => void {
  if (env instanceof GameEnv) {
    // Real canvas drawing: opaque integer rectangles give the same pixels as Node's RasterContext.
    return () => {
      const state: unknown = env.currentState();
      return (ctx) => env.drawFrame(ctx as unknown as Context2D, state);
    };
  }
  return () => {
    const image = env.render('rgb');
    return (ctx) => ctx.putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
  };
}

export function buildTimeline(replay: Replay): Timeline {
  const verification = verifyReplay(replay);
  // Options came from JSON, so they are JSON; the schema types them loosely.
  const env = make(replay.env_id, replay.options as JsonObject);
  const capture = drawer(env);
  env.reset({ seed: replay.seed });
  const frames: Frame[] = [{ step: null, running: 0, draw: capture(), text: env.render('text') }];
  let running = 0;
  for (const step of replay.steps) {
    try {
      const r = env.step(stepAction(step));
      running += r.reward;
    } catch {
      break; // a replay that goes on past its episode's end: the report says so
    }
    frames.push({ step, running, draw: capture(), text: env.render('text') });
  }
  const size = env.render('rgb'); // every frame of an episode has the same size
  return { replay, frames, width: size.width, height: size.height, verification };
}
