// The operators' usage page: reads api/usage (JSON; 403 for anyone but an operator, see docs/usage.md) and
// shows it with Chart.js (vendor/, served from this WAR) and plain tables. Every value of the report is put
// into the page as text (textContent) or drawn on a canvas, never as markup: titles and owner names are
// users' text. An admin token typed into the page is kept in this module's memory only, and sent only to
// api/usage, as "Authorization: Bearer".
const $ = id => document.getElementById(id);
const ui = {
  loading: $('loading'), denied: $('denied'), deniedReason: $('denied-reason'), failure: $('failure'),
  report: $('report'), period: $('period'), refresh: $('refresh'), tokenForm: $('token-form'), token: $('token'),
  todaySpend: $('today-spend'), totalSpend: $('total-spend'), answerCount: $('answer-count'),
  runningCount: $('running-count'), estimatedNote: $('estimated-note'), byModel: $('by-model'),
  byOwner: $('by-owner'), conversations: $('top-conversations'), noConversations: $('no-conversations'),
  statuses: $('statuses'), liveSummary: $('live-summary'), live: $('live'),
};

/** Colour-blind-safe hues (Okabe and Ito), then greys for more series. */
const COLORS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000',
  '#999999', '#bbbbbb'];
const OTHERS_COLOR = '#c8c8c8';

const money = new Intl.NumberFormat('en-US', {
  style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4,
});
const count = new Intl.NumberFormat('en-US');
const dayLabel = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });

let token = null;
const charts = new Map();

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function showOnly(section) {
  for (const node of [ui.loading, ui.denied, ui.failure, ui.report]) node.hidden = node !== section;
}

async function load() {
  ui.refresh.disabled = true;
  if (ui.report.hidden) showOnly(ui.loading);
  try {
    const headers = token ? { Authorization: `Bearer ${token}` } : {};
    let response;
    try {
      response = await fetch('api/usage', { headers, credentials: 'same-origin', cache: 'no-store' });
    } catch (e) {
      fail(`The server cannot be reached: ${e.message}`);
      return;
    }
    const body = await response.json().catch(() => null);
    if (response.status === 401 || response.status === 403) {
      denied(body?.error?.message ?? `The server answered ${response.status}.`);
    } else if (!response.ok || !body) {
      fail(body?.error?.message ?? `The server answered ${response.status}.`);
    } else {
      render(body);
    }
  } finally {
    ui.refresh.disabled = false;
  }
}

function denied(message) {
  for (const chart of charts.values()) chart.destroy();
  charts.clear();
  ui.deniedReason.textContent = message;
  ui.period.textContent = '';
  showOnly(ui.denied);
}

function fail(message) {
  ui.failure.textContent = message;
  showOnly(ui.failure);
}

function render(usage) {
  const days = usage.days;
  const perDay = usage.perDay.map(Number);
  ui.period.textContent = `${days[0]} to ${days[days.length - 1]} (UTC)`;
  ui.todaySpend.textContent = money.format(perDay[perDay.length - 1]);
  ui.totalSpend.textContent = money.format(Number(usage.total));
  ui.answerCount.textContent = count.format(usage.answers);
  ui.runningCount.textContent = count.format(usage.live.runningAnswers);
  ui.estimatedNote.hidden = usage.estimatedAnswers === 0;
  ui.estimatedNote.textContent = `The cost of ${count.format(usage.estimatedAnswers)} of these answers is an estimate`
    + ' (stopped or failed) or unknown (a model without a price).';

  const labels = days.map(day => dayLabel.format(new Date(`${day}T00:00:00Z`)));
  const today = money.format(perDay[perDay.length - 1]);
  chart(ui.byModel, labels, usage.byModel, `Spend per day by model over ${days.length} days; today ${today}.`);
  const owners = usage.byOwner.map(s => (s.others ? { ...s, name: `others (${count.format(usage.owners - usage.byOwner.length + 1)} owners)` } : s));
  chart(ui.byOwner, labels, owners, `Spend per day by owner over ${days.length} days; today ${today}.`);

  fill(ui.conversations, usage.topConversations, c => [
    cell(c.title || '(untitled)', 'title'), cell(c.owner), cell(money.format(Number(c.cost)), 'number'),
    cell(count.format(c.answers), 'number'), cell(count.format(c.messages), 'number'), code(c.id),
  ]);
  ui.noConversations.hidden = usage.topConversations.length > 0;

  fill(ui.statuses, Object.entries(usage.answersByStatus), ([status, n]) => [cell(status),
    cell(count.format(n), 'number')]);

  const live = usage.live;
  ui.liveSummary.textContent = `${count.format(live.runningAnswers)} answers streaming, followed by `
    + `${count.format(live.openStreams)} open connections.`
    + (live.answers.length < live.runningAnswers ? ` The first ${live.answers.length} are listed.` : '');
  ui.live.hidden = live.answers.length === 0;
  fill(ui.live, live.answers, a => [code(a.messageId), code(a.conversationId), cell(a.owner), cell(a.dialect)]);

  showOnly(ui.report);
}

/** A stacked bar chart of one amount a day per series; redrawn in place on a refresh. */
function chart(canvas, labels, series, summary) {
  canvas.setAttribute('aria-label', summary);
  canvas.textContent = summary; // for browsers that draw no canvas
  const data = {
    labels,
    datasets: series.map((s, i) => ({
      label: s.name,
      data: s.perDay.map(Number),
      backgroundColor: s.others ? OTHERS_COLOR : COLORS[i % COLORS.length],
      stack: 'spend',
    })),
  };
  const existing = charts.get(canvas.id);
  if (existing) {
    existing.data = data;
    existing.update();
    return;
  }
  charts.set(canvas.id, new globalThis.Chart(canvas, {
    type: 'bar',
    data,
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { stacked: true, ticks: { maxRotation: 0, autoSkipPadding: 8 } },
        y: { stacked: true, beginAtZero: true, ticks: { callback: value => money.format(value) } },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: { label: item => `${item.dataset.label}: ${money.format(item.parsed.y)}` },
          filter: item => item.parsed.y !== 0,
        },
      },
    },
  }));
}

function cell(text, className) {
  return el('td', className, text);
}

function code(text) {
  const td = el('td');
  td.append(el('code', null, text));
  return td;
}

function fill(table, items, row) {
  const body = table.tBodies[0];
  body.replaceChildren(...items.map(item => {
    const tr = el('tr');
    tr.append(...row(item));
    return tr;
  }));
}

ui.refresh.addEventListener('click', () => load());
ui.tokenForm.addEventListener('submit', event => {
  event.preventDefault();
  token = ui.token.value.trim() || null;
  ui.token.value = '';
  load();
});

load();
