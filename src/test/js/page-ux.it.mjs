// The chat page as people who use chat UIs expect it (issue 17), in Debian's headless Chromium: the
// conversation list (cost, last activity, rename, delete with a confirmation, search), light and dark
// themes, the composer's keys, copying answers and code, thinking and refusals, keyboard focus, what screen
// readers hear, an axe-core audit of the main states, and regenerating the last answer. Started by PageIT
// after page.it.mjs, with its own browser profile, so its owner (and conversation list) is its own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import { BASE, control, lastClaudeRequest, waitFor } from './support.mjs';

const { chromium } = await import(pathToFileURL(join(process.env.PLAYWRIGHT_CORE, 'index.mjs')).href);
const { AxeBuilder } = await import(pathToFileURL(join(process.env.PLAYWRIGHT_CORE, '..', '@axe-core', 'playwright', 'dist', 'index.mjs')).href);
const SHOTS = process.env.SCREENSHOTS;
const PHONE = { width: 390, height: 800 };

let browser;

before(async () => {
  const profile = await mkdtemp(join(tmpdir(), 'claude-sse-chromium-ux-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM,
    headless: true,
    viewport: { width: 1100, height: 760 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  await browser.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(BASE).origin });
});

after(() => browser?.close());

async function open(url = BASE, { colorScheme = 'light' } = {}) {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', e => problems.push(`page error: ${e.message}`));
  page.on('dialog', d => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
  await page.emulateMedia({ colorScheme });
  await page.goto(url);
  return { page, problems };
}

const lastAnswer = page => page.locator('article.assistant').last();

async function ask(page, question) {
  await page.fill('#input', question);
  await page.press('#input', 'Enter');
}

async function finished(page, state = 'done') {
  await lastAnswer(page).and(page.locator(`[data-state="${state}"]`)).waitFor({ timeout: 15000 });
}

async function shot(page, name) {
  await page.screenshot({ path: join(SHOTS, name) });
}

/** Serious and critical WCAG 2.x A/AA violations, as "rule: target" lines. */
async function audit(page, state) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  assert.ok(results.passes.length > 10, `axe checked next to nothing in the ${state} state`);
  const bad = results.violations.filter(v => v.impact === 'serious' || v.impact === 'critical');
  return bad.flatMap(v => v.nodes.map(n => `${state}: ${v.id} (${v.impact}) at ${n.target.join(' ')}: ${n.failureSummary}`));
}

const titles = page => page.locator('#conversation-list .conversation-title').allTextContents();

/** A 96×64 PNG of colour bands (so thumbnails show something), made here with zlib. */
function picture() {
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type), data])));
    return Buffer.concat([length, Buffer.from(type), data, crc]);
  };
  const [width, height] = [96, 64];
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + 3 * width);
    for (let x = 0; x < width; x++) row.set([165, 74 + Math.floor(x * 1.5), Math.floor(y * 3)], 1 + 3 * x);
    rows.push(row);
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}
const PIXEL = picture().toString('base64');
const pngFile = name => ({ name, mimeType: 'image/png', buffer: Buffer.from(PIXEL, 'base64') });
const pdfFile = name => ({ name, mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });

/** Hands files to the page as a paste into the message box, or a drop on the chat (Chromium builds both events). */
async function pasteOrDrop(page, how, name, mediaType, base64) {
  await page.evaluate(({ how, name, mediaType, base64 }) => {
    const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], name, { type: mediaType }));
    const event = how === 'paste'
      ? new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true })
      : new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true });
    document.getElementById(how === 'paste' ? 'input' : 'messages').dispatchEvent(event);
  }, { how, name, mediaType, base64 });
}

/** A conversation started on the page, answered in full; back to a new chat afterwards. */
async function converse(page, question) {
  await control('enqueue', { transcript: 'plain_text' });
  await ask(page, question);
  await finished(page);
  await waitFor(async () => (await titles(page)).includes(question), `"${question}" in the list`);
  await page.click('#new-chat');
}

test('the list shows cost and last activity; conversations are renamed, searched and deleted after a confirmation', async () => {
  const { page, problems } = await open();
  for (const question of ['Alpha plan', 'Beta notes', 'Gamma 50% list']) await converse(page, question);
  assert.deepEqual(await titles(page), ['Gamma 50% list', 'Beta notes', 'Alpha plan']);
  const meta = await page.locator('#conversation-list .conversation-meta').first().textContent();
  assert.match(meta, /^(just now|\d+ min ago) · \$0\.\d+$/);
  assert.ok(await page.locator('#conversation-list time[datetime]').count() === 3);

  // Rename: the title becomes a text box across the whole row (the old title hidden); a blank title is
  // refused before anything is sent.
  const beta = page.locator('#conversation-list li', { hasText: 'Beta notes' });
  await beta.locator('.rename').click();
  const box = page.locator('.rename-input');
  assert.equal(await box.evaluate(e => e === document.activeElement), true);
  assert.equal(await beta.locator('.conversation').isVisible(), false, 'the old title gives the box its room');
  const row = await beta.boundingBox();
  assert.ok((await box.boundingBox()).width > row.width * 0.8, 'the box spans the row');
  let patches = 0;
  page.on('request', r => { if (r.method() === 'PATCH') patches++; });
  await box.fill('   ');
  await box.press('Enter');
  await page.locator('.rename-problem', { hasText: 'Write a title, or press Escape to keep the old one.' }).waitFor();
  assert.equal(patches, 0, 'a blank title is not sent');
  await box.fill('Beta notes, renamed');
  await box.press('Enter');
  await waitFor(async () => (await titles(page)).includes('Beta notes, renamed'), 'the new title in the list');
  const listed = await (await page.request.get(`${BASE}api/conversations`)).json();
  assert.ok(listed.conversations.some(c => c.title === 'Beta notes, renamed'), JSON.stringify(listed));
  // Escape leaves a rename without saving.
  await page.locator('#conversation-list li', { hasText: 'Alpha plan' }).locator('.rename').click();
  await page.fill('.rename-input', 'never saved');
  await page.press('.rename-input', 'Escape');
  assert.equal(await page.locator('.rename-input').count(), 0);
  assert.ok((await titles(page)).includes('Alpha plan'));
  await shot(page, 'ux-01-list.png');

  // Search is the server's (q=), ignoring case, % taken literally.
  await page.fill('#search', 'BETA');
  await waitFor(async () => JSON.stringify(await titles(page)) === JSON.stringify(['Beta notes, renamed']), 'the search result');
  await page.fill('#search', '50%');
  await waitFor(async () => JSON.stringify(await titles(page)) === JSON.stringify(['Gamma 50% list']), 'the literal % search');
  await page.fill('#search', 'nothing like this');
  await page.locator('#history-note', { hasText: 'No conversation titles contain' }).waitFor();
  await shot(page, 'ux-02-search-empty.png');
  await page.fill('#search', '');
  await waitFor(async () => (await titles(page)).length === 3, 'the whole list again');

  // Delete asks first: Cancel keeps it, Delete removes it (here the open one, which closes).
  await page.locator('#conversation-list .conversation', { hasText: 'Alpha plan' }).click();
  await page.locator('article.assistant').first().waitFor();
  const alpha = page.locator('#conversation-list li', { hasText: 'Alpha plan' });
  await alpha.locator('.delete').click();
  const dialog = page.locator('#confirm-delete');
  await dialog.waitFor({ state: 'visible' });
  assert.match(await dialog.textContent(), /“Alpha plan” and all its messages will be deleted/);
  await shot(page, 'ux-03-confirm-delete.png');
  await dialog.locator('button[value="cancel"]').click();
  await dialog.waitFor({ state: 'hidden' });
  assert.ok((await titles(page)).includes('Alpha plan'));
  await alpha.locator('.delete').click();
  await dialog.locator('button[value="delete"]').click();
  await waitFor(async () => !(await titles(page)).includes('Alpha plan'), 'Alpha plan gone from the list');
  assert.equal(await page.textContent('#title'), 'New chat');
  const after = await (await page.request.get(`${BASE}api/conversations`)).json();
  assert.deepEqual(after.conversations.map(c => c.title), ['Gamma 50% list', 'Beta notes, renamed']);
  assert.deepEqual(problems, []);
  await page.close();
});

test('light and dark themes follow the system, and the switch is remembered in this browser', async () => {
  const { page, problems } = await open(BASE, { colorScheme: 'dark' });
  const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  assert.equal(await background(), 'rgb(22, 24, 27)', 'dark when the system prefers dark');
  await control('enqueue', { text: ['Some **bold** words and code:\n\n```js\nconst answer = 42;\n```\n'] });
  await ask(page, 'Show me the dark theme');
  await finished(page);
  await shot(page, 'ux-04-dark.png');
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(300);
  await shot(page, 'ux-05-dark-phone.png');
  await page.setViewportSize({ width: 1100, height: 760 });

  await page.selectOption('#theme', 'light');
  assert.equal(await background(), 'rgb(247, 247, 245)', 'the switch wins over the system');
  await page.reload();
  assert.equal(await page.inputValue('#theme'), 'light');
  assert.equal(await background(), 'rgb(247, 247, 245)', 'the choice is remembered');
  await shot(page, 'ux-06-light.png');
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(300);
  await shot(page, 'ux-07-light-phone.png');
  await page.setViewportSize({ width: 1100, height: 760 });

  await page.selectOption('#theme', 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  assert.equal(await background(), 'rgb(22, 24, 27)');
  await page.selectOption('#theme', 'system');
  assert.equal(await background(), 'rgb(247, 247, 245)');
  assert.equal(await page.evaluate(() => localStorage.getItem('claude-sse.theme')), null);
  assert.deepEqual(problems, []);
  await page.close();
});

test('Escape stops a running answer; Enter sends and Shift+Enter adds a line', async () => {
  const { page, problems } = await open();
  await page.fill('#input', 'first line');
  await page.press('#input', 'Shift+Enter');
  await page.keyboard.type('second line');
  assert.equal(await page.inputValue('#input'), 'first line\nsecond line');
  await control('enqueue', { transcript: 'long_text', gate: 'esc', freeParts: 6 });
  await page.press('#input', 'Enter');
  assert.equal(await page.locator('article.user .body').last().textContent(), 'first line\nsecond line');
  await waitFor(async () => (await lastAnswer(page).locator('.body').textContent()).includes('Part 03'), 'the answer to start');
  await page.keyboard.press('Escape');
  await finished(page, 'stopped');
  assert.match(await lastAnswer(page).locator('.meta').textContent(), /stopped$/);
  await control('gates/esc/open', {});
  assert.deepEqual(problems, []);
  await page.close();
});

test('an answer and each code block are copied with one click; thinking is collapsed (refusals: page.it.mjs)', async () => {
  const { page, problems } = await open();
  const source = 'Two ways:\n\n```python\nprint("one")\n```\n\nand\n\n```sh\necho two\n```\n';
  await control('enqueue', { text: [source] });
  await ask(page, 'Show me code');
  await finished(page);
  const answer = lastAnswer(page);
  assert.equal(await answer.locator('.copy-code').count(), 2);
  await answer.locator('.copy-code').nth(1).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'echo two');
  assert.equal(await answer.locator('.copy-code').nth(1).getAttribute('data-state'), 'copied');
  assert.equal(await answer.locator('.copy-code').nth(1).getAttribute('aria-label'), 'Copied');
  await answer.locator('.copy-answer').click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), source);
  await answer.locator('.copy-answer[data-state="copied"]').waitFor();
  await shot(page, 'ux-08-copied.png');
  // The buttons' words are not part of the answer's text.
  assert.equal((await answer.locator('.body').textContent()).includes('Copy'), false);
  await answer.locator('.copy-answer:not([data-state])').waitFor({ timeout: 5000 });

  // Thinking (when asked for) is in a collapsed <details> that opens on click.
  await page.locator('#options').waitFor({ state: 'visible' });
  await page.selectOption('#model', 'claude-opus-5-5');
  await page.check('#think');
  await control('enqueue', { transcript: 'thinking' });
  await ask(page, 'What is 17 × 23?');
  await finished(page);
  const thinking = lastAnswer(page).locator('details.thinking');
  assert.ok(await thinking.isVisible());
  assert.equal(await thinking.getAttribute('open'), null);
  assert.ok(await thinking.locator('.thinking-text').isHidden());
  await thinking.locator('summary').click();
  assert.notEqual(await thinking.getAttribute('open'), null);
  assert.match(await thinking.locator('.thinking-text').textContent(), /17 × 20 = 340/);
  await shot(page, 'ux-09-thinking.png');
  await page.selectOption('#theme', 'dark');
  await shot(page, 'ux-09-thinking-dark.png');
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(300);
  assert.ok(await thinking.locator('.thinking-text').isVisible());
  await shot(page, 'ux-09-thinking-dark-phone.png');
  await page.setViewportSize({ width: 1100, height: 760 });
  await page.selectOption('#theme', 'system');
  await page.evaluate(() => localStorage.removeItem('claude-sse.choice'));
  assert.deepEqual(problems, []);
  await page.close();
});

test('keyboard: every control is reached with Tab and shows its focus; screen readers hear answers once, whole', async () => {
  const { page, problems } = await open();
  await control('enqueue', { transcript: 'plain_text' });
  await ask(page, 'Something to list');
  await finished(page);
  // The answer body is no live region; the announcer says the answer when it has ended.
  assert.equal(await lastAnswer(page).locator('.body').getAttribute('aria-live'), null);
  assert.equal(await page.locator('#messages [aria-live]').count(), 0);
  const facts = await control('facts/plain_text');
  await waitFor(async () => (await page.textContent('#announcer')).startsWith('Claude answered: '), 'the announcement');
  assert.equal(await page.textContent('#announcer'), `Claude answered: ${facts.text.trim()}`);

  // Tab through the page: each stop is a control (or the scrollable transcript) and draws a visible outline.
  await page.click('#new-chat');
  await page.locator('#conversation-list .conversation').first().click();
  await lastAnswer(page).waitFor();
  await page.focus('#input');
  const reached = new Set();
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const focus = await page.evaluate(() => {
      const e = document.activeElement;
      if (e === document.body) return { id: 'BODY', outline: true }; // past the last control, before the first
      const style = getComputedStyle(e);
      return {
        id: e.id || e.className || e.tagName,
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
      };
    });
    assert.ok(focus.outline, `no visible focus on ${focus.id}`);
    reached.add(focus.id);
  }
  for (const id of ['skip-link', 'new-chat', 'search', 'conversation', 'item-action rename', 'item-action delete', 'theme',
    'messages', 'copy copy-answer', 'regenerate', 'attach', 'input']) {
    assert.ok(reached.has(id), `${id} not reached by Tab: ${[...reached].join(', ')}`);
  }
  // The skip link is the stop before the first control of the sidebar, and Enter on it puts the caret in
  // the message box.
  const hash = await page.evaluate(() => location.hash);
  await page.focus('#new-chat');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'input');
  assert.equal(await page.evaluate(() => location.hash), hash, 'the open conversation stays in the address');
  assert.deepEqual(problems, []);
  await page.close();
});

test('axe-core finds no serious or critical violation: empty, streaming, answered, chips, attachments, error, dark, phone', async () => {
  const { page, problems } = await open();
  const found = [];
  found.push(...await audit(page, 'empty'));

  await control('enqueue', { transcript: 'long_text', gate: 'axe', freeParts: 6 });
  await ask(page, 'A long answer to audit');
  await waitFor(async () => (await lastAnswer(page).locator('.body').textContent()).includes('Part 03'), 'streaming');
  found.push(...await audit(page, 'streaming'));
  await control('gates/axe/open', {});
  await finished(page);
  found.push(...await audit(page, 'answered'));

  await page.setInputFiles('#file-input', [pngFile('audited.png'), pdfFile('audited.pdf')]);
  await page.locator('.chip').nth(1).waitFor();
  found.push(...await audit(page, 'chips'));
  await control('enqueue', { transcript: 'plain_text' });
  await ask(page, 'What do these show?');
  await finished(page);
  await page.locator('article.user img.thumb').last().waitFor();
  found.push(...await audit(page, 'attachments sent'));

  await control('enqueue', { error: { status: 400, type: 'invalid_request_error', message: 'This request is not one Claude takes' } });
  await ask(page, 'This one fails');
  await lastAnswer(page).locator('.error:not([hidden])').waitFor({ timeout: 30000 });
  await finished(page, 'error');
  found.push(...await audit(page, 'error'));
  await shot(page, 'ux-10-error.png');

  await page.selectOption('#theme', 'dark');
  found.push(...await audit(page, 'dark'));
  await shot(page, 'ux-11-error-dark.png');
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(300);
  found.push(...await audit(page, 'dark phone'));
  await page.selectOption('#theme', 'system').catch(() => {}); // hidden in the closed sidebar at phone width
  await page.evaluate(() => localStorage.removeItem('claude-sse.theme'));
  assert.deepEqual(found, []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('Regenerate replaces the last answer with a new streaming one, also after a reload', async () => {
  const { page, problems } = await open();
  await control('enqueue', { transcript: 'plain_text' });
  await ask(page, 'A question kept as it is');
  await finished(page);
  await control('enqueue', { text: ['An answer about to be replaced.'] });
  await ask(page, 'A question asked twice');
  await finished(page);
  const facts = await control('facts/plain_text');

  // Only the last answer, once ended, offers it; it is a labelled button, reached from the keyboard.
  const regenerate = page.locator('button.regenerate:visible');
  assert.equal(await regenerate.count(), 1);
  assert.equal(await lastAnswer(page).locator('button.regenerate').isVisible(), true);
  assert.equal(await regenerate.getAttribute('aria-label'), 'Regenerate this answer');
  const replaced = await lastAnswer(page).getAttribute('data-message-id');

  await control('enqueue', { transcript: 'long_text', gate: 'regen', freeParts: 5 });
  await regenerate.focus();
  await page.keyboard.press('Enter');
  await waitFor(async () => (await lastAnswer(page).locator('.body').textContent()).includes('Part 03'), 'the new answer streaming');
  assert.equal(await page.locator('article.assistant').count(), 2, 'the new answer is not in its own place');
  assert.equal(await page.locator('article.user').count(), 2, 'the question is shown twice');
  assert.equal((await lastAnswer(page).locator('.body').textContent()).includes('about to be replaced'), false);
  assert.equal(await page.locator('button.regenerate:visible').count(), 0, 'Regenerate offered while streaming');
  await shot(page, 'ux-12-regenerating.png');
  await control('gates/regen/open', {});
  await finished(page);
  const longText = (await control('facts/long_text')).text.trim();
  assert.equal(await lastAnswer(page).locator('.body').textContent(), longText);
  const fresh = await lastAnswer(page).getAttribute('data-message-id');
  assert.ok(fresh && fresh !== replaced, `the new answer's id: ${fresh}`);
  assert.equal(await page.locator('button.regenerate:visible').count(), 1);

  // Claude was asked the latest question again, without the answer it replaces.
  const sent = (await lastClaudeRequest()).messages.map(m => (typeof m.content === 'string' ? m.content
    : m.content.map(b => b.text ?? '').join('')).trim());
  assert.deepEqual(sent, ['A question kept as it is', facts.text.trim(), 'A question asked twice']);

  // After a reload the conversation shows the new answer only, in the old one's place.
  await page.reload();
  await page.locator(`article.assistant[data-message-id="${fresh}"]`).waitFor();
  assert.equal(await page.locator('article.assistant').count(), 2);
  assert.deepEqual(await page.locator('article.user .body').allTextContents(), ['A question kept as it is', 'A question asked twice']);
  assert.equal(await lastAnswer(page).locator('.body').textContent(), longText);
  assert.equal(await page.locator(`article[data-message-id="${replaced}"]`).count(), 0);
  assert.equal(await page.locator('button.regenerate:visible').count(), 1);
  assert.deepEqual(problems, []);
  await page.close();
});

test('images and PDFs are attached by button, paste and drop, shown as chips the keyboard removes, sent, and shown again after a reload', async () => {
  const { page, problems } = await open();
  // The button opens the file picker; Playwright hands the picker's files straight to its input.
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.focus('#attach').then(() => page.keyboard.press('Enter'))]);
  assert.equal(chooser.isMultiple(), true);
  await chooser.setFiles([pngFile('red pixel.png'), pdfFile('paper.pdf'), pngFile('extra.png')]);
  await page.locator('.chip').nth(2).waitFor();
  assert.deepEqual(await page.locator('.chip-name').allTextContents(), ['red pixel.png', 'paper.pdf', 'extra.png']);
  assert.equal(await page.locator('.chip img.chip-thumb').count(), 2);
  assert.equal(await page.locator('.chip .file-kind').textContent(), 'PDF');

  // A refused file is said at once, and not added.
  await page.setInputFiles('#file-input', [{ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hi') },
    { name: 'huge.png', mimeType: 'image/png', buffer: Buffer.alloc(800_000) }]);
  const problem = page.locator('#attach-problem');
  await problem.waitFor();
  assert.match(await problem.textContent(), /“notes\.txt” was not added: only images \(PNG, JPEG, GIF, WebP\) and PDFs can be sent\./);
  assert.match(await problem.textContent(), /“huge\.png” was not added: it has 800 KB, and a file may have at most 750 KB\./);
  assert.equal(await problem.getAttribute('role'), 'alert');
  assert.equal(await page.locator('.chip').count(), 3);
  await shot(page, 'ux-13-chips-refused.png');

  // From the message box, Shift+Tab reaches Attach, then the last chip's remove button, with a visible focus;
  // Enter removes that chip and the focus stays on the chips.
  await page.focus('#input');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'attach');
  await page.keyboard.press('Shift+Tab');
  const focused = () => page.evaluate(() => {
    const e = document.activeElement;
    const style = getComputedStyle(e);
    return { label: e.getAttribute('aria-label'), outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 };
  });
  assert.deepEqual(await focused(), { label: 'Remove extra.png', outline: true });
  await page.keyboard.press('Enter');
  assert.deepEqual(await page.locator('.chip-name').allTextContents(), ['red pixel.png', 'paper.pdf']);
  assert.deepEqual(await focused(), { label: 'Remove paper.pdf', outline: true });
  assert.equal(await problem.isHidden(), true);

  // Pasted into the message box, dropped on the chat.
  await pasteOrDrop(page, 'paste', 'pasted.png', 'image/png', PIXEL);
  await pasteOrDrop(page, 'drop', 'dropped.pdf', 'application/pdf', Buffer.from('%PDF-1.4\n%%EOF\n').toString('base64'));
  assert.deepEqual(await page.locator('.chip-name').allTextContents(), ['red pixel.png', 'paper.pdf', 'pasted.png', 'dropped.pdf']);

  // Files without words are not sent.
  await page.press('#input', 'Enter');
  assert.equal(await problem.textContent(), 'Write a message to send with the files.');
  assert.equal(await page.locator('article.user').count(), 0);

  for (const [theme, width] of [['light', null], ['dark', null], ['dark', PHONE], ['light', PHONE]]) {
    await page.selectOption('#theme', theme).catch(() => page.evaluate(t => { localStorage.setItem('claude-sse.theme', t); document.documentElement.dataset.theme = t; }, theme));
    if (width) await page.setViewportSize(width);
    await page.waitForTimeout(200);
    await shot(page, `ux-14-chips-${theme}${width ? '-phone' : ''}.png`);
    await page.setViewportSize({ width: 1100, height: 760 });
  }
  await page.selectOption('#theme', 'system');

  await control('enqueue', { transcript: 'plain_text' });
  await ask(page, 'What are these?');
  await finished(page);
  assert.equal(await page.locator('.chip').count(), 0, 'the chips went with the message');
  const sent = (await lastClaudeRequest()).messages.at(-1).content;
  assert.deepEqual(sent.map(b => [b.type, b.source?.media_type ?? null]), [['image', 'image/png'],
    ['document', 'application/pdf'], ['image', 'image/png'], ['document', 'application/pdf'], ['text', null]]);
  assert.equal(sent[0].source.data, PIXEL);
  assert.equal(sent.at(-1).text, 'What are these?');

  const question = page.locator('article.user').last();
  assert.deepEqual(await question.locator('img.thumb').evaluateAll(images => images.map(i => i.alt)), ['red pixel.png', 'pasted.png']);
  assert.deepEqual(await question.locator('.file-name').allTextContents(), ['paper.pdf', 'dropped.pdf']);
  await shot(page, 'ux-15-sent-light.png');

  // After a reload the saved conversation shows them again, from the server.
  await page.reload();
  const reloaded = page.locator('article.user').last();
  await reloaded.locator('img.thumb').nth(1).waitFor();
  await waitFor(() => reloaded.locator('img.thumb').evaluateAll(images => images.every(i => i.complete && i.naturalWidth === 96)),
    'the thumbnails loaded from the server');
  assert.match(await reloaded.locator('img.thumb').first().getAttribute('src'), /^api\/conversations\/[^/]+\/attachments\/[^/]+\/0$/);
  assert.deepEqual(await reloaded.locator('.file-name').allTextContents(), ['paper.pdf', 'dropped.pdf']);
  const pdf = await page.request.get(new URL(await reloaded.locator('a[download]').first().getAttribute('href'), page.url()).href);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  assert.match(pdf.headers()['content-disposition'], /^attachment;/);
  await shot(page, 'ux-16-reloaded-light.png');
  await page.selectOption('#theme', 'dark');
  await shot(page, 'ux-17-reloaded-dark.png');
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(300);
  await shot(page, 'ux-18-reloaded-dark-phone.png');
  await page.setViewportSize({ width: 1100, height: 760 });
  await page.selectOption('#theme', 'system');
  await page.evaluate(() => localStorage.removeItem('claude-sse.theme'));
  assert.deepEqual(problems, []);
  await page.close();
});
