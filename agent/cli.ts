// `npm run model -- <command>`: create, inspect, sample from and export TinyLMM checkpoints.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { createModel, exportOnnx, generate, loadModel, saveModel, countParameters, PRESET_NAMES, type PresetName, type TinyLMM, type ModelConfig, type RGBAImage } from './model/index.js';
import type { Device } from './engine/index.js';
import { userPath } from '../envs/node/user-path.js';
import { numberIn, parseInteger, parsePositive } from '../envs/node/cli-options.js';

interface RuntimeOpts {
  threads?: number;
  device: Device;
}

const runtimeOptions = (cmd: Command): Command =>
  cmd
    .option('--threads <n>', 'intra-op threads (default: all cores)', parsePositive)
    .addOption(new Option('--device <device>', 'execution provider').choices(['cpu', 'cuda']).default('cpu'));

/** `--config` JSON: an object of overrides (parseConfig then checks the keys and types). */
function parseOverrides(json: string): Partial<ModelConfig> {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch (e) {
    throw new InvalidArgumentError(`--config is not valid JSON (${(e as Error).message})`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InvalidArgumentError('--config must be a JSON object, e.g. \'{"positions":"rope"}\'');
  return v as Partial<ModelConfig>;
}

async function readImage(file: string): Promise<RGBAImage> {
  let img: Awaited<ReturnType<typeof loadImage>>;
  try {
    img = await loadImage(readFileSync(userPath(file)));
  } catch (e) {
    throw new Error(`--image ${file}: ${(e as Error).message}`);
  }
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, img.width, img.height).data;
  return { width: img.width, height: img.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** "tiny, step 1000" from a manifest, without loading the weights (or "unreadable manifest"). */
function manifestSummary(file: string): string {
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as { preset?: unknown; step?: unknown };
    return `${String(m.preset)}, step ${String(m.step ?? 0)}`;
  } catch {
    return 'unreadable manifest';
  }
}

function describe(model: TinyLMM): string {
  const c = model.config;
  const lines = [
    `preset      ${model.preset}`,
    `parameters  ${countParameters(c).toLocaleString('en-US')}`,
    `decoder     ${c.nLayers} layers, width ${c.dModel}, ${c.nHeads} heads, mlp ${c.mlp} ${c.dMlp}, ${c.positions} positions, context ${c.maxSeqLen}`,
    `vision      ${c.vision ? `${c.vision.patchSize}px patches at each image's own resolution, at most ${c.vision.maxPatches} (larger images shrink to fit), ${c.vision.nLayers} layers, width ${c.vision.dModel}` : 'none'}`,
    `value head  ${c.valueHead ? 'yes' : 'no'}`,
    `step        ${model.step}`,
  ];
  if (Object.keys(model.metrics).length) lines.push(`metrics     ${JSON.stringify(model.metrics)}`);
  return lines.join('\n');
}

const program = new Command('model').description('TinyLMM checkpoints: init, info, sample, copy, export').showHelpAfterError();

program
  .command('init')
  .description('create a freshly initialised checkpoint directory')
  .argument('<dir>', 'checkpoint directory to write')
  .addOption(new Option('--preset <name>', 'model size').choices([...PRESET_NAMES]).default('tiny'))
  .option('--seed <n>', 'initialisation seed', parseInteger, 0)
  .option('--config <json>', 'config overrides as JSON, e.g. \'{"positions":"rope"}\'')
  .option('--force', 'replace a checkpoint already in <dir> (its weights and step are lost)')
  .action((dir: string, o: { preset: PresetName; seed: number; config?: string; force?: boolean }) => {
    const overrides = o.config ? parseOverrides(o.config) : {};
    // A trained checkpoint silently swapped for step 0 is hours lost: replacing one must be asked for.
    if (!o.force && existsSync(join(userPath(dir), 'manifest.json'))) {
      throw new Error(`${dir} already holds a checkpoint (${manifestSummary(join(userPath(dir), 'manifest.json'))}); pass --force to replace it with a fresh one`);
    }
    const model = createModel(o.preset, { seed: o.seed, config: overrides });
    saveModel(model, userPath(dir));
    console.log(`wrote ${dir}\n${describe(model)}`);
  });

program
  .command('info')
  .description('describe a checkpoint directory, or a preset by name')
  .argument('<dir-or-preset>')
  .option('--json', 'print the resolved config as JSON')
  .action((what: string, o: { json?: boolean }) => {
    const model = (PRESET_NAMES as readonly string[]).includes(what) ? createModel(what as PresetName) : loadModel(userPath(what));
    console.log(o.json ? JSON.stringify({ preset: model.preset, parameters: model.parameterCount, step: model.step, config: model.config }, null, 2) : describe(model));
  });

runtimeOptions(
  program
    .command('sample')
    .description('generate from a checkpoint (or a fresh preset with --preset)')
    .argument('[dir]', 'checkpoint directory')
    .addOption(new Option('--preset <name>', 'use a freshly initialised preset instead of a checkpoint').choices([...PRESET_NAMES]))
    .option('--prompt <text>', 'user message (wrapped in the chat template unless --raw)', 'Hello!')
    .option('--system <text>', 'system message')
    .option('--image <png>', 'an image file for the user turn')
    .option('--raw', 'feed --prompt as raw text, no chat template (with --image, put <image> in it where the image goes)')
    .option('-n, --num <n>', 'samples', parsePositive, 1)
    .option('--max-new-tokens <n>', 'tokens to generate', parsePositive, 128)
    .option('--temperature <t>', '0 = greedy', numberIn(0), 1)
    .option('--top-p <p>', 'nucleus mass (above 0, at most 1)', numberIn(0, 1, { above: true }), 1)
    .option('--seed <n>', 'sampling seed', parseInteger, 0)
    .option('--stop <s...>', 'stop strings (default: the end of turn)'),
).action(async (dir: string | undefined, o: RuntimeOpts & {
  preset?: PresetName; prompt: string; system?: string; image?: string; raw?: boolean; num: number;
  maxNewTokens: number; temperature: number; topP: number; seed: number; stop?: string[];
}) => {
  if (!dir && !o.preset) throw new InvalidArgumentError('give a checkpoint directory or --preset');
  const model = dir ? loadModel(userPath(dir), { threads: o.threads, device: o.device }) : createModel(o.preset!, { threads: o.threads, device: o.device });
  // Random weights print random bytes: say so, or the output reads as a broken model.
  if (model.step === 0) console.error(`note: ${dir ? `${dir} is an untrained checkpoint (step 0)` : `--preset ${o.preset} is freshly initialised`}: its samples are random bytes; train it first (npm run train:agent)`);
  const image = o.image ? await readImage(o.image) : null;
  const user = image ? [{ type: 'image' as const, image }, { type: 'text' as const, text: o.prompt }] : o.prompt;
  const chat = [...(o.system ? [{ role: 'system' as const, content: o.system }] : []), { role: 'user' as const, content: user }];
  const prompts = Array.from({ length: o.num }, () => (o.raw ? o.prompt : chat));
  const t0 = performance.now();
  const gens = await generate(model, {
    prompts,
    images: o.raw ? prompts.map(() => image) : undefined,
    maxNewTokens: o.maxNewTokens,
    temperature: o.temperature,
    topP: o.topP,
    seed: o.seed,
    stopStrings: o.stop,
  });
  const secs = (performance.now() - t0) / 1000;
  gens.forEach((g, i) => console.log(`--- sample ${i} (${g.tokens.length} tokens, ${g.finishReason})\n${g.text}`));
  const total = gens.reduce((a, g) => a + g.tokens.length, 0);
  console.error(`${total} tokens in ${secs.toFixed(2)} s (${(total / secs).toFixed(0)} tokens/s)`);
  await model.dispose();
});

program
  .command('copy')
  .description("write a checkpoint's weights as a plain checkpoint: a run's resume point (weights and optimizer state) becomes a model to start from")
  .argument('<src>', 'checkpoint directory to read (a run directory\'s resume/ included)')
  .argument('<dst>', 'checkpoint directory to write')
  .option('--force', 'replace a checkpoint already in <dst>')
  .action((src: string, dst: string, o: { force?: boolean }) => {
    if (!o.force && existsSync(join(userPath(dst), 'manifest.json'))) {
      throw new Error(`${dst} already holds a checkpoint (${manifestSummary(join(userPath(dst), 'manifest.json'))}); pass --force to replace it`);
    }
    const model = loadModel(userPath(src));
    // Where a resume point stood says nothing about the copy, which starts no run.
    model.metrics = Object.fromEntries(Object.entries(model.metrics).filter(([k]) => !k.startsWith('resume_')));
    saveModel(model, userPath(dst));
    console.log(`wrote ${dst} from ${src}\n${describe(model)}`);
  });

program
  .command('export')
  .description('write the inference graph with embedded weights as ONNX (input_ids, attention_mask, pixel_values -> logits)')
  .argument('<dir>', 'checkpoint directory')
  .argument('<file>', 'output .onnx file')
  .action((dir: string, file: string) => {
    const model = loadModel(userPath(dir));
    exportOnnx(model, userPath(file));
    console.log(`wrote ${file} (${model.preset}, ${countParameters(model.config).toLocaleString('en-US')} parameters, step ${model.step})`);
  });

program.parseAsync().catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
