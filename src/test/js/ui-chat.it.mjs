// api/ui/chat, the AI SDK's useChat dialect, driven by the real `ai` package (DefaultChatTransport and
// readUIMessageStream) against the real server and the fake Claude. Run by ClientIT (mvn verify).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BASE, control, cookieJar, saved, waitFor } from './support.mjs';

const DEPS = process.env.JS_DEPS;
if (!DEPS) throw new Error('JS_DEPS is not set: run through ClientIT (mvn verify)');
const require = createRequire(join(DEPS, 'x.js'));
const { DefaultChatTransport, readUIMessageStream } = await import(pathToFileURL(require.resolve('ai')).href);

const API = new URL('api/ui/chat', BASE).href;

function question(text, id = `u${Math.random().toString(36).slice(2)}`) {
  return { id, role: 'user', parts: [{ type: 'text', text }] };
}

/** Sends the messages as useChat would and reads the answer to its end: the assembled UIMessage. */
async function ask(jar, chatId, messages, body = {}, abortSignal) {
  const transport = new DefaultChatTransport({ api: API, fetch: jar.fetch, body });
  const stream = await transport.sendMessages({ chatId, messages, trigger: 'submit-message', messageId: undefined,
    abortSignal });
  const errors = [];
  let message;
  for await (const m of readUIMessageStream({ stream, onError: e => errors.push(e) })) message = m;
  return { message, errors };
}

const text = m => m.parts.filter(p => p.type === 'text').map(p => p.text).join('');
const reasoning = m => m.parts.filter(p => p.type === 'reasoning').map(p => p.text).join('');

test('a plain answer assembles into a UIMessage with the cost in its metadata', async () => {
  const facts = await control('facts/plain_text');
  await control('enqueue', { transcript: 'plain_text', splitEvery: 3 }); // multi-byte text split across reads
  const jar = cookieJar();
  const { message, errors } = await ask(jar, 'chat-plain', [question('Hello')]);
  assert.deepEqual(errors, []);
  assert.equal(message.role, 'assistant');
  assert.equal(text(message), facts.text);
  assert.equal(message.metadata.stopReason, 'end_turn');
  assert.equal(message.metadata.currency, 'USD');
  assert.equal(message.metadata.estimated, false);
  assert.ok(Number(message.metadata.totalCost) > 0, JSON.stringify(message.metadata));
  assert.ok(message.metadata.conversationId.startsWith('ui-'));
  assert.equal(typeof message.id, 'string');
  // the conversation is saved with its cost, under this owner only
  const list = await (await jar.fetch(new URL('api/conversations', BASE))).json();
  assert.ok(list.conversations.some(c => c.id === message.metadata.conversationId), JSON.stringify(list));
  const saved = await waitFor(async () => {
    const c = await (await jar.fetch(new URL(`api/conversations/${message.metadata.conversationId}`, BASE))).json();
    return c.messages?.[1]?.status === 'complete' ? c : null;
  }, 'the answer to be saved');
  assert.equal(saved.messages[1].text, facts.text);
});

test('thinking arrives as a reasoning part, apart from the text', async () => {
  const facts = await control('facts/thinking');
  await control('enqueue', { transcript: 'thinking' });
  const { message } = await ask(cookieJar(), 'chat-thinking', [question('17 × 23?')],
    { model: 'claude-haiku-4-5', thinking: true, maxTokens: 4000 });
  assert.equal(reasoning(message), facts.thinking);
  assert.equal(text(message), facts.text);
});

test('the client\'s messages are the conversation Claude hears', async () => {
  await control('enqueue', { text: ['Second answer.'] });
  const jar = cookieJar();
  const messages = [question('First question'),
    { id: 'a1', role: 'assistant', parts: [{ type: 'step-start' }, { type: 'text', text: 'First answer, edited.' }] },
    question('Second question')];
  await ask(jar, 'chat-history', messages);
  const sent = (await control('requests/last')).messages;
  assert.deepEqual(sent.map(m => [m.role, m.content]), [['user', 'First question'],
    ['assistant', 'First answer, edited.'], ['user', 'Second question']]);
});

test('regenerate: the new answer takes the old one\'s place in the stored conversation', async () => {
  const jar = cookieJar();
  const first = question('Tell me a joke');
  await control('enqueue', { text: ['First joke.'] });
  const { message: old } = await ask(jar, 'chat-regenerate', [first]);
  await control('enqueue', { text: ['Second joke.'] });
  // what useChat's regenerate() sends: the messages up to the question, no messageId
  const transport = new DefaultChatTransport({ api: API, fetch: jar.fetch });
  const stream = await transport.sendMessages({ chatId: 'chat-regenerate', messages: [first],
    trigger: 'regenerate-message', messageId: undefined });
  let again;
  for await (const m of readUIMessageStream({ stream })) again = m;
  assert.equal(text(again), 'Second joke.');
  const url = new URL(`api/conversations/${again.metadata.conversationId}`, BASE);
  const stored = await waitFor(async () => {
    const c = await (await jar.fetch(url)).json();
    return c.messages?.at(-1)?.status === 'complete' ? c : null;
  }, 'the new answer to be saved');
  assert.deepEqual(stored.messages.map(m => [m.role, m.text]), [['user', 'Tell me a joke'], ['assistant', 'Second joke.']]);
  assert.equal(stored.messages[1].id, again.id);
  assert.equal(stored.messages[1].replaces, old.id);
  const paid = Number(old.metadata.totalCost) + Number(again.metadata.totalCost);
  assert.ok(Number(old.metadata.totalCost) > 0 && Math.abs(Number(stored.totalCost) - paid) < 1e-12,
    `the replaced answer was paid for, and counts: ${stored.totalCost} vs ${paid}`);
});

test('a mid-stream overloaded error ends with an error chunk, after the text shown', async () => {
  await control('enqueue', { transcript: 'overloaded_midstream' });
  const { message, errors } = await ask(cookieJar(), 'chat-overloaded', [question('Hi')]);
  assert.equal(errors.length, 1, 'one error chunk');
  assert.match(String(errors[0].message ?? errors[0]), /overload/i);
  assert.equal(text(message), 'This answer will be interrupted');
});

test('a 529 before any text is retried, with a transient status, then succeeds', async () => {
  const facts = await control('facts/plain_text');
  await control('enqueue', { error: { status: 529, type: 'overloaded_error', message: 'Overloaded' }, headers: { 'retry-after-ms': '50' } });
  await control('enqueue', { transcript: 'plain_text' });
  const { message, errors } = await ask(cookieJar(), 'chat-retry', [question('Hi')]);
  assert.deepEqual(errors, []);
  assert.equal(text(message), facts.text);
  assert.ok(!message.parts.some(p => p.type === 'data-status'), 'a transient part stays out of the message');
});

test('reconnecting after the answer ended finds nothing (204), as useChat expects', async () => {
  await control('enqueue', { transcript: 'plain_text' });
  const jar = cookieJar();
  await ask(jar, 'chat-done', [question('Hi')]);
  const transport = new DefaultChatTransport({ api: API, fetch: jar.fetch });
  assert.equal(await transport.reconnectToStream({ chatId: 'chat-done' }), null);
  assert.equal(await transport.reconnectToStream({ chatId: 'never-asked' }), null);
});

test('bad input is a 4xx with a clear message, before any stream', async () => {
  const jar = cookieJar();
  for (const [body, status] of [[{ id: 'bad id!', messages: [question('x')] }, 400],
    [{ id: 'ok', messages: [] }, 400],
    [{ id: 'ok', messages: [{ id: 'm', role: 'user', parts: [{ type: 'file', mediaType: 'text/plain', url: 'data:text/plain;base64,AA==' }, { type: 'text', text: 'x' }] }] }, 400],
    [{ id: 'ok', messages: [{ id: 'm', role: 'user', parts: [{ type: 'file', mediaType: 'image/png', url: 'http://example.com/a.png' }, { type: 'text', text: 'x' }] }] }, 400],
    [{ id: 'ok', messages: [question('x')], model: 'claude-sonnet-4-5' }, 400]]) {
    const response = await jar.fetch(API, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(response.status, status, JSON.stringify(body));
    const error = (await response.json()).error;
    assert.ok(error.type && error.message, JSON.stringify(error));
  }
});

test('a reconnect during an answer replays it from its start and follows it to the end', async () => {
  const facts = await control('facts/long_text');
  await control('enqueue', { transcript: 'long_text', gate: 'ui-resume', freeParts: 6 });
  const jar = cookieJar();
  const first = new AbortController();
  const transport = new DefaultChatTransport({ api: API, fetch: jar.fetch });
  const stream = await transport.sendMessages({ chatId: 'chat-resume', messages: [question('Long')],
    trigger: 'submit-message', messageId: undefined, abortSignal: first.signal });
  const reader = stream.getReader();
  await reader.read(); // the start chunk: the answer runs
  // a page reload: useChat asks for the chat's stream on mount, within the grace period
  const resumed = await transport.reconnectToStream({ chatId: 'chat-resume' });
  assert.ok(resumed, 'a running answer is resumable');
  first.abort();
  await control('gates/ui-resume/open', {});
  let message;
  for await (const m of readUIMessageStream({ stream: resumed })) message = m;
  assert.equal(text(message), facts.text, 'the whole answer, nothing lost or doubled');
  assert.equal(message.metadata.stopReason, 'end_turn');
});

test('an abort (useChat\'s stop) stops Claude once the grace period passes, and saves the text as stopped', async () => {
  await control('enqueue', { transcript: 'long_text', gate: 'ui-abort', freeParts: 6 });
  const jar = cookieJar();
  const abort = new AbortController();
  const transport = new DefaultChatTransport({ api: API, fetch: jar.fetch });
  const stream = await transport.sendMessages({ chatId: 'chat-abort', messages: [question('Long')],
    trigger: 'submit-message', messageId: undefined, abortSignal: abort.signal });
  let last;
  try {
    for await (const m of readUIMessageStream({ stream })) {
      last = m;
      if (text(m).includes('Part 03')) abort.abort();
    }
  } catch {
    // the abort ends the read
  }
  const abortedAt = Date.now();
  await control('gates/ui-abort/release?n=2', {}); // Claude goes on writing: the server finds the browser gone
  const answer = await waitFor(async () => {
    const s = await saved(jar.owner(), last.id);
    return s && s.status === 'stopped' ? s : null;
  }, 'the answer to be stopped and saved', 10000);
  const took = Date.now() - abortedAt;
  assert.ok(took < 3000 + 2500, `stopped ${took} ms after the abort (grace 3 s)`);
  assert.ok(answer.text.startsWith('Part 01 of a long answer. Part 02'), answer.text);
});

test('files reach Claude as image and document blocks, before the question\'s text', async () => {
  await control('enqueue', { text: ['A red pixel and a PDF.'] });
  const pixel = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
  const message = { id: 'u-files', role: 'user', parts: [
    { type: 'file', mediaType: 'image/png', filename: 'pixel.png', url: `data:image/png;base64,${pixel}` },
    { type: 'file', mediaType: 'application/pdf', url: 'https://example.com/paper.pdf' },
    { type: 'text', text: 'What are these?' }] };
  await ask(cookieJar(), 'chat-files', [message]);
  const sent = (await control('requests/last')).messages;
  assert.deepEqual(sent.at(-1).content, [
    { type: 'image', source: { type: 'base64', media_type: 'image/png', data: pixel } },
    { type: 'document', source: { type: 'url', url: 'https://example.com/paper.pdf' } },
    { type: 'text', text: 'What are these?' }]);
});

test('too many files or one too large are refused before any stream', async () => {
  const jar = cookieJar();
  const file = { type: 'file', mediaType: 'image/png', url: 'data:image/png;base64,AA==' };
  const many = { id: 'ok', messages: [{ id: 'm', role: 'user', parts: [...Array(11)].map(() => file).concat([{ type: 'text', text: 'x' }]) }] };
  let response = await jar.fetch(API, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(many) });
  assert.equal(response.status, 400);
  assert.equal((await response.json()).error.type, 'too_many_attachments');
  const big = 'A'.repeat(1_000_004); // 750,003 bytes decoded: over the limit, under the body limit
  const large = { id: 'ok', messages: [{ id: 'm', role: 'user', parts: [{ ...file, url: `data:image/png;base64,${big}` }, { type: 'text', text: 'x' }] }] };
  response = await jar.fetch(API, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(large) });
  assert.equal(response.status, 413);
  assert.equal((await response.json()).error.type, 'attachment_too_large');
});
