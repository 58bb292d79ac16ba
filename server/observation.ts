/** Observations as JSON: text and state always; the frame inline (base64 PNG) or as a URL. */
import type { Observation, ResetResult, StepResult } from '../envs/core/types.js';
import { encodePngFast } from '../envs/render/png-node.js';

export interface ObservationJson {
  text: string;
  state: unknown;
  frame_url: string;
  image?: { mime: 'image/png'; width: number; height: number; base64: string };
}

export function observationJson(obs: Observation, instanceId: string, image: 'png' | 'url' | undefined): ObservationJson {
  const out: ObservationJson = { text: obs.text, state: obs.state, frame_url: `/v1/instances/${instanceId}/frame.png` };
  if (image === 'png') {
    // Only now is the frame rasterized: observations are lazy.
    const frame = obs.image;
    out.image = { mime: 'image/png', width: frame.width, height: frame.height, base64: encodePngFast(frame).toString('base64') };
  }
  return out;
}

export function resetJson(r: ResetResult, seed: number, instanceId: string, image: 'png' | 'url' | undefined) {
  return { seed, observation: observationJson(r.observation, instanceId, image), info: r.info };
}

export function stepJson(r: StepResult, instanceId: string, image: 'png' | 'url' | undefined) {
  return {
    observation: observationJson(r.observation, instanceId, image),
    reward: r.reward,
    terminated: r.terminated,
    truncated: r.truncated,
    info: r.info,
  };
}
