/**
 * `npm run bench:server [-- --duration 5 --connections 64]`: env steps per second and p50/p99
 * latency over HTTP (autocannon), with text observations and with PNG frames inline, next to a
 * reference measured in the same run on the same machine: a bare Fastify route answering a
 * constant. The ratio to the reference is what carries across machines.
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

const ENV_ID = 'Sokoban-small-v0';
const ACTIONS = ['up', 'right', 'down', 'left'];

// --- child: one server, prints its port ---
async function serve(kind: string, replayDir: string): Promise<void> {
  const { default: Fastify } = await import('fastify');
  let app: import('fastify').FastifyInstance;
  if (kind === 'reference') {
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

function startChild(kind: string, replayDir: string): Promise<{ url: string; child: ChildProcess }> {
  const script = fileURLToPath(import.meta.url);
  // BENCH_PROF=dir writes a CPU profile of each server child there (read it in Chrome DevTools).
  const prof = process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : [];
  const child = spawn(process.execPath, [...process.execArgv, ...prof, script, '--child', kind, '--replay-dir', replayDir], {
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

async function main(): Promise<void> {
  const o = new Command()
    .name('bench:server')
    .option('--duration <s>', 'seconds per measurement', '5')
    .option('--connections <n>', 'concurrent connections', '64')
    .option('--text-only', 'skip the PNG measurement (e.g. to profile the text path)')
    .option('--child <kind>', '(internal) run one server')
    .option('--replay-dir <dir>', '(internal) replay directory of the child')
    .parse()
    .opts<{ duration: string; connections: string; textOnly?: boolean; child?: string; replayDir?: string }>();
  if (o.child) return serve(o.child, o.replayDir ?? tmpdir());

  const duration = Number(o.duration);
  const connections = Number(o.connections);
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
}

await main();
