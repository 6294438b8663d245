// An ended answer replayed from the store (docs/protocol.md: ids start again at 1 whatever Last-Event-ID
// said), followed by webapp/claude-sse.js against the real server. ClientIT starts the app for this file
// with CLAUDE_SSE_REPLAY_SECONDS=1, so an answer leaves the in-memory replay window a second after it ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chat, resume } from '../../../webapp/claude-sse.js';
import { BASE, control, cookieJar, waitFor } from './support.mjs';

/** True once GET api/chat/{id}/stream answers from the store (start with replayed: true). */
async function replayedFromStore(jar, messageId) {
  const response = await jar.fetch(new URL(`api/chat/${messageId}/stream`, BASE), { headers: { 'Last-Event-ID': '0' } });
  const body = await response.text();
  return /event: ?start\ndata: ?\{[^\n]*"replayed":true/.test(body);
}

test('an answer replayed from the store replaces the text, whatever the last event id was', async () => {
  const facts = await control('facts/long_text');
  await control('enqueue', { transcript: 'long_text' });
  const jar = cookieJar();
  const first = chat({ message: 'hi', baseUrl: BASE, fetch: jar.fetch });
  const live = await first.finished;
  assert.equal(live.outcome, 'done');
  assert.equal(live.text, facts.text);
  const lastId = first.lastEventId;
  assert.ok(lastId > 5, `only ${lastId} events`);

  await waitFor(() => replayedFromStore(jar, live.messageId), 'the answer to be replayed from the store', 15000);

  // A page that had the first 5 events, and one that had them all (a reload after a redeploy).
  for (const from of [5, lastId]) {
    const events = [];
    const reconnects = [];
    const answer = resume(live.messageId, from, {
      baseUrl: BASE, fetch: jar.fetch, retries: 2, backoffMs: 50,
      on: { event: e => events.push(e), reconnecting: r => reconnects.push(r) },
    });
    const result = await answer.finished;
    assert.equal(result.outcome, 'done', `from ${from}: ${JSON.stringify(result.error)}`);
    assert.equal(result.text, facts.text, `from ${from}`);
    assert.equal(result.stopReason, facts.stopReason);
    assert.equal(events[0].type, 'start');
    assert.equal(events[0].data.replayed, true);
    assert.deepEqual(events.map(e => e.id), events.map((_, i) => i + 1), `from ${from}`);
    assert.deepEqual(events.map(e => e.type), ['start', 'chunk', 'cost', 'done']);
    assert.equal(answer.lastEventId, events.length);
    assert.equal(reconnects.length, 0);
    assert.ok(Number(result.cost.totalCost) > 0, JSON.stringify(result.cost));
  }
});

test('text shown before the replay is replaced, not added to', async () => {
  await control('enqueue', { transcript: 'plain_text' });
  const facts = await control('facts/plain_text');
  const jar = cookieJar();
  const live = await chat({ message: 'hi', baseUrl: BASE, fetch: jar.fetch }).finished;
  await waitFor(() => replayedFromStore(jar, live.messageId), 'the answer to be replayed from the store', 15000);
  let shown = 'text a page kept from before';
  const result = await resume(live.messageId, 3, {
    baseUrl: BASE, fetch: jar.fetch, retries: 1, backoffMs: 50,
    on: { start: d => { if (d.replayed) shown = ''; }, chunk: d => { shown += d.text; } },
  }).finished;
  assert.equal(result.outcome, 'done');
  assert.equal(shown, facts.text);
  assert.equal(result.text, facts.text);
});
