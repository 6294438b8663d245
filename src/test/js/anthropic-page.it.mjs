// The official Anthropic SDK in a page (anthropic-page/app.js, bundled here with esbuild) on another origin
// than the WAR, in Debian's headless Chromium: CORS preflight, the owner cookie, streaming, abort.
// Started by AnthropicPageIT (mvn verify): the WAR on one port, the page on another port of the same host.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BASE, control, saved, waitFor } from './support.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const { JS_DEPS, PAGE_DIR, PAGE_BASE, SCREENSHOTS } = process.env;
const require = createRequire(join(JS_DEPS, 'x.js'));
const esbuild = require('esbuild');
const { chromium } = await import(pathToFileURL(join(process.env.PLAYWRIGHT_CORE, 'index.mjs')).href);
const PAGE_ORIGIN = new URL(PAGE_BASE).origin;
let browser;

before(async () => {
  await esbuild.build({
    entryPoints: [join(HERE, 'anthropic-page', 'app.js')],
    outfile: join(PAGE_DIR, 'app.js'),
    bundle: true,
    minify: true,
    platform: 'browser',
    keepNames: true, // the page reports the SDK's error classes by name
    nodePaths: [JS_DEPS],
    logLevel: 'warning',
  });
  await copyFile(join(HERE, 'anthropic-page', 'index.html'), join(PAGE_DIR, 'index.html'));
  const profile = await mkdtemp(join(tmpdir(), 'claude-sse-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM, headless: true, viewport: { width: 800, height: 500 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(() => browser?.close());

async function open() {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', e => problems.push(`page error: ${e.message}`));
  page.on('console', m => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await page.goto(`${PAGE_BASE}index.html?war=${encodeURIComponent(BASE)}`);
  assert.notEqual(new URL(page.url()).origin, new URL(BASE).origin, 'the page must be of another origin');
  return { page, problems };
}

async function ownerCookie() {
  const cookie = (await browser.cookies()).find(c => c.name === 'claude_sse_owner');
  assert.ok(cookie, 'the page got no owner cookie from the WAR');
  return cookie.value;
}

test('the preflight allows the headers the SDK sends, for allowed origins only', async () => {
  const asked = 'anthropic-version, authorization, content-type, x-stainless-os, x-stainless-retry-count, '
    + 'anthropic-dangerous-direct-browser-access, claude-sse-conversation';
  const preflight = origin => fetch(new URL('v1/messages', BASE), { method: 'OPTIONS', headers: {
    Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': asked } });
  const allowed = await preflight(PAGE_ORIGIN);
  assert.equal(allowed.status, 204);
  assert.equal(allowed.headers.get('access-control-allow-origin'), PAGE_ORIGIN);
  assert.equal(allowed.headers.get('access-control-allow-credentials'), 'true');
  const allowedHeaders = allowed.headers.get('access-control-allow-headers').toLowerCase().split(', ');
  for (const header of asked.split(', ')) assert.ok(allowedHeaders.includes(header), `${header} not in ${allowedHeaders}`);
  const unknown = await fetch(new URL('v1/messages', BASE), { method: 'OPTIONS', headers: { Origin: PAGE_ORIGIN,
    'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-not-ours' } });
  assert.ok(!unknown.headers.get('access-control-allow-headers').includes('x-not-ours'));
  const refused = await preflight('http://127.0.0.1:9');
  assert.equal(refused.status, 403);
  assert.equal(refused.headers.get('access-control-allow-origin'), null);
});

test('a page on another origin streams an answer through the SDK, saved for its owner cookie with its cost', async () => {
  const facts = await control('facts/plain_text');
  await control('enqueue', { transcript: 'plain_text', splitEvery: 3 });
  const { page, problems } = await open();
  const result = await page.evaluate(() => window.ask('Hello from a page'));
  assert.equal(result.error, undefined, JSON.stringify(result));
  assert.equal(result.text, facts.text);
  assert.equal(await page.evaluate(() => window.shown()), facts.text);
  assert.deepEqual([result.usage.input_tokens, result.usage.output_tokens], [25, 42]);
  assert.ok(result.id, 'the request-id header is exposed to the page');
  const sent = await control('requests/last');
  assert.equal(sent.messages[0].content, 'Hello from a page');

  const conversations = await page.evaluate(() => window.conversations());
  const mine = conversations.find(c => c.messages.some(m => m.id === result.id));
  assert.ok(mine, 'the answer is among the page owner\'s conversations');
  assert.ok(Number(mine.totalCost) > 0, `cost ${mine.totalCost}`);
  await page.screenshot({ path: join(SCREENSHOTS, 'anthropic-page-answered.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('stream.abort() in the page stops Claude within a second; the shown text is saved as stopped', async () => {
  await control('enqueue', { transcript: 'long_text', gate: 'page-abort', freeParts: 8, delayMs: 50 });
  const { page } = await open();
  const asked = page.evaluate(() => window.ask('Write a lot'));
  await waitFor(async () => (await page.evaluate(() => window.shown())).includes('Part 05'), 'five parts shown');
  const abortedAt = Date.now();
  await page.evaluate(() => window.stopAnswer());
  const result = await asked;
  assert.equal(result.error, 'APIUserAbortError', JSON.stringify(result));
  await control('gates/page-abort/release?n=10', {}); // Claude goes on writing
  const { closedAt } = await control('closed');
  console.log(`# Claude's request was cancelled ${closedAt - abortedAt} ms after abort() in the page`);
  assert.ok(closedAt - abortedAt < 1000, `cancelled ${closedAt - abortedAt} ms after abort()`);
  const conversations = await page.evaluate(() => window.conversations());
  const answer = conversations.flatMap(c => c.messages).find(m => m.role === 'assistant' && m.text.startsWith('Part 01')
    && m.status !== 'complete');
  assert.ok(answer, JSON.stringify(conversations));
  const stored = await waitFor(async () => {
    const s = await saved(await ownerCookie(), answer.id);
    return s?.status === 'stopped' ? s : null;
  }, 'the answer to be saved as stopped');
  assert.ok(stored.text.startsWith(result.shown), `saved "${stored.text}", shown "${result.shown}"`);
  await control('gates/page-abort/open', {});
  await page.close();
});
