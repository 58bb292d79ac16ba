/**
 * Observations are computed on first read: a training loop that reads only `text` never pays for
 * a frame. The game state behind them is immutable, so a late read still sees the state of the
 * step that made it. Each observation owns its views: nothing is shared between steps.
 */
import type { JsonObject, Observation, RgbaImage } from './types.js';

export interface ObservationSource {
  text: () => string;
  image: () => RgbaImage;
  state: () => JsonObject;
}

export function lazyObservation(source: ObservationSource): Observation {
  const cache: Partial<Observation> = {};
  const obs = {} as Observation;
  for (const key of ['text', 'image', 'state'] as const) {
    Object.defineProperty(obs, key, {
      enumerable: true,
      get: () => (cache[key] ??= source[key]() as never),
    });
  }
  // JSON carries text and state; frames travel as PNG, never as JSON arrays of bytes.
  Object.defineProperty(obs, 'toJSON', {
    enumerable: false,
    value: () => ({ text: obs.text, state: obs.state }),
  });
  return obs;
}
