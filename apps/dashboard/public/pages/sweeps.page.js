import { api } from '../api.js';
import { badge, esc, progressBar } from '../format.js';

/** Every sweep, newest first, with its progress; refreshed every few seconds. */
export async function sweepsPage(root) {
  root.innerHTML = `<h1>Sweeps</h1><div class="card"><div class="scroll" id="sweeps">Loading…</div></div>`;
  const el = root.querySelector('#sweeps');
  const load = async () => {
    const { items, total } = await api('/v1/sweeps?pageSize=100');
    if (items.length === 0) {
      el.innerHTML = '<p>No sweeps yet. <a href="#/new">Submit one</a>.</p>';
      return;
    }
    el.innerHTML = `<table class="sweeps"><thead><tr><th>name</th><th>status</th><th>progress</th><th class="num">trials</th><th class="num">completed</th><th class="num">failed / diverged</th><th>objective</th><th>created</th></tr></thead><tbody>${items
      .map(
        (s) => `<tr data-id="${esc(s.id)}"><td><a href="#/sweeps/${esc(s.id)}">${esc(s.name)}</a></td><td>${badge(s.status)}</td>
          <td>${progressBar(s.progress)}<small>${Math.round(s.progress * 100)}%</small></td><td class="num">${s.trials.total}</td>
          <td class="num">${s.trials.completed}</td><td class="num">${s.trials.failed} / ${s.trials.diverged}</td>
          <td>${esc(s.objective.metric)} (${esc(s.objective.mode)})</td><td><time datetime="${esc(s.createdAt)}">${esc(new Date(s.createdAt).toLocaleString())}</time></td></tr>`,
      )
      .join('')}</tbody></table>${total > items.length ? `<p>${items.length} newest of ${total}.</p>` : ''}`;
  };
  await load();
  const timer = setInterval(() => load().catch(() => {}), 3000);
  return () => clearInterval(timer);
}
