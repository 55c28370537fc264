// Jessica web page: learns its URLs from /config.json (written at deploy time), never hard-codes hosts.
'use strict';

const $ = (id) => document.getElementById(id);
const state = { config: null, socket: null, retryMs: 1000, autoPlay: true, wantPlay: false, clip: null, audioUrl: null };

function showError(text) {
  $('error').textContent = text;
  $('error').hidden = !text;
}

// `{ error, message }` from the service, or the HTTP status when the body is not JSON.
async function errorText(res) {
  try {
    const body = await res.json();
    if (body && body.message) return `${body.message} (${body.error})`;
  } catch (_) { /* not JSON */ }
  return `HTTP ${res.status}`;
}

function play(blob) {
  if (state.audioUrl) URL.revokeObjectURL(state.audioUrl);
  state.audioUrl = URL.createObjectURL(blob);
  $('player').src = state.audioUrl;
  $('player').play().catch(() => { /* autoplay blocked: the controls are there */ });
}

async function speakViaStream(body) {
  const res = await fetch(`${state.config.apiBaseUrl}/tts/stream`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(await errorText(res));
  play(await res.blob());
}

function speakViaSocket(body) {
  if (!state.socket || state.socket.readyState !== WebSocket.OPEN) throw new Error('The WebSocket is not connected.');
  state.wantPlay = true;
  state.socket.send(JSON.stringify({ type: 'tts_request', ...body }));
}

function base64ToBytes(data) {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// audio_start, audio_chunk..., audio_complete: collect, then play. Clips pushed by the API or
// by an assistant over MCP arrive the same way.
function onSocketMessage(event) {
  let msg;
  try { msg = JSON.parse(event.data); } catch (_) { return; }
  if (msg.type === 'audio_start') {
    state.clip = [];
  } else if (msg.type === 'audio_chunk' && state.clip) {
    state.clip[msg.chunk_index] = base64ToBytes(msg.data);
  } else if (msg.type === 'audio_complete' && state.clip) {
    const blob = new Blob(state.clip, { type: 'audio/mpeg' });
    state.clip = null;
    if (state.autoPlay || state.wantPlay) play(blob);
    state.wantPlay = false;
  } else if (msg.type === 'error') {
    state.clip = null;
    state.wantPlay = false;
    showError(msg.message);
  }
}

function connectSocket() {
  const socket = new WebSocket(state.config.webSocketUrl);
  state.socket = socket;
  socket.onopen = () => {
    state.retryMs = 1000;
    $('ws-status').textContent = 'WebSocket: connected';
  };
  socket.onmessage = onSocketMessage;
  socket.onclose = () => {
    $('ws-status').textContent = 'WebSocket: disconnected, retrying…';
    setTimeout(connectSocket, state.retryMs);
    state.retryMs = Math.min(state.retryMs * 2, 30000);
  };
}

async function loadOptional(path, use) {
  try {
    const res = await fetch(`${state.config.apiBaseUrl}${path}`);
    if (res.ok) use(await res.json());
    else showError(await errorText(res));
  } catch (_) { /* the form still works with the defaults */ }
}

async function main() {
  const res = await fetch('/config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error('config.json is missing');
  state.config = await res.json();
  const name = state.config.serviceName || 'Jessica';
  document.title = name;
  $('title').textContent = name;
  if (state.config.mcpUrl) {
    $('mcp-url').textContent = state.config.mcpUrl;
    $('mcp').hidden = false;
  }
  connectSocket();
  await loadOptional('/config', (cfg) => { state.autoPlay = !!(cfg.settings && cfg.settings.auto_play); });
  await loadOptional('/voices', (voices) => {
    for (const v of voices) {
      const option = document.createElement('option');
      option.value = v.voice_id;
      option.textContent = v.name;
      $('voice').appendChild(option);
    }
  });

  $('form').addEventListener('submit', async (event) => {
    event.preventDefault();
    showError('');
    const body = { text: $('text').value };
    if ($('voice').value) body.voice_id = $('voice').value;
    $('speak').disabled = true;
    try {
      if ($('mode').value === 'ws') speakViaSocket(body);
      else await speakViaStream(body);
    } catch (err) {
      showError(err.message || String(err));
    } finally {
      $('speak').disabled = false;
    }
  });
}

main().catch((err) => showError(`Could not start: ${err.message || err}`));
