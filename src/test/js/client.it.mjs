// webapp/claude-sse.js against the real server (embedded Tomcat) and a fake Claude, both started by ClientIT.
// Run through Maven: mvn verify -Dit.test=ClientIT
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chat, resume } from '../../../webapp/claude-sse.js';
import { BASE, control, saved, cookieJar, recordingFetch, waitFor, startProxy } from './support.mjs';

const proxies = [];
after(() => Promise.all(proxies.map(p => p.close())));

async function proxy(options) {
  const p = await startProxy(BASE, options);
  proxies.push(p);
  return p;
}

/** The text of the first n deltas of transcripts/long_text.sse. */
function longTextParts(n) {
  let text = '';
  for (let k = 1; k <= n; k++) text += `Part ${String(k).padStart(2, '0')} of a long answer. `;
  return text;
}

function collect() {
  const events = [];
  const on = { event: e => events.push(e) };
  return { events, on, types: () => events.map(e => e.type) };
}

test('events arrive in order, with ids 1, 2, 3, and the exact text', async () => {
  const facts = await control('facts/plain_text');
  await control('enqueue', { transcript: 'plain_text' });
  const jar = cookieJar();
  const seen = collect();
  const answer = chat({ message: 'hi', baseUrl: BASE, fetch: jar.fetch, on: seen.on });
  const result = await answer.finished;

  assert.equal(result.outcome, 'done');
  const types = seen.types();
  assert.equal(types[0], 'start');
  assert.deepEqual(types.slice(-2), ['cost', 'done']);
  assert.ok(types.slice(1, -2).every(t => t === 'chunk'), types.join(','));
  assert.deepEqual(seen.events.map(e => e.id), seen.events.map((_, i) => i + 1));
  assert.equal(result.text, facts.text);
  assert.equal(result.stopReason, facts.stopReason);
  assert.equal(result.messageId, seen.events[0].data.messageId);
  assert.ok(Number(result.cost.totalCost) > 0, JSON.stringify(result.cost));
  assert.equal(result.cost.currency, 'USD');
  const stored = await saved(jar.owner(), result.messageId);
  assert.equal(stored.text, facts.text);
});

test('multi-byte text split across network reads arrives intact', async () => {
  const facts = await control('facts/plain_text');
  await control('enqueue', { transcript: 'plain_text' });
  const slow = await proxy({ slice: 3 });
  const reads = [];
  const answer = chat({
    message: 'hi', baseUrl: slow.url, fetch: recordingFetch(cookieJar().fetch, reads),
  });
  const result = await answer.finished;
  assert.equal(result.outcome, 'done');
  assert.equal(result.text, facts.text);

  // Prove that the reads really did cut characters apart: some read ended inside a UTF-8 sequence.
  let offset = 0;
  let cutInside = 0;
  const all = new Uint8Array(reads.reduce((n, r) => n + r.length, 0));
  for (const r of reads) { all.set(r, offset); offset += r.length; }
  offset = 0;
  for (const r of reads.slice(0, -1)) {
    offset += r.length;
    if ((all[offset] & 0xc0) === 0x80) cutInside++;
  }
  assert.ok(reads.length > 20, `only ${reads.length} reads`);
  assert.ok(cutInside > 0, 'no read ended inside a multi-byte character');
});

test('a dropped connection resumes from the last event id, with the exact text', async () => {
  const facts = await control('facts/long_text');
  // message_start, content_block_start and 10 deltas go at once; the rest waits for the gate.
  await control('enqueue', { transcript: 'long_text', gate: 'drop', freeParts: 12 });
  const net = await proxy();
  const reconnects = [];
  const answer = chat({
    message: 'hi', baseUrl: net.url, fetch: cookieJar().fetch, backoffMs: 100,
    on: { reconnecting: r => reconnects.push(r) },
  });
  await waitFor(() => answer.text.includes('Part 10'), 'the first 10 parts');
  assert.equal(answer.text, longTextParts(10));
  const idBeforeDrop = answer.lastEventId;
  net.drop();
  await control('gates/drop/open', {});
  const result = await answer.finished;

  assert.equal(result.outcome, 'done');
  assert.equal(result.text, facts.text); // nothing lost, nothing twice
  assert.ok(reconnects.length >= 1, 'the client did not reconnect');
  const resumed = net.requests.filter(r => r.method === 'GET' && r.path.endsWith(`/api/chat/${result.messageId}/stream`));
  assert.ok(resumed.length >= 1, JSON.stringify(net.requests));
  assert.equal(resumed[0].lastEventId, String(idBeforeDrop));
});

test('when the server stays out of reach the client gives up with a clear error', async () => {
  await control('enqueue', { transcript: 'long_text', gate: 'away', freeParts: 6 });
  const net = await proxy();
  const reconnects = [];
  const answer = chat({
    message: 'hi', baseUrl: net.url, fetch: cookieJar().fetch, retries: 2, backoffMs: 50,
    on: { reconnecting: r => reconnects.push(r) },
  });
  await waitFor(() => answer.text.includes('Part 04'), 'the first 4 parts');
  net.refuse(true);
  net.drop();
  const result = await answer.finished;
  await control('gates/away/open', {});

  assert.equal(result.outcome, 'error');
  assert.equal(result.error.type, 'connection_lost');
  assert.match(result.error.message, /could not resume it after 2 tries/);
  assert.equal(result.error.retryable, true);
  assert.deepEqual(reconnects.map(r => r.delayMs), [50, 100]);
  assert.equal(result.text, longTextParts(4)); // what was shown stays
});

test('a connection the network broke does not disturb the next answers', async () => {
  // The server finds out about the broken connection when it next writes to it, just as another
  // answer starts: that write must not touch the other answer's response (it once ended it early).
  for (let i = 0; i < 8; i++) {
    await control('enqueue', { transcript: 'long_text', gate: `broken${i}`, freeParts: 6 });
    const net = await proxy();
    const broken = chat({ message: 'hi', baseUrl: net.url, fetch: cookieJar().fetch, retries: 0 });
    await waitFor(() => broken.text.includes('Part 04'), 'the first 4 parts');
    net.refuse(true);
    net.drop();
    await broken.finished;
    await control(`gates/broken${i}/open`, {});
    await control('enqueue', { transcript: 'plain_text' });
    const next = await chat({ message: 'hi', baseUrl: BASE, fetch: cookieJar().fetch }).finished;
    assert.equal(next.outcome, 'done', `round ${i}: ${JSON.stringify(next.error)}`);
  }
});

test('stop() stops Claude: cost, then done "stopped", and the saved text is the text shown', async () => {
  await control('enqueue', { transcript: 'long_text', gate: 'stop', freeParts: 7 });
  const jar = cookieJar();
  const seen = collect();
  const answer = chat({ message: 'hi', baseUrl: BASE, fetch: jar.fetch, on: seen.on });
  await waitFor(() => answer.text.includes('Part 05'), 'the first 5 parts');
  const reply = await answer.stop();
  const result = await answer.finished;

  assert.equal(reply.messageId, result.messageId);
  assert.ok(['stopped', 'stopping'].includes(reply.state), JSON.stringify(reply));
  assert.equal(result.outcome, 'done');
  assert.equal(result.stopReason, 'stopped');
  assert.deepEqual(seen.types().slice(-2), ['cost', 'done']);
  assert.equal(result.cost.estimated, true);
  assert.equal(result.text, longTextParts(5));
  const stored = await saved(jar.owner(), result.messageId);
  assert.equal(stored.status, 'stopped');
  assert.equal(stored.text, result.text);
});

test('an AbortSignal stops the answer the same way', async () => {
  await control('enqueue', { transcript: 'long_text', gate: 'abort', freeParts: 5 });
  const controller = new AbortController();
  const answer = chat({ message: 'hi', baseUrl: BASE, fetch: cookieJar().fetch, signal: controller.signal });
  await waitFor(() => answer.text.includes('Part 03'), 'the first 3 parts');
  controller.abort();
  const result = await answer.finished;
  assert.equal(result.outcome, 'done');
  assert.equal(result.stopReason, 'stopped');
  assert.equal(result.text, longTextParts(3));
});

test('stop() before the start event is sent as soon as the answer has an id', async () => {
  await control('enqueue', { transcript: 'long_text', gate: 'early', freeParts: 2 });
  const answer = chat({ message: 'hi', baseUrl: BASE, fetch: cookieJar().fetch });
  answer.stop();
  const result = await answer.finished;
  assert.equal(result.stopReason, 'stopped');
  assert.equal(result.text, '');
});

test('resume() replays a finished answer after any event id', async () => {
  const facts = await control('facts/plain_text');
  await control('enqueue', { transcript: 'plain_text' });
  const jar = cookieJar();
  const first = await chat({ message: 'hi', baseUrl: BASE, fetch: jar.fetch }).finished;
  const fromStart = await resume(first.messageId, 0, { baseUrl: BASE, fetch: jar.fetch }).finished;
  assert.equal(fromStart.text, facts.text);

  const seen = collect();
  const later = await resume(first.messageId, 3, { baseUrl: BASE, fetch: jar.fetch, on: seen.on }).finished;
  assert.equal(seen.events[0].id, 4);
  assert.ok(facts.text.endsWith(later.text) && later.text.length < facts.text.length, later.text);
  assert.equal(later.outcome, 'done');
});

test('another owner cannot resume the answer: a clear error, no retries', async () => {
  await control('enqueue', { transcript: 'plain_text' });
  const first = await chat({ message: 'hi', baseUrl: BASE, fetch: cookieJar().fetch }).finished;
  const reconnects = [];
  const stranger = await resume(first.messageId, 0, {
    baseUrl: BASE, fetch: cookieJar().fetch, on: { reconnecting: r => reconnects.push(r) },
  }).finished;
  assert.equal(stranger.outcome, 'error');
  assert.equal(stranger.error.status, 404);
  assert.equal(stranger.error.type, 'not_found');
  assert.equal(reconnects.length, 0);
});

test('a refused request becomes an error event, not an exception', async () => {
  const seen = collect();
  const result = await chat({ message: '   ', baseUrl: BASE, fetch: cookieJar().fetch, on: seen.on }).finished;
  assert.equal(result.outcome, 'error');
  assert.equal(result.error.status, 400);
  assert.equal(result.error.type, 'invalid_request');
  assert.deepEqual(seen.types(), ['error']);
});

test('an upstream error arrives as the terminal error event', async () => {
  await control('enqueue', { error: { status: 400, type: 'invalid_request_error', message: 'prompt is too long' } });
  const seen = collect();
  const result = await chat({ message: 'hi', baseUrl: BASE, fetch: cookieJar().fetch, on: seen.on }).finished;
  assert.equal(result.outcome, 'error');
  assert.equal(result.error.type, 'invalid_request');
  assert.equal(result.error.retryable, false);
  assert.match(result.error.message, /prompt is too long/);
  assert.equal(seen.types()[0], 'start');
  assert.equal(seen.types().at(-1), 'error');
});

test('the server being unreachable before the start is a connection error', async () => {
  const net = await proxy();
  net.refuse(true);
  const result = await chat({ message: 'hi', baseUrl: net.url, fetch: cookieJar().fetch }).finished;
  assert.equal(result.outcome, 'error');
  assert.equal(result.error.type, 'connection_failed');
  assert.equal(result.error.retryable, true);
});
