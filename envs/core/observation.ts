/**
 * Observations are computed on first read: a training loop that reads only `text` never pays for
 * a frame. The game state behind them is immutable, so a late read still sees the state of the
 * step that made it. Each observation owns its views: nothing is shared between steps.
 *
 * The views are getters on the prototype, not own properties: defining per-object accessors cost
 * about 25 us a step, more than the whole Sokoban move. So `{ ...obs }` copies nothing; use
 * `plainObservation(obs)` for a plain object.
 */
import type { JsonObject, Observation, RgbaImage } from './types.js';

export interface ObservationSource {
  text: () => string;
  image: () => RgbaImage;
  state: () => JsonObject;
}

class LazyObservation implements Observation {
  private textValue: string | undefined;
  private imageValue: RgbaImage | undefined;
  private stateValue: JsonObject | undefined;

  constructor(private readonly source: ObservationSource) {}

  get text(): string {
    return (this.textValue ??= this.source.text());
  }

  get image(): RgbaImage {
    return (this.imageValue ??= this.source.image());
  }

  get state(): JsonObject {
    return (this.stateValue ??= this.source.state());
  }

  /** JSON carries text and state; frames travel as PNG, never as JSON arrays of bytes. */
  toJSON(): { text: string; state: JsonObject } {
    return { text: this.text, state: this.state };
  }
}

export function lazyObservation(source: ObservationSource): Observation {
  return new LazyObservation(source);
}

/** A plain object with all three views computed (for structuredClone, spreading, workers). */
export function plainObservation(obs: Observation): Observation {
  return { text: obs.text, image: obs.image, state: obs.state };
}
