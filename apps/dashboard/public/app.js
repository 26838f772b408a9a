import { apiKey } from './api.js';
import { sweepsPage } from './pages/sweeps.page.js';
import { sweepPage } from './pages/sweep.page.js';
import { queuePage } from './pages/queue.page.js';
import { newSweepPage } from './pages/new-sweep.page.js';

// Hash routes: #/ (sweeps), #/sweeps/:id, #/queue, #/new. Each page renders into <main> and
// returns a cleanup that stops its timers and closes its event stream.

const routes = [
  [/^#?\/?$/, 'sweeps', () => sweepsPage],
  [/^#\/sweeps\/([0-9a-f-]{36})$/, 'sweeps', () => sweepPage],
  [/^#\/queue$/, 'queue', () => queuePage],
  [/^#\/new$/, 'new', () => newSweepPage],
];

const root = document.getElementById('app');
let cleanup = () => {};

async function route() {
  cleanup();
  cleanup = () => {};
  const hash = location.hash || '#/';
  const match = routes.find(([re]) => re.test(hash));
  for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('active', a.dataset.nav === match?.[1]);
  if (!match) {
    root.innerHTML = '<h1>Not found</h1><p><a href="#/">All sweeps</a></p>';
    return;
  }
  const [re, , page] = match;
  try {
    cleanup = (await page()(root, ...re.exec(hash).slice(1))) ?? (() => {});
  } catch (err) {
    root.innerHTML = `<h1>Something went wrong</h1><p class="error"></p>`;
    root.querySelector('.error').textContent = err.message;
  }
}

document.getElementById('api-key').addEventListener('click', () => {
  const value = prompt('API key (leave empty when the API runs without keys):', apiKey.get());
  if (value !== null) {
    apiKey.set(value.trim());
    route();
  }
});
addEventListener('hashchange', route);
route();
