/** The uniform random baseline over a discrete action space, seeded (per episode via `reset`). */
import { makeRng, type Rng } from '../../../envs/core/rng.js';
import type { Agent } from '../agent.js';

export function randomAgent(actionCount: number, seed = 0): Agent {
  let rng: Rng = makeRng(`random-agent/${seed}`);
  return {
    name: 'random',
    reset: (episodeSeed: number) => {
      rng = makeRng(`random-agent/${seed}/${episodeSeed}`);
    },
    act: () => ({ action: rng.int(actionCount) }),
  };
}
