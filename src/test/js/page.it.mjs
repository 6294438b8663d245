// The chat page (webapp/index.html) in Debian's headless Chromium, driven by playwright-core.
// Started by PageIT (mvn verify), which runs the app under /chat in front of a fake Claude.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BASE, control, saved, waitFor } from './support.mjs';

const { chromium } = await import(pathToFileURL(join(process.env.PLAYWRIGHT_CORE, 'index.mjs')).href);
const SHOTS = process.env.SCREENSHOTS;
const DEMO = process.env.CLAUDE_SSE_DEMO_BASE;

let browser;

before(async () => {
  const profile = await mkdtemp(join(tmpdir(), 'claude-sse-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM,
    headless: true,
    viewport: { width: 1100, height: 760 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(() => browser?.close());

/** A new tab on the page; problems collects script errors and dialogs (an alert would mean injected script ran). */
async function open(url = BASE) {
  const page = await browser.newPage();
  const problems = [];
  const requests = [];
  page.on('pageerror', e => problems.push(`page error: ${e.message}`));
  page.on('dialog', d => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
  page.on('request', r => requests.push(r.url()));
  await page.goto(url);
  return { page, problems, requests };
}

async function ask(page, question) {
  await page.fill('#input', question);
  await page.press('#input', 'Enter');
}

const lastAnswer = page => page.locator('article.assistant').last();
const answerText = page => lastAnswer(page).locator('.body').textContent();

async function textContains(page, needle) {
  await waitFor(async () => (await answerText(page)).includes(needle), `the answer to show "${needle}"`);
}

async function finished(page, state = 'done') {
  await lastAnswer(page).and(page.locator(`[data-state="${state}"]`)).waitFor({ timeout: 15000 });
}

async function shot(page, name) {
  await page.screenshot({ path: join(SHOTS, name) });
}

async function ownerCookie() {
  const cookie = (await browser.cookies()).find(c => c.name === 'claude_sse_owner');
  assert.ok(cookie, 'the page got no owner cookie');
  return cookie.value;
}

function longText(n) {
  return Array.from({ length: n }, (_, k) => `Part ${String(k + 1).padStart(2, '0')} of a long answer.`).join(' ');
}

test('the answer streams in, with Stop while it runs, then tokens, cost and the total', async () => {
  const { page, problems, requests } = await open();
  // Shift+Enter is a new line; Enter alone sends.
  await page.fill('#input', 'line one');
  await page.press('#input', 'Shift+Enter');
  await page.keyboard.type('line two');
  assert.equal(await page.inputValue('#input'), 'line one\nline two');
  assert.equal(await page.locator('article.user').count(), 0);

  await control('enqueue', { transcript: 'long_text', gate: 'grow', freeParts: 5 });
  await ask(page, 'Tell me a long story');
  await textContains(page, 'Part 03');
  const early = (await answerText(page)).length;
  assert.equal(await lastAnswer(page).getAttribute('data-state'), null, 'done before the gate opened');
  assert.ok(await page.isVisible('#stop'), 'no Stop button while streaming');
  assert.equal(await lastAnswer(page).locator('.body').getAttribute('aria-live'), 'polite');

  await control('gates/grow/release?n=5', {});
  await textContains(page, 'Part 08');
  const later = (await answerText(page)).length;
  assert.ok(later > early, `the text did not grow: ${early} then ${later}`);
  assert.equal(await lastAnswer(page).getAttribute('data-state'), null);
  await shot(page, '01-streaming.png');

  await control('gates/grow/open', {});
  await finished(page);
  const facts = await control('facts/long_text');
  assert.equal(await answerText(page), facts.text.trim());
  assert.ok(await page.isHidden('#stop'), 'Stop still shown after the answer');
  const meta = await lastAnswer(page).locator('.meta').textContent();
  assert.match(meta, /18 in · 320 out tokens · \$0\.00\d+/);
  assert.match(await page.textContent('#total'), /^Total \$0\.00\d+$/);
  await shot(page, '02-answered.png');

  // Every request stayed under the context path: relative URLs only.
  const api = requests.filter(u => u.includes('/api/'));
  assert.ok(api.length > 0);
  assert.deepEqual(api.filter(u => !u.startsWith(BASE)), []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('Stop ends the answer, and the saved text is the text that was shown', async () => {
  const { page, problems } = await open();
  await control('enqueue', { transcript: 'long_text', gate: 'stop', freeParts: 8 });
  await ask(page, 'Write until I stop you');
  await textContains(page, 'Part 06');
  await page.click('#stop');
  await finished(page, 'stopped');
  const shown = await answerText(page);
  assert.equal(shown, longText(6));
  assert.match(await lastAnswer(page).locator('.meta').textContent(), /stopped$/);
  assert.match(await lastAnswer(page).locator('.meta').textContent(), /\$0\.00\d+/);

  const messageId = await lastAnswer(page).getAttribute('data-message-id');
  const stored = await saved(await ownerCookie(), messageId);
  assert.equal(stored.status, 'stopped');
  assert.equal(stored.text.trim(), shown);
  await shot(page, '03-stopped.png');

  // The conversation read back from the store shows the same text.
  await page.reload();
  const reopened = page.locator(`article.assistant[data-message-id="${messageId}"] .body`);
  await reopened.waitFor();
  assert.equal(await reopened.textContent(), shown);
  assert.ok(await page.locator('#conversation-list button[aria-current="true"]').count() === 1, 'not marked in the list');
  await control('gates/stop/open', {});
  assert.deepEqual(problems, []);
  await page.close();
});

test('reloading the page in the middle of an answer resumes it, nothing lost or doubled', async () => {
  const { page, problems } = await open();
  await control('enqueue', { transcript: 'long_text', gate: 'reload', freeParts: 12 });
  await ask(page, 'A long one, please');
  await textContains(page, 'Part 10');
  const resumes = [];
  page.on('request', r => { if (r.url().endsWith('/stream')) resumes.push(r.headers()['last-event-id']); });
  await page.reload();
  await textContains(page, 'Part 10');
  assert.ok(await lastAnswer(page).evaluate(a => a.classList.contains('streaming')), 'not following the answer after reload');
  // The tab kept its place (start + 10 chunks = event 11), so only the rest is asked for.
  assert.deepEqual(resumes, ['11']);
  await shot(page, '04-reloaded-mid-answer.png');

  // Another tab, without this tab's saved place, finds the running answer in the conversation and follows it.
  const other = await open(page.url());
  await textContains(other.page, 'Part 10');

  await control('gates/reload/open', {});
  for (const tab of [page, other.page]) {
    await finished(tab);
    const text = await answerText(tab);
    assert.equal(text, longText(40));
    assert.equal(text.split('Part 05 ').length, 2, 'Part 05 shown twice');
    assert.equal(await tab.locator('article.assistant').count(), 1);
    assert.equal(await tab.locator('article.user').count(), 1);
  }
  await shot(page, '05-resumed.png');
  assert.deepEqual(problems, []);
  assert.deepEqual(other.problems, []);
  await other.page.close();
  await page.close();
});

test('HTML and script in an answer show as text and run nothing', async () => {
  const { page, problems } = await open();
  const deltas = ['Here is an image: <img src=x one', 'rror="window.__pwned=1;alert(1)">', ' and a script: ',
    '<script>window.__pwned=2;alert(2)</script>', '\n\n- a [link](javascript:window.__pwned=3) that is not one',
    '\n- a [real link](https://example.org/docs)\n\n', '**bold**, *italic* and `<b>code</b>`\n\n```html\n<script>x()</script>\n```'];
  await control('enqueue', { text: deltas });
  await ask(page, 'Show me <img src=y onerror="window.__pwned=4"> please');
  await finished(page);

  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.locator('#messages img').count(), 0);
  assert.equal(await page.locator('#messages script').count(), 0);
  assert.equal(await page.locator('#messages b').count(), 0);
  const body = lastAnswer(page).locator('.body');
  const text = await body.textContent();
  assert.ok(text.includes('<img src=x onerror="window.__pwned=1;alert(1)">'), text);
  assert.ok(text.includes('<script>window.__pwned=2;alert(2)</script>'), text);
  assert.ok(text.includes('[link](javascript:window.__pwned=3)'), text);
  assert.equal(await body.locator('a').count(), 1);
  assert.equal(await body.locator('a').getAttribute('href'), 'https://example.org/docs');
  assert.match(await body.locator('a').getAttribute('rel'), /noopener/);
  assert.equal(await body.locator('strong').textContent(), 'bold');
  assert.equal(await body.locator('em').textContent(), 'italic');
  assert.equal(await body.locator('p code').textContent(), '<b>code</b>');
  assert.equal(await body.locator('pre code').textContent(), '<script>x()</script>');
  assert.equal(await page.locator('article.user .body').textContent(), 'Show me <img src=y onerror="window.__pwned=4"> please');
  await shot(page, '06-html-as-text.png');
  assert.deepEqual(problems, []);
  await page.close();
});

test('Arabic, CJK and emoji arrive intact, even split into single bytes upstream', async () => {
  const { page, problems } = await open();
  const facts = await control('facts/plain_text');
  await control('enqueue', { transcript: 'plain_text', splitEvery: 1 });
  await ask(page, 'مرحبا 你好 👋');
  await finished(page);
  assert.equal(await answerText(page), facts.text);
  assert.equal(await page.locator('article.user .body').textContent(), 'مرحبا 你好 👋');
  await shot(page, '07-multibyte.png');
  assert.deepEqual(problems, []);
  await page.close();
});

test('an upstream error is shown in place after the retries, and Retry asks again', async () => {
  const { page, problems } = await open();
  for (let i = 0; i < 3; i++) {
    await control('enqueue', { error: { status: 529, type: 'overloaded_error', message: 'Overloaded' }, headers: { 'retry-after': '1' } });
  }
  await ask(page, 'Are you there?');
  await waitFor(async () => /retrying, attempt 1/.test(await lastAnswer(page).locator('.status').textContent()), 'the retrying status');
  await shot(page, '08-retrying.png');
  await finished(page, 'error');
  const error = lastAnswer(page).locator('.error');
  assert.match(await error.textContent(), /Claude answered HTTP 529: Overloaded/);
  assert.ok(await error.locator('button.retry').isVisible());
  assert.equal(await lastAnswer(page).locator('.status').textContent(), '');
  await shot(page, '09-error.png');

  const facts = await control('facts/plain_text');
  await control('enqueue', { transcript: 'plain_text' });
  await error.locator('button.retry').click();
  await finished(page);
  assert.equal(await answerText(page), facts.text);
  assert.ok(await error.isHidden());
  assert.deepEqual(problems, []);
  await page.close();
});

test('native EventSource follows an answer on the resume URL, as docs/protocol.md shows', async () => {
  const { page, problems } = await open();
  const facts = await control('facts/plain_text');
  await control('enqueue', { transcript: 'plain_text' });
  await ask(page, 'hi');
  await finished(page);
  const messageId = await lastAnswer(page).getAttribute('data-message-id');
  const followed = await page.evaluate(id => new Promise((resolve, reject) => {
    let text = '';
    const source = new EventSource(`api/chat/${id}/stream?lastEventId=1`);
    source.addEventListener('chunk', e => { text += JSON.parse(e.data).text; });
    source.addEventListener('done', e => { source.close(); resolve({ text, done: JSON.parse(e.data), last: e.lastEventId }); });
    source.onerror = () => { source.close(); reject(new Error('EventSource failed')); };
  }), messageId);
  assert.equal(followed.text, facts.text);
  assert.equal(followed.done.messageId, messageId);
  assert.match(followed.last, /^\d+$/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the demo upstream shows a banner; the page works at phone width', async () => {
  const { page, problems } = await open(DEMO);
  await page.locator('#demo-banner').waitFor({ state: 'visible' });
  await ask(page, 'Hello demo');
  await finished(page);
  assert.match(await answerText(page), /Demo mode\./);
  await shot(page, '10-demo.png');

  await page.setViewportSize({ width: 390, height: 800 });
  assert.ok(await page.isVisible('#toggle-sidebar'));
  assert.ok(await page.isVisible('#input'));
  const box = await page.locator('#messages').boundingBox();
  assert.ok(box.width <= 390, `messages are ${box.width}px wide`);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, 'the page scrolls sideways');
  await page.waitForTimeout(300); // the sidebar's slide-out transition
  await shot(page, '11-phone.png');
  await page.click('#toggle-sidebar');
  await page.waitForTimeout(300);
  assert.equal(await page.getAttribute('#toggle-sidebar', 'aria-expanded'), 'true');
  await shot(page, '12-phone-conversations.png');
  await page.mouse.click(370, 400); // beside the list, on the chat
  assert.equal(await page.getAttribute('#toggle-sidebar', 'aria-expanded'), 'false');
  assert.deepEqual(problems, []);
  await page.close();
});
