// The operators' usage page (webapp/usage.html) in Debian's headless Chromium, driven by playwright-core.
// Started by UsagePageIT (mvn verify), which runs the app under /chat with container users (BASIC) and API
// tokens, makes a few answers, and passes the figures api/usage gave in USAGE_EXPECTED.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const { chromium } = await import(pathToFileURL(join(process.env.PLAYWRIGHT_CORE, 'index.mjs')).href);
const BASE = process.env.CLAUDE_SSE_BASE;
const SHOTS = process.env.SCREENSHOTS;
const EXPECTED = JSON.parse(process.env.USAGE_EXPECTED);
const [OPERATOR, OPERATOR_PASSWORD] = process.env.OPERATOR.split(':');
const [USER, USER_PASSWORD] = process.env.NOT_OPERATOR.split(':');
const PAGE = new URL('usage.html', BASE).href;
const ORIGIN = new URL(BASE).origin;

let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(() => browser?.close());

/** A fresh browser profile on the page; problems collects script errors, requests every URL it loaded. */
async function open(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, colorScheme: 'light', ...options });
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on('pageerror', e => problems.push(`page error: ${e.message}`));
  page.on('console', m => { if (m.type() === 'error' && !/status of 40[13]/.test(m.text())) problems.push(`console: ${m.text()}`); });
  page.on('dialog', d => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
  page.on('request', r => requests.push(r.url()));
  await page.goto(PAGE);
  return { context, page, problems, requests };
}

async function seesNotAllowed(page) {
  await page.locator('#denied').waitFor({ state: 'visible', timeout: 10000 });
  assert.match(await page.locator('#denied h2').textContent(), /Not allowed/);
  assert.equal(await page.locator('#report').isVisible(), false);
}

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 });

/** The figures of USAGE_EXPECTED, as the page must show them. */
async function seesTheFigures(page) {
  await page.locator('#report').waitFor({ state: 'visible', timeout: 10000 });
  const today = Number(EXPECTED.perDay[29]);
  assert.ok(today > 0, 'the answers of this test cost something today');
  assert.equal(await page.locator('#today-spend').textContent(), money.format(today));
  assert.equal(await page.locator('#total-spend').textContent(), money.format(Number(EXPECTED.total)));
  assert.equal(await page.locator('#answer-count').textContent(), String(EXPECTED.answers));

  // the 30-day charts: Chart.js instances whose last day adds up to today's spend, and drawn on their canvas
  for (const id of ['by-model', 'by-owner']) {
    const drawn = await page.evaluate(canvasId => {
      const chart = globalThis.Chart.getChart(canvasId);
      const canvas = document.getElementById(canvasId);
      const last = chart.data.labels.length - 1;
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted++;
      return {
        days: chart.data.labels.length,
        series: chart.data.datasets.map(d => d.label),
        today: chart.data.datasets.reduce((sum, d) => sum + d.data[last], 0),
        painted,
        width: canvas.clientWidth,
        height: canvas.clientHeight,
        label: canvas.getAttribute('aria-label'),
      };
    }, id);
    assert.equal(drawn.days, 30, id);
    assert.ok(Math.abs(drawn.today - today) < 1e-9, `${id}: today ${drawn.today}, expected ${today}`);
    assert.ok(drawn.width > 300 && drawn.height > 150, `${id} is ${drawn.width}x${drawn.height}`);
    assert.ok(drawn.painted > 1000, `${id}: only ${drawn.painted} pixels drawn`);
    assert.ok(drawn.label.includes(money.format(today)), drawn.label);
    const names = (id === 'by-model' ? EXPECTED.byModel : EXPECTED.byOwner).map(s => s.name);
    assert.deepEqual(drawn.series, names, id);
  }

  const rows = page.locator('#top-conversations tbody tr');
  assert.equal(await rows.count(), EXPECTED.topConversations.length);
  for (let i = 0; i < EXPECTED.topConversations.length; i++) {
    const expected = EXPECTED.topConversations[i];
    const cells = await rows.nth(i).locator('td').allTextContents();
    assert.deepEqual(cells, [expected.title, expected.owner, money.format(Number(expected.cost)),
      String(expected.answers), String(expected.messages), expected.id]);
  }
  assert.ok(EXPECTED.topConversations.some(c => c.title.includes('<b>')), 'a title with markup is shown as text');
  assert.equal(await page.locator('#top-conversations b').count(), 0);

  const statuses = Object.fromEntries((await page.locator('#statuses tbody tr').evaluateAll(trs =>
    trs.map(tr => [...tr.cells].map(td => td.textContent)))));
  assert.deepEqual(statuses, Object.fromEntries(Object.entries(EXPECTED.answersByStatus).map(([k, v]) => [k, String(v)])));
  assert.equal(statuses.complete, '2');
  assert.equal(statuses.error, '1');
  assert.match(await page.locator('#live-summary').textContent(), /^0 answers streaming/);
}

function sameOrigin(requests) {
  const elsewhere = requests.filter(url => !url.startsWith(ORIGIN));
  assert.deepEqual(elsewhere, [], 'the page loads nothing from elsewhere (no CDN)');
}

test('an operator signs in through the container and sees the 30-day charts, top conversations and statuses', async () => {
  const { context, page, problems, requests } = await open({
    httpCredentials: { username: OPERATOR, password: OPERATOR_PASSWORD },
  });
  await seesNotAllowed(page); // not signed in yet: the page's first call is no operator's
  await page.click('#signin'); // the container's challenge; the browser answers it, then comes back
  await page.waitForURL(PAGE);
  await seesTheFigures(page);
  await page.screenshot({ path: join(SHOTS, 'usage-operator.png'), fullPage: true });
  await page.click('#refresh');
  await seesTheFigures(page);
  sameOrigin(requests);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an admin token typed into the page shows the figures; it is kept nowhere', async () => {
  const { context, page, problems, requests } = await open();
  await seesNotAllowed(page);
  await page.fill('#token', process.env.ADMIN_TOKEN);
  await page.click('#token-form button');
  await seesTheFigures(page);
  assert.equal(await page.inputValue('#token'), '');
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })
    + document.cookie);
  assert.ok(!stored.includes(process.env.ADMIN_TOKEN), 'the token is in no storage');
  await page.reload();
  await seesNotAllowed(page);
  sameOrigin(requests);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a user without the role, another token and an anonymous browser see "Not allowed"', async () => {
  {
    const { context, page, problems } = await open({ httpCredentials: { username: USER, password: USER_PASSWORD } });
    await seesNotAllowed(page);
    await page.click('#signin');
    await page.waitForURL(PAGE);
    await seesNotAllowed(page);
    assert.match(await page.locator('#denied-reason').textContent(), /claude-sse-admin/);
    assert.deepEqual(problems, []);
    await context.close();
  }
  {
    const { context, page, problems } = await open();
    await page.fill('#token', process.env.OTHER_TOKEN);
    await page.click('#token-form button');
    await seesNotAllowed(page);
    assert.deepEqual(problems, []);
    await context.close();
  }
  {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, colorScheme: 'light' });
    await context.addCookies([{ name: 'claude_sse_owner', value: process.env.ANONYMOUS_COOKIE, url: BASE }]);
    const page = await context.newPage();
    await page.goto(PAGE);
    await seesNotAllowed(page);
    await page.screenshot({ path: join(SHOTS, 'usage-not-allowed.png') });
    await context.close();
  }
});
