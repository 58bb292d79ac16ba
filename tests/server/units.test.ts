/** Small server pieces on their own: response extraction, the PNG encoder, metrics text. */
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { CHAT_TEMPLATES, CHATML } from '../../server/options.js';
import { encodePngFast } from '../../envs/render/png-node.js';
import { extractResponse } from '../../server/reward/extract.js';
import { Metrics } from '../../server/services/metrics.js';

describe('extractResponse', () => {
  it('takes the text after the last assistant header, without end tokens', () => {
    const q = '<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\nold<|im_end|>\n<|im_start|>user\nagain<|im_end|>\n<|im_start|>assistant\n<think>a</think><answer>1</answer><|im_end|><|endoftext|><|endoftext|>\n';
    expect(extractResponse(q, CHATML)).toBe('<think>a</think><answer>1</answer>');
  });
  it('with the templated prompt, scores the whole response, even one that writes an assistant header', () => {
    const prompt = '<|endoftext|><|im_start|>user\n6 x 7?<|im_end|>\n<|im_start|>assistant\n';
    const response = 'junk<|im_start|>assistant\n<think>a</think><answer>42</answer>';
    expect(extractResponse(`<|endoftext|>${prompt}${response}<|im_end|>`, CHATML, prompt)).toBe(response);
    // A prompt without the template (or not in the query) leaves the last header to decide.
    expect(extractResponse(`${prompt}${response}`, CHATML, '6 x 7?')).toBe('<think>a</think><answer>42</answer>');
    expect(extractResponse(`${prompt}${response}`, CHATML, 'other<|im_start|>assistant\n')).toBe('<think>a</think><answer>42</answer>');
  });
  it('reads Llama 3 headers, and a bare response as itself', () => {
    const q = '<|start_header_id|>user<|end_header_id|>\n\nx<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nanswer<|eot_id|>';
    expect(extractResponse(q, CHAT_TEMPLATES.llama3)).toBe('answer');
    expect(extractResponse('just text', CHATML)).toBe('just text');
  });
});

describe('encodePngFast', () => {
  it('round-trips any size exactly', () => {
    for (const [w, h] of [[1, 1], [3, 7], [112, 112], [320, 160]]) {
      const data = new Uint8ClampedArray(w * h * 4);
      for (let i = 0; i < data.length; i++) data[i] = (i * 37 + (i >> 7)) & 255;
      const png = decode(encodePngFast({ width: w, height: h, data }));
      expect([png.width, png.height, png.channels]).toEqual([w, h, 4]);
      expect(Buffer.from(png.data as Uint8Array).equals(Buffer.from(data))).toBe(true);
    }
  });
});

describe('Metrics', () => {
  it('renders counters and cumulative histograms in Prometheus text format', () => {
    const m = new Metrics();
    m.stepsTotal = 3;
    m.request('POST', '/v1/instances/:id/step', 200, 0.0007);
    m.request('POST', '/v1/instances/:id/step', 200, 0.02);
    const text = m.render({ instances: 2, maxInstances: 1024 });
    expect(text).toContain('envserver_steps_total 3\n');
    expect(text).toContain('envserver_instances 2\n');
    expect(text).toContain('envserver_requests_total{method="POST",route="/v1/instances/:id/step",status="200"} 2');
    expect(text).toContain('envserver_request_seconds_bucket{method="POST",route="/v1/instances/:id/step",le="0.001"} 1');
    expect(text).toContain('envserver_request_seconds_bucket{method="POST",route="/v1/instances/:id/step",le="+Inf"} 2');
    expect(text.endsWith('\n')).toBe(true);
  });
});
