// Checkpoints: identical logits after save/load, clear errors on damage, and atomic saves that
// survive a process killed mid-save (a child process saving in a loop, killed at a random moment).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, truncateSync, statSync, existsSync, rmSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createModel, loadCheckpoint, loadModel, saveModel, decodeSafetensors } from '../../../agent/model/index.js';

const root = mkdtempSync(join(tmpdir(), 'tinylmm-ck-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ids = [[256, 10, 72, 105, 33, 257, 259, 52, 260]];

describe('checkpoints', () => {
  it('save then load gives identical logits, step, metrics and config', async () => {
    const m = createModel('tiny', { seed: 4, threads: 1 });
    m.step = 17;
    m.metrics = { loss: 1.25 };
    const dir = join(root, 'a');
    saveModel(m, dir);
    const back = loadModel(dir, { threads: 1 });
    expect(back.step).toBe(17);
    expect(back.metrics).toEqual({ loss: 1.25 });
    expect(back.config).toEqual(m.config);
    const x = await m.logits({ inputIds: ids });
    const y = await back.logits({ inputIds: ids });
    expect(Buffer.from(y.data.buffer).equals(Buffer.from(x.data.buffer))).toBe(true);
    // The tensor file is plain safetensors, and the manifest names every tensor.
    const st = decodeSafetensors(readFileSync(join(dir, 'model.safetensors')));
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.tensors).sort()).toEqual([...st.tensors.keys()].sort());
    expect(manifest.preset).toBe('tiny');
    await m.dispose();
    await back.dispose();
  });

  it('keeps training state beside the weights, checksummed like them', () => {
    const m = createModel('tiny', { seed: 4 });
    const dir = join(root, 'state');
    const state = new Map([['adam.m.embed.weight', { shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) }]]);
    saveModel(m, dir, { state });
    expect(loadCheckpoint(dir).state).toEqual(state);
    const bytes = readFileSync(join(dir, 'state.safetensors'));
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(join(dir, 'state.safetensors'), bytes);
    expect(() => loadModel(dir)).toThrow(/state.safetensors is corrupted/);
  });

  it('refuses truncated, corrupted and mismatched checkpoints with a clear message', () => {
    const m = createModel('tiny', { seed: 5 });
    const fresh = (name: string): string => {
      const d = join(root, name);
      saveModel(m, d);
      return d;
    };
    const t = fresh('trunc');
    truncateSync(join(t, 'model.safetensors'), statSync(join(t, 'model.safetensors')).size - 100);
    expect(() => loadModel(t)).toThrow(/truncated/);

    const c = fresh('corrupt');
    const bytes = readFileSync(join(c, 'model.safetensors'));
    bytes[bytes.length - 7] ^= 0xff;
    writeFileSync(join(c, 'model.safetensors'), bytes);
    expect(() => loadModel(c)).toThrow(/corrupted/);

    const j = fresh('badjson');
    writeFileSync(join(j, 'manifest.json'), '{"format": "tinylmm-chec');
    expect(() => loadModel(j)).toThrow(/manifest.json is corrupted/);

    const k = fresh('badconfig');
    const man = JSON.parse(readFileSync(join(k, 'manifest.json'), 'utf8'));
    man.config.dModel = 64; // tensors no longer match
    writeFileSync(join(k, 'manifest.json'), JSON.stringify(man));
    expect(() => loadModel(k)).toThrow(/has shape \[266,128\], config needs \[266,64\]/);
    man.config.dModel = 128;
    man.config.colour = 'blue';
    writeFileSync(join(k, 'manifest.json'), JSON.stringify(man));
    expect(() => loadModel(k)).toThrow(/invalid model config/);

    // A checkpoint of an older build: its tokenizer lacks a special token this build has.
    const o = fresh('oldtok');
    const man3 = JSON.parse(readFileSync(join(o, 'manifest.json'), 'utf8'));
    man3.tokenizer.specialTokens = man3.tokenizer.specialTokens.filter((x: string) => x !== '<image_row>');
    writeFileSync(join(o, 'manifest.json'), JSON.stringify(man3));
    expect(() => loadModel(o)).toThrow(/tokenizer .* does not match .*it lacks <image_row>: a checkpoint from an older build/);

    // Without the checksum entry, the safetensors parser itself catches truncation.
    const h = fresh('nohash');
    const man2 = JSON.parse(readFileSync(join(h, 'manifest.json'), 'utf8'));
    delete man2.files;
    writeFileSync(join(h, 'manifest.json'), JSON.stringify(man2));
    truncateSync(join(h, 'model.safetensors'), 5000);
    expect(() => loadModel(h)).toThrow(/truncated/);

    expect(() => loadModel(join(root, 'nothing-here'))).toThrow(/no manifest.json/);
  });

  it("checks the manifest's tensor table against the safetensors header, naming the tensor", () => {
    const m = createModel('tiny', { seed: 5 });
    const d = join(root, 'table');
    saveModel(m, d);
    const good = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8'));
    const withTable = (tensors: unknown) => writeFileSync(join(d, 'manifest.json'), JSON.stringify({ ...good, tensors }));
    const edit = (f: (t: Record<string, unknown>) => void) => {
      const t = structuredClone(good.tensors) as Record<string, unknown>;
      f(t);
      withTable(t);
    };
    edit((t) => (t['embed.weight'] = [266, 64]));
    expect(() => loadModel(d)).toThrow(/tensor embed\.weight: manifest says shape \[266,64\], model\.safetensors has \[266,128\]/);
    edit((t) => delete t['final_norm.weight']);
    expect(() => loadModel(d)).toThrow(/model\.safetensors holds tensor final_norm\.weight \[128\], missing from the manifest's tensor table/);
    edit((t) => (t['extra.weight'] = [2, 2]));
    expect(() => loadModel(d)).toThrow(/manifest lists tensor extra\.weight \[2,2\], model\.safetensors has no such tensor/);
    edit((t) => (t['embed.weight'] = 'big'));
    expect(() => loadModel(d)).toThrow(/manifest tensors\.embed\.weight is not a shape/);
    withTable(undefined);
    expect(() => loadModel(d)).toThrow(/manifest\.json has no tensor table/);
    withTable([]);
    expect(() => loadModel(d)).toThrow(/manifest tensors must be an object/);
    withTable(good.tensors);
    expect(loadModel(d).params.get('embed.weight')!.data).toEqual(m.params.get('embed.weight')!.data);
    // A dtype other than the header's F32 is named by tensor as well (the manifest table has shapes only).
    const bytes = readFileSync(join(d, 'model.safetensors'));
    const len = Number(bytes.readBigUInt64LE(0));
    const header = bytes.subarray(8, 8 + len).toString('utf8').replace('"dtype":"F32"', '"dtype":"F16"');
    const f16 = Buffer.concat([bytes.subarray(0, 8), Buffer.from(header), bytes.subarray(8 + len)]);
    expect(() => decodeSafetensors(f16, 'model.safetensors')).toThrow(/tensor [\w.]+: dtype F16 is not supported \(F32 only\)/);
  });

  it('the committed checkpoints load, their tensor tables matching their weights', () => {
    for (const dir of ['assets/checkpoints/tiny', 'assets/checkpoints/tiny-sft']) {
      const ck = loadCheckpoint(dir);
      const table = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).tensors as Record<string, number[]>;
      expect(Object.keys(table).sort()).toEqual([...ck.params.keys()].sort());
    }
  });

  it('malformed manifests and safetensors headers give a clear error, not a TypeError', () => {
    const m = createModel('tiny', { seed: 5 });
    const d = join(root, 'malformed');
    saveModel(m, d);
    const good = readFileSync(join(d, 'manifest.json'), 'utf8');
    for (const bad of ['null', '[]', '7']) {
      writeFileSync(join(d, 'manifest.json'), bad);
      expect(() => loadModel(d)).toThrow(/manifest.json is corrupted \(not a JSON object\)/);
    }
    const man = JSON.parse(good);
    writeFileSync(join(d, 'manifest.json'), JSON.stringify({ ...man, step: 'ten' }));
    expect(() => loadModel(d)).toThrow(/manifest step "ten"/);
    writeFileSync(join(d, 'manifest.json'), JSON.stringify({ ...man, files: { 'model.safetensors': null } }));
    expect(() => loadModel(d)).toThrow(/files.model.safetensors must be/);

    const header = (json: string): Buffer => {
      const h = Buffer.from(json);
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(h.length));
      return Buffer.concat([len, h, Buffer.alloc(8)]);
    };
    // Not regular files: a directory, and a FIFO (reading one would block forever).
    writeFileSync(join(d, 'manifest.json'), good);
    rmSync(join(d, 'model.safetensors'));
    mkdirSync(join(d, 'model.safetensors'));
    expect(() => loadModel(d)).toThrow(/cannot read model.safetensors .*not a regular file/);
    rmSync(join(d, 'model.safetensors'), { recursive: true });
    if (spawnSync('mkfifo', [join(d, 'model.safetensors')]).status === 0) {
      expect(() => loadModel(d)).toThrow(/cannot read model.safetensors .*not a regular file/);
    }
    rmSync(join(d, 'manifest.json'));
    mkdirSync(join(d, 'manifest.json'));
    expect(() => loadModel(d)).toThrow(/manifest.json is corrupted/);

    expect(() => decodeSafetensors(header('null'))).toThrow(/not a JSON object/);
    expect(() => decodeSafetensors(header('{"w": null}'))).toThrow(/tensor w: header entry is not an object/);
    expect(() => decodeSafetensors(header('{"w": {"dtype": "F32", "shape": [2], "data_offsets": 3}}'))).toThrow(/offsets/);
    // Offsets that match the shape but start before the data must not allocate a huge array.
    expect(() => decodeSafetensors(header('{"w": {"dtype": "F32", "shape": [1000000000000], "data_offsets": [-4000000000000, 0]}}'))).toThrow(/offsets/);
  });

  it('refuses to save over a file or a directory that is not a checkpoint (saving replaces it whole)', () => {
    const m = createModel('tiny', { seed: 5 });
    const d = join(root, 'user-data');
    mkdirSync(d);
    writeFileSync(join(d, 'notes.txt'), 'keep me');
    expect(() => saveModel(m, d)).toThrow(/refusing to save: .*not a checkpoint/);
    expect(readFileSync(join(d, 'notes.txt'), 'utf8')).toBe('keep me');
    const f = join(root, 'a-file');
    writeFileSync(f, 'keep me too');
    expect(() => saveModel(m, f)).toThrow(/not a directory/);
    expect(readFileSync(f, 'utf8')).toBe('keep me too');
    // An empty directory (e.g. made by the caller) and an existing checkpoint are fine.
    const e = join(root, 'empty');
    mkdirSync(e);
    saveModel(m, e);
    saveModel(m, e);
    loadModel(e);
  });

  it('an interrupted swap (only dir.old left) still loads and is repaired by the next save', () => {
    const m = createModel('tiny', { seed: 6 });
    const d = join(root, 'swap');
    saveModel(m, d);
    renameSync(d, `${d}.old`); // the state between the two renames of a save
    expect(loadModel(d).params.get('embed.weight')!.data).toEqual(m.params.get('embed.weight')!.data);
    saveModel(m, d);
    expect(existsSync(`${d}.old`)).toBe(false);
    loadModel(d);
  });

  it('a process killed in the middle of saving leaves the previous checkpoint loadable', async () => {
    const dir = join(root, 'killed');
    const reference = createModel('tiny', { seed: 1 });
    saveModel(reference, dir);
    const expected = reference.params.get('embed.weight')!.data;
    // The child saves `tiny` over and over with alternating weights (it imports only the checkpoint
    // code, so it starts fast); we kill it at several moments, inside writes or inside the swap.
    const mod = (f: string) => JSON.stringify(join(process.cwd(), 'agent/model', f));
    const script = `
      import { saveCheckpoint } from ${mod('checkpoint.ts')};
      import { presetConfig } from ${mod('config.ts')};
      import { initParams } from ${mod('params.ts')};
      const config = presetConfig('tiny');
      const params = [initParams(config, 1), initParams(config, 2)];
      process.stdout.write('ready\\n');
      for (let i = 0; ; i++) saveCheckpoint(${JSON.stringify(dir)}, { preset: 'tiny', config, params: params[i % 2], step: i, metrics: {} });
    `;
    const other = createModel('tiny', { seed: 2 }).params.get('embed.weight')!.data;
    let interrupted = 0;
    for (const delay of [50, 230, 410]) {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      if (readdirSync(root).some((n) => n.startsWith('.killed.tmp-')) || existsSync(`${dir}.old`)) interrupted++;
      const loaded = loadModel(dir).params.get('embed.weight')!.data;
      const same = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
      expect(same(loaded, expected) || same(loaded, other)).toBe(true);
    }
    console.log(`killed mid-save: ${interrupted} of 3 kills left a partial save behind`);
    // The next save clears temporaries left by dead processes.
    saveModel(reference, dir);
    expect(readdirSync(root).some((n) => n.startsWith('.killed.tmp-'))).toBe(false);
  }, 40_000);
});
