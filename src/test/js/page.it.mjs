// The chat page (webapp/index.html) in Debian's headless Chromium, driven by playwright-core.
// Started by PageIT (mvn verify), which runs the app under /chat in front of a fake Claude.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BASE, control, lastClaudeRequest, saved, waitFor } from './support.mjs';

const { chromium } = await import(pathToFileURL(join(process.env.PLAYWRIGHT_CORE, 'index.mjs')).href);
const SHOTS = process.env.SCREENSHOTS;
const DEMO = process.env.CLAUDE_SSE_DEMO_BASE;
const CLOSED = process.env.CLAUDE_SSE_CLOSED_BASE; // a server with CLAUDE_SSE_ANONYMOUS=false

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
  // Not read out character by character: the body is no live region; #announcer says the answer when it ends.
  assert.equal(await lastAnswer(page).locator('.body').getAttribute('aria-live'), null);
  assert.equal(await page.getAttribute('#announcer', 'aria-live'), 'polite');

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
  const resumedUrls = [];
  page.on('request', r => {
    if (r.url().endsWith('/stream')) {
      resumes.push(r.headers()['last-event-id']);
      resumedUrls.push(r.url());
    }
  });
  await page.reload();
  await textContains(page, 'Part 10');
  assert.ok(await lastAnswer(page).evaluate(a => a.classList.contains('streaming')), 'not following the answer after reload');
  // The tab kept its place (start + 10 chunks = event 11), so only the rest is asked for.
  assert.deepEqual(resumes, ['11']);
  // The followed answer is named by its id, as one that got its start event is (older pages skip it by it).
  const resumedId = decodeURIComponent(resumedUrls[0].split('/api/chat/')[1].split('/')[0]);
  assert.equal(await lastAnswer(page).getAttribute('data-message-id'), resumedId);
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
  if (await page.isVisible('#options')) {
    // The model, effort and Think pickers fit beside each other or wrap, never wider than the phone.
    for (const id of ['#options', '#model', '#effort-option', '#think-option']) {
      if (!(await page.isVisible(id))) continue;
      const b = await page.locator(id).boundingBox();
      assert.ok(b.x >= 0 && b.x + b.width <= 390, `${id} sticks out: ${JSON.stringify(b)}`);
    }
  }
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

test('a server that refuses anonymous visitors says why, above the chat and in place of an answer', async () => {
  const { page, problems } = await open(CLOSED);
  const banner = page.locator('#access-banner');
  await banner.waitFor({ state: 'visible' });
  assert.match(await banner.textContent(), /does not serve anonymous visitors: sign in/);
  assert.match(await page.textContent('#history-note'), /Sign in/);
  await ask(page, 'Hello?');
  await finished(page, 'error');
  assert.match(await lastAnswer(page).locator('.error').textContent(), /does not serve anonymous visitors/);
  await shot(page, '30-anonymous-refused.png');
  assert.deepEqual(problems, []);
  await page.close();
});

/** What GET api/models lists, as the page reads it. */
async function listedModels() {
  const response = await fetch(new URL('api/models', BASE), { headers: { Accept: 'application/json' } });
  assert.equal(response.status, 200, 'GET api/models');
  return response.json();
}

const OPUS = 'claude-opus-5-5';
const optionsOf = (page, select) => page.locator(`${select} option`)
  .evaluateAll(os => os.map(o => ({ value: o.value, text: o.textContent })));

test('the model, effort and Think pickers list what api/models offers, reach Claude, and are remembered', async () => {
  const { page, problems } = await open();
  const listed = await listedModels();
  await page.locator('#options').waitFor({ state: 'visible' });

  // Every listed model by its display name, in the server's order, the default first and chosen.
  const models = await optionsOf(page, '#model');
  assert.deepEqual(models.map(o => o.value), listed.models.map(m => m.id));
  assert.equal(models[0].value, listed.defaultModel);
  models.forEach((o, i) => assert.ok(o.text.startsWith(listed.models[i].displayName), `${o.text} for ${o.value}`));
  assert.equal(await page.inputValue('#model'), listed.defaultModel);
  assert.equal(await page.getByLabel('Model', { exact: true }).getAttribute('id'), 'model');
  assert.equal(await page.getByLabel('Effort', { exact: true }).getAttribute('id'), 'effort');
  assert.equal(await page.getByLabel('Think', { exact: true }).getAttribute('id'), 'think');

  const opus = listed.models.find(m => m.id === OPUS);
  assert.ok(opus, `${OPUS} is not listed by api/models`);
  await page.selectOption('#model', OPUS);
  // Default, then exactly the levels this model takes.
  const efforts = await optionsOf(page, '#effort');
  assert.deepEqual(efforts.map(o => o.value), ['', ...opus.effort]);
  assert.equal(efforts[0].text, 'Default');
  await page.selectOption('#effort', 'high');
  assert.ok(await page.isVisible('#think'), `no Think box for ${OPUS}`);
  await page.focus('#think'); // keyboard: Space ticks it
  await page.keyboard.press('Space');
  assert.ok(await page.isChecked('#think'));
  await shot(page, '13-pickers.png');

  await control('enqueue', { transcript: 'plain_text' });
  await ask(page, 'Think hard about this');
  await finished(page);
  const sent = await lastClaudeRequest();
  assert.equal(sent.model, OPUS);
  assert.equal(sent.output_config?.effort, 'high', JSON.stringify(sent));
  assert.equal(sent.thinking?.type, 'adaptive', JSON.stringify(sent));
  // The meta line names the model that answered: its display name when listed, the id in the title.
  const label = lastAnswer(page).locator('.meta .model');
  const answeredBy = await label.getAttribute('title');
  assert.match(answeredBy, /^claude-/);
  const known = listed.models.find(m => m.id === answeredBy || m.id === answeredBy.replace(/-\d{8}$/, ''));
  assert.equal(await label.textContent(), known ? known.displayName : answeredBy);

  // A reload keeps the choice (localStorage), and the next answer is asked the same way.
  await page.reload();
  await page.locator('#options').waitFor({ state: 'visible' });
  assert.equal(await page.inputValue('#model'), OPUS);
  assert.equal(await page.inputValue('#effort'), 'high');
  assert.ok(await page.isChecked('#think'));
  await shot(page, '14-pickers-after-reload.png');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the effort picker offers only the chosen model\'s levels, and none for a model without effort', async () => {
  const { page, problems } = await open();
  const listed = await listedModels();
  await page.locator('#options').waitFor({ state: 'visible' });
  for (const m of listed.models) {
    await page.selectOption('#model', m.id);
    const levels = m.effort || [];
    assert.equal(await page.isVisible('#effort'), levels.length > 0, `effort picker for ${m.id}`);
    if (levels.length) assert.deepEqual((await optionsOf(page, '#effort')).map(o => o.value), ['', ...levels]);
    const thinks = (m.thinking || []).includes('adaptive') || (m.thinking || []).includes('enabled') || m.thinkingBudget === true;
    assert.equal(await page.isVisible('#think'), thinks, `Think box for ${m.id}`);
  }

  // claude-haiku-4-5 takes no effort; if the server does not list it, any listed model without effort will do.
  const plain = listed.models.find(m => m.id === 'claude-haiku-4-5' && !(m.effort || []).length)
    ?? listed.models.find(m => !(m.effort || []).length);
  if (plain) {
    await page.selectOption('#model', OPUS);
    await page.selectOption('#effort', 'max');
    await page.selectOption('#model', plain.id);
    assert.ok(await page.isHidden('#effort'), `an effort picker for ${plain.id}`);
    if (await page.isVisible('#think')) await page.setChecked('#think', false);
    await shot(page, '15-no-effort.png');
    await control('enqueue', { transcript: 'plain_text' });
    await ask(page, 'A quick one');
    await finished(page);
    const sent = await lastClaudeRequest();
    assert.equal(sent.model, plain.id);
    assert.equal(sent.output_config?.effort, undefined, 'a hidden effort was sent');
    assert.equal(sent.thinking, undefined, 'thinking was sent unticked');
  } else {
    // Every listed model takes an effort level here, so there is no model to hide the picker for.
    console.log('# no listed model without effort levels; the hidden-picker check is skipped');
  }

  // A remembered choice the server no longer offers falls back to the default model and effort.
  await page.evaluate(() => localStorage.setItem('claude-sse.choice',
    JSON.stringify({ model: 'claude-no-such-model', effort: 'max', think: true })));
  await page.reload();
  await page.locator('#options').waitFor({ state: 'visible' });
  assert.equal(await page.inputValue('#model'), listed.defaultModel);
  assert.equal(await page.inputValue('#effort'), '');
  await page.evaluate(() => localStorage.removeItem('claude-sse.choice'));
  assert.deepEqual(problems, []);
  await page.close();
});

test('without api/models (an older server) the pickers stay hidden and the request names no model', async () => {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', e => problems.push(`page error: ${e.message}`));
  await page.route('**/api/models', route => route.fulfill({
    status: 404, contentType: 'application/json', body: '{"error":{"type":"not_found","message":"Not found."}}',
  }));
  const bodies = [];
  page.on('request', r => { if (r.method() === 'POST' && r.url().endsWith('/api/chat')) bodies.push(JSON.parse(r.postData())); });
  await page.goto(BASE);
  await page.evaluate(() => localStorage.setItem('claude-sse.choice', JSON.stringify({ model: 'claude-opus-5-5', effort: 'high', think: true })));
  await page.reload();
  await control('enqueue', { transcript: 'plain_text' });
  await ask(page, 'Which model are you?');
  await finished(page);
  assert.ok(await page.isHidden('#options'), 'pickers shown without api/models');
  assert.equal(bodies.length, 1);
  for (const key of ['model', 'effort', 'thinking']) assert.equal(bodies[0][key], undefined, `${key} was sent`);
  await page.evaluate(() => localStorage.removeItem('claude-sse.choice'));
  assert.deepEqual(problems, []);
  await page.close();
});

test('a refusal is shown plainly, as it happens and when the conversation is opened again', async () => {
  const { page, problems } = await open();
  await page.locator('#options').waitFor({ state: 'visible' });
  const listed = await listedModels();
  await page.selectOption('#model', OPUS); // the model refusal.sse answers as
  await control('enqueue', { transcript: 'refusal' });
  await ask(page, 'How do I get into my neighbour\'s router?');
  await finished(page);
  const expected = 'Claude declined to answer (cyber): This request was declined because it could enable cyber harm.';
  const note = lastAnswer(page).locator('.refusal');
  assert.ok(await note.isVisible(), 'no refusal note');
  assert.equal(await note.getAttribute('role'), 'note');
  assert.equal(await note.textContent(), expected);
  assert.equal(await lastAnswer(page).locator('.error').isHidden(), true);
  const opusName = listed.models.find(m => m.id === OPUS)?.displayName ?? OPUS;
  const label = lastAnswer(page).locator('.meta .model');
  assert.equal(await label.textContent(), opusName);
  assert.match(await label.getAttribute('title'), new RegExp(`^${OPUS}`));
  await shot(page, '16-refusal.png');

  const messageId = await lastAnswer(page).getAttribute('data-message-id');
  await page.reload();
  const reopened = page.locator(`article.assistant[data-message-id="${messageId}"]`);
  await reopened.waitFor();
  assert.equal(await reopened.locator('.refusal').textContent(), expected);
  assert.equal(await reopened.locator('.refusal').getAttribute('role'), 'note');
  await waitFor(async () => (await reopened.locator('.meta .model').textContent()) === opusName, 'the saved answer to name its model');
  assert.match(await reopened.locator('.meta .model').getAttribute('title'), new RegExp(`^${OPUS}`));
  await shot(page, '17-refusal-reopened.png');
  // Plain in the dark theme and at phone width too.
  await page.selectOption('#theme', 'dark');
  await shot(page, '17-refusal-reopened-dark.png');
  await page.setViewportSize({ width: 390, height: 800 });
  await page.waitForTimeout(300);
  assert.ok(await reopened.locator('.refusal').isVisible());
  await shot(page, '17-refusal-reopened-dark-phone.png');
  await page.evaluate(() => localStorage.removeItem('claude-sse.theme'));
  await page.evaluate(() => localStorage.removeItem('claude-sse.choice'));
  assert.deepEqual(problems, []);
  await page.close();
});

test('a 100,000-character adversarial answer renders in well under a second, and streams without freezing', async () => {
  const { page, problems } = await open();
  // Unclosed * everywhere: the hand-written renderer took seconds per parse on such text (5 s at 48,000
  // characters), and parsed the whole answer again on every frame.
  const unit = '*a ';
  const text = unit.repeat(Math.ceil(100_000 / unit.length)).slice(0, 100_000);
  const deltas = text.match(/[^]{1,1000}/g);
  await control('enqueue', { text: deltas });
  const started = Date.now();
  await ask(page, 'Something adversarial, please');
  await finished(page);
  const streamedMs = Date.now() - started;
  // a renderer that parses the whole answer again per frame, at seconds a parse, would take minutes
  assert.ok(streamedMs < 15000, `streaming took ${streamedMs} ms`);
  assert.equal(await answerText(page), text.trim());

  const timings = await page.evaluate(async units => {
    const { renderMarkdown } = await import('./render.js');
    // the fastest of two runs at each size: one pause of a busy machine lengthens one run, not both
    const render = (u, n) => {
      const input = u.repeat(Math.ceil(n / u.length)).slice(0, n);
      const t0 = performance.now();
      const box = document.createElement('div');
      box.append(renderMarkdown(input));
      return performance.now() - t0;
    };
    const out = {};
    for (const u of units) {
      out[u] = [Math.min(render(u, 25_000), render(u, 25_000)), Math.min(render(u, 100_000), render(u, 100_000))]
        .map(Math.round);
    }
    return out;
  }, [unit, '*a _b [c ', '_a ', '[a ', 'a*', 'a_*', '![a ', '> ', '`a ', '- ', '[']);
  console.log(`# 100,000 adversarial characters: streamed and shown in ${streamedMs} ms; full renders of 25,000 and 100,000 (ms): ${JSON.stringify(timings)}`);
  // well under a second on an idle machine; linear on a busy one: four times the text, not sixteen times the time
  for (const [u, [small, large]] of Object.entries(timings)) {
    assert.ok(large < 500 || large < 12 * Math.max(small, 1), `${JSON.stringify(u)}: ${small} ms, then ${large} ms`);
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('a long conversation opens at its newest page; "Earlier messages" brings the rest, in order, each once', async () => {
  const TURNS = 55; // 110 messages: the page reads 50 at a time, so two more pages (50, then 10)
  const first = await open();
  await control('clear', {});
  for (let i = 1; i <= TURNS; i++) await control('enqueue', { text: [`Answer ${i}`, '.'] });
  // The turns go through the API from the page's own origin, so the page's owner cookie owns them.
  const id = await first.page.evaluate(async turns => {
    let conversationId;
    for (let i = 1; i <= turns; i++) {
      const response = await fetch('api/chat', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ message: `Question ${i}`, conversationId }),
      });
      const text = await response.text();
      if (response.status !== 200 || !text.includes('event: done')) throw new Error(`turn ${i}: ${response.status} ${text}`);
      conversationId ??= /"conversationId":"([^"]+)"/.exec(text)[1];
    }
    for (;;) { // until the last answer is saved
      const page = await (await fetch(`api/conversations/${conversationId}?limit=1`)).json();
      if (page.messages[0].status === 'complete') return conversationId;
      await new Promise(r => setTimeout(r, 50));
    }
  }, TURNS);
  await first.page.close();
  const whole = await (await fetch(new URL(`api/conversations/${id}?limit=500`, BASE),
    { headers: { Cookie: `claude_sse_owner=${await ownerCookie()}` } })).json();
  assert.equal(whole.messageCount, 2 * TURNS);
  const expected = Array.from({ length: 2 * TURNS }, (_, k) => (k % 2 ? `Answer ${(k + 1) / 2}.` : `Question ${k / 2 + 1}`));
  assert.deepEqual(whole.messages.map(m => m.text), expected);

  const { page, problems, requests } = await open(`${BASE}#c=${encodeURIComponent(id)}`);
  const articles = page.locator('#messages article');
  const shown = () => page.locator('#messages article .body').evaluateAll(bodies => bodies.map(b => b.textContent));
  const earlier = page.locator('#messages > button.earlier');
  await waitFor(async () => (await articles.count()) === 50, 'the newest 50 messages');
  assert.deepEqual(await shown(), expected.slice(-50));
  assert.ok(await earlier.isVisible(), 'no "Earlier messages" button');
  assert.equal(await earlier.textContent(), 'Earlier messages');
  assert.equal(await page.locator('#messages > :not([hidden])').first().evaluate(e => e.classList.contains('earlier')), true,
    'the button is not at the top of the transcript');
  const atBottom = () => page.locator('#messages').evaluate(m => m.scrollHeight - m.scrollTop - m.clientHeight < 2);
  assert.ok(await atBottom(), 'the conversation did not open at its newest message');
  const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 6 });
  const total = `Total ${money.format(Number(whole.totalCost))}`;
  assert.equal(await page.textContent('#total'), total);

  /** Clicks the button at the top of the transcript; the message that was first stays where it was on screen. */
  async function loadEarlier(count) {
    await page.locator('#messages').evaluate(m => { m.scrollTop = 0; });
    const anchor = articles.first();
    const anchorId = await anchor.getAttribute('data-message-id');
    const top = () => page.locator(`#messages article[data-message-id="${anchorId}"]`)
      .evaluate(a => a.getBoundingClientRect().top - a.parentElement.getBoundingClientRect().top);
    const before = await top();
    if (count === 100) await shot(page, '18-earlier-button.png');
    await earlier.click();
    await waitFor(async () => (await articles.count()) === count, `${count} messages after "Earlier messages"`);
    const after = await top();
    assert.ok(Math.abs(after - before) <= 2, `the message on screen moved from ${before} to ${after} px`);
    assert.ok(await page.locator('#messages').evaluate(m => m.scrollTop > 0), 'scrolled to the top of the older page');
  }

  await loadEarlier(100);
  assert.deepEqual(await shown(), expected.slice(-100));
  assert.ok(await earlier.isVisible(), 'the button went while older messages remain');
  assert.equal(await earlier.textContent(), 'Earlier messages');
  await loadEarlier(110);
  await shot(page, '19-earlier-loaded.png');

  const texts = await shown();
  assert.deepEqual(texts, expected, 'every message once, oldest first');
  const ids = await articles.evaluateAll(as => as.map(a => a.dataset.messageId));
  assert.deepEqual(ids, whole.messages.map(m => m.id));
  assert.equal(await earlier.count(), 0, 'the button stays after the oldest page');
  assert.equal(await page.textContent('#total'), total, 'older pages changed the total');
  const pages = requests.filter(u => u.includes(`/api/conversations/${id}`));
  assert.equal(pages.length, 3, pages.join('\n'));
  assert.match(pages[0], /\?limit=50$/);
  assert.match(pages[1], /\?limit=50&before=[^&]+$/);
  assert.match(pages[2], /\?limit=50&before=[^&]+$/);
  assert.notEqual(pages[1], pages[2]);

  // The conversation goes on below the older pages as usual.
  await control('enqueue', { text: ['Answer 56.'] });
  await ask(page, 'Question 56');
  await finished(page);
  assert.deepEqual((await shown()).slice(-2), ['Question 56', 'Answer 56.']);
  assert.equal(await articles.count(), 112);
  assert.deepEqual(problems, []);
  await page.close();
});
