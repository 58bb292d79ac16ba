/**
 * The replay viewer: open a replay (server list, URL, dropped file), re-simulate it with the same
 * env code as the server, and play it back; or play a level by hand and save it as a replay.
 * `?replay=<url>` opens a replay on load; `?token=<t>` authenticates against a guarded server.
 */
import '../envs/browser.js';
import { listEnvs } from '../envs/core/registry.js';
import { parseReplay } from '../envs/replay/validate.js';
import { fetchReplayJson, getToken, listReplays, serverAvailable, setToken } from './api.js';
import { byId, fmt, h } from './dom.js';
import { HumanGame } from './human.js';
import { Player } from './player.js';
import { buildTimeline } from './timeline.js';

function layout(): void {
  const root = byId('app');
  root.replaceChildren(
    h('header', {},
      h('h1', {}, 'lmm-arena viewer'),
      h('label', {}, 'replays ', h('select', { id: 'replay-list' }, h('option', { value: '' }, '(server list)'))),
      h('input', { id: 'replay-url', placeholder: 'replay URL or /v1/replays/<id>', size: 36 }),
      h('button', { id: 'load-url' }, 'open'),
      h('label', { class: 'file' }, 'file ', h('input', { id: 'replay-file', type: 'file', accept: '.json,application/json' })),
      h('span', { class: 'sep' }),
      h('label', {}, 'play ', h('select', { id: 'env-select' })),
      h('label', {}, 'seed ', h('input', { id: 'seed', type: 'number', value: 0, style: 'width:6em' })),
      h('button', { id: 'start-human' }, 'start'),
      h('input', { id: 'token', placeholder: 'token', size: 8, value: getToken() }),
    ),
    h('div', { id: 'error', class: 'bad' }),
    h('div', { id: 'empty', class: 'empty' },
      h('h2', {}, 'No replay open'),
      h('p', {}, 'Pick one from the server list above, paste a replay URL or id and press open, choose or drop a replay JSON file, or pick a game and press start to play it yourself.'),
      h('p', { class: 'hint' }, 'Replays come from the env server (npm run serve) or from npm run env -- rollout --replay FILE.'),
    ),
    h('main', {},
      h('section', { id: 'stage' },
        h('canvas', { id: 'frame', width: 1, height: 1 }),
        h('div', { class: 'controls' },
          h('button', { id: 'first' }, '« first'),
          h('button', { id: 'prev' }, '◀ step'),
          h('button', { id: 'play' }, '▶ play'),
          h('button', { id: 'next' }, 'step ▶'),
          h('button', { id: 'last' }, 'last »'),
          h('input', { id: 'scrub', type: 'range', min: 0, max: 0, value: 0 }),
          h('select', { id: 'speed' }, ...['0.5', '1', '2', '4', '8'].map((s) => h('option', s === '1' ? { value: s, selected: true } : { value: s }, `${s}x`))),
          h('span', { id: 'turn' }),
        ),
        h('div', { id: 'human-actions' }),
        h('div', { id: 'human-keys', class: 'hint' }),
        h('div', { id: 'human-status' }),
        h('pre', { id: 'frame-text' }),
      ),
      h('aside', {},
        h('h2', { id: 'replay-title' }, 'no replay open'),
        h('div', { id: 'result' }),
        h('div', { id: 'verification' }),
        h('dl', {},
          h('dt', {}, 'step reward'), h('dd', { id: 'reward' }, '-'),
          h('dt', {}, 'running return'), h('dd', { id: 'running' }, '-'),
          h('dt', {}, 'flags'), h('dd', { id: 'flags' }),
          h('dt', {}, 'parsed actions'), h('dd', { id: 'parsed' }),
        ),
        h('h3', {}, 'reasoning'), h('pre', { id: 'reasoning' }),
        h('h3', {}, 'answer'), h('pre', { id: 'answer' }),
        h('details', {}, h('summary', {}, 'step info'), h('pre', { id: 'info' })),
        h('p', { class: 'hint' }, 'replay keys: Left/Right step, Space play/pause, Home/End; in human play the keys are listed under the frame'),
      ),
    ),
  );
}

async function main(): Promise<void> {
  layout();
  const canvas = byId<HTMLCanvasElement>('frame');
  const player = new Player(canvas);
  let online = false;
  const human = new HumanGame(canvas, () => online);
  const error = (e: unknown) => (byId('error').textContent = e ? String((e as Error).message ?? e) : '');

  const open = (json: unknown) => {
    try {
      error(null);
      human.stop();
      player.load(buildTimeline(parseReplay(json)));
    } catch (e) {
      error(e);
    }
  };
  /** The server list shows the replay open now, also one opened by URL (added when the list lacks it). */
  const selectInList = (url: string) => {
    const id = /\/v1\/replays\/([^/?#]+)$/.exec(url)?.[1];
    const list = byId<HTMLSelectElement>('replay-list');
    if (!id) return void (list.value = '');
    if (!Array.from(list.options).some((o) => o.value === id)) list.append(h('option', { value: id }, `${id} (opened by URL)`));
    list.value = id;
  };
  const openUrl = async (url: string) => {
    try {
      open(await fetchReplayJson(url));
      selectInList(url);
    } catch (e) {
      error(e);
    }
  };

  byId('load-url').addEventListener('click', () => {
    const v = byId<HTMLInputElement>('replay-url').value.trim();
    if (v) void openUrl(/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v) ? `/v1/replays/${v}` : v);
  });
  byId<HTMLSelectElement>('replay-list').addEventListener('change', (e) => {
    const id = (e.target as HTMLSelectElement).value;
    if (id) void openUrl(`/v1/replays/${id}`);
  });
  const readFile = async (file: File) => open(await file.text());
  byId<HTMLInputElement>('replay-file').addEventListener('change', (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) void readFile(file);
  });
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    const file = e.dataTransfer?.files[0];
    if (file) void readFile(file);
  });
  // Replay keys; while a level is played by hand, the keyboard is the game's (see human.ts).
  window.addEventListener('keydown', (e) => {
    if (human.playing || (e.target as HTMLElement | null)?.closest('input, select, textarea')) return;
    const moves: Record<string, () => void> = {
      ArrowRight: () => player.show(player.current + 1),
      ArrowLeft: () => player.show(player.current - 1),
      Home: () => player.show(0),
      End: () => player.show(Number.MAX_SAFE_INTEGER),
      ' ': () => player.toggle(),
    };
    const move = moves[e.key];
    if (!move) return;
    move();
    e.preventDefault();
  });
  byId<HTMLInputElement>('token').addEventListener('change', (e) => setToken((e.target as HTMLInputElement).value));

  const envSelect = byId<HTMLSelectElement>('env-select');
  envSelect.append(...listEnvs().map((spec) => h('option', { value: spec.id }, spec.id)));
  byId('start-human').addEventListener('click', () => {
    try {
      error(null);
      player.unload();
      byId<HTMLSelectElement>('replay-list').value = '';
      document.body.classList.add('human');
      human.start(envSelect.value, Number(byId<HTMLInputElement>('seed').value) || 0);
    } catch (e) {
      error(e);
    }
  });

  online = await serverAvailable();
  if (online) {
    try {
      const { replays } = await listReplays();
      byId('replay-list').append(
        ...replays.map((r) => h('option', { value: r.id }, `${r.env_id} · ${r.agent} · score ${fmt(r.score)} · ${r.created_at.slice(0, 19)}`)),
      );
    } catch (e) {
      error(e);
    }
  }
  const initial = new URLSearchParams(location.search).get('replay');
  if (initial) await openUrl(initial);
  // For tests and the console: the page's parts, and a flag once start-up is over.
  Object.assign(window, { viewer: { player, human, open, online, ready: true } });
}

void main();
