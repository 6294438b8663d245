// The bundled chat page. Plain DOM code on top of claude-sse.js and render.js; every URL is relative,
// so the page works under any context path. Model text reaches the page only as Markdown rendered by
// render.js (markdown-it, then DOMPurify: no HTML of the model's, http(s) links only) or as text nodes.
import { chat, resume } from './claude-sse.js';
import { MarkdownView } from './render.js';

const PENDING_KEY = 'claude-sse.pending'; // the answer in flight, so a reload can resume it
const CHOICE_KEY = 'claude-sse.choice'; // the model, effort and thinking last chosen in this browser
const MESSAGE_PAGE = 50; // messages of a saved conversation read at a time; "Earlier messages" reads more
const $ = id => document.getElementById(id);
const ui = {
  sidebar: $('sidebar'), list: $('conversation-list'), more: $('more'), historyNote: $('history-note'),
  newChat: $('new-chat'), toggle: $('toggle-sidebar'), title: $('title'), total: $('total'),
  banner: $('demo-banner'), access: $('access-banner'), messages: $('messages'), empty: $('empty'),
  form: $('composer'), input: $('input'), send: $('send'), stop: $('stop'),
  options: $('options'), model: $('model'), effort: $('effort'), effortOption: $('effort-option'),
  think: $('think'), thinkOption: $('think-option'),
};

const state = {
  conversationId: null,
  totalCost: 0,
  hasCost: false,
  totalEstimated: false,
  nextPage: null,
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

/** A question; `into` another node (a page of earlier messages being built) leaves the scroll alone. */
function addUserMessage(text, into = ui.messages) {
  ui.empty.hidden = true;
  const article = el('article', 'message user');
  article.append(el('h2', 'visually-hidden', 'You said'), el('div', 'body', text));
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
  body.setAttribute('aria-live', 'polite');
  const status = el('p', 'status');
  status.setAttribute('role', 'status');
  const refusal = el('p', 'refusal');
  refusal.setAttribute('role', 'note');
  refusal.hidden = true;
  const meta = el('p', 'meta');
  const error = el('div', 'error');
  error.setAttribute('role', 'alert');
  error.hidden = true;
  article.append(el('h2', 'visually-hidden', 'Claude said'), thinking, body, refusal, status, meta, error);
  into.append(article);
  if (into === ui.messages) scrollDown(true);
  // Renders only the growing tail while streaming and leaves unchanged blocks in place, so the screen
  // reader's live region hears the new part instead of the whole answer again.
  const markdown = new MarkdownView(body);
  return { article, thinking, body, markdown, refusal, status, meta, error };
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
function ask(question, view = addAssistantMessage(), choice = chosen()) {
  const current = { question, view, choice, text: '', thinking: '', messageId: null, model: null };
  current.answer = chat({
    message: question,
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
  current.answer.finished.then(result => end(current, result));
}

function end(current, result) {
  current.view.article.classList.remove('streaming');
  if (state.current !== current) return;
  state.current = null;
  if (result.outcome !== 'closed') sessionStorage.removeItem(PENDING_KEY); // closed: the page is going away
  ui.stop.hidden = true;
  ui.send.disabled = false;
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
    view.markdown.finish(current.text);
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
    },
    error(data) {
      finish();
      view.status.textContent = '';
      view.article.dataset.state = 'error';
      const canRetry = typeof current.question === 'string' && current.question.trim() !== '';
      showError(view, data.message || 'Something went wrong.', canRetry ? () => retry(current) : null);
      showAccessProblem({ status: data.status, serverMessage: data.message });
    },
  };
}

/** Asks the same question again, streaming the new answer into the same place. */
function retry(failed) {
  if (state.current) return;
  const { view } = failed;
  view.error.hidden = true;
  view.refusal.hidden = true;
  view.meta.textContent = '';
  view.markdown.reset();
  view.thinking.hidden = true;
  delete view.article.dataset.state;
  ask(failed.question, view, failed.choice ?? chosen());
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
  const url = more && state.nextPage !== null ? nextUrl(state.nextPage) : 'api/conversations';
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
  const items = Array.isArray(page) ? page : page.conversations || [];
  items.sort((a, b) => String(updatedOf(b)).localeCompare(String(updatedOf(a))));
  if (!more) ui.list.replaceChildren();
  for (const c of items) ui.list.append(conversationItem(c));
  state.nextPage = Array.isArray(page) ? null : page.nextOffset ?? page.next ?? null;
  ui.more.hidden = state.nextPage === null;
  ui.historyNote.hidden = ui.list.childElementCount > 0 ? true : false;
  if (!ui.list.childElementCount) ui.historyNote.textContent = 'No conversations yet.';
  markActive();
}

/** The next page: an offset (what the server sends), or a ready relative URL. */
function nextUrl(next) {
  return typeof next === 'string' && /^api\//.test(next) ? next : `api/conversations?offset=${encodeURIComponent(next)}`;
}

function updatedOf(c) {
  return c.updatedAt ?? c.updated ?? c.createdAt ?? '';
}

function conversationItem(c) {
  const li = el('li');
  const button = el('button', 'conversation', null);
  button.type = 'button';
  button.dataset.id = c.id;
  button.append(el('span', 'conversation-title', c.title || 'Untitled'));
  const details = [];
  if (updatedOf(c)) details.push(new Date(updatedOf(c)).toLocaleString());
  if (c.totalCost !== undefined && c.totalCost !== null) details.push(formatCost(c.totalCost));
  if (details.length) button.append(el('span', 'conversation-meta', details.join(' · ')));
  button.addEventListener('click', () => {
    closeSidebar();
    openConversation(c.id);
  });
  li.append(button);
  return li;
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
    if (m.role === 'user') addUserMessage(textOf(m)).dataset.messageId = m.id;
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
    if (m.role === 'user') addUserMessage(textOf(m), older).dataset.messageId = m.id;
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

/** A message's text: the server sends `text`; `content` is accepted too. */
function textOf(m) {
  return m.text ?? m.content ?? '';
}

function savedAnswer(m, into = ui.messages) {
  const view = addAssistantMessage(into);
  view.body.removeAttribute('aria-live'); // only the answer being written is announced
  view.markdown.finish(textOf(m));
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

ui.form.addEventListener('submit', event => {
  event.preventDefault();
  const question = ui.input.value;
  if (!question.trim() || state.current) return;
  ui.input.value = '';
  fitInput();
  addUserMessage(question);
  ask(question);
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

ui.stop.addEventListener('click', () => {
  if (!state.current) return;
  ui.stop.disabled = true;
  ui.stop.textContent = 'Stopping…';
  state.current.answer.stop();
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
