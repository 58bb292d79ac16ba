/**
 * The house's import direction, checked on every source file (ARCHITECTURE.md describes it):
 *
 *   envs (0)  <-  agent (1: engine < model < agents)  <-  training (2)  <-  server, scripts, viewer (3)
 *
 * - a file imports only its own floor or lower ones; the viewer imports envs only; the server never
 *   imports training; nothing imports scripts/ (entry points) or tests/;
 * - inside envs, only envs/rewards imports envs/rewards; inside agent, engine < model < agents;
 * - no circle of value imports between files; a circle that needs a type-only import is allowed only
 *   when ALLOWED_TYPE_ONLY_CIRCLES names it with its reason;
 * - scripts/ holds entry points only.
 *
 * Type-only imports (`import type`, `export type`, `import { type A, type B }`, `import('x').T`)
 * count for the floors (a type is a dependency too) but not as value edges of a circle: they are
 * erased before the code runs. Dynamic `import()` counts as a value import.
 *
 * The checker runs on small inline graphs first, one per rule, so that a rule that stopped catching
 * anything fails here rather than passing silently on the real tree.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/** The folders whose files are checked. */
const SOURCE_DIRS = ['envs', 'agent', 'training', 'server', 'viewer', 'scripts'] as const;

/**
 * Circles through a type-only import that are allowed, each named by the files of the circle (the
 * whole strongly connected set, so a file that joins it must be justified again) and the reason.
 */
const ALLOWED_TYPE_ONLY_CIRCLES: readonly AllowedCircle[] = [];

interface AllowedCircle {
  files: readonly string[];
  reason: string;
}

/** One import of one file: `to` is the imported file's path from the repository root. */
interface Edge {
  from: string;
  to: string;
  specifier: string;
  line: number;
  typeOnly: boolean;
}

/** Path (from the repository root, `/`-separated) -> source text. */
type Sources = ReadonlyMap<string, string>;

// --- reading imports ---

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // `import './x.js'`: run for its effects
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return !clause.name && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const named = node.exportClause;
  return named !== undefined && ts.isNamedExports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
}

/** The file a relative specifier names (`./a.js` -> `dir/a.ts`), or null for packages and non-TS files. */
function resolve(from: string, specifier: string, files: ReadonlySet<string>): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = posix.normalize(posix.join(posix.dirname(from), specifier));
  if (base.endsWith('.js')) return `${base.slice(0, -3)}.ts`;
  if (base.endsWith('.ts')) return base;
  if (files.has(`${base}.ts`)) return `${base}.ts`;
  if (files.has(`${base}/index.ts`)) return `${base}/index.ts`;
  return posix.extname(base) === '' ? `${base}.ts` : null; // .json, .css, .html: not code of ours
}

/** Every relative import of one file: static, re-exports, dynamic `import()` and `import('x').T` types. */
function importsOf(path: string, source: string, files: ReadonlySet<string>): Edge[] {
  const sf = ts.createSourceFile(path, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const edges: Edge[] = [];
  const add = (spec: ts.Node | undefined, typeOnly: boolean) => {
    if (!spec || !ts.isStringLiteralLike(spec)) return;
    const to = resolve(path, spec.text, files);
    if (to === null) return;
    const line = sf.getLineAndCharacterOfPosition(spec.getStart(sf)).line + 1;
    edges.push({ from: path, to, specifier: spec.text, line, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) add(node.moduleSpecifier, isTypeOnlyImport(node));
    else if (ts.isExportDeclaration(node)) add(node.moduleSpecifier, isTypeOnlyExport(node));
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression, node.isTypeOnly);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], false);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal, true);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return edges;
}

function importGraph(sources: Sources): Edge[] {
  const files = new Set(sources.keys());
  return [...sources].flatMap(([path, source]) => importsOf(path, source, files));
}

// --- the floors ---

const FLOOR: Record<string, number> = { envs: 0, agent: 1, training: 2, server: 3, scripts: 3, viewer: 3 };
/** Inside agent/: files outside the three subfolders (the model's CLI) sit at the top. */
const AGENT_FLOOR: Record<string, number> = { engine: 0, model: 1, agents: 2 };

const top = (path: string) => path.split('/')[0];
const describeEdge = (e: Edge) => `${e.from}:${e.line} imports ${e.to} ('${e.specifier}'${e.typeOnly ? ', type-only' : ''})`;

/** The rule an import breaks, or null. */
function floorRule(e: Edge): string | null {
  const [from, to] = [top(e.from), top(e.to)];
  if (to === 'tests') return 'nothing outside tests/ imports tests/';
  if (to === 'scripts') return 'scripts/ holds entry points, which nothing imports';
  if (!(from in FLOOR) || !(to in FLOOR)) return null; // types/, vitest.config.ts: outside the house
  if (from === 'viewer' && to !== 'viewer' && to !== 'envs') return 'the viewer imports envs only';
  if (from === 'server' && to === 'training') return 'the server never imports training';
  if (FLOOR[to] > FLOOR[from]) return `${from} (floor ${FLOOR[from]}) may not import ${to} (floor ${FLOOR[to]})`;
  if (from === 'envs' && to === 'envs' && e.to.startsWith('envs/rewards/') && !e.from.startsWith('envs/rewards/')) return 'inside envs, only envs/rewards imports envs/rewards';
  if (from === 'agent' && to === 'agent') {
    const [a, b] = [e.from.split('/')[1], e.to.split('/')[1]];
    const [fa, fb] = [AGENT_FLOOR[a] ?? 2, AGENT_FLOOR[b] ?? 2];
    if (fb > fa) return `inside agent, engine < model < agents: agent/${a} may not import agent/${b}`;
  }
  return null;
}

function floorViolations(edges: readonly Edge[]): string[] {
  return edges.flatMap((e) => {
    const rule = floorRule(e);
    return rule === null ? [] : [`${describeEdge(e)}: ${rule}`];
  });
}

// --- circles ---

/** Strongly connected sets of two or more files (or one file importing itself), Tarjan's algorithm. */
function circles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    if (!next.has(e.to)) next.set(e.to, []);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v)!) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const set: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      set.push(w);
    } while (w !== v);
    if (set.length > 1 || next.get(v)!.includes(v)) found.push(set.sort());
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) connect(v);
  return found.sort((a, b) => a[0].localeCompare(b[0]));
}

const sameFiles = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().every((f, i) => f === [...b].sort()[i]);

function circleViolations(edges: readonly Edge[], allowed: readonly AllowedCircle[]): string[] {
  const valueCircles = circles(edges.filter((e) => !e.typeOnly));
  const out = valueCircles.map((c) => `circle of value imports: ${c.join(' -> ')}`);
  const typeCircles = circles(edges).filter((c) => !valueCircles.some((v) => sameFiles(v, c)));
  for (const c of typeCircles) if (!allowed.some((a) => sameFiles(a.files, c))) out.push(`circle through a type-only import, not in ALLOWED_TYPE_ONLY_CIRCLES: ${c.join(' -> ')}`);
  for (const a of allowed) if (!typeCircles.some((c) => sameFiles(a.files, c))) out.push(`ALLOWED_TYPE_ONLY_CIRCLES names a circle that no longer exists: ${a.files.join(' -> ')}`);
  return out;
}

// --- scripts/: entry points only ---

/** The `scripts/<file>.ts` that package.json's scripts run. */
function scriptsRunByNpm(packageJson: string): Set<string> {
  const commands = Object.values((JSON.parse(packageJson) as { scripts?: Record<string, string> }).scripts ?? {});
  return new Set(commands.flatMap((c) => c.match(/\bscripts\/[\w./-]+\.ts\b/g) ?? []));
}

const exported = (s: ts.Statement) => ts.isExportDeclaration(s) || ts.isExportAssignment(s) || (ts.canHaveModifiers(s) && (ts.getModifiers(s) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword));

/**
 * An entry point: a file directly in scripts/ that exports nothing (it is run, not imported) and
 * either is named by a package.json script or runs something when started with
 * `node --import tsx scripts/<file>`: a top-level expression statement (`program.parse()`,
 * `await main()`, `main().catch(...)`).
 */
function entryPointProblem(path: string, source: string, npm: ReadonlySet<string>): string | null {
  if (path.split('/').length !== 2) return 'is in a subfolder of scripts/, where only entry points belong (scripts/<file>.ts)';
  const sf = ts.createSourceFile(path, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  if (sf.statements.some(exported)) return 'exports code: a library, which belongs beside what it serves';
  if (npm.has(path) || sf.statements.some(ts.isExpressionStatement)) return null;
  return 'is not run by any package.json script and runs nothing at top level';
}

function scriptsViolations(sources: Sources, packageJson: string): string[] {
  const npm = scriptsRunByNpm(packageJson);
  return [...sources]
    .filter(([path]) => path.startsWith('scripts/') && path.endsWith('.ts'))
    .flatMap(([path, source]) => {
      const problem = entryPointProblem(path, source, npm);
      return problem === null ? [] : [`${path} ${problem}`];
    });
}

function violations(sources: Sources, packageJson: string, allowed: readonly AllowedCircle[]): string[] {
  const edges = importGraph(sources);
  return [...floorViolations(edges), ...circleViolations(edges, allowed), ...scriptsViolations(sources, packageJson)];
}

// --- the checker on small graphs ---

const NO_NPM = JSON.stringify({ scripts: {} });
const fake = (files: Record<string, string>) => new Map(Object.entries(files));

describe('the architecture checker', () => {
  it('reads value and type-only imports of every form', () => {
    const edges = importGraph(
      fake({
        'agent/model/a.ts': [
          "import type { T } from '../engine/t.js';",
          "import { type U, type V } from '../engine/u.js';",
          "import { W, type X } from '../engine/w.js';",
          "export type { Y } from './y.js';",
          "export * from './z.js';",
          "import './effects.js';",
          "const lazy = () => import('../engine/lazy.js');",
          "let q: import('../engine/q.js').Q;",
          "import { readFileSync } from 'node:fs';",
        ].join('\n'),
        'agent/engine/index.ts': '',
        'agent/model/dir/index.ts': "import { d } from '../../engine';",
      }),
    );
    const summary = edges.map((e) => `${e.from} ${e.to} ${e.typeOnly ? 'type' : 'value'}`);
    expect(summary).toEqual([
      'agent/model/a.ts agent/engine/t.ts type',
      'agent/model/a.ts agent/engine/u.ts type',
      'agent/model/a.ts agent/engine/w.ts value',
      'agent/model/a.ts agent/model/y.ts type',
      'agent/model/a.ts agent/model/z.ts value',
      'agent/model/a.ts agent/model/effects.ts value',
      'agent/model/a.ts agent/engine/lazy.ts value',
      'agent/model/a.ts agent/engine/q.ts type',
      'agent/model/dir/index.ts agent/engine/index.ts value',
    ]);
  });

  it('catches a lower floor importing a higher one, type-only imports included', () => {
    const found = violations(
      fake({
        'envs/core/a.ts': "import type { M } from '../../agent/model/m.js';",
        'agent/model/m.ts': "import { run } from '../../training/rl/loop.js';",
        'training/rl/loop.ts': "import { serve } from '../../server/app.js';",
        'server/app.ts': "import { make } from '../envs/index.js';",
        'envs/index.ts': '',
      }),
      NO_NPM,
      [],
    );
    expect(found).toEqual([
      "envs/core/a.ts:1 imports agent/model/m.ts ('../../agent/model/m.js', type-only): envs (floor 0) may not import agent (floor 1)",
      "agent/model/m.ts:1 imports training/rl/loop.ts ('../../training/rl/loop.js'): agent (floor 1) may not import training (floor 2)",
      "training/rl/loop.ts:1 imports server/app.ts ('../../server/app.js'): training (floor 2) may not import server (floor 3)",
    ]);
  });

  it('catches the viewer beyond envs, the server in training, imports of scripts/ and tests/', () => {
    const found = violations(
      fake({
        'viewer/main.ts': "import { a } from '../agent/agents/index.js';\nimport { e } from '../envs/browser.js';",
        'server/app.ts': "import { t } from '../training/config.js';\nimport { b } from '../viewer/build.js';",
        'training/x.ts': "import { s } from '../scripts/env-cli.js';",
        'scripts/bench.ts': "import { c } from '../tests/corpus.js';\nmain();",
      }),
      NO_NPM,
      [],
    );
    expect(found.map((v) => v.split(': ').at(-1))).toEqual([
      'the viewer imports envs only',
      'the server never imports training',
      'scripts/ holds entry points, which nothing imports',
      'nothing outside tests/ imports tests/',
    ]);
  });

  it('catches envs importing envs/rewards from outside it, and agent sub-floors upside down', () => {
    const found = violations(
      fake({
        'envs/sokoban/env.ts': "import { reward } from '../rewards/index.js';",
        'envs/rewards/index.ts': "import { make } from '../core/registry.js';\nimport { g } from './grading/grade.js';",
        'agent/engine/graph.ts': "import type { ModelConfig } from '../model/config.js';",
        'agent/model/tinylmm.ts': "import { Agent } from '../agents/agent.js';\nimport { Graph } from '../engine/graph.js';",
        'agent/agents/agent.ts': "import { TinyLMM } from '../model/tinylmm.js';",
      }),
      NO_NPM,
      [],
    );
    expect(found).toEqual([
      "envs/sokoban/env.ts:1 imports envs/rewards/index.ts ('../rewards/index.js'): inside envs, only envs/rewards imports envs/rewards",
      "agent/engine/graph.ts:1 imports agent/model/config.ts ('../model/config.js', type-only): inside agent, engine < model < agents: agent/engine may not import agent/model",
      "agent/model/tinylmm.ts:1 imports agent/agents/agent.ts ('../agents/agent.js'): inside agent, engine < model < agents: agent/model may not import agent/agents",
      'circle of value imports: agent/agents/agent.ts -> agent/model/tinylmm.ts',
    ]);
  });

  it('reports value circles, and type-only circles unless allowed with a reason', () => {
    const sources = fake({
      'envs/core/a.ts': "import { b } from './b.js';",
      'envs/core/b.ts': "import { c } from './c.js';",
      'envs/core/c.ts': "import { a } from './a.js';",
      'envs/core/spaces.ts': "import type { Env } from './types.js';",
      'envs/core/types.ts': "import { Space } from './spaces.js';",
      'envs/core/self.ts': "export * from './self.js';",
    });
    expect(violations(sources, NO_NPM, [])).toEqual([
      'circle of value imports: envs/core/a.ts -> envs/core/b.ts -> envs/core/c.ts',
      'circle of value imports: envs/core/self.ts',
      'circle through a type-only import, not in ALLOWED_TYPE_ONLY_CIRCLES: envs/core/spaces.ts -> envs/core/types.ts',
    ]);
    const allowed = [{ files: ['envs/core/types.ts', 'envs/core/spaces.ts'], reason: 'the Env type names its spaces' }];
    expect(violations(sources, NO_NPM, allowed)).toEqual([
      'circle of value imports: envs/core/a.ts -> envs/core/b.ts -> envs/core/c.ts',
      'circle of value imports: envs/core/self.ts',
    ]);
    const stale = [...allowed, { files: ['envs/core/gone.ts', 'envs/core/a.ts'], reason: 'fixed since' }];
    expect(violations(sources, NO_NPM, stale)).toContain('ALLOWED_TYPE_ONLY_CIRCLES names a circle that no longer exists: envs/core/gone.ts -> envs/core/a.ts');
  });

  it('lets only entry points sit in scripts/', () => {
    const npm = JSON.stringify({ scripts: { bench: 'sh scripts/fast-allocator.sh node --import tsx scripts/bench-quiet.ts' } });
    const found = violations(
      fake({
        'scripts/env-cli.ts': "import { Command } from 'commander';\nnew Command('env').parse();",
        'scripts/bench-quiet.ts': 'const x = 1;',
        'scripts/helpers.ts': 'export function parseInteger(v: string): number { return Number(v); }',
        'scripts/idle.ts': 'function main(): void {}',
        'scripts/bench/measure.ts': 'await run();',
      }),
      npm,
      [],
    );
    expect(found).toEqual([
      'scripts/helpers.ts exports code: a library, which belongs beside what it serves',
      'scripts/idle.ts is not run by any package.json script and runs nothing at top level',
      'scripts/bench/measure.ts is in a subfolder of scripts/, where only entry points belong (scripts/<file>.ts)',
    ]);
  });
});

// --- the real tree ---

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = `${dir}/${d.name}`;
    if (d.isDirectory()) return sourceFiles(path);
    return d.name.endsWith('.ts') ? [path] : [];
  });
}

describe('the house', () => {
  it('keeps its floors, has no circles, and holds only entry points in scripts/', () => {
    const sources = new Map(SOURCE_DIRS.flatMap(sourceFiles).map((path) => [path, readFileSync(path, 'utf8')] as const));
    expect(sources.size).toBeGreaterThan(100);
    expect(violations(sources, readFileSync('package.json', 'utf8'), ALLOWED_TYPE_ONLY_CIRCLES)).toEqual([]);
  });
});
