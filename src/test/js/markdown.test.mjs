// The Markdown subset of webapp/markdown.js, checked on its plain-object output (no DOM needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMarkdown, inline, safeHref } from '../../../webapp/markdown.js';

const t = text => ({ type: 'text', text });

test('paragraphs are split by blank lines; single newlines are line breaks', () => {
  assert.deepEqual(parseMarkdown('one\ntwo\n\nthree'), [
    { type: 'paragraph', lines: [[t('one')], [t('two')]] },
    { type: 'paragraph', lines: [[t('three')]] },
  ]);
});

test('HTML in the text stays text', () => {
  const text = '<img src=x onerror=alert(1)> and <script>alert(2)</script>';
  assert.deepEqual(parseMarkdown(text), [{ type: 'paragraph', lines: [[t(text)]] }]);
});

test('fenced code keeps its text exactly, and an unclosed fence runs to the end', () => {
  assert.deepEqual(parseMarkdown('```js\nif (a < b) {\n  **x**\n}\n```\nafter'), [
    { type: 'code', lang: 'js', text: 'if (a < b) {\n  **x**\n}' },
    { type: 'paragraph', lines: [[t('after')]] },
  ]);
  assert.deepEqual(parseMarkdown('~~~\nstill streaming'), [{ type: 'code', lang: '', text: 'still streaming' }]);
});

test('bullet and ordered lists, nested by indentation', () => {
  const blocks = parseMarkdown('- a\n- b\n  - c\n- d\n\n3. x\n4. y');
  assert.equal(blocks.length, 2);
  const [bullets, numbers] = blocks;
  assert.equal(bullets.ordered, false);
  assert.equal(bullets.items.length, 3);
  assert.deepEqual(bullets.items[1][1], {
    type: 'list', ordered: false, start: 1, items: [[{ type: 'paragraph', lines: [[t('c')]] }]],
  });
  assert.equal(numbers.ordered, true);
  assert.equal(numbers.start, 3);
  assert.equal(numbers.items.length, 2);
});

test('a code block inside a list item', () => {
  const [list] = parseMarkdown('1. run:\n   ```\n   mvn verify\n   ```\n2. done');
  assert.deepEqual(list.items[0][1], { type: 'code', lang: '', text: 'mvn verify' });
  assert.equal(list.items.length, 2);
});

test('headings, quotes and rules', () => {
  assert.deepEqual(parseMarkdown('## Title ##\n> quoted\n> more\n\n---'), [
    { type: 'heading', level: 2, content: [t('Title')] },
    { type: 'quote', blocks: [{ type: 'paragraph', lines: [[t('quoted')], [t('more')]] }] },
    { type: 'rule' },
  ]);
});

test('inline code, bold, italic and escapes', () => {
  assert.deepEqual(inline('a `x*y*` **b** *c* _d_ \\*e\\*'), [
    t('a '), { type: 'code', text: 'x*y*' }, t(' '),
    { type: 'strong', children: [t('b')] }, t(' '),
    { type: 'em', children: [t('c')] }, t(' '),
    { type: 'em', children: [t('d')] }, t(' *e*'),
  ]);
});

test('italic around bold, and snake_case is left alone', () => {
  assert.deepEqual(inline('*a **b** c*'), [{
    type: 'em', children: [t('a '), { type: 'strong', children: [t('b')] }, t(' c')],
  }]);
  assert.deepEqual(inline('snake_case_name and 2 * 3 * 4'), [t('snake_case_name and 2 * 3 * 4')]);
});

test('links only for http and https', () => {
  assert.deepEqual(inline('[docs](https://example.org/a?b=1)'), [
    { type: 'link', href: 'https://example.org/a?b=1', children: [t('docs')] },
  ]);
  assert.deepEqual(inline('[x](javascript:alert(1))'), [t('[x](javascript:alert(1))')]);
  assert.deepEqual(inline('[x](data:text/html,<script>)'), [t('[x](data:text/html,<script>)')]);
  assert.deepEqual(inline('[x](/relative)'), [t('[x](/relative)')]);
});

test('bare links, without trailing punctuation', () => {
  assert.deepEqual(inline('see http://localhost:8080/x.'), [
    t('see '), { type: 'link', href: 'http://localhost:8080/x', children: [t('http://localhost:8080/x')] }, t('.'),
  ]);
});

test('safeHref refuses every scheme but http and https', () => {
  assert.equal(safeHref('https://a.example/'), 'https://a.example/');
  for (const bad of ['javascript:alert(1)', 'JAVASCRIPT:x', 'vbscript:x', 'data:,x', 'file:///etc/passwd', '//a.example/', 'x']) {
    assert.equal(safeHref(bad), null, bad);
  }
});

test('multi-byte text passes through unchanged', () => {
  const text = 'مرحبا بالعالم — 你好，世界 — 👋🏽🌍 — **粗体**';
  assert.deepEqual(parseMarkdown(text)[0].lines[0], [
    t('مرحبا بالعالم — 你好，世界 — 👋🏽🌍 — '), { type: 'strong', children: [t('粗体')] },
  ]);
});

test('unclosed delimiters stay as text', () => {
  assert.deepEqual(inline('**half and `tick and [link'), [t('**half and `tick and [link')]);
});
