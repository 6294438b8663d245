// v1/chat/completions and v1/models, OpenAI's Chat Completions dialect, driven by the real `openai` package
// against the real server and the fake Claude. Run by ClientIT (mvn verify).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BASE, control, cookieJar, saved, waitFor } from './support.mjs';

const DEPS = process.env.JS_DEPS;
if (!DEPS) throw new Error('JS_DEPS is not set: run through ClientIT (mvn verify)');
const require = createRequire(join(DEPS, 'x.js'));
const { default: OpenAI } = await import(pathToFileURL(require.resolve('openai')).href);

/** A client of one owner: the jar keeps the owner cookie the WAR hands out. */
function client(jar = cookieJar(), options = {}) {
  return new OpenAI({ baseURL: new URL('v1', BASE).href, apiKey: 'unused', fetch: jar.fetch, ...options });
}

const ask = text => [{ role: 'user', content: text }];
const messageId = completionId => completionId.replace(/^chatcmpl-/, '');

test('a streamed answer: the text exactly, then finish_reason and the usage chunk', async () => {
  const facts = await control('facts/plain_text');
  await control('enqueue', { transcript: 'plain_text', splitEvery: 3 }); // multi-byte text split across reads
  const stream = await client().chat.completions.create({ model: 'claude-sonnet-5-5', messages: ask('Hello'),
    stream: true, stream_options: { include_usage: true } });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  assert.equal(chunks.map(c => c.choices[0]?.delta.content ?? '').join(''), facts.text);
  assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '' });
  const id = chunks[0].id;
  assert.match(id, /^chatcmpl-[0-9a-f-]{36}$/);
  for (const c of chunks) {
    assert.equal(c.id, id);
    assert.equal(c.object, 'chat.completion.chunk');
    assert.equal(c.model, 'claude-sonnet-5-5');
  }
  const [finish, usage] = chunks.slice(-2);
  assert.equal(finish.choices[0].finish_reason, 'stop');
  assert.deepEqual(finish.choices[0].delta, {});
  assert.deepEqual(usage.choices, []);
  // plain_text: 25 input, 42 output, no cache, no thinking
  assert.deepEqual(usage.usage, { prompt_tokens: 25, completion_tokens: 42, total_tokens: 67,
    prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } });
  assert.ok(chunks.slice(0, -1).every(c => c.usage === null), 'usage: null on every chunk but the last');
});

test('reasoning_effort streams the thinking as reasoning_content, and counts it', async () => {
  const facts = await control('facts/adaptive_thinking');
  await control('enqueue', { transcript: 'adaptive_thinking' });
  const stream = await client().chat.completions.create({ messages: ask('Capital of Australia?'),
    reasoning_effort: 'medium', stream: true, stream_options: { include_usage: true } });
  let reasoning = '';
  let text = '';
  let usage;
  for await (const chunk of stream) {
    reasoning += chunk.choices[0]?.delta.reasoning_content ?? '';
    text += chunk.choices[0]?.delta.content ?? '';
    usage = chunk.usage ?? usage;
  }
  assert.equal(reasoning, facts.thinking);
  assert.equal(text, facts.text);
  assert.equal(usage.completion_tokens_details.reasoning_tokens, 85);
  const sent = await control('requests/last');
  assert.deepEqual(sent.thinking, { type: 'adaptive', display: 'summarized' });
  assert.deepEqual(sent.output_config, { effort: 'medium' });
});

test('the stream helper\'s finalChatCompletion assembles the answer, with cache reads as cached prompt tokens', async () => {
  const facts = await control('facts/cache_usage');
  await control('enqueue', { transcript: 'cache_usage' });
  const runner = client().chat.completions.stream({ messages: ask('Cached?'), stream_options: { include_usage: true } });
  const completion = await runner.finalChatCompletion();
  assert.equal(completion.object, 'chat.completion');
  assert.equal(completion.choices[0].message.role, 'assistant');
  assert.equal(completion.choices[0].message.content, facts.text);
  assert.equal(completion.choices[0].finish_reason, 'stop');
  // cache_usage: 12 input, 60 output, 3000 written to the cache, 500 read from it
  assert.deepEqual(completion.usage, { prompt_tokens: 3512, completion_tokens: 60, total_tokens: 3572,
    prompt_tokens_details: { cached_tokens: 500 }, completion_tokens_details: { reasoning_tokens: 0 } });
});

test('without stream, create() gives one chat.completion', async () => {
  const facts = await control('facts/two_message_deltas');
  await control('enqueue', { transcript: 'two_message_deltas', splitEvery: 5 });
  const completion = await client().chat.completions.create({ messages: ask('Count') });
  assert.equal(completion.object, 'chat.completion');
  assert.match(completion.id, /^chatcmpl-/);
  assert.equal(completion.model, 'claude-sonnet-5-5');
  assert.ok(Math.abs(completion.created - Date.now() / 1000) < 60, String(completion.created));
  assert.equal(completion.choices.length, 1);
  assert.equal(completion.choices[0].message.content, facts.text);
  assert.equal(completion.choices[0].finish_reason, 'length'); // Claude's max_tokens
  assert.deepEqual(completion.usage, { prompt_tokens: 15, completion_tokens: 27, total_tokens: 42,
    prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } });
});

test('messages, stop, top_p and images reach Claude in its own shape', async () => {
  await control('enqueue', { text: ['A red pixel.'] });
  const pixel = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
  const completion = await client().chat.completions.create({
    model: 'claude-haiku-4-5', max_completion_tokens: 300, top_p: 0.9, stop: ['END'], user: 'someone', seed: 1,
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'First question' },
      { role: 'assistant', content: 'First answer.' },
      { role: 'developer', content: [{ type: 'text', text: 'Answer in English.' }] },
      { role: 'user', content: [{ type: 'text', text: 'What is this?' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${pixel}` } },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } }] }],
  });
  assert.equal(completion.choices[0].message.content, 'A red pixel.');
  const sent = await control('requests/last');
  assert.equal(sent.model, 'claude-haiku-4-5');
  assert.equal(sent.max_tokens, 300);
  assert.equal(sent.top_p, 0.9);
  assert.deepEqual(sent.stop_sequences, ['END']);
  assert.equal(sent.system, 'Be brief.\n\nAnswer in English.');
  assert.equal(sent.temperature, undefined);
  assert.deepEqual(sent.messages.slice(0, 2), [{ role: 'user', content: 'First question' },
    { role: 'assistant', content: 'First answer.' }]);
  assert.deepEqual(sent.messages[2], { role: 'user', content: [
    { type: 'image', source: { type: 'base64', media_type: 'image/png', data: pixel } },
    { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    { type: 'text', text: 'What is this?' }] });
});

test('models.list() gives the allowed models, the default first', async () => {
  const models = [];
  for await (const model of client().models.list()) models.push(model);
  assert.equal(models[0].id, 'claude-sonnet-5-5');
  for (const m of models) {
    assert.equal(m.object, 'model');
    assert.equal(m.owned_by, 'anthropic');
    assert.equal(typeof m.created, 'number');
  }
  const ours = await (await fetch(new URL('api/models', BASE))).json();
  assert.deepEqual(models.map(m => m.id), ours.models.map(m => m.id));
});

test('what Claude cannot honour is a 400 the SDK raises as BadRequestError, naming the parameter', async () => {
  const openai = client();
  for (const [extra, param] of [[{ n: 2 }, 'n'],
    [{ tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }] }, 'tools'],
    [{ response_format: { type: 'json_object' } }, 'response_format'],
    [{ logprobs: true }, 'logprobs'],
    [{ presence_penalty: 0.5 }, 'presence_penalty']]) {
    await assert.rejects(openai.chat.completions.create({ messages: ask('Hi'), ...extra }), error => {
      assert.ok(error instanceof OpenAI.BadRequestError, String(error));
      assert.equal(error.status, 400);
      assert.equal(error.type, 'invalid_request_error');
      assert.equal(error.param, param);
      assert.ok(error.message.length > 10, error.message);
      return true;
    }, JSON.stringify(extra));
  }
  await assert.rejects(openai.chat.completions.create({ model: 'claude-sonnet-4', messages: ask('Hi') }),
    error => error instanceof OpenAI.BadRequestError && /claude-sonnet-4/.test(error.message));
  await assert.rejects(openai.chat.completions.create({ messages: ask('Hi') }, { headers: { 'Claude-SSE-Conversation': 'not ok!' } }),
    OpenAI.BadRequestError);
});

test('a mid-stream overloaded error surfaces as an APIError after the text shown', async () => {
  await control('enqueue', { transcript: 'overloaded_midstream' });
  const stream = await client().chat.completions.create({ messages: ask('Hi'), stream: true });
  let text = '';
  await assert.rejects(async () => {
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  }, error => {
    assert.ok(error instanceof OpenAI.APIError, String(error));
    assert.equal(error.code, 'overloaded');
    assert.equal(error.type, 'server_error');
    assert.match(error.message, /overload/i);
    return true;
  });
  assert.equal(text, 'This answer will be interrupted');
  // without stream, the same failure is the whole response: 503, which clients may retry
  await control('enqueue', { transcript: 'overloaded_midstream' });
  await assert.rejects(client(cookieJar(), { maxRetries: 0 }).chat.completions.create({ messages: ask('Hi') }), error => {
    assert.ok(error instanceof OpenAI.InternalServerError, String(error));
    assert.equal(error.status, 503);
    assert.equal(error.code, 'overloaded');
    return true;
  });
});

test('an abort stops Claude within about a second, and the answer is saved as stopped', async () => {
  await control('enqueue', { transcript: 'long_text', gate: 'oa-abort', freeParts: 6 });
  const jar = cookieJar();
  const stream = await client(jar).chat.completions.create({ messages: ask('Long'), stream: true });
  let text = '';
  let id;
  for await (const chunk of stream) {
    id = chunk.id;
    text += chunk.choices[0]?.delta.content ?? '';
    if (text.includes('Part 03')) stream.controller.abort();
  }
  const abortedAt = Date.now();
  await control('gates/oa-abort/release?n=5', {}); // Claude goes on writing: the server finds the client gone
  const { closedAt } = await control('closed');
  const took = closedAt - abortedAt;
  console.log(`Claude's call closed ${took} ms after the abort`);
  assert.ok(took < 2000, `Claude's call closed ${took} ms after the abort`);
  const answer = await waitFor(async () => {
    const s = await saved(jar.owner(), messageId(id));
    return s && s.status === 'stopped' ? s : null;
  }, 'the answer to be saved as stopped');
  assert.equal(answer.stopReason, 'stopped');
  assert.ok(answer.text.startsWith('Part 01 of a long answer. Part 02 of a long answer. Part 03'), answer.text);
});

test('answers are saved with their cost; the Claude-SSE-Conversation header groups calls', async () => {
  const jar = cookieJar();
  const openai = client(jar);
  const grouped = { headers: { 'Claude-SSE-Conversation': 'oa-grouped' } };
  await control('enqueue', { text: ['One.'] });
  const first = await openai.chat.completions.create({ messages: ask('Question one') }, grouped);
  await control('enqueue', { text: ['Two', '.'] });
  const second = await openai.chat.completions.create({ messages: [...ask('Question one'),
    { role: 'assistant', content: 'One.' }, ...ask('Question two')], stream: true }, grouped);
  for await (const chunk of second) void chunk;
  await control('enqueue', { text: ['Alone.'] });
  await openai.chat.completions.create({ messages: ask('Question alone') }); // no header: a conversation of its own
  const list = await (await jar.fetch(new URL('api/conversations', BASE))).json();
  assert.equal(list.conversations.length, 2, JSON.stringify(list));
  const detail = await waitFor(async () => {
    for (const c of list.conversations) {
      const d = await (await jar.fetch(new URL(`api/conversations/${c.id}`, BASE))).json();
      if (d.messageCount === 4 && d.messages.every(m => m.status === 'complete')) return d;
    }
    return null;
  }, 'the grouped conversation with both answers saved');
  assert.ok(detail.id.startsWith('ui-'), detail.id); // a name names one conversation of its owner, whichever endpoint uses it
  assert.deepEqual(detail.messages.map(m => [m.role, m.text]), [['user', 'Question one'], ['assistant', 'One.'],
    ['user', 'Question two'], ['assistant', 'Two.']]);
  assert.equal(detail.messages[1].id, messageId(first.id));
  assert.ok(detail.messages.filter(m => m.role === 'assistant').every(m => Number(m.cost) > 0), JSON.stringify(detail.messages));
  assert.ok(Number(detail.totalCost) > 0, String(detail.totalCost));
  // another owner naming the same conversation gets one of its own
  const other = cookieJar();
  await control('enqueue', { text: ['Elsewhere.'] });
  await client(other).chat.completions.create({ messages: ask('Same name') }, grouped);
  const theirs = await (await other.fetch(new URL('api/conversations', BASE))).json();
  assert.equal(theirs.conversations.length, 1);
  assert.notEqual(theirs.conversations[0].id, detail.id);
});
