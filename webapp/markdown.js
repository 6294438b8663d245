// markdown.js: the small Markdown subset that chat answers use, rendered without any HTML parsing.
// parseMarkdown() turns text into plain objects; renderMarkdown() builds DOM nodes from them with
// createElement and text nodes only, so model output can never become markup or script.
// Covered: paragraphs (single newlines are line breaks), # headings, - * + and 1. lists (nested by
// indentation), > quotes, --- rules, ``` and ~~~ fenced code, `code`, **bold**, *italic*, [links](https://..)
// and bare http(s) links. Links to anything but http(s) stay plain text.

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])([ \t]+(.*)|$)/;
const ESCAPABLE = /[!-/:-@[-`{-~]/;
const WORD = /[\p{L}\p{N}]/u;

/** Text to an array of blocks: {type: paragraph|heading|code|list|quote|rule, ...}. */
export function parseMarkdown(text) {
  return blocks(String(text).replace(/\r\n?/g, '\n').split('\n'));
}

function blocks(lines) {
  const out = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === '') { i++; continue; }
    let m;
    if ((m = FENCE.exec(line))) {
      i = code(lines, i, m, out);
    } else if ((m = HEADING.exec(line))) {
      out.push({ type: 'heading', level: m[1].length, content: inline(m[2] || '') });
      i++;
    } else if (RULE.test(line)) {
      out.push({ type: 'rule' });
      i++;
    } else if (QUOTE.test(line)) {
      const inner = [];
      while (i < lines.length && (m = QUOTE.exec(lines[i]))) { inner.push(m[1]); i++; }
      out.push({ type: 'quote', blocks: blocks(inner) });
    } else if (ITEM.test(line)) {
      i = list(lines, i, out);
    } else {
      i = paragraph(lines, i, out);
    }
  }
  return out;
}

/** A fenced code block; an unclosed fence (an answer still streaming) runs to the end. */
function code(lines, i, open, out) {
  const fence = open[1];
  const body = [];
  i++;
  while (i < lines.length) {
    const close = lines[i].trim();
    if (close.length >= fence.length && close[0] === fence[0] && close === close[0].repeat(close.length)) {
      i++;
      break;
    }
    body.push(lines[i]);
    i++;
  }
  out.push({ type: 'code', lang: open[2] || '', text: body.join('\n') });
  return i;
}

function startsBlock(line) {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || ITEM.test(line);
}

function paragraph(lines, i, out) {
  const parts = [];
  while (i < lines.length && lines[i].trim() !== '' && (parts.length === 0 || !startsBlock(lines[i]))) {
    parts.push(inline(lines[i].trim()));
    i++;
  }
  out.push({ type: 'paragraph', lines: parts });
  return i;
}

/** A list: items of one kind; lines indented past the marker belong to the item, blocks and all. */
function list(lines, i, out) {
  const first = ITEM.exec(lines[i]);
  const ordered = /\d/.test(first[2]);
  const items = [];
  let current = null;
  let indent = 0;
  let blankBefore = false;
  while (i < lines.length) {
    const line = lines[i];
    const m = ITEM.exec(line);
    if (m && /\d/.test(m[2]) === ordered && (current === null || m[1].length < indent)) {
      current = [m[4] || ''];
      items.push(current);
      indent = m[1].length + m[2].length + 1;
      blankBefore = false;
    } else if (line.trim() === '') {
      blankBefore = true;
      current.push('');
    } else if (leadingSpaces(line) >= Math.min(indent, 2)) {
      current.push(line.slice(Math.min(leadingSpaces(line), indent)));
      blankBefore = false;
    } else if (!blankBefore && !startsBlock(line)) {
      current.push(line.trim()); // a lazy continuation of the item's paragraph
    } else {
      break;
    }
    i++;
  }
  while (current.length && current[current.length - 1] === '') current.pop();
  out.push({
    type: 'list', ordered, start: ordered ? parseInt(first[2], 10) : 1,
    items: items.map(item => blocks(item)),
  });
  return i;
}

function leadingSpaces(line) {
  return line.length - line.trimStart().length;
}

/** One line of text to inline nodes: text, code, strong, em, link. */
export function inline(s) {
  const out = [];
  let text = '';
  const flush = () => { if (text) { out.push({ type: 'text', text }); text = ''; } };
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    let found = null;
    if (c === '\\' && i + 1 < s.length && ESCAPABLE.test(s[i + 1])) {
      text += s[i + 1];
      i += 2;
      continue;
    }
    if (c === '`') found = codeSpan(s, i);
    else if (c === '[') found = link(s, i);
    else if (c === '*' || c === '_') found = emphasis(s, i);
    else if (c === 'h' && (i === 0 || /[\s(]/.test(s[i - 1]))) found = bareLink(s, i);
    if (found && found.literal) {
      text += found.literal;
      i = found.end;
    } else if (found) {
      flush();
      out.push(found.node);
      i = found.end;
    } else {
      text += c;
      i++;
    }
  }
  flush();
  return out;
}

function codeSpan(s, i) {
  let run = 1;
  while (s[i + run] === '`') run++;
  const ticks = '`'.repeat(run);
  let j = s.indexOf(ticks, i + run);
  while (j !== -1 && s[j + run] === '`') {
    let k = j;
    while (s[k] === '`') k++;
    j = s.indexOf(ticks, k);
  }
  if (j === -1) return { literal: ticks, end: i + run }; // unmatched ticks are plain text
  let body = s.slice(i + run, j);
  if (body.length > 2 && body[0] === ' ' && body[body.length - 1] === ' ') body = body.slice(1, -1);
  return { node: { type: 'code', text: body }, end: j + run };
}

function link(s, i) {
  let depth = 0;
  let close = -1;
  for (let j = i; j < s.length; j++) {
    if (s[j] === '\\') { j++; continue; }
    if (s[j] === '[') depth++;
    else if (s[j] === ']' && --depth === 0) { close = j; break; }
  }
  if (close === -1 || s[close + 1] !== '(') return null;
  const paren = s.indexOf(')', close + 2);
  if (paren === -1) return null;
  const target = s.slice(close + 2, paren).trim().split(/\s+/)[0] || '';
  const href = safeHref(target.replace(/^<(.*)>$/, '$1'));
  if (!href) return null; // not http(s): the whole thing stays visible as text
  return { node: { type: 'link', href, children: inline(s.slice(i + 1, close)) }, end: paren + 1 };
}

function bareLink(s, i) {
  const m = /^https?:\/\/[^\s<>"]+/i.exec(s.slice(i, i + 2048));
  if (!m) return null;
  const url = m[0].replace(/[.,;:!?'")\]]+$/, '');
  const href = safeHref(url);
  return href ? { node: { type: 'link', href, children: [{ type: 'text', text: url }] }, end: i + url.length } : null;
}

/** The URL if it is absolute http or https, else null. */
export function safeHref(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

function emphasis(s, i) {
  const c = s[i];
  const double = s[i + 1] === c;
  const width = double ? 2 : 1;
  const start = i + width;
  if (start >= s.length || /\s/.test(s[start])) return null;
  if (c === '_' && i > 0 && WORD.test(s[i - 1])) return null; // snake_case stays as it is
  for (let j = start + 1; j < s.length; j++) {
    if (s[j] === '\\') { j++; continue; }
    if (s[j] === '`') { // a delimiter inside a code span does not count
      const span = codeSpan(s, j);
      j = span.end - 1;
      continue;
    }
    if (s[j] !== c) continue;
    const run = s[j + 1] === c ? 2 : 1;
    // A run of the other width (strong inside em, em inside strong) or one that cannot close is skipped whole.
    if (run !== width || /\s/.test(s[j - 1]) || (c === '_' && WORD.test(s[j + width] || ''))) {
      j += run - 1;
      continue;
    }
    const children = inline(s.slice(start, j));
    return { node: { type: double ? 'strong' : 'em', children }, end: j + width };
  }
  return null;
}

/** Builds DOM nodes for the text: a DocumentFragment. Only createElement and text nodes are used. */
export function renderMarkdown(text, doc = globalThis.document) {
  const fragment = doc.createDocumentFragment();
  for (const block of parseMarkdown(text)) fragment.appendChild(renderBlock(block, doc));
  return fragment;
}

function renderBlock(block, doc) {
  switch (block.type) {
    case 'paragraph': {
      const p = doc.createElement('p');
      block.lines.forEach((line, n) => {
        if (n > 0) p.appendChild(doc.createElement('br'));
        appendInline(p, line, doc);
      });
      return p;
    }
    case 'heading': {
      // Answers sit under the page's own headings, so # in an answer starts at h3.
      const h = doc.createElement(`h${Math.min(block.level + 2, 6)}`);
      appendInline(h, block.content, doc);
      return h;
    }
    case 'code': {
      const pre = doc.createElement('pre');
      const code = doc.createElement('code');
      if (/^[\w+#.-]{1,30}$/.test(block.lang)) code.dataset.lang = block.lang;
      code.textContent = block.text;
      pre.appendChild(code);
      return pre;
    }
    case 'list': {
      const list = doc.createElement(block.ordered ? 'ol' : 'ul');
      if (block.ordered && block.start !== 1) list.start = block.start;
      for (const item of block.items) {
        const li = doc.createElement('li');
        for (const inner of item) li.appendChild(renderBlock(inner, doc));
        list.appendChild(li);
      }
      return list;
    }
    case 'quote': {
      const quote = doc.createElement('blockquote');
      for (const inner of block.blocks) quote.appendChild(renderBlock(inner, doc));
      return quote;
    }
    default:
      return doc.createElement('hr');
  }
}

function appendInline(parent, nodes, doc) {
  for (const node of nodes) {
    switch (node.type) {
      case 'text': parent.appendChild(doc.createTextNode(node.text)); break;
      case 'code': {
        const code = doc.createElement('code');
        code.textContent = node.text;
        parent.appendChild(code);
        break;
      }
      case 'link': {
        const a = doc.createElement('a');
        a.href = node.href;
        a.rel = 'noopener noreferrer nofollow';
        a.target = '_blank';
        appendInline(a, node.children, doc);
        parent.appendChild(a);
        break;
      }
      default: {
        const el = doc.createElement(node.type === 'strong' ? 'strong' : 'em');
        appendInline(el, node.children, doc);
        parent.appendChild(el);
      }
    }
  }
}
