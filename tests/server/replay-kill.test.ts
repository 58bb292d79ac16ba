/**
 * kill -9 under episode load, then a restart: every episode whose end the server acknowledged has
 * its replay, and no temp file of an interrupted save is left. The real server process is started
 * and killed; clients play one-step Sokoban episodes over HTTP until it dies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseReplay } from '../../envs/replay/validate.js';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));

/** Starts `npm run serve` on a free port; resolves with its URL once it listens. */
async function serve(replayDir: string, viewerDir: string): Promise<{ child: ChildProcess; url: string }> {
  const args = ['--import', 'tsx', 'server/main.ts', '--port', '0', '--replay-dir', replayDir, '--viewer-dir', viewerDir, '--reward-workers', '0'];
  const child = spawn(process.execPath, args, { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const look = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening at (http:\/\/[^"\s]+)/.exec(out);
      if (m) resolve(m[1]);
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening:\n${out}`)));
  });
  return { child, url };
}

describe('kill -9 under episode load', () => {
  it('every acknowledged episode end has its replay after a restart, and no temp file is left', async () => {
    const replayDir = await mkdtemp(join(tmpdir(), 'kill-replays-'));
    const viewerDir = await mkdtemp(join(tmpdir(), 'kill-viewer-'));
    dirs.push(replayDir, viewerDir);
    await writeFile(join(viewerDir, 'index.html'), '<!doctype html>');
    const first = await serve(replayDir, viewerDir);

    // Clients play one-step episodes (max_steps 1) until the server dies under them.
    const acknowledged: string[] = [];
    let killed = false;
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${first.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, unknown>;
    };
    const client = async (k: number) => {
      const agent = `killtest-${k}`;
      try {
        const { instance_id: id } = await post('/v1/instances', { env_id: 'Sokoban-small-v0', options: { max_steps: 1 }, seed: 0, agent: { name: agent, model: null } });
        for (let seed = 1; !killed; seed++) {
          await post(`/v1/instances/${id as string}/reset`, { seed });
          const step = await post(`/v1/instances/${id as string}/step`, { action: 'up' });
          if (step.terminated === true || step.truncated === true) acknowledged.push(`${agent}/${seed}`);
        }
      } catch (e) {
        if (!killed) throw e; // only the kill may stop a client
      }
    };
    const clients = Array.from({ length: 12 }, (_, k) => client(k));
    while (acknowledged.length < 150) await new Promise((r) => setTimeout(r, 20));
    killed = true;
    first.child.kill('SIGKILL');
    await Promise.all(clients);
    await exited(first.child);
    const left = (await readdir(replayDir)).filter((n) => !n.endsWith('.json')).length;

    // The restart cleans up before it listens.
    const second = await serve(replayDir, viewerDir);
    const names = await readdir(replayDir);
    const temps = names.filter((n) => !n.endsWith('.json'));
    const saved = new Set<string>();
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const replay = parseReplay(await readFile(join(replayDir, name), 'utf8'));
      saved.add(`${replay.agent.name}/${replay.seed}`);
    }
    const lost = acknowledged.filter((e) => !saved.has(e));
    const summary = `${acknowledged.length} episodes acknowledged, ${lost.length} without a replay; ${left} temp files after the kill, ${temps.length} after the restart`;
    expect({ lost, temps }, summary).toEqual({ lost: [], temps: [] });
    second.child.kill('SIGTERM');
    await exited(second.child);
  });
});
