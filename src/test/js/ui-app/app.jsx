// A small React chat app of the kind teams build with the AI SDK, written only from docs/frontends.md:
// useChat with resume, its transport pointed at the WAR's api/ui/chat. ui-app.it.mjs bundles it with
// esbuild and drives it in Chromium. The WAR's address comes from ?api= (default: the WAR at the root).
import React, { useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { useChat } from '@ai-sdk/react';
import { DefaultChatTransport } from 'ai';

const params = new URLSearchParams(location.search);
const api = params.get('api') ?? '/api/ui/chat';
// A stable chat id per chat, kept in the URL, so that a reload resumes the chat's running answer.
const chatId = params.get('chat') ?? 'chat-1';
const transport = new DefaultChatTransport({ api, body: { model: params.get('model') ?? undefined } });

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 6 });

function Part({ part }) {
  switch (part.type) {
    case 'text': return <span className="text">{part.text}</span>;
    case 'reasoning': return <details className="reasoning"><summary>Thinking</summary>{part.text}</details>;
    case 'file': return <span className="file">{part.filename ?? part.mediaType}</span>;
    default: return null; // step-start and the like
  }
}

function Message({ message }) {
  const meta = message.metadata;
  return (
    <article className={message.role} data-id={message.id}>
      <div className="body">{message.parts.map((part, i) => <Part key={i} part={part} />)}</div>
      {meta?.totalCost != null &&
        <footer className="cost" data-cost={meta.totalCost}>
          {meta.estimated ? '≈ ' : ''}{money.format(Number(meta.totalCost))} · {meta.stopReason}
        </footer>}
    </article>
  );
}

function App() {
  const [input, setInput] = useState('');
  const [files, setFiles] = useState(undefined);
  const fileInput = useRef(null);
  const { messages, sendMessage, status, error, stop } = useChat({ id: chatId, transport, resume: true });
  const busy = status === 'submitted' || status === 'streaming';

  function submit(event) {
    event.preventDefault();
    if (!input.trim()) return;
    sendMessage({ text: input, files });
    setInput('');
    setFiles(undefined);
    if (fileInput.current) fileInput.current.value = '';
  }

  return (
    <main>
      <section id="messages">{messages.map(m => <Message key={m.id} message={m} />)}</section>
      {error && <p id="error" role="alert">{error.message}</p>}
      <form onSubmit={submit}>
        <input id="input" value={input} onChange={e => setInput(e.target.value)} placeholder="Ask Claude" />
        <input id="files" type="file" multiple ref={fileInput} onChange={e => setFiles(e.target.files)} />
        <button id="send" type="submit" disabled={busy}>Send</button>
        {busy && <button id="stop" type="button" onClick={() => stop()}>Stop</button>}
      </form>
      <p id="status">{status}</p>
    </main>
  );
}

createRoot(document.getElementById('root')).render(<App />);
