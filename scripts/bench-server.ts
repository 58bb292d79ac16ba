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
  let url: string;
  if (kind === 'reference') {
    const { default: Fastify } = await import('fastify');
    const app = Fastify();
    app.post('/step', async () => ({ reward: -0.1, terminated: false, truncated: false, info: {} }));
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  } else {
    await import('../envs/index.js');
    const { buildApp } = await import('../server/app.js');
    const app = await buildApp({ replayDir, maxInstances: 4096 });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  }
  process.stdout.write(`LISTENING ${url}\n`);
}

function startChild(kind: string, replayDir: string): Promise<{ url: string; child: ChildProcess }> {
  const script = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [...process.execArgv, script, '--child', kind, '--replay-dir', replayDir], {
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

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

async function load(opts: autocannon.Options): Promise<Figures> {
  const r = await autocannon(opts);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx };
}

/** Steps of `ENV_ID` with raw-text actions, one instance per connection, reset when episodes end. */
async function stepLoad(url: string, connections: number, duration: number, query: string): Promise<Figures> {
  const ids: string[] = [];
  for (let i = 0; i < connections; i++) {
    const res = await fetch(`${url}/v1/instances`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ env_id: ENV_ID, seed: i, agent: { name: 'bench', model: null } }),
    });
    ids.push(((await res.json()) as { instance_id: string }).instance_id);
  }
  let next = 0;
  interface Ctx {
    id?: string;
    t?: number;
    ended?: boolean;
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
          const ctx = context as Ctx;
          ctx.id ??= ids[next++ % ids.length];
          ctx.t = (ctx.t ?? 0) + 1;
          if (ctx.ended) {
            ctx.ended = false;
            return { ...req, path: `/v1/instances/${ctx.id}/reset${query}`, body: '{}' };
          }
          const move = ACTIONS[ctx.t % ACTIONS.length];
          const body = JSON.stringify({ action: { text: `<think>push</think><answer>${move}</answer>` } });
          return { ...req, path: `/v1/instances/${ctx.id}/step${query}`, body };
        },
        onResponse: (_status, body, context) => {
          // A substring test, not JSON.parse: the load generator shares the CPUs with the server.
          if (body.includes('"terminated":true') || body.includes('"truncated":true')) (context as Ctx).ended = true;
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
    .option('--child <kind>', '(internal) run one server')
    .option('--replay-dir <dir>', '(internal) replay directory of the child')
    .parse()
    .opts<{ duration: string; connections: string; child?: string; replayDir?: string }>();
  if (o.child) return serve(o.child, o.replayDir ?? tmpdir());

  const duration = Number(o.duration);
  const connections = Number(o.connections);
  const replayDir = mkdtempSync(join(tmpdir(), 'bench-replays-'));
  const rows: [string, Figures][] = [];
  try {
    const ref = await startChild('reference', replayDir);
    rows.push(['reference: bare Fastify route, constant JSON', await load({ url: `${ref.url}/step`, method: 'POST', connections, duration, body: '{}', headers: { 'content-type': 'application/json' } })]);
    ref.child.kill();
    const srv = await startChild('server', replayDir);
    rows.push([`${ENV_ID} step, raw-text action, text+state observation`, await stepLoad(srv.url, connections, duration, '')]);
    rows.push([`${ENV_ID} step, raw-text action, + PNG frame inline`, await stepLoad(srv.url, connections, duration, '?image=png')]);
    srv.child.kill();
  } finally {
    rmSync(replayDir, { recursive: true, force: true });
  }
  const refRps = rows[0][1].rps;
  console.log(`\n${connections} connections, ${duration} s each, node ${process.version}\n`);
  console.log('| what | requests/s | p50 ms | p99 ms | vs reference | non-2xx |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, f] of rows) {
    console.log(`| ${name} | ${Math.round(f.rps)} | ${f.p50} | ${f.p99} | ${(f.rps / refRps).toFixed(3)} | ${f.non2xx} |`);
  }
}

await main();
