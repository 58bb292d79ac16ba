// The hand-made one-box level the expert-iteration tests play on, with its moves and optimal plan.
import { simulateSokoban, type SokobanLevel } from '../../../envs/sokoban/index.js';

export const [U, D, L, R] = [1, 2, 3, 4];

// #######
// #     #
// #  $ .#     one box at 2,3, its target at 2,5, you at 3,4:
// #   @ #     optimal: Left, Left, Up, Right, Right (get behind the box, push it twice)
// #######
export const LEVEL: SokobanLevel = {
  fixed: [
    [0, 0, 0, 0, 0, 0, 0],
    [0, 1, 1, 1, 1, 1, 0],
    [0, 1, 1, 1, 1, 2, 0],
    [0, 1, 1, 1, 1, 1, 0],
    [0, 0, 0, 0, 0, 0, 0],
  ],
  boxes: [[2, 3]],
  player: [3, 4],
};
export const OPTIMAL = [L, L, U, R, R];
/** The state after `moves` from LEVEL. */
export const after = (moves: number[]) => simulateSokoban(LEVEL, moves).state;
