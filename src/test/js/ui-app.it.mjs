// A React app on @ai-sdk/react's useChat (ui-app/app.jsx), bundled here with esbuild and served by the
// same Tomcat as the WAR, in Debian's headless Chromium. Started by UseChatAppIT (mvn verify): the WAR
// runs under /chat in front of a fake Claude, the app under /app.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BASE, control, lastClaudeRequest, saved, waitFor } from './support.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const { JS_DEPS, UI_APP_DIR, UI_APP_BASE, SCREENSHOTS } = process.env;
const GRACE_MS = Number(process.env.UI_STOP_GRACE_SECONDS) * 1000;
const require = createRequire(join(JS_DEPS, 'x.js'));
const esbuild = require('esbuild');
const { chromium } = await import(pathToFileURL(join(process.env.PLAYWRIGHT_CORE, 'index.mjs')).href);

const API = new URL('api/ui/chat', BASE).pathname; // /chat/api/ui/chat: same origin as the app
let browser;

before(async () => {
  // The app is bundled during the test run, from the packages npm installed: nothing from a CDN.
  await esbuild.build({
    entryPoints: [join(HERE, 'ui-app', 'app.jsx')],
    outfile: join(UI_APP_DIR, 'app.js'),
    bundle: true,
    minify: true,
    jsx: 'automatic',
    nodePaths: [JS_DEPS],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  await copyFile(join(HERE, 'ui-app', 'index.html'), join(UI_APP_DIR, 'index.html'));
  const profile = await mkdtemp(join(tmpdir(), 'claude-sse-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM,
    headless: true,
    viewport: { width: 900, height: 700 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(() => browser?.close());

/** The app in a new tab, for one chat; problems collects script errors. */
async function open(chat) {
  const page = await browser.newPage();
  const problems = [];
  const outside = [];
  page.on('pageerror', e => problems.push(`page error: ${e.message}`));
  page.on('request', r => { if (!r.url().startsWith(new URL(UI_APP_BASE).origin)) outside.push(r.url()); });
  await page.goto(`${UI_APP_BASE}index.html?chat=${chat}&api=${encodeURIComponent(API)}`);
  await page.locator('#status').waitFor();
  return { page, problems, outside };
}

async function ask(page, question) {
  await page.fill('#input', question);
  await page.click('#send');
}

const answer = page => page.locator('article.assistant').last();
const answerText = page => answer(page).locator('.body').textContent();
const status = page => page.locator('#status').textContent();

async function textContains(page, needle) {
  await waitFor(async () => (await answerText(page).catch(() => '')).includes(needle), `the answer to show "${needle}"`);
}

async function settled(page) {
  await waitFor(async () => (await status(page)) === 'ready', 'useChat to be ready again', 15000);
}

async function ownerCookie() {
  const cookie = (await browser.cookies()).find(c => c.name === 'claude_sse_owner');
  assert.ok(cookie, 'the app got no owner cookie from the WAR');
  return cookie.value;
}

/** GET on the WAR from inside the page, with its cookie, as the app itself would. */
async function getJson(page, path) {
  return page.evaluate(async url => (await fetch(url)).json(), new URL(path, BASE).pathname);
}

const shot = (page, name) => page.screenshot({ path: join(SCREENSHOTS, `ui-app-${name}.png`) });

test('an answer streams in, and its cost from the message metadata is shown and saved', async () => {
  const facts = await control('facts/long_text');
  await control('enqueue', { transcript: 'long_text', gate: 'app-stream', freeParts: 6 });
  const { page, problems, outside } = await open('app-stream');
  await ask(page, 'Write a long answer');
  await textContains(page, 'Part 03');
  assert.equal(await status(page), 'streaming', 'the text shows while the answer runs');
  assert.ok(await page.isVisible('#stop'));
  await shot(page, '1-streaming');
  await control('gates/app-stream/open', {});
  await settled(page);
  assert.equal(await answerText(page), facts.text);
  assert.equal(await page.locator('article.assistant').count(), 1);

  const shownCost = await answer(page).locator('footer.cost').getAttribute('data-cost');
  assert.ok(Number(shownCost) > 0, `cost shown: ${shownCost}`);
  assert.match(await answer(page).locator('footer.cost').textContent(), /^\$0\.\d+ · end_turn$/);
  await shot(page, '2-answered');

  // The conversation comes back from GET api/conversations with the same cost.
  const id = await answer(page).getAttribute('data-id');
  const list = await getJson(page, 'api/conversations');
  const details = await Promise.all(list.conversations.map(c => getJson(page, `api/conversations/${c.id}`)));
  const stored = details.find(c => c.messages.some(m => m.id === id));
  assert.ok(stored, 'the chat is one of the owner\'s conversations');
  const storedAnswer = stored.messages.find(m => m.id === id);
  assert.equal(storedAnswer.text, facts.text);
  assert.equal(storedAnswer.status, 'complete');
  assert.equal(String(storedAnswer.cost), shownCost);
  assert.equal(String(stored.totalCost), shownCost);
  assert.deepEqual(problems, []);
  assert.deepEqual(outside, [], 'the app loads nothing from elsewhere');
  await page.close();
});

test('Stop stops Claude once the grace period passes, and the text shown is what is saved', async () => {
  // parts 100 ms apart, as Claude writes: the WAR finds the browser gone when a write fails
  await control('enqueue', { transcript: 'long_text', gate: 'app-stop', freeParts: 8, delayMs: 100 });
  const { page, problems } = await open('app-stop');
  await ask(page, 'Write until I stop you');
  await textContains(page, 'Part 06');
  const stoppedAt = Date.now();
  await page.click('#stop');
  await settled(page);
  const shown = await answerText(page);
  assert.ok(shown.startsWith('Part 01 of a long answer.') && shown.includes('Part 06'), shown);
  await control('gates/app-stop/release?n=20', {}); // Claude goes on writing
  const { closedAt } = await control('closed');
  const took = closedAt - stoppedAt;
  console.log(`# Claude's request was cancelled ${took} ms after Stop (grace ${GRACE_MS} ms)`);
  assert.ok(took < GRACE_MS + 1500, `Claude's request was cancelled ${took} ms after Stop`);

  const id = await answer(page).getAttribute('data-id');
  const stored = await waitFor(async () => {
    const s = await saved(await ownerCookie(), id);
    return s?.status === 'stopped' ? s : null;
  }, 'the answer to be saved as stopped');
  assert.ok(stored.text.startsWith(shown), `saved "${stored.text}" does not start with the shown "${shown}"`);
  assert.equal(await answerText(page), shown, 'nothing more arrived after Stop');
  await shot(page, '3-stopped');
  assert.deepEqual(problems, []);
  await control('gates/app-stop/open', {});
  await page.close();
});

test('a reload in the middle of an answer resumes it to the end, nothing lost or doubled', async () => {
  const facts = await control('facts/long_text');
  await control('enqueue', { transcript: 'long_text', gate: 'app-reload', freeParts: 12 });
  const { page, problems } = await open('app-reload');
  await ask(page, 'A long one, please');
  await textContains(page, 'Part 10');
  const resumes = [];
  page.on('request', r => { if (r.url().endsWith('/app-reload/stream')) resumes.push(r.method()); });
  await page.reload();
  await textContains(page, 'Part 10'); // replayed from the start by GET api/ui/chat/{id}/stream
  assert.deepEqual(resumes, ['GET']);
  await shot(page, '4-resumed');
  await control('gates/app-reload/open', {});
  await settled(page);
  assert.equal(await answerText(page), facts.text);
  assert.equal(await page.locator('article.assistant').count(), 1);
  const id = await answer(page).getAttribute('data-id');
  const stored = await waitFor(async () => {
    const s = await saved(await ownerCookie(), id);
    return s?.status === 'complete' ? s : null;
  }, 'the answer to be saved as complete');
  assert.equal(stored.text, facts.text);
  assert.deepEqual(problems, []);
  await page.close();
});

test('an attached image reaches Claude as an image block', async () => {
  // a red 2×2 PNG, so the test knows the bytes Claude must get
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGM4IScHRAwQCgAfJgQRoo8irwAAAABJRU5ErkJggg==', 'base64');
  const file = join(await mkdtemp(join(tmpdir(), 'claude-sse-png-')), 'dots.png');
  await writeFile(file, png);
  await control('enqueue', { text: ['Four dots.'] });
  const { page, problems } = await open('app-image');
  await page.setInputFiles('#files', file);
  await ask(page, 'What is in this picture?');
  await textContains(page, 'Four dots.'); // the files are read before the request: status stays "ready" a moment
  await settled(page);
  assert.equal(await answerText(page), 'Four dots.');
  assert.equal(await page.locator('article.user .file').textContent(), 'dots.png');
  const sent = (await lastClaudeRequest()).messages.at(-1);
  assert.equal(sent.role, 'user');
  assert.deepEqual(sent.content, [
    { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png.toString('base64') } },
    { type: 'text', text: 'What is in this picture?' }]);
  await shot(page, '5-image');
  assert.deepEqual(problems, []);
  await page.close();
});
