import { api } from '../api.js';
import { esc, num } from '../format.js';

/** Queue counts, live workers and throughput (trials finished per minute, from the workers' own counts). */
export async function queuePage(root) {
  root.innerHTML = `<h1>Queue</h1>
    <section class="tiles" id="counts"></section>
    <div class="card" id="trainers" hidden><h2>External trainers</h2><div class="scroll"></div></div>
    <div class="card"><h2>Throughput</h2><p id="throughput">Measuring…</p></div>
    <div class="card"><h2>Workers</h2><div class="scroll" id="workers">Loading…</div></div>`;
  const samples = [];
  const load = async () => {
    const [counts, workers] = await Promise.all([api('/v1/queue'), api('/v1/workers').catch(() => ({ items: [] }))]);
    root.querySelector('#counts').innerHTML = ['waiting', 'active', 'delayed', 'completed', 'failed', 'workers']
      .map((k) => `<div class="tile" data-count="${k}"><b>${counts[k]}</b><span>${k}</span></div>`)
      .join('');
    // Trials of a script trainer wait in that trainer's own queue: one row each.
    const trainers = Object.entries(counts.trainers ?? {});
    const keys = ['waiting', 'active', 'delayed', 'completed', 'failed', 'workers'];
    root.querySelector('#trainers').hidden = trainers.length === 0;
    root.querySelector('#trainers .scroll').innerHTML = `<table><thead><tr><th>trainer</th>${keys.map((k) => `<th class="num">${k}</th>`).join('')}</tr></thead><tbody>${trainers
      .map(([name, c]) => `<tr><td>${esc(name)}</td>${keys.map((k) => `<td class="num">${c[k]}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
    const done = workers.items.reduce((n, w) => n + w.trialsDone, 0);
    samples.push({ t: Date.now(), done });
    while (samples.length > 30) samples.shift();
    const first = samples[0];
    const minutes = (Date.now() - first.t) / 60_000;
    const sps = workers.items.reduce((n, w) => n + (w.samplesPerSecond ?? 0), 0);
    root.querySelector('#throughput').textContent =
      minutes > 0 ? `${num(Math.max(0, done - first.done) / minutes, 3)} trials/min over the last ${Math.round(minutes * 60)} s · ${num(sps, 3)} training samples/s across workers` : 'Measuring…';
    root.querySelector('#workers').innerHTML = workers.items.length
      ? `<table><thead><tr><th>worker</th><th>backend</th><th>gpu</th><th class="num">training</th><th class="num">done</th><th class="num">samples/s</th><th>last seen</th></tr></thead><tbody>${workers.items
          .map(
            (w) => `<tr><td>${esc(w.id)}</td><td>${esc(w.backend ?? '–')}</td><td>${w.gpu ?? '–'}</td><td class="num">${w.currentTrials.length}</td>
              <td class="num">${w.trialsDone}</td><td class="num">${num(w.samplesPerSecond)}</td><td>${esc(new Date(w.lastSeenAt).toLocaleTimeString())}</td></tr>`,
          )
          .join('')}</tbody></table>`
      : '<p>No live workers. Start one: <code>npx lrsweep worker</code></p>';
  };
  await load();
  const timer = setInterval(() => load().catch(() => {}), 2000);
  return () => clearInterval(timer);
}
