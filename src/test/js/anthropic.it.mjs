// v1/messages, Claude's own Messages API served by the WAR, driven by the official `@anthropic-ai/sdk`
// against the real server and the fake Claude. Run by ClientIT (mvn verify).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BASE, control, cookieJar, saved, waitFor } from './support.mjs';

const DEPS = process.env.JS_DEPS;
if (!DEPS) throw new Error('JS_DEPS is not set: run through ClientIT (mvn verify)');
const require = createRequire(join(DEPS, 'x.js'));
const Anthropic = require('@anthropic-ai/sdk');

const MODEL = 'claude-sonnet-5-5';

/** A client as a server-side app would make one, with the base URL of the WAR; the key is not Claude's. */
function client(jar, options = {}) {
  return new Anthropic({ baseURL: BASE, apiKey: 'not-a-claude-key', fetch: jar.fetch, maxRetries: 0, ...options });
}

const ask = (text, extra = {}) => ({ model: MODEL, max_tokens: 1024, messages: [{ role: 'user', content: text }], ...extra });
const textOf = message => message.content.filter(b => b.type === 'text').map(b => b.text).join('');

test('messages.stream() gives the whole text and Claude\'s usage, saved with its cost for this owner', async () => {
  const facts = await control('facts/plain_text');
  await control('enqueue', { transcript: 'plain_text', splitEvery: 3 }); // multi-byte text split across reads
  const jar = cookieJar();
  const stream = client(jar).messages.stream(ask('Hello'));
  const deltas = [];
  stream.on('text', t => deltas.push(t));
  const message = await stream.finalMessage();
  assert.equal(textOf(message), facts.text);
  assert.equal(deltas.join(''), facts.text);
  assert.equal(message.stop_reason, 'end_turn');
  assert.equal(message.usage.input_tokens, 25);
  assert.equal(message.usage.output_tokens, 42);
  assert.equal(message.id, 'msg_01FakePlainText00000001', 'Claude\'s own message, as it came');
  const { response, request_id: requestId } = await stream.withResponse();
  assert.equal(response.headers.get('request-id'), requestId);

  const stored = await waitFor(async () => {
    const s = await saved(jar.owner(), requestId);
    return s?.status === 'complete' ? s : null;
  }, 'the answer to be saved');
  assert.equal(stored.text, facts.text);
  const list = await (await jar.fetch(new URL('api/conversations', BASE))).json();
  const detail = await (await jar.fetch(new URL(`api/conversations/${list.conversations[0].id}`, BASE))).json();
  assert.deepEqual(detail.messages.map(m => [m.role, m.text]), [['user', 'Hello'], ['assistant', facts.text]]);
  assert.ok(Number(detail.totalCost) > 0, `cost ${detail.totalCost}`);
});

test('thinking comes as Claude\'s thinking block, with its signature', async () => {
  const facts = await control('facts/adaptive_thinking');
  await control('enqueue', { transcript: 'adaptive_thinking' });
  const message = await client(cookieJar()).messages.stream(ask('Think first', { thinking: { type: 'adaptive' } }))
    .finalMessage();
  const thinking = message.content.find(b => b.type === 'thinking');
  assert.equal(thinking.thinking, facts.thinking);
  assert.ok(thinking.signature.length > 0);
  assert.equal(textOf(message), facts.text);
  const sent = await control('requests/last');
  assert.deepEqual(sent.thinking, { type: 'adaptive' }, 'the body went to Claude as sent');
});

test('a tool-use answer keeps its tool block and input; tools and tool results go to Claude as sent', async () => {
  await control('enqueue', { transcript: 'tool_use' });
  const tools = [{ name: 'get_weather', description: 'Weather in a city', input_schema: { type: 'object',
    properties: { city: { type: 'string' }, unit: { type: 'string' } }, required: ['city'] } }];
  const message = await client(cookieJar()).messages.stream(ask('Weather in Paris?', { tools })).finalMessage();
  assert.equal(message.stop_reason, 'tool_use');
  const use = message.content.find(b => b.type === 'tool_use');
  assert.equal(use.name, 'get_weather');
  assert.deepEqual(use.input, { city: 'Paris', unit: 'celsius' });
  assert.deepEqual((await control('requests/last')).tools, tools);

  await control('enqueue', { text: ['It is 18 °C in Paris.'] });
  const followUp = await client(cookieJar()).messages.create({ model: MODEL, max_tokens: 1024, tools, messages: [
    { role: 'user', content: 'Weather in Paris?' },
    { role: 'assistant', content: message.content },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '18 °C' }] }] });
  assert.equal(textOf(followUp), 'It is 18 °C in Paris.');
  assert.deepEqual((await control('requests/last')).messages[2].content,
    [{ type: 'tool_result', tool_use_id: use.id, content: '18 °C' }]);
});

test('a mid-stream overloaded error is the SDK\'s APIError, after the text shown', async () => {
  await control('enqueue', { transcript: 'overloaded_midstream' });
  const stream = client(cookieJar()).messages.stream(ask('Hi'));
  const deltas = [];
  stream.on('text', t => deltas.push(t));
  await assert.rejects(stream.finalMessage(), e => e instanceof Anthropic.APIError && /overloaded/i.test(e.message));
  assert.equal(deltas.join(''), 'This answer will be interrupted');
});

test('a 529 before any text is retried by the server, unseen by the SDK', async () => {
  const facts = await control('facts/plain_text');
  await control('enqueue', { error: { status: 529, type: 'overloaded_error', message: 'Overloaded' },
    headers: { 'retry-after-ms': '50' } });
  await control('enqueue', { transcript: 'plain_text' });
  const message = await client(cookieJar()).messages.stream(ask('Hi')).finalMessage();
  assert.equal(textOf(message), facts.text);
});

test('stream.abort() stops Claude within a second and saves the text as stopped', async () => {
  await control('enqueue', { transcript: 'long_text', gate: 'anthropic-abort', freeParts: 8, delayMs: 50 });
  const jar = cookieJar();
  const stream = client(jar).messages.stream(ask('Long'));
  const deltas = [];
  stream.on('text', t => deltas.push(t));
  const ended = stream.finalMessage().then(() => null, e => e);
  await waitFor(() => deltas.join('').includes('Part 05'), 'five parts of text');
  const abortedAt = Date.now();
  stream.abort();
  assert.ok((await ended) instanceof Anthropic.APIUserAbortError);
  await control('gates/anthropic-abort/release?n=10', {}); // Claude goes on writing
  const { closedAt } = await control('closed');
  console.log(`# Claude's request was cancelled ${closedAt - abortedAt} ms after abort()`);
  assert.ok(closedAt - abortedAt < 1000, `cancelled ${closedAt - abortedAt} ms after abort()`);
  const { request_id: requestId } = await stream.withResponse();
  const stored = await waitFor(async () => {
    const s = await saved(jar.owner(), requestId);
    return s?.status === 'stopped' ? s : null;
  }, 'the answer to be saved as stopped');
  assert.ok(stored.text.startsWith(deltas.join('')), `saved "${stored.text}", shown "${deltas.join('')}"`);
  await control('gates/anthropic-abort/open', {});
});

test('messages.create() without streaming gets Claude\'s JSON message', async () => {
  const facts = await control('facts/thinking');
  await control('enqueue', { transcript: 'thinking' });
  const message = await client(cookieJar()).messages.create(ask('17 × 23?',
    { thinking: { type: 'adaptive' } }));
  assert.equal(message.type, 'message');
  assert.equal(textOf(message), facts.text);
  assert.equal(message.content[0].thinking, facts.thinking);
  assert.equal(message.usage.output_tokens, 95);
});

test('calls named by Claude-SSE-Conversation land in one conversation of their owner', async () => {
  const jar = cookieJar();
  const grouped = client(jar, { defaultHeaders: { 'Claude-SSE-Conversation': 'support-ticket-42' } });
  await control('enqueue', { text: ['First.'] });
  await grouped.messages.create(ask('One'));
  await control('enqueue', { text: ['Second.'] });
  const { response } = await grouped.messages.create(ask('Two')).withResponse();
  const list = await (await jar.fetch(new URL('api/conversations', BASE))).json();
  assert.equal(list.conversations.length, 1, JSON.stringify(list));
  assert.equal(response.headers.get('claude-sse-conversation-id'), list.conversations[0].id);
  const detail = await waitFor(async () => {
    const d = await (await jar.fetch(new URL(`api/conversations/${list.conversations[0].id}`, BASE))).json();
    return d.messages.at(-1)?.status === 'complete' ? d : null;
  }, 'both answers saved');
  assert.deepEqual(detail.messages.map(m => m.text), ['One', 'First.', 'Two', 'Second.']);
  // another owner with the same name has a conversation of its own
  const other = cookieJar();
  await control('enqueue', { text: ['Elsewhere.'] });
  await client(other, { defaultHeaders: { 'Claude-SSE-Conversation': 'support-ticket-42' } }).messages.create(ask('Three'));
  const theirs = await (await other.fetch(new URL('api/conversations', BASE))).json();
  assert.notEqual(theirs.conversations[0].id, list.conversations[0].id);
});

test('refusals before any stream are Claude\'s error shape, raised as the SDK\'s errors', async () => {
  const sdk = client(cookieJar());
  await assert.rejects(sdk.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
    e => e instanceof Anthropic.BadRequestError && e.error.type === 'error' && e.error.error.type === 'invalid_request_error'
      && /claude-sonnet-5-5/.test(e.message));
  // (a large max_tokens without streaming the SDK refuses itself)
  await assert.rejects(sdk.messages.stream({ model: MODEL, max_tokens: 10_000_000, messages: [{ role: 'user', content: 'x' }] }).finalMessage(),
    e => e instanceof Anthropic.BadRequestError && /max_tokens/.test(e.message));
  await assert.rejects(sdk.messages.create({ model: MODEL, max_tokens: 10, messages: [] }),
    e => e instanceof Anthropic.BadRequestError && /messages/.test(e.message));
});
