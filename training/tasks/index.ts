// Every task by name: what the stages train on and the evaluation measures (the contract: ./types.ts).
//
//   sokoban-{text,image,locate,transcribe}-{6x6-1,7x7-1,7x7-2}   a board from its text or frame, or the frame written as text (items)
//   sokoban-{text,image}-<size>[-read][-pushes]        the same plans, traces with the pushes as sub-goals (SokobanFormat);
//                                                      -read (frames): the board written out before the plan
//   sokoban-{text,image}-<size>-last{1..8}[-read][-pushes]  the same levels started k pushes before the goal
//                                                      on the optimal plan (a reverse curriculum), keyed as their level
//   {countdown,arithmetic}[-worked]-d{1..5}            text puzzles (items; -worked: the worked-steps trace)
//   football-{act,locate}-<scenario>[-t<turns>]        one turn of a drill from its frame (items)
//   football-online-<scenario>[-t<turns>]              whole drills, a frame a turn (episodes)
import { footballEpisodeTask } from './football/episodes.js';
import { footballItemTask, parseFootballTask } from './football/task.js';
import { PUZZLE_TASK_FAMILIES, puzzleTask } from './puzzles.js';
import { SOKOBAN_SIZES, sokobanTask, type SokobanSizeName, type SokobanView } from './sokoban.js';
import { SOKOBAN_MAX_LAST, sokobanCurriculumTask } from './sokoban-curriculum.js';
import { parseSokobanPlanName } from './sokoban-source.js';
import type { ItemTask, Task } from './types.js';

export type * from './types.js';
export { ANSWER_STOP } from './types.js';
export { trainingItem } from './items.js';

/** The task of a name, or an error listing the names there are. */
export function task(name: string): Task {
  const plan = parseSokobanPlanName(name);
  if (plan) {
    const { view, size, last, format, readFirst } = plan;
    return last === null ? sokobanTask(size, view, format, readFirst) : sokobanCurriculumTask(size, view, last, format, readFirst);
  }
  const reading = /^sokoban-(locate|transcribe)-(\d+x\d+-\d+)$/.exec(name);
  if (reading && reading[2] in SOKOBAN_SIZES) return sokobanTask(reading[2] as SokobanSizeName, reading[1] as SokobanView);
  const pz = /^([a-z]+)(-worked)?-d([1-5])$/.exec(name);
  if (pz) return puzzleTask(pz[1], Number(pz[3]), pz[2] ? 'worked' : 'default');
  const fb = parseFootballTask(name);
  if (fb) return fb.kind === 'online' ? footballEpisodeTask(fb) : footballItemTask(fb);
  throw new Error(
    `unknown task "${name}": expected sokoban-{text,image,locate,transcribe}-{${Object.keys(SOKOBAN_SIZES).join(',')}}, sokoban-image-<size>-read[-pushes], sokoban-{text,image}-<size>-pushes, sokoban-{text,image}-<size>-last{1..${SOKOBAN_MAX_LAST}}[-read][-pushes] (-read: image), {${PUZZLE_TASK_FAMILIES.join(',')}}[-worked]-d{1..5} or football-{act,locate,online}-<scenario>`,
  );
}

/** The task of a name where only items will do (the warm start trains on traces). */
export function itemTaskNamed(name: string, why: string): ItemTask {
  const t = task(name);
  if (t.kind !== 'items') throw new Error(`${name} is an episode task, but ${why} needs items`);
  return t;
}
