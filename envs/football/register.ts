/** Registers every football id: one per scenario, all sharing the one game core. */
import { GameEnv } from '../core/game-env.js';
import { envSpec, register } from '../core/registry.js';
import { footballGame } from './game.js';
import { SCENARIOS, type ScenarioId } from './types.js';

const DESCRIPTIONS: Record<ScenarioId, string> = {
  'empty-goal-close': 'Football drill: score into an empty goal from close range',
  'empty-goal': 'Football drill: run from the halfway line and score into an empty goal',
  'run-to-score': 'Football drill: outrun five chasing defenders to an empty goal',
  'run-to-score-keeper': 'Football drill: beat the keeper with two defenders chasing',
  'pass-shoot-keeper': 'Football drill: pass and shoot, two attackers against a defender and the keeper',
  '3v1-keeper': 'Football drill: three attackers against one defender and the keeper',
  'counterattack-easy': 'Football drill: a 4 vs 1 counter-attack from midfield, slow chasers',
  'counterattack-hard': 'Football drill: a 4 vs 2 counter-attack with quick chasers',
  '11v11': 'Football: an 11 vs 11 situation from seeded formation templates',
};

/** The registered id of a scenario, e.g. `Football-3v1-keeper-v0`. */
export function footballId(scenario: ScenarioId): string {
  return `Football-${scenario}-v0`;
}

export const FOOTBALL_IDS: readonly string[] = SCENARIOS.map(footballId);

/** Idempotent, so importing this module twice (Node and a bundle) does no harm. */
export function registerFootball(): void {
  for (const scenario of SCENARIOS) {
    const id = footballId(scenario);
    if (envSpec(id)) continue;
    register({
      id,
      description: DESCRIPTIONS[scenario],
      defaults: { scenario },
      create: (options) => new GameEnv(id, footballGame, options),
    });
  }
}

registerFootball();
