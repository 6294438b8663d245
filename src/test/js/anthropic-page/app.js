// A page that calls Claude through the WAR with the official Anthropic SDK, from another origin than the
// WAR's: the key stays on the server, the page is known by the WAR's owner cookie. anthropic-page.it.mjs
// bundles it with esbuild and drives it in Chromium. The WAR's address comes from ?war=.
import Anthropic from '@anthropic-ai/sdk';

const war = new URLSearchParams(location.search).get('war');
const client = new Anthropic({
  baseURL: war,
  apiKey: 'no-key-in-the-browser',      // any string: the WAR adds Claude's key, and knows this page by its cookie
  dangerouslyAllowBrowser: true,
  maxRetries: 0,
  fetch: (url, init) => fetch(url, { ...init, credentials: 'include' }), // send the WAR's owner cookie
});

const answer = document.getElementById('answer');
let current;

/** Streams an answer into the page; resolves with what the SDK assembled. */
window.ask = async question => {
  answer.textContent = '';
  current = client.messages.stream({ model: 'claude-sonnet-5-5', max_tokens: 1024,
    messages: [{ role: 'user', content: question }] });
  current.on('text', text => { answer.textContent += text; });
  try {
    const message = await current.finalMessage();
    const { request_id: id } = await current.withResponse();
    return { id, text: message.content.filter(b => b.type === 'text').map(b => b.text).join(''), usage: message.usage };
  } catch (e) {
    return { error: e.constructor.name, message: e.message, shown: answer.textContent };
  }
};

window.stopAnswer = () => current.abort();
window.shown = () => answer.textContent;

/** The owner's conversations, read from the WAR with the same cookie. */
window.conversations = async () => {
  const list = await (await fetch(new URL('api/conversations', war), { credentials: 'include' })).json();
  return Promise.all(list.conversations.map(async c =>
    (await fetch(new URL(`api/conversations/${c.id}`, war), { credentials: 'include' })).json()));
};
