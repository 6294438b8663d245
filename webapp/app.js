// The bundled chat page. Plain DOM code on top of claude-sse.js and render.js; every URL is relative,
// so the page works under any context path. Model text reaches the page only as Markdown rendered by
// render.js (markdown-it, then DOMPurify: no HTML of the model's, http(s) links only) or as text nodes.
import { chat, resume } from './claude-sse.js';
import { MarkdownView } from './render.js';

const PENDING_KEY = 'claude-sse.pending'; // the answer in flight, so a reload can resume it
const CHOICE_KEY = 'claude-sse.choice'; // the model, effort and thinking last chosen in this browser
const THEME_KEY = 'claude-sse.theme'; // 'light' or 'dark' chosen in this browser; absent: follow the system
const MESSAGE_PAGE = 50; // messages of a saved conversation read at a time; "Earlier messages" reads more
const $ = id => document.getElementById(id);
const ui = {
  sidebar: $('sidebar'), list: $('conversation-list'), more: $('more'), historyNote: $('history-note'),
  newChat: $('new-chat'), toggle: $('toggle-sidebar'), title: $('title'), total: $('total'),
  banner: $('demo-banner'), access: $('access-banner'), messages: $('messages'), empty: $('empty'),
  form: $('composer'), input: $('input'), send: $('send'), stop: $('stop'),
  options: $('options'), model: $('model'), effort: $('effort'), effortOption: $('effort-option'),
  think: $('think'), thinkOption: $('think-option'), search: $('search'), theme: $('theme'),
  announcer: $('announcer'), confirmDelete: $('confirm-delete'),
  attach: $('attach'), fileInput: $('file-input'), chips: $('chips'), attachProblem: $('attach-problem'),
};

const state = {
  conversationId: null,
  totalCost: 0,
  hasCost: false,
  totalEstimated: false,
  nextPage: null,
  query: '', // the title search the list shows
  earlier: null, // {button, cursor, id}: the older messages of the open conversation not shown yet
  current: null, // {answer, view, question, text, thinking, messageId}
};

// ---------- formatting ----------

const money = new Intl.NumberFormat('en-US', {
  style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 6,
});

function formatCost(value, estimated) {
  const n = Number(value);
  if (value === null || value === undefined || !Number.isFinite(n)) return 'cost unknown';
  return (estimated ? '≈ ' : '') + money.format(n);
}

function formatTokens(input, output) {
  const f = n => Number(n || 0).toLocaleString('en-US');
  return `${f(input)} in · ${f(output)} out tokens`;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// ---------- messages ----------

/**
 * A question, with its files ({name, mediaType, url}) above its text: images as thumbnails that open the
 * image, PDFs by name. `into` another node (a page of earlier messages being built) leaves the scroll alone.
 */
function addUserMessage(text, into = ui.messages, files = []) {
  ui.empty.hidden = true;
  const article = el('article', 'message user');
  article.append(el('h2', 'visually-hidden', 'You said'));
  if (files.length) article.append(fileList(files));
  article.append(el('div', 'body', text));
  into.append(article);
  if (into === ui.messages) scrollDown(true);
  return article;
}

/** An assistant message: thinking (collapsed), the answer, a status line, details, an error box. */
function addAssistantMessage(into = ui.messages) {
  ui.empty.hidden = true;
  const article = el('article', 'message assistant');
  const thinking = el('details', 'thinking');
  thinking.hidden = true;
  thinking.append(el('summary', null, 'Thinking'), el('div', 'thinking-text'));
  const body = el('div', 'body');
  const status = el('p', 'status');
  status.setAttribute('role', 'status');
  const refusal = el('p', 'refusal');
  refusal.setAttribute('role', 'note');
  refusal.hidden = true;
  const meta = el('p', 'meta');
  const error = el('div', 'error');
  error.setAttribute('role', 'alert');
  error.hidden = true;
  const actions = el('div', 'actions');
  actions.hidden = true;
  const view = { article, thinking, body, refusal, status, meta, error, actions, source: '' };
  const regenerate = el('button', 'regenerate');
  regenerate.type = 'button';
  regenerate.setAttribute('aria-label', 'Regenerate this answer');
  regenerate.title = 'Ask the question again; the new answer takes this one\'s place';
  regenerate.hidden = true;
  regenerate.addEventListener('click', () => regenerateAnswer(view));
  actions.append(copyButton('copy-answer', 'Copy answer', () => view.source), regenerate);
  article.append(el('h2', 'visually-hidden', 'Claude said'), thinking, body, refusal, status, meta, actions, error);
  into.append(article);
  if (into === ui.messages) scrollDown(true);
  // Renders only the growing tail while streaming and leaves unchanged blocks in place. The body is not a
  // live region: screen readers hear the answer through ui.announcer when it ends (see announce).
  view.markdown = new MarkdownView(body);
  return view;
}

/**
 * A button that copies text() to the clipboard and says "Copied" for a moment. Its words come from CSS and
 * aria-label, not text nodes, so the answer's text (and its tests) never includes them.
 */
function copyButton(className, label, text) {
  const button = el('button', `copy ${className}`);
  button.type = 'button';
  button.setAttribute('aria-label', label);
  button.dataset.label = label;
  button.title = label;
  let timer = 0;
  button.addEventListener('click', async () => {
    let copied = true;
    try {
      await navigator.clipboard.writeText(text());
    } catch {
      copied = false; // no clipboard (an insecure origin, or refused)
    }
    button.dataset.state = copied ? 'copied' : 'failed';
    button.setAttribute('aria-label', copied ? 'Copied' : 'Copy failed');
    announce(copied ? 'Copied' : 'Could not copy');
    clearTimeout(timer);
    timer = setTimeout(() => {
      delete button.dataset.state;
      button.setAttribute('aria-label', label);
    }, 2000);
  });
  return button;
}

/** Shows the finished answer's Markdown with a copy button on the answer and on each code block. */
function finishAnswer(view, text) {
  view.source = text;
  view.markdown.finish(text);
  for (const pre of view.body.querySelectorAll('pre')) {
    if (pre.parentElement?.classList.contains('code-block')) continue;
    const block = el('div', 'code-block');
    pre.replaceWith(block);
    block.append(pre, copyButton('copy-code', 'Copy code', () => pre.textContent));
  }
  view.actions.hidden = !text;
}

/** Says something to screen readers once, politely (the live region is outside the messages). */
function announce(text) {
  ui.announcer.textContent = '';
  // a fresh text node after a tick, so the same words twice are announced twice
  setTimeout(() => { ui.announcer.textContent = text; }, 50);
}

function showMeta(view, { inputTokens, outputTokens, cost, estimated, model, note }) {
  view.meta.replaceChildren([formatTokens(inputTokens, outputTokens), formatCost(cost, estimated)].join(' · '));
  if (model) view.meta.append(' · ', modelLabel(model));
  if (note) view.meta.append(` · ${note}`);
}

/** The model that answered: its display name when api/models knows it, the id in the title. */
function modelLabel(id) {
  const label = el('span', 'model', modelName(id));
  label.dataset.model = id;
  label.title = id;
  return label;
}

/** Claude names a model with its date ("claude-sonnet-5-5-20260929"); api/models lists it without. */
function modelName(id) {
  const model = models.byId.get(id) ?? models.byId.get(String(id).replace(/-\d{8}$/, ''));
  return typeof model?.displayName === 'string' && model.displayName ? model.displayName : String(id);
}

/** "Claude declined to answer (cyber): …", from the done event's or the saved answer's stopDetails. */
function showRefusal(view, details) {
  const category = typeof details?.category === 'string' && details.category ? details.category : null;
  const explanation = typeof details?.explanation === 'string' && details.explanation.trim() ? details.explanation.trim() : null;
  view.refusal.textContent = `Claude declined to answer${category ? ` (${category})` : ''}${explanation ? `: ${explanation}` : '.'}`;
  view.refusal.hidden = false;
}

function showError(view, message, onRetry) {
  view.error.replaceChildren(el('span', 'error-text', message));
  if (onRetry) {
    const retry = el('button', 'retry', 'Retry');
    retry.type = 'button';
    retry.addEventListener('click', onRetry, { once: true });
    view.error.append(' ', retry);
  }
  view.error.hidden = false;
}

function addToTotal(cost, estimated) {
  if (estimated) state.totalEstimated = true;
  const n = Number(cost);
  if (cost === null || cost === undefined || !Number.isFinite(n)) return;
  state.totalCost += n;
  state.hasCost = true;
  showTotal();
}

function showTotal() {
  ui.total.textContent = state.hasCost ? `Total ${state.totalEstimated ? '≈ ' : ''}${money.format(state.totalCost)}` : '';
}

let nearBottom = true;
ui.messages.addEventListener('scroll', () => {
  const m = ui.messages;
  nearBottom = m.scrollHeight - m.scrollTop - m.clientHeight < 80;
});

/** Follows the answer as it grows, unless the reader has scrolled up to read something else. */
function scrollDown(force) {
  if (force || nearBottom) ui.messages.scrollTop = ui.messages.scrollHeight;
}

// ---------- streaming one answer ----------

/**
 * Starts a new answer to `question`, in `view` (a fresh assistant message unless retrying in place),
 * with the model, effort and thinking chosen in the composer (a retry keeps the ones first asked with).
 */
function ask(question, view = addAssistantMessage(), choice = chosen(), regenerate = false, attachments = []) {
  const current = { question, view, choice, regenerate, attachments, text: '', thinking: '', messageId: null, model: null };
  current.answer = chat({
    body: attachments.length ? { attachments } : undefined, // a regeneration resends the stored question's files
    message: regenerate ? undefined : question,
    regenerate: regenerate || undefined,
    conversationId: state.conversationId ?? undefined,
    model: choice.model,
    thinking: choice.thinking,
    effort: choice.effort,
    on: handlers(current),
  });
  begin(current);
}

/** Follows an answer that was running before the page was reloaded. */
function follow(pending, view) {
  const current = {
    question: pending.question, view, text: pending.text || '', thinking: pending.thinking || '',
    messageId: pending.messageId, model: pending.model || null,
  };
  if (current.text) view.markdown.update(current.text);
  // a resume after the first events gets no start event again, which is what names the article otherwise
  view.article.dataset.messageId = pending.messageId;
  view.status.textContent = 'Reconnecting to the answer…';
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending)); // survives another reload before any event
  current.answer = resume(pending.messageId, pending.lastEventId || 0, { on: handlers(current) });
  begin(current);
}

function begin(current) {
  state.current = current;
  current.view.article.classList.add('streaming');
  ui.stop.hidden = false;
  ui.stop.disabled = false;
  ui.stop.textContent = 'Stop';
  ui.send.disabled = true;
  showRegenerate();
  current.answer.finished.then(result => end(current, result));
}

function end(current, result) {
  current.view.article.classList.remove('streaming');
  if (state.current !== current) return;
  state.current = null;
  if (result.outcome !== 'closed') sessionStorage.removeItem(PENDING_KEY); // closed: the page is going away
  ui.stop.hidden = true;
  ui.send.disabled = false;
  showRegenerate();
  loadConversations(); // order and titles may have changed
}

function handlers(current) {
  const { view } = current;
  // At most one render per frame, and after a slow one (a very long last block) a pause twice as long,
  // so the page stays responsive whatever the answer holds.
  let frame = 0;
  let timer = 0;
  let calmUntil = 0;
  const paint = () => {
    frame = 0;
    const started = performance.now();
    view.markdown.update(current.text);
    calmUntil = performance.now() + 2 * (performance.now() - started);
    scrollDown(false);
  };
  const schedule = () => {
    if (frame || timer) return;
    const wait = calmUntil - performance.now();
    if (wait <= 0) frame = requestAnimationFrame(paint);
    else timer = setTimeout(() => { timer = 0; frame = requestAnimationFrame(paint); }, wait);
  };
  const finish = () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    frame = timer = 0;
    finishAnswer(view, current.text);
    scrollDown(false);
  };
  return {
    start(data, answer) {
      if (data.replayed) {
        // The answer comes back whole from the store (ids start again at 1): it replaces what was shown.
        current.text = '';
        current.thinking = '';
      }
      current.messageId = data.messageId;
      current.model = data.model;
      if (!data.replayed) announce('Claude is answering…');
      if (data.demo) ui.banner.hidden = false;
      if (data.conversationId && data.conversationId !== state.conversationId) {
        state.conversationId = data.conversationId;
        history.replaceState(null, '', `#c=${encodeURIComponent(data.conversationId)}`);
        if (ui.title.textContent === 'New chat') ui.title.textContent = titleFrom(current.question);
      }
      view.article.dataset.messageId = data.messageId;
      savePending(current, answer);
    },
    chunk(data, answer) {
      current.text += data.text;
      view.status.textContent = '';
      schedule();
      savePending(current, answer);
    },
    thinking(data, answer) {
      current.thinking += data.text;
      view.thinking.hidden = false;
      view.thinking.querySelector('.thinking-text').textContent = current.thinking;
      savePending(current, answer);
    },
    status(data, answer) {
      if (data.stage === 'retrying') {
        const seconds = (Number(data.delayMs) / 1000).toFixed(1);
        view.status.textContent = `Claude is busy (${data.reason}); retrying, attempt ${data.attempt}, in ${seconds} s…`;
      }
      savePending(current, answer);
    },
    reconnecting(data) {
      view.status.textContent = `Connection lost; reconnecting (try ${data.attempt})…`;
    },
    cost(data, answer) {
      if (typeof data.model === 'string' && data.model) current.model = data.model; // the model that answered
      showMeta(view, {
        inputTokens: data.inputTokens, outputTokens: data.outputTokens, cost: data.totalCost,
        estimated: data.estimated, model: current.model,
      });
      addToTotal(data.totalCost, data.estimated);
      savePending(current, answer);
    },
    done(data) {
      finish();
      view.status.textContent = '';
      if (data.stopReason === 'stopped') view.meta.append(' · stopped');
      else if (data.stopReason === 'max_tokens') view.meta.append(' · cut off at the token limit');
      else if (data.stopReason === 'refusal') showRefusal(view, data.stopDetails);
      view.article.dataset.state = data.stopReason === 'stopped' ? 'stopped' : 'done';
      const whole = view.body.textContent.trim();
      // A long answer is announced by its start: the rest is read in the transcript, at the reader's pace.
      const said = whole.length > 600 ? `${whole.slice(0, 600)}… (continued in the transcript)` : whole;
      const refused = data.stopReason === 'refusal' ? ` ${view.refusal.textContent}` : '';
      announce(`${data.stopReason === 'stopped' ? 'Claude stopped' : 'Claude answered'}: ${said}${refused}`.trim());
    },
    error(data) {
      finish();
      view.status.textContent = '';
      view.article.dataset.state = 'error';
      const canRetry = typeof current.question === 'string' && current.question.trim() !== '';
      showError(view, data.message || 'Something went wrong.', canRetry ? () => retry(current) : null);
      announce(`The answer failed: ${data.message || 'Something went wrong.'}`);
      showAccessProblem({ status: data.status, serverMessage: data.message });
    },
  };
}

/** Asks the same question again, streaming the new answer into the same place. */
function retry(failed) {
  if (state.current) return;
  clearAnswer(failed.view);
  ask(failed.question, failed.view, failed.choice ?? chosen(), Boolean(failed.regenerate), failed.attachments ?? []);
}

/** Empties an answer's place for a new answer streamed into it. */
function clearAnswer(view) {
  view.error.hidden = true;
  view.refusal.hidden = true;
  view.meta.textContent = '';
  view.actions.hidden = true;
  view.source = '';
  view.markdown.reset();
  view.thinking.hidden = true;
  delete view.article.dataset.state;
}

/**
 * Regenerate: the server asks the conversation's latest question again and the new answer takes the
 * place of this one (the last answer, ended), here as in the stored conversation.
 */
function regenerateAnswer(view) {
  if (state.current || !state.conversationId || lastAnswer() !== view.article) return;
  const question = view.article.previousElementSibling?.classList.contains('user')
    ? view.article.previousElementSibling.querySelector('.body')?.textContent ?? '' : '';
  clearAnswer(view);
  delete view.article.dataset.messageId;
  ui.input.focus(); // the button goes while the answer streams; Escape stops it from there too
  ask(question, view, chosen(), true);
}

function lastAnswer() {
  const answers = ui.messages.querySelectorAll('article.message.assistant');
  return answers.length ? answers[answers.length - 1] : null;
}

/** The Regenerate button shows on the last answer only, once it has ended and while no answer runs. */
function showRegenerate() {
  const last = lastAnswer();
  for (const button of ui.messages.querySelectorAll('button.regenerate')) {
    button.hidden = state.current !== null || !state.conversationId || button.closest('article') !== last
      || last.classList.contains('streaming');
  }
}

function savePending(current, answer) {
  if (!current.messageId) return;
  scheduleSave(() => ({
    messageId: current.messageId, conversationId: state.conversationId, lastEventId: answer.lastEventId,
    question: current.question, text: current.text, thinking: current.thinking, model: current.model,
  }));
}

// Writes are coalesced; text and lastEventId are read together, so they always match.
let saveTimer = 0;
let saveSnapshot = null;
function scheduleSave(snapshot) {
  saveSnapshot = snapshot;
  if (!saveTimer) saveTimer = setTimeout(flushSave, 150);
}
function flushSave() {
  clearTimeout(saveTimer);
  saveTimer = 0;
  if (saveSnapshot && state.current) {
    try {
      sessionStorage.setItem(PENDING_KEY, JSON.stringify(saveSnapshot()));
    } catch {
      // storage full or refused: a reload then simply cannot resume
    }
  }
  saveSnapshot = null;
}
addEventListener('pagehide', () => {
  flushSave();
  state.current?.answer.close(); // leave the answer running on the server, for the reload to resume
});

// ---------- conversations ----------

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (!response.ok) {
    const error = new Error(`HTTP ${response.status}`);
    error.status = response.status;
    try {
      error.serverMessage = (await response.json())?.error?.message; // the server's words, for people
    } catch {
      // not JSON: the status alone
    }
    throw error;
  }
  return response.json();
}

/** A refusal that concerns the whole page (a server that serves signed-in users only), shown above the chat. */
function showAccessProblem(err) {
  if (err.status !== 401 || typeof err.serverMessage !== 'string' || !err.serverMessage) return false;
  ui.access.textContent = err.serverMessage;
  ui.access.hidden = false;
  return true;
}

async function loadConversations(more = false) {
  const query = state.query;
  const url = more && state.nextPage !== null ? nextUrl(state.nextPage)
    : `api/conversations${query ? `?q=${encodeURIComponent(query)}` : ''}`;
  let page;
  try {
    page = await getJson(url);
  } catch (err) {
    showAccessProblem(err);
    ui.historyNote.textContent = err.status === 404 ? 'No saved conversations on this server.'
      : err.status === 401 ? 'Sign in to see your conversations.' : 'Could not load conversations.';
    ui.historyNote.hidden = false;
    ui.more.hidden = true;
    return;
  }
  if (query !== state.query) return; // the search changed meanwhile: its own load shows the list
  const items = Array.isArray(page) ? page : page.conversations || [];
  items.sort((a, b) => String(updatedOf(b)).localeCompare(String(updatedOf(a))));
  if (!more) ui.list.replaceChildren();
  for (const c of items) ui.list.append(conversationItem(c));
  state.nextPage = Array.isArray(page) ? null : page.nextOffset ?? page.next ?? null;
  ui.more.hidden = state.nextPage === null;
  ui.historyNote.hidden = ui.list.childElementCount > 0 ? true : false;
  if (!ui.list.childElementCount) {
    ui.historyNote.textContent = query ? `No conversation titles contain “${query}”.` : 'No conversations yet.';
  }
  markActive();
}

/** The next page: an offset (what the server sends), or a ready relative URL. */
function nextUrl(next) {
  if (typeof next === 'string' && /^api\//.test(next)) return next;
  return `api/conversations?offset=${encodeURIComponent(next)}${state.query ? `&q=${encodeURIComponent(state.query)}` : ''}`;
}

function updatedOf(c) {
  return c.updatedAt ?? c.updated ?? c.createdAt ?? '';
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "5 min ago", "Yesterday 14:02", or a date: when the conversation was last active. */
function lastActive(iso) {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return '';
  const minutes = Math.round((Date.now() - when.getTime()) / 60000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  return dateTime.format(when);
}

/** One conversation in the list: open it, with its last activity and total cost; rename and delete beside it. */
function conversationItem(c) {
  const li = el('li', 'conversation-item');
  li.dataset.id = c.id;
  const button = el('button', 'conversation', null);
  button.type = 'button';
  button.dataset.id = c.id;
  const title = c.title || 'Untitled';
  button.append(el('span', 'conversation-title', title));
  const details = [];
  if (updatedOf(c)) {
    const time = el('time', null, lastActive(updatedOf(c)));
    time.dateTime = updatedOf(c);
    time.title = `Last active ${new Date(updatedOf(c)).toLocaleString()}`;
    details.push(time);
  }
  if (c.totalCost !== undefined && c.totalCost !== null) {
    const cost = el('span', 'conversation-cost', formatCost(c.totalCost, c.totalCostEstimated));
    cost.title = 'What this conversation has cost';
    details.push(cost);
  }
  if (details.length) {
    const meta = el('span', 'conversation-meta');
    details.forEach((d, i) => meta.append(...(i ? [' · ', d] : [d])));
    button.append(meta);
  }
  button.addEventListener('click', () => {
    closeSidebar();
    openConversation(c.id);
  });
  const rename = el('button', 'item-action rename', '✎');
  rename.type = 'button';
  rename.setAttribute('aria-label', `Rename “${title}”`);
  rename.title = 'Rename';
  rename.addEventListener('click', () => startRename(li, c));
  const remove = el('button', 'item-action delete', '×');
  remove.type = 'button';
  remove.setAttribute('aria-label', `Delete “${title}”`);
  remove.title = 'Delete';
  remove.addEventListener('click', () => confirmDelete(c, remove));
  li.append(button, rename, remove);
  return li;
}

/** The title becomes a text box: Enter saves (PATCH), Escape or leaving it cancels. */
function startRename(li, c) {
  const form = el('form', 'rename-form');
  const input = el('input', 'rename-input');
  input.value = c.title || '';
  input.maxLength = 200;
  input.setAttribute('aria-label', 'New title');
  const problem = el('p', 'rename-problem');
  problem.id = `rename-problem-${c.id}`;
  problem.setAttribute('role', 'alert');
  input.setAttribute('aria-describedby', problem.id);
  form.append(input, problem);
  const shown = [...li.children];
  shown.forEach(n => { n.hidden = true; });
  li.append(form);
  input.focus();
  input.select();
  let done = false;
  const close = (focusTitle = true) => {
    done = true;
    form.remove();
    shown.forEach(n => { n.hidden = false; });
    if (focusTitle) li.querySelector('.rename')?.focus();
  };
  input.addEventListener('keydown', event => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close();
    }
  });
  input.addEventListener('blur', () => setTimeout(() => { if (!done && !form.dataset.saving) close(false); }, 150));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const title = input.value.trim();
    if (title === (c.title || '')) { close(); return; }
    if (title === '') {
      problem.textContent = 'Write a title, or press Escape to keep the old one.';
      input.focus();
      return;
    }
    form.dataset.saving = 'true';
    try {
      const response = await fetch(`api/conversations/${encodeURIComponent(c.id)}`, {
        method: 'PATCH', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ title }),
      });
      const body = await response.json().catch(() => null);
      if (!response.ok) {
        problem.textContent = body?.error?.message || `Could not rename (HTTP ${response.status}).`;
        delete form.dataset.saving;
        input.focus();
        return;
      }
      c.title = body.title;
      if (state.conversationId === c.id) ui.title.textContent = body.title;
      const fresh = conversationItem(c);
      close(false);
      li.replaceWith(fresh);
      markActive();
      fresh.querySelector('.rename').focus();
      announce(`Renamed to ${body.title}`);
    } catch {
      problem.textContent = 'Could not rename: the server did not answer.';
      delete form.dataset.saving;
    }
  });
}

/** Asks first (a modal dialog), then deletes; the open conversation is closed with it. */
function confirmDelete(c, opener) {
  const dialog = ui.confirmDelete;
  dialog.querySelector('#confirm-delete-text').textContent = `“${c.title || 'Untitled'}” and all its messages will be deleted. This cannot be undone.`;
  dialog.returnValue = '';
  dialog.addEventListener('close', async () => {
    if (dialog.returnValue !== 'delete') { opener.focus(); return; }
    const response = await fetch(`api/conversations/${encodeURIComponent(c.id)}`, {
      method: 'DELETE', headers: { Accept: 'application/json' },
    }).catch(() => null);
    if (!response || (!response.ok && response.status !== 404)) {
      announce('Could not delete the conversation.');
      opener.focus();
      return;
    }
    const li = opener.closest('li');
    const next = li?.nextElementSibling ?? li?.previousElementSibling;
    li?.remove();
    if (state.conversationId === c.id) {
      resetChat();
      history.replaceState(null, '', location.pathname + location.search);
    }
    announce(`Deleted “${c.title || 'Untitled'}”`);
    (next?.querySelector('button.conversation') ?? ui.newChat).focus();
    if (!ui.list.childElementCount) loadConversations();
  }, { once: true });
  dialog.showModal();
}

function markActive() {
  for (const b of ui.list.querySelectorAll('button.conversation')) {
    if (b.dataset.id === state.conversationId) b.setAttribute('aria-current', 'true');
    else b.removeAttribute('aria-current');
  }
}

function resetChat(title = 'New chat') {
  state.current?.answer.close();
  state.current = null;
  sessionStorage.removeItem(PENDING_KEY);
  ui.stop.hidden = true;
  ui.send.disabled = false;
  state.conversationId = null;
  state.totalCost = 0;
  state.hasCost = false;
  state.totalEstimated = false;
  state.earlier = null;
  showTotal();
  ui.title.textContent = title;
  ui.messages.replaceChildren(ui.empty);
  ui.empty.hidden = false;
}

/** Shows a saved conversation; pending is the answer a reload interrupted, if it belongs here. */
async function openConversation(id, pending = null) {
  resetChat('Loading…');
  state.conversationId = id;
  history.replaceState(null, '', `#c=${encodeURIComponent(id)}`);
  markActive();
  let conversation = null;
  try {
    conversation = await getJson(messagesUrl(id));
  } catch (err) {
    if (!pending) {
      ui.title.textContent = 'Conversation not found';
      return;
    }
  }
  ui.title.textContent = conversation?.title || (pending ? titleFrom(pending.question) : 'Conversation');
  let stillStreaming = null;
  for (const m of conversation?.messages || []) {
    if (pending && m.id === pending.messageId) continue;
    if (m.role === 'user') addUserMessage(textOf(m), ui.messages, filesOf(m)).dataset.messageId = m.id;
    else if (m.role === 'assistant') {
      const view = savedAnswer(m);
      if (m.status === 'streaming' && !pending) stillStreaming = { messageId: m.id, view };
    }
  }
  if (typeof conversation?.nextCursor === 'string' && conversation.nextCursor) showEarlierButton(id, conversation.nextCursor);
  if (Number(conversation?.totalCost) > 0) {
    state.totalEstimated = Boolean(conversation.totalCostEstimated);
    state.totalCost = Number(conversation.totalCost);
    state.hasCost = true;
    showTotal();
  }
  if (pending) {
    if (!conversation?.messages?.some(m => m.role === 'user' && textOf(m) === pending.question)) {
      addUserMessage(pending.question);
    }
    follow(pending, addAssistantMessage());
  } else if (stillStreaming) {
    // An answer still being written (another tab, or a reload that lost its state): replay it whole.
    stillStreaming.view.markdown.reset();
    follow({ messageId: stillStreaming.messageId, lastEventId: 0, text: '' }, stillStreaming.view);
  }
  showRegenerate();
  scrollDown(true);
}

/** One page of a conversation's messages: the newest, or the ones before `cursor` (a page's nextCursor). */
function messagesUrl(id, cursor = null) {
  const query = `limit=${MESSAGE_PAGE}${cursor === null ? '' : `&before=${encodeURIComponent(cursor)}`}`;
  return `api/conversations/${encodeURIComponent(id)}?${query}`;
}

/** "Earlier messages" at the top of the transcript, while older pages remain. */
function showEarlierButton(id, cursor) {
  const button = el('button', 'earlier link-button', 'Earlier messages');
  button.type = 'button';
  button.id = 'earlier';
  button.addEventListener('click', () => loadEarlier());
  ui.messages.prepend(button);
  state.earlier = { id, cursor, button };
}

/**
 * Puts the page before the oldest shown message above it, keeping what the reader sees where it is
 * (the distance from the bottom stays the same); the button goes when the oldest page is shown.
 */
async function loadEarlier() {
  const earlier = state.earlier;
  if (!earlier || earlier.loading) return;
  const { button } = earlier;
  earlier.loading = true;
  button.disabled = true;
  button.textContent = 'Loading earlier messages…';
  let page;
  try {
    page = await getJson(messagesUrl(earlier.id, earlier.cursor));
  } catch {
    if (state.earlier === earlier) {
      earlier.loading = false;
      button.disabled = false;
      button.textContent = 'Could not load earlier messages. Try again';
    }
    return;
  }
  if (state.earlier !== earlier) return; // another conversation was opened meanwhile
  const older = document.createDocumentFragment();
  const skip = new Set([...ui.messages.querySelectorAll('article[data-message-id]')].map(a => a.dataset.messageId));
  for (const m of page.messages || []) {
    if (m.id && skip.has(m.id)) continue; // already shown (the conversation changed between the pages)
    if (m.role === 'user') addUserMessage(textOf(m), older, filesOf(m)).dataset.messageId = m.id;
    else if (m.role === 'assistant') savedAnswer(m, older);
  }
  const m = ui.messages;
  const fromBottom = m.scrollHeight - m.scrollTop;
  button.after(older);
  const cursor = typeof page.nextCursor === 'string' && page.nextCursor ? page.nextCursor : null;
  if (cursor === null) {
    state.earlier = null;
    const first = button.nextElementSibling;
    button.remove();
    if (first) { first.tabIndex = -1; first.focus({ preventScroll: true }); } // focus is not lost with the button
  } else {
    earlier.cursor = cursor;
    earlier.loading = false;
    button.disabled = false;
    button.textContent = 'Earlier messages';
  }
  m.scrollTop = m.scrollHeight - fromBottom;
}

function fileList(files) {
  const list = el('ul', 'files');
  list.setAttribute('aria-label', files.length === 1 ? 'Attached file' : `${files.length} attached files`);
  for (const file of files) {
    const link = el('a', 'file-link');
    link.href = file.url;
    if (file.mediaType.startsWith('image/')) {
      link.target = '_blank';
      link.rel = 'noopener';
      const image = el('img', 'thumb');
      image.src = file.url;
      image.alt = file.name; // the link's name: the file's
      image.loading = 'lazy';
      link.append(image);
    } else {
      link.download = file.name; // a PDF is saved, never shown on this page's origin
      link.append(el('span', 'file-kind', 'PDF'), el('span', 'file-name', file.name));
    }
    const item = el('li');
    item.append(link);
    list.append(item);
  }
  return list;
}

/** A saved question's files, as GET api/conversations/{id} lists them (URLs relative to the page). */
function filesOf(m) {
  return (Array.isArray(m.attachments) ? m.attachments : []).filter(f => f && typeof f.name === 'string'
    && typeof f.mediaType === 'string' && typeof f.url === 'string' && f.url.startsWith('api/conversations/'));
}

/** A message's text: the server sends `text`; `content` is accepted too. */
function textOf(m) {
  return m.text ?? m.content ?? '';
}

function savedAnswer(m, into = ui.messages) {
  const view = addAssistantMessage(into);
  finishAnswer(view, textOf(m));
  if (m.thinking) {
    view.thinking.hidden = false;
    view.thinking.querySelector('.thinking-text').textContent = m.thinking;
  }
  const usage = m.usage || m;
  const notes = { stopped: 'stopped', interrupted: 'interrupted', error: 'failed', streaming: 'still being written' };
  showMeta(view, {
    inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, cost: m.cost, estimated: m.costEstimated,
    model: m.model, note: notes[m.status],
  });
  if (m.stopReason === 'refusal') showRefusal(view, m.stopDetails);
  if (m.status === 'error') showError(view, m.error?.message || m.errorMessage || 'This answer failed.');
  view.article.dataset.messageId = m.id;
  return view;
}

function titleFrom(question) {
  const line = String(question || '').trim().split('\n')[0];
  return line.length > 60 ? `${line.slice(0, 59)}…` : line || 'New chat';
}

// ---------- model, effort and thinking ----------

const EFFORT_NAMES = { low: 'Low', medium: 'Medium', high: 'High', xhigh: 'Extra high', max: 'Max' };
const models = { byId: new Map(), offered: false };

/**
 * Fills the pickers from api/models, the default model first as the server lists them, and restores
 * this browser's last choice where it is still offered. A server without api/models: no pickers, and
 * requests name no model, so the server's default answers.
 */
async function loadModels() {
  let list = [];
  try {
    const data = await getJson('api/models');
    list = (Array.isArray(data?.models) ? data.models : []).filter(m => m && typeof m.id === 'string' && m.id);
    models.defaultModel = list.some(m => m.id === data.defaultModel) ? data.defaultModel
      : (list.find(m => m.default === true) ?? list[0])?.id;
  } catch {
    list = [];
  }
  if (!list.length) {
    ui.options.hidden = true;
    return;
  }
  for (const m of list) models.byId.set(m.id, m);
  ui.model.replaceChildren(...list.map(modelOption));
  const saved = readChoice();
  const restored = models.byId.has(saved.model); // effort and thinking were chosen for that model
  ui.model.value = restored ? saved.model : models.defaultModel;
  fitOptions(restored ? saved.effort : '', restored && saved.think === true);
  models.offered = true;
  ui.options.hidden = false;
  for (const label of document.querySelectorAll('.meta .model[data-model]')) label.textContent = modelName(label.dataset.model);
}

function modelOption(m) {
  const name = typeof m.displayName === 'string' && m.displayName ? m.displayName : m.id;
  const option = el('option', null, m.lifecycle === 'legacy' || m.lifecycle === 'deprecated' ? `${name} (${m.lifecycle})` : name);
  option.value = m.id;
  const notes = [m.id];
  if (m.lifecycle === 'deprecated' && m.retiresOn) notes.push(`retires on ${m.retiresOn}`);
  if (m.replacement) notes.push(`replacement: ${m.replacement}`);
  option.title = notes.join('; ');
  return option;
}

const effortsOf = m => (Array.isArray(m?.effort) ? m.effort : []).filter(e => typeof e === 'string' && e);
const canThink = m => Array.isArray(m?.thinking)
  && (m.thinking.includes('adaptive') || m.thinking.includes('enabled') || m.thinkingBudget === true);

/** Shows the effort levels and the Think box the chosen model takes, keeping the choice where it can. */
function fitOptions(effort = ui.effort.value, think = ui.think.checked) {
  const model = models.byId.get(ui.model.value);
  const levels = effortsOf(model);
  const fallback = el('option', null, 'Default');
  fallback.value = '';
  ui.effort.replaceChildren(fallback, ...levels.map(level => {
    const option = el('option', null, EFFORT_NAMES[level] ?? level);
    option.value = level;
    return option;
  }));
  ui.effort.value = levels.includes(effort) ? effort : '';
  ui.effortOption.hidden = levels.length === 0;
  ui.thinkOption.hidden = !canThink(model);
  ui.think.checked = !ui.thinkOption.hidden && think;
}

/** What the next request asks for: nothing when the server offers no choice. */
function chosen() {
  if (!models.offered || !ui.model.value) return {};
  return {
    model: ui.model.value,
    effort: !ui.effortOption.hidden && ui.effort.value ? ui.effort.value : undefined,
    thinking: !ui.thinkOption.hidden && ui.think.checked ? true : undefined,
  };
}

function readChoice() {
  try {
    const choice = JSON.parse(localStorage.getItem(CHOICE_KEY) || 'null');
    return choice && typeof choice === 'object' ? choice : {};
  } catch {
    return {};
  }
}

function saveChoice() {
  try {
    localStorage.setItem(CHOICE_KEY, JSON.stringify({ model: ui.model.value, effort: ui.effort.value, think: ui.think.checked }));
  } catch {
    // storage refused: the choice lasts until the page is left
  }
}

ui.model.addEventListener('change', () => {
  fitOptions();
  saveChoice();
});
ui.effort.addEventListener('change', saveChoice);
ui.think.addEventListener('change', saveChoice);

// ---------- composer and controls ----------

// ---------- files to send ----------

// What the server takes by default (CLAUDE_SSE_MAX_ATTACHMENTS, CLAUDE_SSE_MAX_ATTACHMENT_BYTES, and the 1 MiB
// body once base64 has grown the files by a third). Checked here so a refused file is said at once; the
// server checks again and its refusal shows in place of the answer.
const FILE_TYPES = new Map([['image/png', 'PNG'], ['image/jpeg', 'JPEG'], ['image/gif', 'GIF'], ['image/webp', 'WebP'],
  ['application/pdf', 'PDF']]);
const MAX_FILES = 10;
const MAX_FILE_BYTES = 750_000;
const MAX_TOTAL_BYTES = 750_000;
const toSend = []; // {file, name, url}: the chips shown above the message box

const formatSize = bytes => (bytes < 1000 ? `${bytes} B` : `${Math.round(bytes / 1000)} KB`);

/** Adds the files that can be sent as chips; says plainly why any other one is not added. */
function addFiles(files) {
  const problems = [];
  for (const file of files) {
    const name = file.name || `pasted.${(FILE_TYPES.get(file.type) || 'file').toLowerCase()}`;
    const total = toSend.reduce((sum, f) => sum + f.file.size, 0);
    if (!FILE_TYPES.has(file.type)) {
      problems.push(`“${name}” was not added: only images (PNG, JPEG, GIF, WebP) and PDFs can be sent.`);
    } else if (file.size > MAX_FILE_BYTES) {
      problems.push(`“${name}” was not added: it has ${formatSize(file.size)}, and a file may have at most ${formatSize(MAX_FILE_BYTES)}.`);
    } else if (toSend.length >= MAX_FILES) {
      problems.push(`“${name}” was not added: a message may carry at most ${MAX_FILES} files.`);
    } else if (total + file.size > MAX_TOTAL_BYTES) {
      problems.push(`“${name}” was not added: the files of one message may have at most ${formatSize(MAX_TOTAL_BYTES)} in all.`);
    } else if (file.size === 0) {
      problems.push(`“${name}” was not added: it is empty.`);
    } else {
      toSend.push({ file, name, url: file.type.startsWith('image/') ? URL.createObjectURL(file) : null });
      announce(`Attached ${name}`);
    }
  }
  ui.attachProblem.textContent = problems.join(' ');
  ui.attachProblem.hidden = problems.length === 0;
  showChips();
}

function showChips() {
  ui.chips.replaceChildren(...toSend.map((f, i) => {
    const chip = el('li', 'chip');
    if (f.url) {
      const thumb = el('img', 'chip-thumb');
      thumb.src = f.url;
      thumb.alt = '';
      chip.append(thumb);
    } else {
      chip.append(el('span', 'file-kind', FILE_TYPES.get(f.file.type)));
    }
    chip.append(el('span', 'chip-name', f.name), el('span', 'chip-size', formatSize(f.file.size)));
    chip.title = f.name;
    const remove = el('button', 'chip-remove', '×');
    remove.type = 'button';
    remove.setAttribute('aria-label', `Remove ${f.name}`);
    remove.addEventListener('click', () => removeFile(i));
    chip.append(remove);
    return chip;
  }));
  ui.chips.hidden = toSend.length === 0;
}

/** Removes a chip; the focus goes to the chip now in its place (or the one before), else the message box. */
function removeFile(index) {
  const [gone] = toSend.splice(index, 1);
  if (gone?.url) URL.revokeObjectURL(gone.url);
  ui.attachProblem.hidden = true;
  showChips();
  announce(`Removed ${gone?.name ?? 'the file'}`);
  const buttons = ui.chips.querySelectorAll('.chip-remove');
  (buttons[Math.min(index, buttons.length - 1)] ?? ui.input).focus();
}

/** A file's bytes as base64, as api/chat's attachments take them. */
function base64Of(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).slice(String(reader.result).indexOf(',') + 1));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

ui.attach.addEventListener('click', () => ui.fileInput.click());
ui.fileInput.addEventListener('change', () => {
  addFiles([...ui.fileInput.files]);
  ui.fileInput.value = ''; // the same file may be chosen again after its chip was removed
});
ui.input.addEventListener('paste', event => {
  const files = [...(event.clipboardData?.files || [])];
  if (!files.length) return;
  // A copied picture may come with text (its address, say): the files are taken, the text only when alone.
  if (!event.clipboardData.types.includes('text/plain')) event.preventDefault();
  addFiles(files);
});
// Files dropped anywhere on the chat are attached (a browser would otherwise open them in place of the page).
const chatArea = document.querySelector('.chat');
const dragsFiles = event => [...(event.dataTransfer?.types || [])].includes('Files');
chatArea.addEventListener('dragover', event => {
  if (!dragsFiles(event)) return;
  event.preventDefault();
  ui.form.classList.add('dropping');
});
chatArea.addEventListener('dragleave', event => {
  if (!chatArea.contains(event.relatedTarget)) ui.form.classList.remove('dropping');
});
chatArea.addEventListener('drop', event => {
  ui.form.classList.remove('dropping');
  if (!dragsFiles(event) && !event.dataTransfer?.files?.length) return;
  event.preventDefault();
  addFiles([...event.dataTransfer.files]);
});

let reading = false;
ui.form.addEventListener('submit', async event => {
  event.preventDefault();
  const question = ui.input.value;
  if (state.current || reading) return;
  if (!question.trim()) {
    if (toSend.length) {
      ui.attachProblem.textContent = 'Write a message to send with the files.';
      ui.attachProblem.hidden = false;
    }
    return;
  }
  const files = toSend.splice(0);
  let attachments = [];
  if (files.length) {
    reading = true;
    try {
      attachments = await Promise.all(files.map(async f => ({ name: f.name, mediaType: f.file.type, data: await base64Of(f.file) })));
    } catch {
      toSend.unshift(...files);
      ui.attachProblem.textContent = 'A file could not be read; remove it and attach it again.';
      ui.attachProblem.hidden = false;
      return;
    } finally {
      reading = false;
    }
  }
  ui.input.value = '';
  fitInput();
  ui.attachProblem.hidden = true;
  showChips();
  // The transcript shows what was sent from the files in hand (object URLs; a PDF's is made for its link).
  addUserMessage(question, ui.messages, files.map(f => ({
    name: f.name, mediaType: f.file.type, url: f.url ?? URL.createObjectURL(f.file),
  })));
  ask(question, addAssistantMessage(), chosen(), false, attachments);
});

ui.input.addEventListener('keydown', event => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    ui.form.requestSubmit();
  }
});

function fitInput() {
  ui.input.style.height = 'auto';
  ui.input.style.height = `${Math.min(ui.input.scrollHeight, 200)}px`;
}
ui.input.addEventListener('input', fitInput);

function stopAnswer() {
  if (!state.current || ui.stop.disabled) return;
  ui.stop.disabled = true;
  ui.stop.textContent = 'Stopping…';
  state.current.answer.stop();
}
ui.stop.addEventListener('click', stopAnswer);

// Escape stops a running answer, wherever the focus is (but not while a dialog or a rename takes it).
document.addEventListener('keydown', event => {
  if (event.key !== 'Escape' || event.defaultPrevented || ui.confirmDelete.open || !state.current) return;
  if (event.target instanceof Element && event.target.closest('.rename-form')) return;
  if (event.target === ui.search && ui.search.value) return; // there Escape clears the search first
  event.preventDefault();
  stopAnswer();
});

// ---------- search and theme ----------

let searchTimer = 0;
ui.search.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => {
    const query = ui.search.value.trim();
    if (query === state.query) return;
    state.query = query;
    state.nextPage = null;
    loadConversations();
  }, 250);
});

function readTheme() {
  try {
    const theme = localStorage.getItem(THEME_KEY);
    return theme === 'light' || theme === 'dark' ? theme : 'system';
  } catch {
    return 'system';
  }
}

function applyTheme(theme) {
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
}

ui.theme.value = readTheme();
applyTheme(ui.theme.value);
ui.theme.addEventListener('change', () => {
  applyTheme(ui.theme.value);
  try {
    if (ui.theme.value === 'system') localStorage.removeItem(THEME_KEY);
    else localStorage.setItem(THEME_KEY, ui.theme.value);
  } catch {
    // storage refused: the theme lasts until the page is left
  }
});

// The skip link focuses the message box itself: following its #input would change the hash, which names
// the open conversation.
document.querySelector('.skip-link').addEventListener('click', event => {
  event.preventDefault();
  ui.input.focus();
});

ui.newChat.addEventListener('click', () => {
  closeSidebar();
  resetChat();
  history.replaceState(null, '', location.pathname + location.search);
  markActive();
  ui.input.focus();
});

ui.more.addEventListener('click', () => loadConversations(true));

ui.toggle.addEventListener('click', () => {
  const open = !ui.sidebar.classList.contains('open');
  ui.sidebar.classList.toggle('open', open);
  ui.toggle.setAttribute('aria-expanded', String(open));
});

// At phone width the list lies over the chat: a tap beside it closes it.
document.querySelector('.chat').addEventListener('click', event => {
  if (ui.sidebar.classList.contains('open') && !ui.toggle.contains(event.target)) closeSidebar();
});

function closeSidebar() {
  ui.sidebar.classList.remove('open');
  ui.toggle.setAttribute('aria-expanded', 'false');
}

// ---------- start ----------

async function showDemoBanner() {
  try {
    const health = await getJson('api/health');
    if (health.upstream === 'demo') ui.banner.hidden = false;
  } catch {
    // the banner also appears when an answer says it came from the demo
  }
}

function readPending() {
  try {
    const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) || 'null');
    return pending && pending.messageId ? pending : null;
  } catch {
    return null;
  }
}

function start() {
  showDemoBanner();
  loadModels();
  loadConversations();
  const pending = readPending();
  const fromHash = /^#c=(.+)$/.exec(location.hash);
  if (pending && pending.conversationId) {
    openConversation(pending.conversationId, pending);
  } else if (pending) {
    addUserMessage(pending.question);
    follow(pending, addAssistantMessage());
  } else if (fromHash) {
    openConversation(decodeURIComponent(fromHash[1]));
  }
  ui.input.focus();
}

start();
