// The browser half of check-web.sh: drives Debian's headless Chromium (through playwright-core, which
// browser-check.sh installs into a cache outside the repo and puts on NODE_PATH) against the web UI of a running
// system, as a person would use it.
//
// Input (environment): WEB_URL, API_KEY (may change things), READ_ONLY_KEY (may only read), IMAGE (a local image
// for the task), OUT_DIR (screenshots), CHROMIUM (the browser's path).
// Output: one line per check on stdout ("[ok] ..." or "[FAIL] ..."), and "task ID" once the task is submitted;
// exit 0 only if every check passed.
'use strict';
const { chromium } = require('playwright-core');
const path = require('path');

const env = (name) => {
  const v = process.env[name];
  if (!v) { console.log(`[FAIL] internal: ${name} is not set`); process.exit(2); }
  return v;
};
const WEB = env('WEB_URL').replace(/\/$/, '');
const API_KEY = env('API_KEY');
const READ_ONLY_KEY = env('READ_ONLY_KEY');
const IMAGE = env('IMAGE');
const OUT_DIR = env('OUT_DIR');
const CHROMIUM = env('CHROMIUM');
const MARKER = `hello from check-web ${Date.now()}`;

let failed = 0;
const ok = (msg) => console.log(`[ok] ${msg}`);
const fail = (msg) => { failed++; console.log(`[FAIL] ${msg}`); };

async function signIn(page, key) {
  await page.goto(`${WEB}/`);
  await page.waitForURL(/\/signin/, { timeout: 30_000 });
  await page.fill('#key', key);
  await Promise.all([page.waitForURL(`${WEB}/`, { timeout: 30_000 }), page.click('main form button[type=submit]')]);
}

// The names of the nodes the overview shows, once its live connection has rendered them.
async function nodesShown(page) {
  await page.waitForSelector('.node h3 a', { timeout: 60_000 });
  return page.$$eval('.node h3 a', (links) => links.map((a) => a.textContent.trim()));
}

(async () => {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const elsewhere = new Set();
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(WEB) && !url.startsWith('ws://localhost:5050') && !url.startsWith('data:')) elsewhere.add(url);
  });
  try {
    await signIn(page, API_KEY);
    const nodes = await nodesShown(page);
    if (nodes.length >= 2) ok(`signed in with the Api's key; the overview shows nodes ${nodes.join(', ')} with their bars`);
    else fail(`the overview shows ${nodes.length} node(s): ${nodes.join(', ')}`);
    const bars = await page.$$eval('.node .bar', (b) => b.length);
    if (bars !== nodes.length * 3) fail(`expected 3 bars a node, found ${bars} for ${nodes.length} nodes`);
    await page.screenshot({ path: path.join(OUT_DIR, 'overview.png'), fullPage: true });

    // Submit through the form: its JSON mode, to give the task a command that logs a line.
    await page.goto(`${WEB}/submit`);
    // IfNotPresent: the local image, with no lookup of a registry this machine has none of.
    const spec = { name: 'check-web', image: IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', `echo "${MARKER}"; sleep 8; echo "${MARKER} later"; sleep 600`], stopTimeoutSeconds: 1 };
    // The textarea appears only once the page is live and has taken the click.
    for (let i = 0; i < 30 && !(await page.$('#json')); i++) {
      await page.check('fieldset.kind input[type=checkbox]');
      await page.waitForTimeout(500);
    }
    await page.fill('#json', JSON.stringify(spec));
    // The page's own form: the header's sign-out is a form too.
    await Promise.all([page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/, { timeout: 30_000 }), page.click('main form button[type=submit]')]);
    const taskId = page.url().split('/').pop();
    console.log(`task ${taskId}`);
    ok(`submitted task ${taskId} through the form; its page opened`);

    await page.waitForSelector('.facts .state-running', { timeout: 120_000 });
    ok('the task page shows it Running, with no reload');
    await page.waitForFunction((marker) => (document.querySelector('pre.logs')?.textContent || '').includes(marker), MARKER, { timeout: 60_000 });
    ok('the task page shows the line the task logged');
    // The page reads a running task's log once, as a stream: a line written after it opened arrives only through it.
    await page.waitForFunction((marker) => (document.querySelector('pre.logs')?.textContent || '').includes(`${marker} later`), MARKER, { timeout: 60_000 });
    const heading = await page.$eval('#logs-heading', (h) => h.textContent);
    if (heading.includes('(followed)')) ok('a line logged after the page opened appears in it, from the followed log');
    else fail(`the later line appeared, but the log's heading says "${heading.trim()}", not that it is followed`);
    await page.screenshot({ path: path.join(OUT_DIR, 'task.png'), fullPage: true });

    await page.click('button.danger');
    await page.waitForSelector('.facts .state-completed, .facts .state-failed', { timeout: 90_000 });
    const ended = await page.$eval('.facts .state', (s) => s.textContent.trim());
    ok(`the Stop button stopped the task: ${ended}`);

    // A read-only key, at a phone's width.
    await page.click('form.who button');
    await page.waitForURL(/\/signin/, { timeout: 30_000 });
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page, READ_ONLY_KEY);
    await nodesShown(page);
    if (await page.$('a[href="/submit"]')) fail('a read-only key is offered the submit page');
    await page.goto(`${WEB}/tasks/${taskId}`);
    await page.waitForSelector('.facts', { timeout: 60_000 });
    const buttons = await page.$$eval('main button', (b) => b.map((x) => x.textContent.trim()));
    if (buttons.length === 0) ok('a read-only key sees the task and no button that changes anything');
    else fail(`a read-only key is shown buttons: ${buttons.join(', ')}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow <= 1) ok('the task page fits a phone\'s width (390 px) without scrolling sideways');
    else fail(`the task page is ${overflow} px wider than a phone's screen`);
    await page.screenshot({ path: path.join(OUT_DIR, 'read-only.png'), fullPage: true });

    if (elsewhere.size === 0) ok('nothing was fetched from anywhere but the UI itself');
    else fail(`requests left the UI: ${[...elsewhere].slice(0, 5).join(', ')}`);
  } catch (error) {
    fail(`${error.message.split('\n')[0]} (at ${page.url()})`);
    await page.screenshot({ path: path.join(OUT_DIR, 'failure.png'), fullPage: true }).catch(() => {});
  } finally {
    await browser.close();
  }
  process.exit(failed === 0 ? 0 : 1);
})();
