// Helpers for the JavaScript tests that run against the real server (started by ClientIT / PageIT).
import net from 'node:net';

export const BASE = process.env.CLAUDE_SSE_BASE;
export const CONTROL = process.env.CLAUDE_SSE_CONTROL;
if (!BASE || !CONTROL) {
  throw new Error('CLAUDE_SSE_BASE and CLAUDE_SSE_CONTROL are not set: run these tests through ClientIT or PageIT (mvn verify)');
}

/** Calls the control API of the fake Claude (ScriptControl.java): GET without body, POST with one. */
export async function control(path, body) {
  const init = body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
  const response = await fetch(new URL(path, CONTROL), init);
  const json = await response.json();
  if (!response.ok) throw new Error(`control ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** The JSON body of the newest request the fake Claude received (ScriptControl's GET requests/last). */
export function lastClaudeRequest() {
  return control('requests/last');
}

/** What the store saved for an answer of this owner cookie; null if it saved nothing. */
export async function saved(ownerCookie, messageId) {
  const response = await fetch(new URL(`saved?owner=${encodeURIComponent(`anon:${ownerCookie}`)}&messageId=${encodeURIComponent(messageId)}`, CONTROL));
  return response.status === 404 ? null : response.json();
}

/** A fetch that keeps cookies like a browser would, so each jar is one anonymous owner. */
export function cookieJar() {
  const cookies = new Map();
  return {
    cookies,
    owner: () => cookies.get('claude_sse_owner'),
    fetch: async (url, init = {}) => {
      const headers = new Headers(init.headers);
      if (cookies.size) headers.set('Cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
      const response = await fetch(url, { ...init, headers });
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair.indexOf('=');
        cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
      }
      return response;
    },
  };
}

/** Wraps a fetch so that every body read (Uint8Array) is recorded in `reads`. */
export function recordingFetch(inner, reads) {
  return async (url, init) => {
    const response = await inner(url, init);
    if (!response.body) return response;
    const tap = new TransformStream({ transform(chunk, out) { reads.push(chunk); out.enqueue(chunk); } });
    return new Response(response.body.pipeThrough(tap), { status: response.status, headers: response.headers });
  };
}

/** Polls until check() is truthy; fails after the timeout with the message. */
export async function waitFor(check, message, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${message}`);
    await new Promise(r => setTimeout(r, 20));
  }
}

/**
 * A TCP proxy on 127.0.0.1 in front of the server, so a test can break the network for real:
 * drop() resets every open connection, refuse(true) resets new ones at once, slice cuts what the
 * server sends into pieces of that many bytes, written apart. requests lists what went through.
 */
export async function startProxy(target, { slice = 0, pauseMs = 2 } = {}) {
  const { hostname, port } = new URL(target);
  const sockets = new Set();
  const requests = [];
  let refusing = false;
  const server = net.createServer(client => {
    if (refusing) { client.resetAndDestroy(); return; }
    client.setNoDelay(true);
    const upstream = net.connect(Number(port), hostname);
    sockets.add(client);
    sockets.add(upstream);
    let head = '';
    client.on('data', data => {
      head += data.toString('latin1');
      for (let m; (m = /(GET|POST|OPTIONS|DELETE) (\S+) HTTP\/1\.1\r\n([\s\S]*?)\r\n\r\n/.exec(head));) {
        const lastEventId = /^last-event-id: *(.*)$/im.exec(m[3]);
        requests.push({ method: m[1], path: m[2], lastEventId: lastEventId ? lastEventId[1].trim() : null });
        head = head.slice(m.index + m[0].length);
      }
      upstream.write(data);
    });
    upstream.on('data', data => {
      if (!slice) { client.write(data); return; }
      upstream.pause();
      (async () => {
        for (let i = 0; i < data.length && !client.destroyed; i += slice) {
          client.write(data.subarray(i, i + slice));
          await new Promise(r => setTimeout(r, pauseMs));
        }
        upstream.resume();
      })();
    });
    const end = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  const base = new URL(target);
  base.host = `127.0.0.1:${server.address().port}`;
  return {
    url: base.href,
    requests,
    drop() {
      for (const s of sockets) s.resetAndDestroy();
      sockets.clear();
    },
    refuse(on) { refusing = on; },
    close() {
      this.drop();
      return new Promise(resolve => server.close(resolve));
    },
  };
}
