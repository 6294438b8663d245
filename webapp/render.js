// render.js: Markdown answers to DOM nodes, with two maintained libraries served from this WAR (vendor/):
// markdown-it parses (CommonMark + tables and strikethrough, in linear time, also on unclosed `*`, `_`, `[`),
// DOMPurify sanitizes what it renders. Model text never becomes markup or script: markdown-it runs with
// HTML off (HTML in an answer shows as text), links are kept only for absolute http(s) URLs (anything else
// stays visible as text), images become plain links (an answer loads nothing), and DOMPurify then lets
// through only the tags and attributes below, again checking every href.
//
// vendor/ is filled by the build (pom.xml: unpack-browser-libraries) from the libraries' WebJars, in the
// versions pinned there; it is not in git. To update a library, change its version in pom.xml.
//
// markdown-it ships a UMD build: in a page it sets globalThis.markdownit, in Node it is a CommonJS module.
import * as markdownItModule from './vendor/markdown-it/markdown-it.min.js';
import DOMPurify from './vendor/dompurify/purify.es.mjs';

const markdownit = markdownItModule.default ?? globalThis.markdownit;

const md = markdownit('default', { html: false, linkify: true, breaks: true, typographer: false });
md.validateLink = url => safeHref(url) !== null;
md.disable(['html_block', 'html_inline']); // HTML stays text
md.linkify.set({ fuzzyEmail: false });

// Answers sit under the page's own headings, so # in an answer starts at h3.
md.core.ruler.push('shift_headings', state => {
  for (const token of state.tokens) {
    if (token.type === 'heading_open' || token.type === 'heading_close') {
      token.tag = `h${Math.min(Number(token.tag.slice(1)) + 2, 6)}`;
    }
  }
});

const escape = md.utils.escapeHtml;
const codeBlock = (text, lang) => {
  const attr = /^[\w+#.-]{1,30}$/.test(lang) ? ` data-lang="${escape(lang)}"` : '';
  return `<pre><code${attr}>${escape(text.replace(/\n$/, ''))}</code></pre>\n`;
};
md.renderer.rules.fence = (tokens, i) => codeBlock(tokens[i].content, tokens[i].info.trim().split(/\s+/)[0] || '');
md.renderer.rules.code_block = (tokens, i) => codeBlock(tokens[i].content, '');
// An image is shown as a link to it: an answer makes the page load nothing.
md.renderer.rules.image = (tokens, i, options, env, self) => {
  const src = tokens[i].attrGet('src');
  return `<a href="${escape(src)}">${escape(self.renderInlineAsText(tokens[i].children, options, env) || src)}</a>`;
};

const TAGS = ['p', 'br', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 's', 'code', 'pre', 'ul', 'ol', 'li', 'blockquote',
  'hr', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td'];
const PURIFY = {
  ALLOWED_TAGS: TAGS, ALLOWED_ATTR: ['href', 'start', 'data-lang'], ALLOW_DATA_ATTR: false,
  RETURN_DOM_FRAGMENT: true, // hrefs: only http(s), in the hook below
};

/** The URL if it is absolute http or https, else null. */
export function safeHref(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

const purifiers = new WeakMap();

/** One DOMPurify per window: links that survive are http(s) only and open apart from the page. */
function purifierFor(win) {
  let purify = purifiers.get(win);
  if (purify) return purify;
  purify = DOMPurify(win);
  if (!purify.isSupported) throw new Error('DOMPurify cannot run in this environment: nothing is rendered unsanitized');
  purify.addHook('afterSanitizeAttributes', node => {
    if (node.nodeName !== 'A') return;
    const href = safeHref(node.getAttribute('href') ?? '');
    if (href) {
      node.setAttribute('href', href);
      node.setAttribute('rel', 'noopener noreferrer nofollow');
      node.setAttribute('target', '_blank');
    } else {
      node.removeAttribute('href');
    }
  });
  purifiers.set(win, purify);
  return purify;
}

const windowOf = doc => doc?.defaultView ?? globalThis.window;
const normalize = text => String(text ?? '').replace(/\r\n?/g, '\n');

/** The top-level blocks of markdown-it's token stream: [from, to) token ranges and the first source line. */
function parse(text) {
  const env = {};
  const tokens = md.parse(text, env);
  const blocks = [];
  let open = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.level !== 0) continue;
    if (t.nesting === 1) open = i;
    else blocks.push({ from: t.nesting === -1 ? open : i, to: i + 1, line: tokens[t.nesting === -1 ? open : i].map?.[0] ?? 0 });
  }
  return { tokens, env, blocks };
}

/** The sanitized nodes of the blocks, one array per block (one sanitizer run for them all). */
function nodesOf(parsed, win) {
  const purify = purifierFor(win);
  const htmlOf = b => md.renderer.render(parsed.tokens.slice(b.from, b.to), md.options, parsed.env);
  const elements = fragment => Array.from(fragment.childNodes).filter(n => n.nodeType !== 3 || n.data.trim() !== '');
  const all = elements(purify.sanitize(parsed.blocks.map(htmlOf).join(''), PURIFY));
  if (all.length === parsed.blocks.length) return all.map(n => [n]);
  return parsed.blocks.map(b => elements(purify.sanitize(htmlOf(b), PURIFY))); // not one node per block: one by one
}

/** The whole text as a DocumentFragment of sanitized nodes. */
export function renderMarkdown(text, doc = globalThis.document) {
  const fragment = doc.createDocumentFragment();
  for (const nodes of nodesOf(parse(normalize(text)), windowOf(doc))) fragment.append(...nodes);
  return fragment;
}

/** Replaces old nodes by new ones after their common prefix, so unchanged blocks stay in place (and unread). */
function replaceAfterCommonPrefix(container, old, next) {
  let same = 0;
  while (same < old.length && same < next.length && old[same].isEqualNode(next[same])) same++;
  for (let i = old.length - 1; i >= same; i--) old[i].remove();
  container.append(...next.slice(same));
  return old.slice(0, same).concat(next.slice(same));
}

/**
 * An answer's Markdown in a container, for text that grows at its end. update() parses and renders only the
 * growing tail: every top-level block followed by two more is final, so it stays in the DOM and its text is
 * never parsed again. Unchanged blocks are left in place, so an aria-live container announces the new part only.
 */
export class MarkdownView {
  #container;
  #win;
  #frozenText = ''; // the start of the text whose blocks are final
  #live = [];       // the nodes after the frozen ones

  constructor(container) {
    this.#container = container;
    this.#win = windowOf(container.ownerDocument);
  }

  /** How many characters at the start of the text are rendered for good and not parsed again. */
  get finalLength() {
    return this.#frozenText.length;
  }

  /** Shows the text, re-rendering only the blocks after the final ones. */
  update(text) {
    text = normalize(text);
    if (!text.startsWith(this.#frozenText)) this.reset();
    const tail = text.slice(this.#frozenText.length);
    const parsed = parse(tail);
    const perBlock = nodesOf(parsed, this.#win);
    this.#live = replaceAfterCommonPrefix(this.#container, this.#live, perBlock.flat());
    const final = parsed.blocks.length - 2;
    if (final > 0) {
      let offset = 0;
      for (let line = 0; line < parsed.blocks[final].line; line++) offset = tail.indexOf('\n', offset) + 1;
      this.#frozenText += tail.slice(0, offset);
      this.#live = this.#live.slice(perBlock.slice(0, final).flat().length);
    }
  }

  /** Shows the finished text from one full parse (which also resolves links defined further down). */
  finish(text) {
    const fresh = renderMarkdown(text, this.#container.ownerDocument);
    replaceAfterCommonPrefix(this.#container, Array.from(this.#container.childNodes), Array.from(fresh.childNodes));
    this.#frozenText = '';
    this.#live = Array.from(this.#container.childNodes);
  }

  /** Empties the container. */
  reset() {
    this.#container.replaceChildren();
    this.#frozenText = '';
    this.#live = [];
  }
}
