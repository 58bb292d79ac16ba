// report.html of a run: curves per stage from metrics.jsonl and the evaluation table from eval.json,
// drawn by Chart.js, whose script is inlined so that the page opens offline.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../../envs/node/atomic-file.js';
import { pairedChange } from './evaluate.js';
import type { TaskResult } from './result.js';

type Row = Record<string, unknown>;

const CURVES: Record<string, { title: string; keys: string[] }> = {
  sft: { title: 'warm start', keys: ['loss'] },
  fre: { title: 'FRE (RL on text)', keys: ['reward', 'success', 'kl_k1', 'entropy', 'response_length', 'groups_mixed'] },
  mgt: { title: 'MGT (RL on frames)', keys: ['reward', 'success', 'kl_k1', 'entropy', 'response_length', 'groups_mixed'] },
};

/** Chart.js's UMD build, safe to inline in a <script> element (pages that open offline). */
export function chartJsScript(): string {
  // The UMD build is not in the package's exports map: found beside its CommonJS entry.
  const src = readFileSync(join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
  return src.replace(/<\/script/gi, '<\\/script');
}

export const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** Moving average over `w` points: RL curves are noisy step to step. */
function smooth(xs: number[], w = 5): number[] {
  return xs.map((_, i) => {
    const part = xs.slice(Math.max(0, i - w + 1), i + 1);
    return part.reduce((a, x) => a + x, 0) / part.length;
  });
}

/**
 * The learning curves a stage logs as `{stage, step, eval: {task: pass@1}}` (the warm start's
 * --eval-every): greedy pass@1 % of each task against the steps done, one chart per stage. Not
 * smoothed: each point is already a mean over the held-out items.
 */
export function curveCharts(metrics: Row[], firstId = 0): { id: string; title: string; labels: number[]; datasets: { label: string; data: number[]; pointRadius?: number }[] }[] {
  const charts: ReturnType<typeof curveCharts> = [];
  for (const [stage, spec] of Object.entries(CURVES)) {
    const pts = metrics.filter((r) => r.stage === stage && r.kind === undefined && typeof r.step === 'number' && typeof r.eval === 'object' && r.eval !== null && !Array.isArray(r.eval));
    if (pts.length === 0) continue;
    const evals = pts.map((r) => r.eval as Record<string, unknown>);
    const tasks = [...new Set(evals.flatMap((e) => Object.keys(e)))];
    charts.push({
      id: `c${firstId + charts.length}`,
      title: `${spec.title}: held-out greedy pass@1 %`,
      labels: pts.map((r) => Number(r.step)),
      // Points drawn: a curve of a few evaluations is read point by point.
      datasets: tasks.map((t) => ({ label: t, data: evals.map((e) => (typeof e[t] === 'number' ? 100 * (e[t] as number) : Number.NaN)), pointRadius: 2 })),
    });
  }
  return charts;
}

export function reportHtml(metrics: Row[], columns: { name: string; results: TaskResult[] }[], title: string): string {
  const charts: { id: string; title: string; labels: number[]; datasets: { label: string; data: number[]; pointRadius?: number }[] }[] = [];
  for (const [stage, spec] of Object.entries(CURVES)) {
    const rows = metrics.filter((r) => r.stage === stage && r.kind === undefined);
    if (rows.length === 0) continue;
    for (const key of spec.keys) {
      const pts = rows.filter((r) => typeof r[key] === 'number');
      if (pts.length === 0) continue;
      const tasks = [...new Set(pts.map((r) => String(r.task ?? stage)))];
      charts.push({
        id: `c${charts.length}`,
        title: `${spec.title}: ${key}`,
        labels: pts.map((r) => Number(r.step)),
        datasets: tasks.map((t) => {
          const mine = pts.map((r) => (String(r.task ?? stage) === t ? Number(r[key]) : Number.NaN));
          const filled = mine.filter((x) => !Number.isNaN(x));
          const sm = smooth(filled);
          let k = 0;
          return { label: t, data: mine.map((x) => (Number.isNaN(x) ? Number.NaN : sm[k++])) };
        }),
      });
    }
  }
  charts.push(...curveCharts(metrics, charts.length));
  const tasks = columns[0]?.results.map((r) => r.task) ?? [];
  const pct = (x: number) => (100 * x).toFixed(1);
  const paired = columns.length >= 2;
  const first = columns[0];
  const last = columns[columns.length - 1];
  const pairedHead = paired ? `<th>${esc(last.name)} - ${esc(first.name)}: pass@1 points [95% paired CI]</th>` : '';
  const table = `<table><tr><th>task</th>${columns.map((c) => `<th>${esc(c.name)} pass@1 % [95% CI]</th><th>${esc(c.name)} pass@k %</th><th>${esc(c.name)} score</th>`).join('')}${pairedHead}</tr>${tasks
    .map((t) => {
      const cells = columns
        .map((c) => {
          const r = c.results.find((x) => x.task === t);
          if (!r) return '<td></td><td></td><td></td>';
          return `<td>${pct(r.success.mean)} [${pct(r.success.low)}, ${pct(r.success.high)}]</td><td>${r.passAtK ? `${pct(r.passAtK.value.mean)} (k=${r.passAtK.k})` : ''}</td><td>${r.score ? r.score.mean.toFixed(1) : ''}</td>`;
        })
        .join('');
      const change = paired ? `<td>${pairedChange(first.results.find((x) => x.task === t), last.results.find((x) => x.task === t))}</td>` : '';
      return `<tr><td>${esc(t)}</td>${cells}${change}</tr>`;
    })
    .join('')}</table>`;
  const chartJs = chartJsScript();
  const colours = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;max-width:1200px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:16px}.grid div{height:240px}</style>
<script>${chartJs}</script></head><body>
<h1>${esc(title)}</h1><h2>Held-out evaluation</h2>
<p>Greedy pass@1 with 95% percentile-bootstrap intervals over the items; pass@k from k samples at temperature 1 (unbiased estimator); score: MageBench's Sokoban score (100 = optimal, idling about 41-49).</p>
${table}<h2>Training curves</h2><p>Moving averages over 5 steps; held-out pass@1 curves (greedy, the first 32 held-out items of each item task, against the steps done) are not averaged.</p><div class="grid">${charts.map((c) => `<div><canvas id="${c.id}"></canvas></div>`).join('')}</div>
<script>const charts=${JSON.stringify(charts).replace(/</g, '\\u003c')};const colours=${JSON.stringify(colours)};
for(const c of charts){new Chart(document.getElementById(c.id),{type:'line',data:{labels:c.labels,datasets:c.datasets.map((d,i)=>({borderColor:colours[i%colours.length],pointRadius:0,spanGaps:true,borderWidth:1.5,...d}))},options:{animation:false,maintainAspectRatio:false,plugins:{title:{display:true,text:c.title}},scales:{x:{title:{display:true,text:'step'}}}}});}</script>
</body></html>`;
}

/** Writes `report.html` into a run directory from its metrics.jsonl and eval.json. */
export function writeReport(dir: string): string {
  const metrics = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Row);
  const evalFile = join(dir, 'eval.json');
  const columns = existsSync(evalFile) ? (JSON.parse(readFileSync(evalFile, 'utf8')) as { columns: { name: string; results: TaskResult[] }[] }).columns : [];
  const out = join(dir, 'report.html');
  writeFileAtomic(out, reportHtml(metrics, columns, `train:agent run ${dir}`));
  return out;
}
