/**
 * The leaderboard's three outputs, from the same rows: leaderboard.json (everything, for tools),
 * leaderboard.md (the table for READMEs) and leaderboard.html (one self-contained page: the table
 * sortable by any column, each entry row linking to its episodes' replays in the viewer).
 */
import type { Row, Stat } from './aggregate.js';

export interface ReportMeta {
  suite: string;
  suite_hash: string;
  created_at: string;
  /** Where the viewer is served; replay links are `${viewer}?replay=<absolute replay URL>`. */
  viewer: string;
  seconds: number;
}

const pm = (s: Stat, digits: number) => (Number.isFinite(s.mean) ? `${s.mean.toFixed(digits)} ± ${s.se.toFixed(digits)}` : '-');
const pct = (s: Stat) => (Number.isFinite(s.mean) ? `${(100 * s.mean).toFixed(0)}% ± ${(100 * s.se).toFixed(0)}` : '-');
const tok = (t: number | null) => (t === null ? '-' : t.toFixed(1));

export function toJson(meta: ReportMeta, rows: readonly Row[]): string {
  return JSON.stringify({ ...meta, rows }, null, 1);
}

/** The agents' remarks on episodes they could not play as meant, one line each. */
function noteLines(rows: readonly Row[]): string[] {
  return rows.flatMap((r) => r.notes.map((n) => `${r.agent}, ${r.entry} seed ${n.seed}: ${n.note}`));
}

export function toMarkdown(meta: ReportMeta, rows: readonly Row[]): string {
  const lines = [
    `Suite \`${meta.suite}\` (hash \`${meta.suite_hash}\`), ${meta.created_at.slice(0, 10)}; mean ± standard error over episodes (overall: the mean of the entries' means). ` +
      'The score is over the episodes that have one; "unscored" counts the episodes whose level has no known optimum (score null), left out of it.',
    '',
    '| agent | entry | episodes | score | unscored | success | valid actions | response tokens | latency ms |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const entry = r.entry === 'overall' ? '**overall**' : `\`${r.entry}\``;
    lines.push(`| ${r.agent} | ${entry} | ${r.episodes} | ${pm(r.score, 1)} | ${r.score_unknown} | ${pct(r.success)} | ${pct(r.valid_rate)} | ${tok(r.response_tokens)} | ${r.latency_ms.toFixed(2)} |`);
  }
  const notes = noteLines(rows);
  if (notes.length > 0) lines.push('', 'Episodes an agent could not play as meant:', '', ...notes.map((n) => `- ${n}`));
  return lines.join('\n') + '\n';
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page. Sorting and the replay links are a small inline script; no external resources. */
export function toHtml(meta: ReportMeta, rows: readonly Row[]): string {
  const num = (v: number) => (Number.isFinite(v) ? String(v) : '');
  const body = rows
    .map((r) => {
      const noteOf = new Map(r.notes.map((n) => [n.seed, n.note]));
      const links = r.replays
        .map((p) => {
          const note = noteOf.get(p.seed);
          return `<a class="replay" data-replay="${esc(p.path)}" data-seed="${p.seed}" title="score ${p.score ?? 'unknown'}${note ? `: ${esc(note)}` : ''}">${p.seed}</a>`;
        })
        .join(' ');
      const cells = [
        `<td data-v="${esc(r.agent)}">${esc(r.agent)}</td>`,
        `<td data-v="${esc(r.entry)}">${r.entry === 'overall' ? '<b>overall</b>' : esc(r.entry)}</td>`,
        `<td data-v="${r.episodes}">${r.episodes}</td>`,
        `<td data-v="${num(r.score.mean)}">${pm(r.score, 1)}</td>`,
        `<td data-v="${r.score_unknown}">${r.score_unknown}</td>`,
        `<td data-v="${num(r.success.mean)}">${pct(r.success)}</td>`,
        `<td data-v="${num(r.valid_rate.mean)}">${pct(r.valid_rate)}</td>`,
        `<td data-v="${r.response_tokens ?? ''}">${tok(r.response_tokens)}</td>`,
        `<td data-v="${r.latency_ms}">${r.latency_ms.toFixed(2)}</td>`,
        `<td class="replays">${links ? `<details><summary>${r.replays.length} replays</summary>${links}</details>` : ''}</td>`,
      ];
      return `<tr data-entry="${esc(r.entry)}" data-agent="${esc(r.agent)}">${cells.join('')}</tr>`;
    })
    .join('\n');
  const heads = ['agent', 'entry', 'episodes', 'score', 'unscored', 'success', 'valid actions', 'response tokens', 'latency ms', 'replays'];
  const numeric = [false, false, true, true, true, true, true, true, true, false];
  const th = heads.map((h, i) => `<th${i < heads.length - 1 ? ` data-col="${i}" data-num="${numeric[i]}"` : ''}>${h}</th>`).join('');
  const notes = noteLines(rows);
  const notesHtml = notes.length > 0 ? `\n<h2>Episodes an agent could not play as meant</h2>\n<ul id="notes">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Leaderboard: ${esc(meta.suite)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse}th,td{padding:4px 10px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
th[data-col]{cursor:pointer;user-select:none}th[aria-sort=ascending]::after{content:" \\25b2"}th[aria-sort=descending]::after{content:" \\25bc"}
a.replay{margin-right:4px}code{background:#f3f3f3;padding:1px 4px}
</style></head><body>
<h1>Leaderboard</h1>
<p>Suite <code>${esc(meta.suite)}</code>, hash <code id="suite-hash">${esc(meta.suite_hash)}</code>, ${esc(meta.created_at)}.
Mean ± standard error over episodes; overall rows are the mean of the entries' means. The score is over the episodes that have one;
"unscored" counts the episodes whose level has no known optimum (score null), left out of it. Click a column to sort; a seed opens its replay in the viewer.</p>
<table id="board"><thead><tr>${th}</tr></thead><tbody>
${body}
</tbody></table>${notesHtml}
<script>
(function () {
  var VIEWER = ${JSON.stringify(meta.viewer)};
  // Links resolve against this page, so the output directory can be served from anywhere.
  document.querySelectorAll('a.replay').forEach(function (a) {
    a.href = VIEWER + '?replay=' + encodeURIComponent(new URL(a.dataset.replay, location.href).href);
  });
  var tbody = document.querySelector('#board tbody');
  document.querySelectorAll('th[data-col]').forEach(function (th) {
    th.addEventListener('click', function () {
      var col = Number(th.dataset.col), isNum = th.dataset.num === 'true';
      var dir = th.getAttribute('aria-sort') === 'descending' ? 1 : -1;
      document.querySelectorAll('th[data-col]').forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', dir < 0 ? 'descending' : 'ascending');
      var rows = Array.prototype.slice.call(tbody.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].dataset.v, y = b.cells[col].dataset.v;
        if (isNum) {
          // Empty cells (no figure) sort last either way.
          if (x === '' || y === '') return (x === '') - (y === '');
          return dir * (Number(x) - Number(y));
        }
        return dir * x.localeCompare(y);
      });
      rows.forEach(function (r) { tbody.appendChild(r); });
    });
  });
})();
</script>
</body></html>
`;
}
