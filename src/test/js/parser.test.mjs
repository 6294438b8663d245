// The event-stream parser of webapp/claude-sse.js, fed strings and bytes split in every way.
// Run: node --test src/test/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventStreamParser } from '../../../webapp/claude-sse.js';

/** Feeds the pieces in order, ends the stream, and returns the events seen. */
function parse(pieces, { end = true } = {}) {
  const events = [];
  const parser = new EventStreamParser(e => events.push(e));
  for (const piece of pieces) parser.feed(piece);
  if (end) parser.end();
  return { events, parser };
}

const utf8 = s => new TextEncoder().encode(s);

/** Every way to cut the bytes in two, plus one byte per read. */
function splits(bytes) {
  const ways = [];
  for (let i = 0; i <= bytes.length; i++) ways.push([bytes.slice(0, i), bytes.slice(i)]);
  ways.push(Array.from(bytes, b => Uint8Array.of(b)));
  return ways;
}

test('a simple event with type, id and data', () => {
  const { events, parser } = parse(['id: 1\nevent: chunk\ndata: {"text":"hi"}\n\n']);
  assert.deepEqual(events, [{ type: 'chunk', data: '{"text":"hi"}', id: '1' }]);
  assert.equal(parser.lastEventId, '1');
});

test('an event without a type is a message', () => {
  const { events } = parse(['data: x\n\n']);
  assert.deepEqual(events, [{ type: 'message', data: 'x', id: '' }]);
});

test('multi-line data is joined with LF, and only one leading space is removed', () => {
  const { events } = parse(['data: one\ndata:two\ndata:  three\ndata\n\n']);
  assert.equal(events[0].data, 'one\ntwo\n three\n');
});

test('comments are ignored and do not end an event', () => {
  const { events } = parse([': hello\ndata: a\n: another\ndata: b\n\n:\n\n']);
  assert.deepEqual(events.map(e => e.data), ['a\nb']);
});

test('an event without data is not dispatched, but its id still counts', () => {
  const { events, parser } = parse(['id: 7\nevent: chunk\n\ndata: later\n\n']);
  assert.deepEqual(events, [{ type: 'message', data: 'later', id: '7' }]);
  assert.equal(parser.lastEventId, '7');
});

test('the id persists until changed; an empty id resets it; an id with NUL is ignored', () => {
  const { events } = parse(['id: 3\ndata: a\n\ndata: b\n\nid\ndata: c\n\nid: 4\u00005\ndata: d\n\n']);
  assert.deepEqual(events.map(e => e.id), ['3', '3', '', '']);
});

test('retry takes ASCII digits only', () => {
  assert.equal(parse(['retry: 3000\n\n']).parser.retry, 3000);
  assert.equal(parse(['retry: 3s\n\n']).parser.retry, null);
  assert.equal(parse(['retry: 3000\nretry: x\n\n']).parser.retry, 3000);
});

test('unknown fields and a field without a colon are ignored', () => {
  const { events } = parse(['foo: bar\nevent\ndata: x\n\n']);
  assert.deepEqual(events, [{ type: 'message', data: 'x', id: '' }]);
});

test('a colon in the value is kept', () => {
  assert.equal(parse(['data: {"a":"b:c"}\n\n']).events[0].data, '{"a":"b:c"}');
});

test('LF, CR and CRLF all end lines, mixed in one stream', () => {
  const { events } = parse(['data: a\r\rdata: b\r\n\r\ndata: c\n\ndata: d\r\n\n']);
  assert.deepEqual(events.map(e => e.data), ['a', 'b', 'c', 'd']);
});

test('CRLF split across reads is one line end, not two', () => {
  // If the CR and LF were taken as two line ends, "data: a" would be dispatched after "\r" + "\n".
  const { events } = parse(['data: a\r', '\ndata: b\r', '\n\r', '\n']);
  assert.deepEqual(events.map(e => e.data), ['a\nb']);
});

test('CR at the end of a read followed by a non-LF', () => {
  const { events } = parse(['data: a\r', '\r', 'data: b\r', 'id: 2\r\r']);
  assert.deepEqual(events, [{ type: 'message', data: 'a', id: '' }, { type: 'message', data: 'b', id: '2' }]);
});

test('a leading BOM is skipped, in strings and in bytes; a later one is not', () => {
  assert.equal(parse(['\uFEFFdata: x\n\n']).events[0].data, 'x');
  const bom = Uint8Array.of(0xef, 0xbb, 0xbf);
  const { events } = parse([bom.slice(0, 2), bom.slice(2), utf8('data: x\n\n\uFEFFdata: y\n\n')]);
  // "\uFEFFdata" is an unknown field name, so the second event never gets data.
  assert.deepEqual(events.map(e => e.data), ['x']);
});

test('an unfinished event at the end of the stream is dropped', () => {
  const { events } = parse(['data: a\n\ndata: b\n']);
  assert.deepEqual(events.map(e => e.data), ['a']);
});

test('multi-byte UTF-8 split at every byte gives the same text', () => {
  const text = 'héllo مرحبا 你好 👋🌍 𝄞';
  const bytes = utf8(`id: 1\nevent: chunk\ndata: {"text":"${text}"}\r\n\r\n`);
  for (const pieces of splits(bytes)) {
    const { events } = parse(pieces);
    assert.equal(events.length, 1);
    assert.equal(JSON.parse(events[0].data).text, text);
    assert.equal(events[0].type, 'chunk');
  }
});

test('a whole server stream split at every byte gives the same events', () => {
  const stream = 'retry: 3000\n\n'
    + 'id: 1\nevent: start\ndata: {"messageId":"m1"}\n\n'
    + 'event: ping\ndata: {}\n\n'
    + ': a comment\r\n'
    + 'id: 2\r\nevent: chunk\r\ndata: {"text":"ä"}\r\n\r\n'
    + 'id: 3\revent: chunk\rdata: {"text":"😀"}\r\r'
    + 'id: 4\nevent: done\ndata: {"messageId":"m1","stopReason":"end_turn"}\n\n';
  const expected = [
    { type: 'start', data: '{"messageId":"m1"}', id: '1' },
    { type: 'ping', data: '{}', id: '1' },
    { type: 'chunk', data: '{"text":"ä"}', id: '2' },
    { type: 'chunk', data: '{"text":"😀"}', id: '3' },
    { type: 'done', data: '{"messageId":"m1","stopReason":"end_turn"}', id: '4' },
  ];
  for (const pieces of splits(utf8(stream))) {
    const { events, parser } = parse(pieces);
    assert.deepEqual(events, expected);
    assert.equal(parser.retry, 3000);
  }
});

test('string pieces split between CR and LF and inside a field name', () => {
  const stream = 'ev' + 'ent: a\r' + '\nda' + 'ta: 1\r' + '\n\r' + '\n';
  const pieces = ['ev', 'ent: a\r', '\nda', 'ta: 1\r', '\n\r', '\n'];
  assert.deepEqual(parse(pieces).events, parse([stream]).events);
  assert.deepEqual(parse(pieces).events, [{ type: 'a', data: '1', id: '' }]);
});

test('a long piece with many events is parsed in order', () => {
  let stream = '';
  for (let i = 1; i <= 2000; i++) stream += `id: ${i}\nevent: chunk\ndata: {"text":"${i} "}\n\n`;
  const { events } = parse([stream]);
  assert.equal(events.length, 2000);
  assert.equal(events[1999].id, '2000');
  assert.equal(events.map(e => JSON.parse(e.data).text).join(''),
    Array.from({ length: 2000 }, (_, i) => `${i + 1} `).join(''));
});

test('invalid UTF-8 becomes U+FFFD rather than an exception', () => {
  const bytes = new Uint8Array([...utf8('data: a'), 0xff, ...utf8('b\n\n')]);
  assert.equal(parse([bytes]).events[0].data, 'a\uFFFDb');
});
