/**
 * The Sokoban prompts, in one place for training (training/tasks/sokoban.ts builds its items on
 * them) and for agents that play the env (the TinyLMM agent). A trained checkpoint depends on
 * these strings byte for byte: change the wording only together with a new checkpoint.
 */
import type { ChatMessage, RGBAImage } from '../../model/index.js';
import { rasterizeSokoban } from '../../../envs/sokoban/raster.js';
import { sokobanBoard, sokobanLegend } from '../../../envs/sokoban/text.js';
import type { SokobanLevel } from '../../../envs/sokoban/types.js';

/**
 * Pixels a cell in frames: the vision tower's patch size, so that a frame read at its own resolution
 * (agent/model/image.ts) gives one patch a cell, whatever the board's size; the env's own frames
 * are drawn at this size too, so an agent reads them exactly as it was trained to.
 */
const TILE = 16;

/** The frame of a level, one 16-pixel tile a cell. */
export function sokobanFrame(level: SokobanLevel): RGBAImage {
  return rasterizeSokoban(level, TILE);
}

const RULES = 'Push every box onto a target. Moves: Up, Down, Left, Right.';

export function sokobanTextPrompt(level: SokobanLevel): ChatMessage[] {
  // The board and its legend without the coordinate listing: 216 tokens instead of 342, and a
  // warm start with the listing did no better (4-6% on held-out 6x6 boards either way at 300 steps).
  return [{ role: 'user', content: `Sokoban. ${RULES}\n${sokobanBoard(level, { coordinates: false })}` }];
}

export function sokobanImagePrompt(level: SokobanLevel): ChatMessage[] {
  return [{ role: 'user', content: [{ type: 'image', image: sokobanFrame(level) }, { type: 'text', text: `Sokoban. ${RULES}` }] }];
}

/** The perception question a warm start also learns on frames: where everything is. */
export function sokobanLocatePrompt(level: SokobanLevel): ChatMessage[] {
  return [{ role: 'user', content: [{ type: 'image', image: sokobanFrame(level) }, { type: 'text', text: 'Sokoban. Where are you (@), the boxes ($) and the targets (.)? Give row,column.' }] }];
}

/**
 * The board as the text prompt shows it, grid only (one line a row, the suite's default symbols):
 * what a transcription of the frame answers, so reading a frame and reading the text meet on one string.
 */
export function sokobanBoardText(level: SokobanLevel): string {
  return sokobanBoard(level, { legend: false, coordinates: false });
}

/**
 * The transcription question a warm start learns on frames: write the frame as the text board. The
 * size is given so that the shape of the answer never rests on the frame's canvas (a frame padded
 * with walls to a fixed canvas cannot tell a 6x6 level from a 7x7 one with an extra wall row and column).
 */
export function sokobanTranscribePrompt(level: SokobanLevel): ChatMessage[] {
  const size = `${level.fixed.length}x${level.fixed[0].length}`;
  const text = `Sokoban. Write this ${size} board, one row a line. ${sokobanLegend()}`;
  return [{ role: 'user', content: [{ type: 'image', image: sokobanFrame(level) }, { type: 'text', text }] }];
}
