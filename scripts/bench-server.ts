/**
 * `npm run bench:server [-- --duration 5 --connections 64]`: env steps per second and p50/p99
 * latency over HTTP (autocannon), with text observations and with PNG frames inline, next to a
 * reference measured in the same run on the same machine: a bare Fastify route answering a
 * constant. The ratio to the reference is what carries across machines.
 *
 * Chat completions (`--chat-only` for just these, `--no-chat` without): generated tokens per
 * second for `--chat-clients` (64) concurrent clients against /v1/chat/completions serving
 * `--chat-model` (the committed tiny checkpoint), next to the engine's own batched decode rate
 * measured in the same server process (TinyLMM.generate on a batch of that many rows, same prompt
 * and token budget), and the same load with batching off (one row a batch).
 *
 * Reward endpoint (`--reward-only`): a 256 x 16 batch of mixed answers (text Sokoban plans, math,
 * puzzle items) as one request and as 4,096 single-sample requests, for each `--reward-workers`
 * count (0,1,2), beside GET /v1/health's requests/s on the same server in the same run.
 *
 * Each server runs in a child process, so the load generator does not share its event loop.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { parseNonNegative, parsePositive, parsePositiveNumber } from '../envs/node/cli-options.js';
import { rewardBatch } from '../server/reward/bench-batch.js';
import { sendRewards, type Timed } from '../server/reward/bench-load.js';

const ENV_ID = 'Sokoban-small-v0';
const ACTIONS = ['up', 'right', 'down', 'left'];

/** The chat prompt of the benchmark: a text Sokoban board, about 200 tokens. */
const CHAT_PROMPT = 'Sokoban. Push every box onto a target. Moves: Up, Down, Left, Right.\n#######\n#@__#_#\n#.____#\n#__#__#\n###_$_#\n###.$_#\n#######\nLegend: # wall, _ floor, . target, $ box, * box on a target, @ you, + you on a target.';
const CHAT_MAX_TOKENS = 64;

// --- child: one server, prints its port ---
async function serve(kind: string, replayDir: string, chatModel: string): Promise<void> {
  const { default: Fastify } = await import('fastify');
  let app: import('fastify').FastifyInstance;
  if (kind.startsWith('chat:')) {
    await import('../envs/index.js');
    const { buildApp } = await import('../server/app.js');
    const { generate } = await import('../agent/model/index.js');
    app = await buildApp({ models: { bench: chatModel }, chatMaxBatch: Number(kind.slice(5)), replayDir: undefined });
    // The engine alone, in this process: one generate() over `rows` copies of the bench prompt.
    app.get<{ Querystring: { rows: string } }>('/__bench/engine', { schema: { hide: true } }, async (req) => {
      const { model } = app.models.get('bench')!;
      const rows = Number(req.query.rows);
      const prompts = Array.from({ length: rows }, () => [{ role: 'user' as const, content: CHAT_PROMPT }]);
      const t0 = performance.now();
      const gens = await generate(model, { prompts, maxNewTokens: CHAT_MAX_TOKENS, temperature: 1, seed: 1, bakeWeights: true });
      const s = (performance.now() - t0) / 1000;
      return { tokens: gens.reduce((n, g) => n + g.tokens.length, 0), seconds: s };
    });
  } else if (kind.startsWith('reward:')) {
    await import('../envs/index.js');
    const { buildApp } = await import('../server/app.js');
    app = await buildApp({ rewardWorkers: Number(kind.slice(7)), rewardWorkersAtStart: true, replayDir: undefined });
  } else if (kind === 'reference') {
    app = Fastify();
    app.post('/step', async () => ({ reward: -0.1, terminated: false, truncated: false, info: {} }));
  } else {
    await import('../envs/index.js');
    const { buildApp } = await import('../server/app.js');
    app = await buildApp({ replayDir, maxInstances: 4096 });
  }
  // The server process's own CPU time, so figures can be read per request whatever else runs.
  app.get('/__bench/cpu', { schema: { hide: true } }, async () => process.cpuUsage());
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`LISTENING ${url}\n`);
  // Exit normally on SIGINT, so that a --cpu-prof profile gets written.
  process.on('SIGINT', () => process.exit(0));
}

function startChild(kind: string, replayDir: string, chatModel = ''): Promise<{ url: string; child: ChildProcess }> {
  const script = fileURLToPath(import.meta.url);
  // BENCH_PROF=dir writes a CPU profile of each server child there (read it in Chrome DevTools).
  const prof = process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : [];
  const child = spawn(process.execPath, [...process.execArgv, ...prof, script, '--child', kind, '--replay-dir', replayDir, '--chat-model', chatModel], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /LISTENING (\S+)/.exec(out);
      if (m) resolve({ url: m[1], child });
    });
    child.on('exit', (code) => reject(new Error(`${kind} server exited (${code})`)));
  });
}

/**
 * SIGINT, then the exit: a server still saving replays when the directory is removed made rmSync
 * fail now and then (ENOTEMPTY).
 */
function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGINT');
  });
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  /** Server CPU time (user + system) per request, in microseconds. */
  cpuUs: number;
}

async function serverCpu(base: string): Promise<number> {
  const res = await fetch(`${new URL(base).origin}/__bench/cpu`);
  const { user, system } = (await res.json()) as { user: number; system: number };
  return user + system;
}

async function load(opts: autocannon.Options): Promise<Figures> {
  const before = await serverCpu(opts.url);
  const r = await autocannon(opts);
  const cpu = (await serverCpu(opts.url)) - before;
  const total = r.requests.average * (opts.duration ?? 10);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, cpuUs: cpu / Math.max(1, total) };
}

/**
 * Steps of `ENV_ID` with raw-text actions, resetting instances whose episode ended. autocannon
 * clears a connection's context after every request, so instances live in a shared free list:
 * a request takes one, its response gives it back (twice as many instances as connections, so a
 * request lost to a socket error cannot starve the others).
 */
async function stepLoad(url: string, connections: number, duration: number, query: string): Promise<Figures> {
  interface Slot {
    id: string;
    t: number;
    ended: boolean;
  }
  const free: Slot[] = [];
  for (let i = 0; i < 2 * connections; i++) {
    const res = await fetch(`${url}/v1/instances`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ env_id: ENV_ID, seed: i, agent: { name: 'bench', model: null } }),
    });
    free.push({ id: ((await res.json()) as { instance_id: string }).instance_id, t: 0, ended: false });
  }
  return load({
    url,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req, context) => {
          const slot = free.shift();
          if (!slot) return { ...req, method: 'GET', path: '/v1/health' }; // cannot happen with 2x slots
          context.slot = slot;
          if (slot.ended) {
            slot.ended = false;
            return { ...req, path: `/v1/instances/${slot.id}/reset${query}`, body: '{}' };
          }
          slot.t++;
          const body = JSON.stringify({ action: { text: `<think>push</think><answer>${ACTIONS[slot.t % ACTIONS.length]}</answer>` } });
          return { ...req, path: `/v1/instances/${slot.id}/step${query}`, body };
        },
        onResponse: (_status, body, context) => {
          const slot = context.slot as Slot | undefined;
          if (!slot) return;
          // A substring test, not JSON.parse: the load generator shares the CPUs with the server.
          if (body.includes('"terminated":true') || body.includes('"truncated":true')) slot.ended = true;
          free.push(slot);
        },
      },
    ],
  });
}

interface ChatFigures {
  tokensPerS: number;
  requestsPerS: number;
  p50: number;
  failures: number;
}

/** `clients` closed-loop clients, each sending its next request when its answer arrives. */
async function chatLoad(url: string, clients: number, duration: number): Promise<ChatFigures> {
  let tokens = 0;
  let done = 0;
  let failures = 0;
  const latencies: number[] = [];
  const until = performance.now() + duration * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; performance.now() < until; i++) {
        const started = performance.now();
        const res = await fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: CHAT_PROMPT }], max_tokens: CHAT_MAX_TOKENS, temperature: 1, seed: c * 100_000 + i }),
        });
        const body = (await res.json()) as { usage?: { completion_tokens: number } };
        if (!res.ok || !body.usage) {
          failures++;
          continue;
        }
        tokens += body.usage.completion_tokens;
        done++;
        latencies.push(performance.now() - started);
      }
    }),
  );
  const s = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { tokensPerS: tokens / s, requestsPerS: done / s, p50: Math.round(latencies[Math.floor(latencies.length / 2)] ?? 0), failures };
}

/** The engine's batched decode rate: a warm-up, then `batches` generate calls of `rows` rows. */
async function engineRate(url: string, rows: number, batches: number): Promise<number> {
  await fetch(`${url}/__bench/engine?rows=${rows}`);
  let tokens = 0;
  let seconds = 0;
  for (let i = 0; i < batches; i++) {
    const r = (await (await fetch(`${url}/__bench/engine?rows=${rows}`)).json()) as { tokens: number; seconds: number };
    tokens += r.tokens;
    seconds += r.seconds;
  }
  return tokens / seconds;
}

async function chatBench(o: { chatModel: string; chatClients: number; duration: number }, replayDir: string): Promise<void> {
  const clients = o.chatClients;
  const duration = o.duration;
  const rows: [string, ChatFigures | null, number][] = [];
  let engine = 0;
  for (const maxBatch of [clients, 1]) {
    const srv = await startChild(`chat:${maxBatch}`, replayDir, o.chatModel);
    try {
      if (maxBatch === clients) engine = await engineRate(srv.url, clients, 3);
      // A short warm-up builds the sessions (graph build and ORT session creation) outside the measurement.
      await chatLoad(srv.url, Math.min(clients, 4), 1);
      const f = await chatLoad(srv.url, clients, duration);
      rows.push([`chat completions, ${clients} clients, batches of up to ${maxBatch} row${maxBatch === 1 ? '' : 's'}`, f, f.tokensPerS / engine]);
    } finally {
      await stop(srv.child);
    }
  }
  console.log(`\nchat: ${o.chatModel}, ${clients} clients, ${duration} s each, prompt ~200 tokens, max_tokens ${CHAT_MAX_TOKENS}, temperature 1\n`);
  console.log('| what | tokens/s | requests/s | p50 ms | vs engine | failures |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  console.log(`| engine: TinyLMM.generate, batch of ${clients} rows, same prompt and budget | ${Math.round(engine)} | | | 1.000 | |`);
  for (const [name, f, ratio] of rows) console.log(`| ${name} | ${Math.round(f!.tokensPerS)} | ${f!.requestsPerS.toFixed(1)} | ${f!.p50} | ${ratio.toFixed(3)} | ${f!.failures} |`);
}

async function rewardBench(o: { rewardWorkers: number[]; rewardConnections: number; duration: number; connections: number }): Promise<void> {
  const counts = o.rewardWorkers;
  const connections = o.rewardConnections;
  // Two batches of the same mix: the second names other levels, so neither finds its levels made.
  const batch = rewardBatch(256, 16);
  const one = JSON.stringify(batch);
  const other = rewardBatch(256, 16, 100_000);
  const singles = other.query.map((q, i) => JSON.stringify({ query: [q], prompts: [other.prompts[i]], labels: [other.labels[i]] }));
  const rows: { workers: number; health: Figures; cold: Timed; warm: Timed; single: Timed }[] = [];
  for (const workers of counts) {
    const srv = await startChild(`reward:${workers}`, tmpdir());
    try {
      const health = await load({ url: `${srv.url}/v1/health`, connections: o.connections, duration: o.duration });
      const cold = await sendRewards(srv.url, [one], 1);
      const single = await sendRewards(srv.url, singles, connections);
      const warm = await sendRewards(srv.url, [one], 1);
      rows.push({ workers, health, cold, warm, single });
    } finally {
      await stop(srv.child);
    }
  }
  const mb = (one.length / 2 ** 20).toFixed(1);
  console.log(`\nreward: 256 prompts x 16 samples (${mb} MiB as one request), 4,096 single requests over up to ${connections} connections; node ${process.version}\n`);
  console.log('| workers | GET /v1/health req/s | one request: s (samples/s) | x 0 workers | same, levels made: s | 4,096 requests: s (samples/s) | x 0 workers | samples/s per health req/s (one, singles) | slowest health check during one request, during singles: ms | failures | same rewards as first row |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  const base = rows[0];
  for (const r of rows) {
    const rate = (t: Timed) => 4096 / t.seconds;
    const same = JSON.stringify(r.cold.rewards) === JSON.stringify(base.cold.rewards) && JSON.stringify(r.single.rewards) === JSON.stringify(base.single.rewards);
    console.log(
      `| ${r.workers} | ${Math.round(r.health.rps)} | ${r.cold.seconds.toFixed(2)} (${Math.round(rate(r.cold))}) | ${(base.cold.seconds / r.cold.seconds).toFixed(2)} | ${r.warm.seconds.toFixed(2)} | ` +
        `${r.single.seconds.toFixed(2)} (${Math.round(rate(r.single))}) | ${(base.single.seconds / r.single.seconds).toFixed(2)} | ` +
        `${(rate(r.cold) / r.health.rps).toFixed(3)}, ${(rate(r.single) / r.health.rps).toFixed(3)} | ${Math.round(r.cold.healthMaxMs)}, ${Math.round(r.single.healthMaxMs)} | ` +
        `${r.cold.failures + r.single.failures + r.warm.failures} | ${same ? 'yes' : 'NO'} |`,
    );
  }
}

async function main(): Promise<void> {
  const o = new Command()
    .name('bench:server')
    .option('--duration <s>', 'seconds per measurement', parsePositiveNumber, 5)
    .option('--connections <n>', 'concurrent connections', parsePositive, 64)
    .option('--text-only', 'skip the PNG measurement (e.g. to profile the text path)')
    .option('--chat-only', 'only the chat-completions measurement')
    .option('--no-chat', 'skip the chat-completions measurement')
    .option('--chat-model <dir>', 'checkpoint served for the chat measurement', 'assets/checkpoints/tiny')
    .option('--chat-clients <n>', 'concurrent chat clients', parsePositive, 64)
    .option('--reward-only', 'only the reward-endpoint measurement')
    .option('--reward-workers <list>', 'reward worker counts to measure, comma-separated', (v: string) => v.split(',').map((x) => parseNonNegative(x.trim())), [0, 1, 2])
    .option('--reward-connections <n>', 'connections carrying the 4,096 single-sample reward requests', parsePositive, 512)
    .option('--child <kind>', '(internal) run one server')
    .option('--replay-dir <dir>', '(internal) replay directory of the child')
    .parse()
    .opts<{
      duration: number;
      connections: number;
      textOnly?: boolean;
      chatOnly?: boolean;
      chat: boolean;
      chatModel: string;
      chatClients: number;
      rewardOnly?: boolean;
      rewardWorkers: number[];
      rewardConnections: number;
      child?: string;
      replayDir?: string;
    }>();
  if (o.child) return serve(o.child, o.replayDir ?? tmpdir(), o.chatModel);
  if (o.rewardOnly) return rewardBench(o);
  if (o.chatOnly) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-replays-'));
    try {
      return await chatBench(o, dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const { duration, connections } = o;
  const replayDir = mkdtempSync(join(tmpdir(), 'bench-replays-'));
  const rows: [string, Figures][] = [];
  try {
    const ref = await startChild('reference', replayDir);
    rows.push(['reference: bare Fastify route, constant JSON', await load({ url: `${ref.url}/step`, method: 'POST', connections, duration, body: '{}', headers: { 'content-type': 'application/json' } })]);
    await stop(ref.child);
    const srv = await startChild('server', replayDir);
    rows.push([`${ENV_ID} step, raw-text action, text+state observation`, await stepLoad(srv.url, connections, duration, '')]);
    if (!o.textOnly) rows.push([`${ENV_ID} step, raw-text action, + PNG frame inline`, await stepLoad(srv.url, connections, duration, '?image=png')]);
    await stop(srv.child);
  } finally {
    rmSync(replayDir, { recursive: true, force: true });
  }
  const refRps = rows[0][1].rps;
  console.log(`\n${connections} connections, ${duration} s each, node ${process.version}\n`);
  console.log('| what | requests/s | p50 ms | p99 ms | vs reference | server CPU us/request | non-2xx |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, f] of rows) {
    console.log(`| ${name} | ${Math.round(f.rps)} | ${f.p50} | ${f.p99} | ${(f.rps / refRps).toFixed(3)} | ${Math.round(f.cpuUs)} | ${f.non2xx} |`);
  }
  if (o.chat) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-replays-'));
    try {
      await chatBench(o, dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

await main();
