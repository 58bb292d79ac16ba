/**
 * The reward part of `npm run bench:server -- --reward-only`: a 256 x 16 rollout batch of the
 * mixed answers of bench-batch.ts sent to `POST /v1/reward` as one request (OpenRLHF 0.9) and as
 * 4,096 single-sample requests issued at once (0.10+), while a client polls GET /v1/health to see
 * how long the server takes to answer it meanwhile.
 */
import http from 'node:http';

export interface Timed {
  seconds: number;
  /** Statuses other than 200. */
  failures: number;
  rewards: number[];
  /** Health checks answered during the load, and the slowest of them in ms. */
  healthChecks: number;
  healthMaxMs: number;
}

function post(agent: http.Agent, base: URL, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: base.hostname, port: base.port, path: '/v1/reward', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Sequential health checks until `done` settles. */
async function pollHealth(url: string, done: Promise<unknown>): Promise<{ n: number; maxMs: number }> {
  let over = false;
  void done.finally(() => (over = true));
  let n = 0;
  let maxMs = 0;
  while (!over) {
    const t0 = performance.now();
    await (await fetch(`${url}/v1/health`)).arrayBuffer();
    maxMs = Math.max(maxMs, performance.now() - t0);
    n++;
  }
  return { n, maxMs };
}

/** `bodies` sent at once over at most `connections` keep-alive connections; rewards in order. */
export async function sendRewards(url: string, bodies: string[], connections: number): Promise<Timed> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const base = new URL(url);
  const t0 = performance.now();
  const all = Promise.all(bodies.map((b) => post(agent, base, b)));
  const [answers, health] = await Promise.all([all, pollHealth(url, all)]);
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  const rewards: number[] = [];
  let failures = 0;
  for (const a of answers) {
    if (a.status !== 200) {
      failures++;
      continue;
    }
    rewards.push(...(JSON.parse(a.text) as { rewards: number[] }).rewards);
  }
  return { seconds, failures, rewards, healthChecks: health.n, healthMaxMs: health.maxMs };
}
