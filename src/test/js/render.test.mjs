// webapp/render.js (markdown-it + DOMPurify) in jsdom: the Markdown answers use, what model text may never
// become, and incremental rendering. The libraries are the build's (webapp/vendor/, from pom.xml's WebJars).
// Run by ClientIT, which installs src/test/js/package.json into target/js-deps and passes JS_DEPS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const DEPS = process.env.JS_DEPS;
if (!DEPS) throw new Error('JS_DEPS is not set: run through ClientIT (mvn verify), or point it at target/js-deps/node_modules');
const require = createRequire(join(DEPS, 'x.js'));
const { JSDOM } = require('jsdom');
const { window } = new JSDOM('<!doctype html><body></body>');
const doc = window.document;
const { renderMarkdown, MarkdownView, safeHref } = await import('../../../webapp/render.js');

/** The rendered HTML, newlines between tags left out. */
function html(text) {
  const div = doc.createElement('div');
  div.append(renderMarkdown(text, doc));
  return div.innerHTML.replace(/>\n</g, '><');
}
function dom(text) {
  const div = doc.createElement('div');
  div.append(renderMarkdown(text, doc));
  return div;
}
const LINK = 'rel="noopener noreferrer nofollow" target="_blank"';

test('paragraphs are split by blank lines; single newlines are line breaks', () => {
  assert.equal(html('one\ntwo\n\nthree'), '<p>one<br>\ntwo</p><p>three</p>');
});

test('HTML in the text stays text', () => {
  const text = '<img src=x onerror=alert(1)> and <script>alert(2)</script>';
  const div = dom(text);
  assert.equal(div.querySelectorAll('img, script').length, 0);
  assert.equal(div.textContent, text);
  assert.equal(dom('<b>x</b>\n\n<div onclick="x()">y</div>').querySelectorAll('b, div').length, 0);
});

test('fenced code keeps its text exactly, and an unclosed fence runs to the end', () => {
  assert.equal(html('```js\nif (a < b) {\n  **x**\n}\n```\nafter'),
    '<pre><code data-lang="js">if (a &lt; b) {\n  **x**\n}</code></pre><p>after</p>');
  assert.equal(html('~~~\nstill streaming'), '<pre><code>still streaming</code></pre>');
  assert.equal(html('```"><img src=x onerror=alert(1)>\nx\n```'), '<pre><code>x</code></pre>');
});

test('bullet and ordered lists, nested by indentation', () => {
  const div = dom('- a\n- b\n  - c\n- d\n\n3. x\n4. y');
  const [bullets, numbers] = div.children;
  assert.equal(div.children.length, 2);
  assert.equal(bullets.tagName, 'UL');
  assert.equal(bullets.querySelectorAll(':scope > li').length, 3);
  assert.equal(bullets.querySelector('li li').textContent, 'c');
  assert.equal(numbers.tagName, 'OL');
  assert.equal(numbers.getAttribute('start'), '3');
  assert.equal(numbers.children.length, 2);
});

test('a code block inside a list item', () => {
  const [list] = dom('1. run:\n   ```\n   mvn verify\n   ```\n2. done').children;
  assert.equal(list.querySelector('li pre code').textContent, 'mvn verify');
  assert.equal(list.children.length, 2);
});

test('headings (from h3, under the page\'s own), quotes, rules and tables', () => {
  assert.equal(html('# One\n## Title ##\n> quoted\n> more\n\n---'),
    '<h3>One</h3><h4>Title</h4><blockquote><p>quoted<br>\nmore</p></blockquote><hr>');
  assert.equal(html('|a|b|\n|-|-|\n|1|2|'),
    '<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>');
});

test('inline code, bold, italic and escapes', () => {
  assert.equal(html('a `x*y*` **b** *c* _d_ \\*e\\*'),
    '<p>a <code>x*y*</code> <strong>b</strong> <em>c</em> <em>d</em> *e*</p>');
});

test('italic around bold, and snake_case is left alone', () => {
  assert.equal(html('*a **b** c*'), '<p><em>a <strong>b</strong> c</em></p>');
  assert.equal(html('snake_case_name and 2 * 3 * 4'), '<p>snake_case_name and 2 * 3 * 4</p>');
});

test('links only for http and https', () => {
  assert.equal(html('[docs](https://example.org/a?b=1)'), `<p><a href="https://example.org/a?b=1" ${LINK}>docs</a></p>`);
  for (const text of ['[x](javascript:alert(1))', '[x](data:text/html,<script>)', '[x](/relative)', '[x](JAVASCRIPT:x)',
    '[x](vbscript:x)', '<javascript:alert(1)>', '[x](file:///etc/passwd)', 'mail me at a@b.example']) {
    const div = dom(text);
    assert.equal(div.querySelectorAll('a').length, 0, text);
    assert.equal(div.textContent, text);
  }
});

test('an image is a link to it, and loads nothing', () => {
  assert.equal(html('![a chart](https://example.org/c.png)'), `<p><a href="https://example.org/c.png" ${LINK}>a chart</a></p>`);
  assert.equal(dom('![x](javascript:alert(1))').querySelectorAll('a, img').length, 0);
});

test('bare links, without trailing punctuation', () => {
  assert.equal(html('see http://localhost:8080/x.'), `<p>see <a href="http://localhost:8080/x" ${LINK}>http://localhost:8080/x</a>.</p>`);
});

test('safeHref refuses every scheme but http and https', () => {
  assert.equal(safeHref('https://a.example/'), 'https://a.example/');
  for (const bad of ['javascript:alert(1)', 'JAVASCRIPT:x', 'vbscript:x', 'data:,x', 'file:///etc/passwd', '//a.example/', 'x']) {
    assert.equal(safeHref(bad), null, bad);
  }
});

test('multi-byte text passes through unchanged', () => {
  assert.equal(html('مرحبا بالعالم — 你好，世界 — 👋🏽🌍 — **粗体**'), '<p>مرحبا بالعالم — 你好，世界 — 👋🏽🌍 — <strong>粗体</strong></p>');
});

test('unclosed delimiters stay as text', () => {
  assert.equal(html('**half and `tick and [link'), '<p>**half and `tick and [link</p>');
});

test('adversarial runs of unclosed delimiters render in linear time', () => {
  // Four times the text may take about four times as long, not sixteen: a ratio measured in one run, so
  // a busy machine slows both sizes alike (some runs are slow in absolute terms: jsdom builds many nodes).
  const timed = text => {
    const started = performance.now();
    renderMarkdown(text, doc);
    return performance.now() - started;
  };
  for (const unit of ['*a ', '_a ', '[a ', 'a*', 'a_*', '![a ', '<a ', '> ', '- ', '`a ', '**a ', '[', 'a__']) {
    const text = n => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
    // the fastest of a few runs: a pause of the machine or of the collector lengthens one run, not all
    const small = Math.min(timed(text(25_000)), timed(text(25_000)), timed(text(25_000)));
    const large = Math.min(timed(text(100_000)), timed(text(100_000)));
    assert.ok(large < 1000 || large < 12 * small,
      `${JSON.stringify(unit)}: 25,000 characters ${small.toFixed(0)} ms, 100,000 characters ${large.toFixed(0)} ms`);
  }
});

test('MarkdownView re-renders only the growing tail; final blocks stay the same nodes', () => {
  const body = doc.createElement('div');
  const view = new MarkdownView(body);
  let text = '';
  for (let i = 0; i < 200; i++) {
    text += `Paragraph ${i} with *emphasis*`;
    view.update(text);
    text += '\n\n';
    view.update(text);
  }
  const first = body.firstChild;
  assert.equal(body.children.length, 200);
  assert.ok(view.finalLength > text.length - 100, `only ${view.finalLength} of ${text.length} characters are final`);
  text += '- a list\n- still growing';
  view.update(text);
  assert.equal(body.firstChild, first, 'a final block was rendered again');
  assert.equal(body.lastElementChild.tagName, 'UL');
  view.finish(text);
  assert.equal(body.firstChild, first, 'finish() replaced an unchanged block');
  assert.equal(body.innerHTML, dom(text).innerHTML);
});

test('MarkdownView starts again when the text is replaced (a replay of the answer)', () => {
  const body = doc.createElement('div');
  const view = new MarkdownView(body);
  view.update('one\n\ntwo\n\nthree\n\nfour');
  view.update('other text');
  assert.equal(body.innerHTML, '<p>other text</p>');
  view.update('');
  assert.equal(body.innerHTML, '');
});

test('a block that a later line changes is not final too early (setext heading, table)', () => {
  const body = doc.createElement('div');
  const view = new MarkdownView(body);
  const steps = ['a\n\nb\n\nTitle', 'a\n\nb\n\nTitle\n===', 'a\n\nb\n\nTitle\n===\n\nx | y', 'a\n\nb\n\nTitle\n===\n\nx | y\n-|-\n1 | 2'];
  for (const text of steps) {
    view.update(text);
    assert.equal(body.innerHTML, dom(text).innerHTML, text);
  }
});
