// The browser half of check-dashboard.sh: drives Debian's headless Chromium (through playwright-core, which
// check-dashboard.sh installs into a cache outside the repo and puts on NODE_PATH) against the Aspire dashboard,
// and shows that the trace of one task submission is listed with spans from all four services.
//
// Input (environment): DASHBOARD_URL, TASK_ID, TASK_CONTAINER_ID (the task's full container id),
// TASK_NODE (the node it runs on, e.g. worker-1), OUT_DIR (screenshots), WAIT_SECONDS (how long the trace may
// take to appear), CHROMIUM (the browser's path).
// Output: one line per check on stdout ("[ok] ..." or "[FAIL] ..."); exit 0 only if every check passed.
//
// The dashboard is a Blazor Server app: nothing is in the HTML until its circuit renders it, so a plain
// `chromium --dump-dom` shows an empty shell. Everything here therefore waits on rendered elements.
'use strict';
const { chromium } = require('playwright-core');
const path = require('path');

const env = (name) => {
  const v = process.env[name];
  if (!v) { console.log(`[FAIL] internal: ${name} is not set`); process.exit(2); }
  return v;
};
const DASHBOARD = env('DASHBOARD_URL').replace(/\/$/, '');
const TASK_ID = env('TASK_ID');
const CONTAINER_ID = env('TASK_CONTAINER_ID');
const TASK_NODE = env('TASK_NODE');
const OUT_DIR = env('OUT_DIR');
const WAIT_MS = Number(env('WAIT_SECONDS')) * 1000;
const CHROMIUM = env('CHROMIUM');

// The AppHost names its resources so (Orchestrator.AppHost/AppHost.cs); an agent for node worker-N is worker-agent-N.
const SERVICES = [
  { label: 'Api', matches: (r) => r === 'api' },
  { label: 'StateStore', matches: (r) => r === 'statestore' },
  { label: 'Scheduler', matches: (r) => r === 'scheduler' },
  { label: 'WorkerAgent', matches: (r) => /^worker-agent-\d+$/.test(r) },
];
const SUBMISSION = 'POST /api/tasks'; // the Api's span name for a submission

let failed = 0;
const ok = (msg) => console.log(`[ok] ${msg}`);
const fail = (msg) => { failed++; console.log(`[FAIL] ${msg}`); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Which of the four services a set of resource names covers, and which are missing.
function coverage(resources) {
  const names = [...resources];
  const missing = SERVICES.filter((s) => !names.some(s.matches)).map((s) => s.label);
  const agents = names.filter((r) => /^worker-agent-\d+$/.test(r));
  return { missing, agents };
}

// The rows of the traces list whose name is a submission: trace id, name, and the resources of its spans
// (from the "Spans" column's tags, whose title is "RESOURCE spans\nTotal: N").
async function submissionRows(page) {
  return page.$$eval('tr[role=row]', (rows, submission) => rows.flatMap((row) => {
    const nameCell = row.querySelector('td[col-index="2"]');
    const title = nameCell && nameCell.getAttribute('title');
    if (!title || !title.includes(submission)) return [];
    const traceId = (title.match(/Trace Id:\s*([0-9a-f]{32})/) || [])[1];
    const tags = [...row.querySelectorAll('.trace-service-tag')]
      .map((t) => (t.getAttribute('title') || '').split('\n')[0].replace(/ spans$/, '').trim())
      .filter(Boolean);
    return traceId ? [{ traceId, name: title.split('\n')[0].replace(/^Name:\s*/, ''), resources: tags }] : [];
  }), SUBMISSION);
}

// Every span row of the trace detail as "RESOURCE: NAME" (the name cell's title). The grid is virtualized, so
// scroll it from top to bottom and collect as we go.
async function detailSpans(page) {
  const seen = new Map();
  const collect = async () => {
    const rows = await page.$$eval('tr[role=row]', (rs) => rs.map((r) => {
      const name = r.querySelector('td[col-index="1"]');
      const res = r.querySelector('td[col-index="2"]');
      return {
        index: r.getAttribute('aria-rowindex'),
        title: name ? name.getAttribute('title') : null,
        resource: res ? (res.getAttribute('title') || res.textContent || '').trim() : null,
      };
    }));
    for (const r of rows) if (r.title && r.resource) seen.set(`${r.index}|${r.title}`, r);
  };
  // The scrollable ancestor of the span grid.
  const scroller = await page.evaluateHandle(() => {
    let el = document.querySelector('tr[role=row]');
    while (el && el !== document.body) {
      const s = getComputedStyle(el);
      if (/(auto|scroll)/.test(s.overflowY) && el.scrollHeight > el.clientHeight) return el;
      el = el.parentElement;
    }
    return document.scrollingElement;
  });
  await scroller.evaluate((el) => { el.scrollTop = 0; });
  for (let i = 0; i < 200; i++) {
    await sleep(250);
    await collect();
    const atEnd = await scroller.evaluate((el) => {
      const before = el.scrollTop;
      el.scrollTop = before + el.clientHeight * 0.8;
      return el.scrollTop === before;
    });
    if (atEnd) { await sleep(250); await collect(); break; }
  }
  await scroller.evaluate((el) => { el.scrollTop = 0; });
  return [...seen.values()];
}

async function main() {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
    page.setDefaultTimeout(30000);
    const version = browser.version();

    // 1. The dashboard renders in the browser (its Blazor circuit is up: the traces list shows its count).
    const listUrl = `${DASHBOARD}/traces/resource/api`;
    await page.goto(listUrl);
    try {
      await page.waitForSelector('text=/Showing \\d+ traces?/', { timeout: 60000 });
    } catch {
      await page.screenshot({ path: path.join(OUT_DIR, 'traces.png'), fullPage: true });
      fail(`Chromium ${version} did not render the dashboard's traces page at ${listUrl} within 60 s`);
      return;
    }
    ok(`Chromium ${version} renders the dashboard's traces page (${listUrl})`);

    // 2. The list shows a submission's trace with spans from all four services. Type the span name into the
    //    name filter (typing, not fill(): the filter listens for key input), then wait for the trace to be
    //    complete: spans reach the dashboard in export batches, a few seconds apart.
    const filter = page.locator('fluent-text-input[name="traces-search"] input');
    await filter.click();
    await page.keyboard.type(SUBMISSION, { delay: 20 });
    const deadline = Date.now() + WAIT_MS;
    let rows = [];
    let complete = [];
    while (Date.now() < deadline) {
      rows = await submissionRows(page);
      complete = rows.filter((r) => coverage(r.resources).missing.length === 0);
      // Done when the trace is complete and the (debounced) filter has hidden every other trace.
      const filtered = await page.$$eval('tr[role=row] td[col-index="2"]', (cells, submission) =>
        cells.every((c) => (c.getAttribute('title') || '').includes(submission)), SUBMISSION);
      if (complete.length > 0 && filtered) break;
      await sleep(1000);
    }
    await page.screenshot({ path: path.join(OUT_DIR, 'traces.png'), fullPage: true });
    if (rows.length === 0) {
      fail(`the traces list shows no "${SUBMISSION}" trace after ${WAIT_MS / 1000} s`);
      return;
    }
    if (complete.length === 0) {
      const r = rows[0];
      fail(`the traces list shows "${r.name}" (trace ${r.traceId}) but its spans come only from ` +
        `${r.resources.join(', ')}; missing ${coverage(r.resources).missing.join(', ')} after ${WAIT_MS / 1000} s`);
      return;
    }
    const listed = complete[0];
    ok(`the traces list shows "${listed.name}" (trace ${listed.traceId}) with spans from ` +
      `${listed.resources.join(', ')}` + (rows.length > 1 ? ` (${rows.length} submission traces listed)` : ''));

    // 3. Its detail page lists spans from all four services. Open it the way a user does: click the trace.
    const detailUrl = `${DASHBOARD}/traces/detail/${listed.traceId}`;
    const row = page.locator('tr[role=row]').filter({ hasText: listed.traceId.slice(0, 7) }).first();
    await row.locator('.trace-name-content').first().click();
    let opened = 'by clicking the trace';
    try {
      await page.waitForURL((u) => u.pathname.startsWith('/traces/detail/'), { timeout: 15000 });
    } catch {
      await page.goto(detailUrl); // the click did not navigate; the list's row names the same page
      opened = 'by its address (clicking the trace did not navigate)';
    }
    await page.waitForSelector('text=Total spans');
    await page.waitForSelector('td[col-index="2"] .resource-name');
    const spans = await detailSpans(page);
    const resources = new Set(spans.map((s) => s.resource));
    const { missing, agents } = coverage(resources);
    if (missing.length > 0) {
      fail(`trace ${listed.traceId}'s detail lists ${spans.length} spans from ${[...resources].join(', ')}; ` +
        `none from ${missing.join(', ')}`);
    } else {
      const byService = SERVICES.map((s) => {
        const n = spans.filter((x) => s.matches(x.resource)).length;
        return `${s.label} ${n}`;
      }).join(', ');
      ok(`trace detail, opened ${opened}, lists ${spans.length} spans: ${byService} ` +
        `(resources: ${[...resources].join(', ')})`);
    }

    // 4. It is this task's submission: the agent's "docker start" span carries the task's container id, and it
    //    ran on the agent of the task's node.
    const expectedAgent = TASK_NODE.replace(/^worker-/, 'worker-agent-');
    const start = spans.find((s) => /: docker start$/.test(s.title));
    if (!start) {
      fail(`trace ${listed.traceId} has no "docker start" span`);
    } else {
      await page.locator(`td[col-index="1"][title="${start.title}"]`).first().click();
      const shown = page.locator('text=container.id').first();
      await shown.waitFor({ timeout: 15000 }).catch(() => {});
      const body = await page.innerText('body');
      const idShown = body.includes(CONTAINER_ID);
      if (!idShown) {
        fail(`the "${start.title}" span of trace ${listed.traceId} does not show container.id ${CONTAINER_ID} ` +
          `(task ${TASK_ID}'s container)`);
      } else if (start.resource !== expectedAgent) {
        fail(`"docker start" ran on ${start.resource}, but task ${TASK_ID} is on node ${TASK_NODE} (${expectedAgent})`);
      } else {
        ok(`its "${start.title}" span shows container.id ${CONTAINER_ID.slice(0, 12)}…, ` +
          `task ${TASK_ID}'s container on ${TASK_NODE}: the trace is this submission's`);
      }
    }
    // The span grid scrolls inside the page: make the page tall enough for every span row and show it from the
    // top, with the selected "docker start" span's details beside it.
    const rowsHeight = (spans.length + 1) * 33;
    await page.setViewportSize({ width: 1600, height: Math.min(4000, Math.max(1200, rowsHeight + 400)) });
    await page.evaluate(() => {
      for (let el = document.querySelector('tr[role=row]'); el && el !== document.body; el = el.parentElement) {
        if (el.scrollTop > 0) el.scrollTop = 0;
      }
    });
    await sleep(1000);
    await page.screenshot({ path: path.join(OUT_DIR, 'trace-detail.png'), fullPage: true });
    if (agents.length > 0 && !agents.includes(expectedAgent)) {
      fail(`the trace's agent spans come from ${agents.join(', ')}, not ${expectedAgent}`);
    }
  } finally {
    await browser.close();
  }
}

main().then(
  () => process.exit(failed ? 1 : 0),
  (e) => { console.log(`[FAIL] browser check: ${String(e && e.message || e).split('\n')[0]}`); process.exit(1); },
);
