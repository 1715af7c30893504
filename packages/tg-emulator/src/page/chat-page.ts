/**
 * The chat page served at `/`: one self-contained HTML document (inline CSS and JS, no external
 * assets) that looks like a Telegram chat with the bot. It talks only to the control API:
 * POST /_emulator/messages to send, POST /_emulator/media to upload a file (an image becomes a
 * photo, audio a voice note) or to say the composer's text as a tone-speech voice note,
 * GET /_emulator/files/:id to show them, GET /_emulator/chats/:id/messages for history, and the
 * /_emulator/events stream for live messages, edits, drafts and chat actions.
 *
 * Text from messages is only ever put into the DOM through textContent (see renderText); the
 * script never assigns innerHTML from data. Elements carry stable ids and data-testid attributes
 * for browser tests. The script avoids backticks and "${" so it can live in this template string.
 */

const STYLE = `
:root { --bg: #d5dfe6; --header: #517da2; --bubble-in: #ffffff; --bubble-out: #effdde; --meta: #8a9aa9; --accent: #3a8fd9; }
* { box-sizing: border-box; }
html, body { height: 100%; margin: 0; }
body { font: 15px/1.35 -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; background: var(--bg); display: flex; flex-direction: column; }
header { background: var(--header); color: #fff; padding: 8px 12px; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
header .title { font-weight: 600; flex: 1 1 auto; min-width: 120px; }
header .title small { display: block; font-weight: 400; opacity: .85; font-size: 12px; min-height: 15px; }
header select, header button { font: inherit; font-size: 13px; border-radius: 6px; border: 0; padding: 4px 8px; }
header button { background: rgba(255,255,255,.2); color: #fff; cursor: pointer; }
#new-chat-form { background: #fff; padding: 8px 12px; display: none; gap: 8px; align-items: center; flex-wrap: wrap; border-bottom: 1px solid #c9d3da; font-size: 13px; }
#new-chat-form.open { display: flex; }
#new-chat-form input, #new-chat-form select { font: inherit; padding: 3px 6px; border: 1px solid #c9d3da; border-radius: 4px; }
#new-chat-form input[type=number] { width: 110px; }
#messages { flex: 1 1 auto; overflow-y: auto; padding: 12px 10px 6px; display: flex; flex-direction: column; gap: 4px; }
.msg { max-width: min(75%, 640px); padding: 6px 9px 4px; border-radius: 12px; box-shadow: 0 1px 1px rgba(0,0,0,.12); white-space: pre-wrap; overflow-wrap: anywhere; position: relative; }
.msg[data-from=bot] { align-self: flex-start; background: var(--bubble-in); border-bottom-left-radius: 4px; }
.msg[data-from=user] { align-self: flex-end; background: var(--bubble-out); border-bottom-right-radius: 4px; }
.msg .sender { font-size: 12px; font-weight: 600; color: var(--accent); }
.msg .meta { font-size: 11px; color: var(--meta); text-align: right; margin-top: 2px; white-space: nowrap; }
.msg .meta .edited { margin-right: 4px; font-style: italic; }
.msg .reply { border-left: 2px solid var(--accent); padding-left: 6px; margin-bottom: 3px; font-size: 13px; color: #555; }
.msg.draft { background: #eef1f4; color: #6b7b8a; }
.msg.draft .text::after, .msg.streaming .text::after { content: " \\258D"; animation: blink 1s steps(2) infinite; }
@keyframes blink { 50% { opacity: 0; } }
.msg code { font-family: ui-monospace, Menlo, Consolas, monospace; background: rgba(0,0,0,.06); padding: 0 3px; border-radius: 3px; font-size: 13px; }
.msg pre { margin: 4px 0; background: rgba(0,0,0,.06); padding: 6px 8px; border-radius: 6px; overflow-x: auto; }
.msg pre code { background: none; padding: 0; }
.msg blockquote { margin: 4px 0; padding: 2px 8px; border-left: 3px solid var(--accent); background: rgba(58,143,217,.08); }
.msg a { color: var(--accent); }
.msg .spoiler { background: #9aa6b1; color: transparent; border-radius: 3px; cursor: pointer; }
.msg .spoiler.revealed { background: rgba(0,0,0,.06); color: inherit; }
.msg .mention, .msg .hashtag, .msg .bot_command { color: var(--accent); }
.keyboard { display: flex; flex-direction: column; gap: 3px; margin-top: 5px; }
.keyboard .row { display: flex; gap: 3px; }
.keyboard button, .keyboard a { flex: 1; font: inherit; font-size: 13px; padding: 5px; border: 0; border-radius: 6px; background: rgba(81,125,162,.15); color: #234; cursor: pointer; text-align: center; text-decoration: none; }
#empty { align-self: center; margin: auto; color: #5d6d7c; font-size: 14px; text-align: center; }
#typing { font-size: 12px; font-style: italic; visibility: hidden; }
#typing.visible { visibility: visible; }
footer { display: flex; gap: 8px; padding: 8px 10px; background: #fff; border-top: 1px solid #c9d3da; align-items: flex-end; }
#composer { flex: 1; resize: none; font: inherit; border: 0; outline: none; padding: 8px; max-height: 160px; min-height: 38px; }
#send { font: inherit; font-weight: 600; background: var(--accent); color: #fff; border: 0; border-radius: 18px; padding: 8px 16px; cursor: pointer; }
#send:disabled { opacity: .5; cursor: default; }
footer .tool { background: none; border: 0; padding: 8px 4px; cursor: pointer; color: #6b7b8a; display: flex; }
footer .tool:hover { color: var(--accent); }
footer .tool:disabled { opacity: .4; cursor: default; }
.msg .media img { display: block; max-width: 100%; max-height: 320px; border-radius: 8px; margin: 2px 0 4px; background: #eef1f4; }
.msg .media audio { display: block; width: 260px; max-width: 100%; margin: 2px 0; }
.msg .media .label { font-size: 12px; color: var(--meta); }
.msg .media a { display: inline-block; margin: 2px 0 4px; }
#status { font-size: 12px; padding: 2px 12px; min-height: 18px; color: #5d6d7c; background: #f4f6f8; }
#status.error { color: #b3261e; }
`;

const SCRIPT = `
(function () {
  'use strict';
  var DEFAULT_USER = { id: 100001, name: 'Alice' };
  var $ = function (id) { return document.getElementById(id); };
  var query = new URLSearchParams(location.search);
  var saved = {};
  try { saved = JSON.parse(localStorage.getItem('tg-emulator') || '{}') || {}; } catch (e) { saved = {}; }

  var state = {
    bots: [], botId: null, chats: [], chat: null,
    user: saved.user || DEFAULT_USER,
    elements: new Map(), source: null, typingTimer: null, draftTimer: null, chatsTimer: null, streamTimers: {}
  };

  function api(method, path, body) {
    var init = { method: method, headers: {} };
    if (body !== undefined) { init.headers['content-type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch('/_emulator' + path, init).then(function (r) { return r.json(); }).then(function (j) {
      if (!j.ok) throw new Error(j.description || 'request failed');
      return j.result;
    });
  }

  function setStatus(text, isError) {
    var el = $('status');
    el.textContent = text || '';
    el.className = isError ? 'error' : '';
  }

  function save() {
    try { localStorage.setItem('tg-emulator', JSON.stringify({ botId: state.botId, chat: state.chat, user: state.user })); } catch (e) { /* private mode */ }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function safeHref(url) {
    var value = String(url || '');
    if (!/^[a-z][a-z0-9+.-]*:/i.test(value)) value = 'http://' + value;
    return /^(https?|tg|mailto|ftp|ton):/i.test(value) ? value : null;
  }

  // Builds DOM nodes for text with Bot API entities (UTF-16 offsets, as JS strings use).
  function renderText(text, entities) {
    var sorted = (entities || []).slice().sort(function (a, b) { return a.offset - b.offset || b.length - a.length; });
    var frag = document.createDocumentFragment();
    renderRange(frag, text, sorted, 0, text.length);
    return frag;
  }

  function renderRange(parent, text, entities, start, end) {
    var pos = start;
    var i = 0;
    while (i < entities.length) {
      var e = entities[i];
      var eStart = Math.max(e.offset, start);
      var eEnd = Math.min(e.offset + e.length, end);
      if (eStart < pos || eEnd <= eStart) { i++; continue; }
      if (eStart > pos) parent.appendChild(document.createTextNode(text.slice(pos, eStart)));
      var inner = [];
      var j = i + 1;
      while (j < entities.length && entities[j].offset < eEnd) { inner.push(entities[j]); j++; }
      var node = entityNode(e, text.slice(eStart, eEnd));
      renderRange(node.content || node, text, inner, eStart, eEnd);
      parent.appendChild(node);
      pos = eEnd;
      i = j;
    }
    if (pos < end) parent.appendChild(document.createTextNode(text.slice(pos, end)));
  }

  function entityNode(e, content) {
    var node;
    switch (e.type) {
      case 'bold': return el('strong');
      case 'italic': return el('em');
      case 'underline': return el('u');
      case 'strikethrough': return el('s');
      case 'code': return el('code');
      case 'pre':
        node = el('pre');
        var code = el('code');
        if (e.language) code.setAttribute('data-language', e.language);
        node.appendChild(code);
        node.content = code;
        return node;
      case 'blockquote': return el('blockquote');
      case 'expandable_blockquote': return el('blockquote', 'expandable');
      case 'spoiler':
        node = el('span', 'spoiler');
        node.addEventListener('click', function () { node.classList.add('revealed'); });
        return node;
      case 'text_link': case 'url': case 'email':
        var href = e.type === 'text_link' ? safeHref(e.url) : e.type === 'email' ? 'mailto:' + content : safeHref(content);
        node = el(href ? 'a' : 'span');
        if (href) { node.href = href; node.target = '_blank'; node.rel = 'noopener noreferrer'; }
        return node;
      default:
        return el('span', e.type);
    }
  }

  function fmtTime(unix) {
    var d = new Date(unix * 1000);
    return String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0');
  }

  function fromRaw(m) {
    return {
      messageId: m.message_id, chatId: m.chat.id, text: m.text || '', entities: m.entities, date: m.date,
      editCount: 0, fromBot: !!(m.from && m.from.is_bot), from: m.from,
      replyToMessageId: m.reply_to_message ? m.reply_to_message.message_id : undefined,
      caption: m.caption, captionEntities: m.caption_entities, media: mediaFromRaw(m)
    };
  }

  // The same shape as the control API's ChatMedia, from a Bot API Message.
  function mediaFromRaw(m) {
    var photo = m.photo && m.photo.length ? m.photo[m.photo.length - 1] : null;
    var file = photo || m.document || m.voice || m.audio;
    if (!file) return undefined;
    return {
      kind: photo ? 'photo' : m.document ? 'document' : m.voice ? 'voice' : 'audio',
      fileId: file.file_id, fileSize: file.file_size, mimeType: file.mime_type, fileName: file.file_name,
      width: file.width, height: file.height, duration: file.duration
    };
  }

  function fileUrl(media) {
    return '/_emulator/files/' + encodeURIComponent(media.fileId) + '?bot_id=' + state.botId;
  }

  function fmtDuration(seconds) {
    var s = Math.max(0, Math.round(seconds || 0));
    return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
  }

  function fmtSize(bytes) {
    if (!bytes && bytes !== 0) return '';
    if (bytes < 1024) return bytes + ' B';
    if (bytes < 1048576) return (bytes / 1024).toFixed(1) + ' KB';
    return (bytes / 1048576).toFixed(1) + ' MB';
  }

  function mediaNode(media) {
    var box = el('div', 'media');
    box.setAttribute('data-testid', 'message-media');
    box.setAttribute('data-kind', media.kind);
    var isImage = media.kind === 'photo' || /^image\\//.test(media.mimeType || '');
    if (isImage) {
      var img = el('img');
      img.src = fileUrl(media);
      img.alt = media.kind === 'photo' ? 'photo' : (media.fileName || 'image');
      if (media.width && media.height) { img.width = Math.min(media.width, 320); img.style.aspectRatio = media.width + ' / ' + media.height; img.style.height = 'auto'; }
      box.appendChild(img);
    }
    if (media.kind === 'voice' || media.kind === 'audio') {
      var audio = el('audio');
      audio.controls = true;
      audio.preload = 'metadata';
      audio.src = fileUrl(media);
      box.appendChild(audio);
      box.appendChild(el('div', 'label', (media.kind === 'voice' ? 'voice note' : (media.fileName || 'audio')) + ' \\u00b7 ' + fmtDuration(media.duration)));
    } else if (media.kind === 'document') {
      var link = el('a', '', 'File: ' + (media.fileName || 'file') + ' (' + fmtSize(media.fileSize) + ')');
      link.href = fileUrl(media);
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      box.appendChild(link);
    }
    return box;
  }

  function bubble(msg) {
    var node = el('div', 'msg');
    node.setAttribute('data-testid', 'message');
    node.setAttribute('data-from', msg.fromBot ? 'bot' : 'user');
    node.setAttribute('data-message-id', String(msg.messageId));
    node.setAttribute('data-edit-count', String(msg.editCount || 0));
    if (!msg.fromBot && state.chat && state.chat.type !== 'private' && msg.from) {
      node.appendChild(el('div', 'sender', msg.from.first_name));
    }
    if (msg.replyToMessageId !== undefined) {
      var replied = state.elements.get(msg.replyToMessageId);
      var quote = replied ? quoteOf(replied) : 'message ' + msg.replyToMessageId;
      node.appendChild(el('div', 'reply', quote.length > 80 ? quote.slice(0, 80) + '\\u2026' : quote));
    }
    if (msg.media) node.appendChild(mediaNode(msg.media));
    var text = el('div', 'text');
    text.setAttribute('data-testid', 'message-text');
    if (msg.media) text.appendChild(renderText(msg.caption || '', msg.captionEntities));
    else text.appendChild(renderText(msg.text, msg.entities));
    node.appendChild(text);
    var keyboard = msg.replyMarkup && msg.replyMarkup.inline_keyboard;
    if (Array.isArray(keyboard)) node.appendChild(keyboardNode(msg, keyboard));
    var meta = el('div', 'meta');
    if (msg.editCount > 0) {
      var edited = el('span', 'edited', 'edited');
      edited.setAttribute('data-testid', 'edited');
      meta.appendChild(edited);
    }
    meta.appendChild(document.createTextNode(fmtTime(msg.editDate || msg.date)));
    node.appendChild(meta);
    return node;
  }

  // What a reply shows of the message it answers: its text or caption, else the kind of its media.
  function quoteOf(node) {
    var text = node.querySelector('.text').textContent;
    if (text) return text;
    var media = node.querySelector('.media');
    return media ? '[' + media.getAttribute('data-kind') + ']' : '';
  }

  function keyboardNode(msg, rows) {
    var box = el('div', 'keyboard');
    rows.forEach(function (row) {
      var line = el('div', 'row');
      (row || []).forEach(function (button) {
        var href = button.url ? safeHref(button.url) : null;
        var node = el(href ? 'a' : 'button', '', button.text);
        if (href) { node.href = href; node.target = '_blank'; node.rel = 'noopener noreferrer'; }
        else if (button.callback_data !== undefined) node.addEventListener('click', function () { pressButton(msg, button.callback_data); });
        line.appendChild(node);
      });
      box.appendChild(line);
    });
    return box;
  }

  function pressButton(msg, data) {
    var chat = state.chat;
    var from = { id: state.user.id, is_bot: false, first_name: state.user.name };
    var update = { callback_query: {
      id: String(Date.now()) + String(Math.floor(Math.random() * 1000)), from: from, chat_instance: String(chat.id), data: data,
      message: { message_id: msg.messageId, date: msg.date, chat: { id: chat.id, type: chat.type }, text: msg.text }
    } };
    api('POST', '/updates', { bot_id: state.botId, update: update }).catch(showError);
  }

  function upsert(msg) {
    if (!state.chat || msg.chatId !== state.chat.id) return;
    $('empty').style.display = 'none';
    var list = $('messages');
    var node = bubble(msg);
    var existing = state.elements.get(msg.messageId);
    if (existing) { list.replaceChild(node, existing); }
    else {
      var before = null;
      state.elements.forEach(function (other, id) { if (id > msg.messageId && (!before || id < Number(before.getAttribute('data-message-id')))) before = other; });
      list.insertBefore(node, before || $('draft'));
    }
    state.elements.set(msg.messageId, node);
    scrollDown();
  }

  function removeMessage(id) {
    var node = state.elements.get(id);
    if (node) { node.remove(); state.elements.delete(id); }
  }

  function scrollDown() { var list = $('messages'); list.scrollTop = list.scrollHeight; }

  function showDraft(text, entities, draftId) {
    var draft = $('draft');
    draft.setAttribute('data-draft-id', String(draftId || ''));
    var body = draft.querySelector('.text');
    body.textContent = '';
    if (text) body.appendChild(renderText(text, entities)); else body.textContent = 'Thinking\\u2026';
    draft.hidden = false;
    hideTyping();
    scrollDown();
    clearTimeout(state.draftTimer);
    state.draftTimer = setTimeout(hideDraft, 30000);
  }

  function hideDraft() { clearTimeout(state.draftTimer); $('draft').hidden = true; }

  function showTyping(action) {
    var label = action === 'typing' ? 'bot is typing\\u2026' : 'bot is ' + action.replace(/_/g, ' ') + '\\u2026';
    var node = $('typing');
    node.textContent = label;
    node.classList.add('visible');
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(hideTyping, 5000);
  }

  function hideTyping() { clearTimeout(state.typingTimer); $('typing').classList.remove('visible'); }

  function clearMessages() {
    state.elements.forEach(function (node) { node.remove(); });
    state.elements.clear();
    hideDraft();
    hideTyping();
    $('empty').style.display = '';
  }

  function connectEvents() {
    if (state.source) state.source.close();
    var source = new EventSource('/_emulator/events?bot_id=' + state.botId);
    state.source = source;
    source.onmessage = function (ev) {
      var event;
      try { event = JSON.parse(ev.data); } catch (e) { return; }
      onEvent(event);
    };
    source.onerror = function () { setStatus('event stream interrupted, reconnecting\\u2026', true); };
    source.onopen = function () { setStatus(''); };
  }

  function onEvent(event) {
    if (event.type === 'reset') { clearMessages(); loadChats(); return; }
    var current = state.chat && event.chatId === state.chat.id;
    if (event.type === 'message') {
      if (!knownChat(event.chatId)) scheduleChatsReload();
      if (!current) return;
      if (event.message.fromBot) { hideDraft(); hideTyping(); }
      upsert(event.message);
    } else if (!current) {
      return;
    } else if (event.type === 'edit') {
      // An answer streamed by edits: show the cursor while edits keep coming.
      upsert(event.message);
      var edited = state.elements.get(event.message.messageId);
      if (edited && event.message.fromBot) {
        edited.classList.add('streaming');
        clearTimeout(state.streamTimers[event.message.messageId]);
        state.streamTimers[event.message.messageId] = setTimeout(function () {
          var node = state.elements.get(event.message.messageId);
          if (node) node.classList.remove('streaming');
        }, 1500);
      }
    } else if (event.type === 'delete') {
      removeMessage(event.messageId);
    } else if (event.type === 'draft') {
      showDraft(event.text, event.entities, event.draftId);
    } else if (event.type === 'action') {
      showTyping(event.action);
    }
  }

  function knownChat(id) { return state.chats.some(function (c) { return c.chat.id === id; }); }

  function scheduleChatsReload() {
    clearTimeout(state.chatsTimer);
    state.chatsTimer = setTimeout(loadChats, 200);
  }

  function chatLabel(chat) {
    if (chat.type === 'private') return (chat.first_name || chat.title || 'User') + ' (' + chat.id + ')';
    return (chat.title || 'Group') + ' [' + chat.type + '] (' + chat.id + ')';
  }

  function renderBotSelect() {
    var select = $('bot-select');
    select.textContent = '';
    state.bots.forEach(function (bot) {
      var option = el('option', '', '@' + bot.username + ' (' + bot.id + ')');
      option.value = String(bot.id);
      select.appendChild(option);
    });
    select.hidden = state.bots.length < 2;
    if (state.botId !== null) select.value = String(state.botId);
  }

  function renderChatSelect() {
    var select = $('chat-select');
    select.textContent = '';
    var chats = state.chats.map(function (c) { return c.chat; });
    if (state.chat && !chats.some(function (c) { return c.id === state.chat.id; })) chats.unshift(state.chat);
    chats.forEach(function (chat) {
      var option = el('option', '', chatLabel(chat));
      option.value = String(chat.id);
      select.appendChild(option);
    });
    if (state.chat) select.value = String(state.chat.id);
  }

  function renderHeader() {
    var bot = state.bots.find(function (b) { return b.id === state.botId; });
    $('bot-name').textContent = bot ? (bot.firstName + ' @' + bot.username) : 'No bot yet';
    var label = '';
    if (state.chat) label = state.chat.type === 'private' ? 'private chat with ' + chatLabel(state.chat) : chatLabel(state.chat) + ' as ' + state.user.name + ' (' + state.user.id + ')';
    $('chat-name').textContent = label;
    $('send').disabled = !bot;
    $('attach').disabled = !bot;
    $('speak').disabled = !bot;
  }

  function loadBots() {
    return api('GET', '/bots').then(function (bots) {
      state.bots = bots;
      if (bots.length === 0) {
        renderBotSelect(); renderHeader();
        setStatus('No bot has called the API yet; waiting\\u2026');
        setTimeout(loadBots, 2000);
        return;
      }
      var wanted = Number(query.get('bot_id') || saved.botId);
      var bot = bots.find(function (b) { return b.id === wanted; }) || bots[0];
      return selectBot(bot.id, true);
    }).catch(showError);
  }

  function selectBot(id, initial) {
    state.botId = id;
    renderBotSelect();
    connectEvents();
    return loadChats().then(function () {
      var wanted = initial ? Number(query.get('chat_id') || (saved.chat && saved.botId === id ? saved.chat.id : NaN)) : NaN;
      var found = state.chats.find(function (c) { return c.chat.id === wanted; });
      var chat = found ? found.chat : (initial && saved.chat && saved.chat.id === wanted ? saved.chat : null);
      if (!chat && !isNaN(wanted) && wanted > 0) chat = { id: wanted, type: 'private', first_name: state.user.name };
      // A group that has no messages yet: ?chat_id=-100…&chat_type=supergroup&chat_title=…
      if (!chat && !isNaN(wanted) && wanted < 0) {
        var type = query.get('chat_type') || (wanted <= -1000000000000 ? 'supergroup' : 'group');
        chat = { id: wanted, type: type, title: query.get('chat_title') || 'Test group' };
      }
      if (!chat && state.chats.length > 0) chat = state.chats[0].chat;
      if (!chat) chat = { id: state.user.id, type: 'private', first_name: state.user.name };
      if (initial && query.get('user_id')) state.user = { id: Number(query.get('user_id')), name: query.get('user_name') || ('User ' + query.get('user_id')) };
      return selectChat(chat);
    });
  }

  function loadChats() {
    if (state.botId === null) return Promise.resolve();
    return api('GET', '/chats?bot_id=' + state.botId).then(function (chats) {
      state.chats = chats;
      renderChatSelect();
    }).catch(showError);
  }

  function selectChat(chat) {
    state.chat = chat;
    if (chat.type === 'private' && chat.id > 0) state.user = { id: chat.id, name: chat.first_name || state.user.name };
    save();
    clearMessages();
    renderChatSelect();
    renderHeader();
    if (!chat.id) return Promise.resolve();
    return api('GET', '/chats/' + chat.id + '/messages?bot_id=' + state.botId).then(function (messages) {
      if (state.chat !== chat) return;
      messages.forEach(upsert);
      var summary = state.chats.find(function (c) { return c.chat.id === chat.id; });
      if (summary && summary.draft) showDraft(summary.draft.text, undefined, summary.draft.draftId);
    }).catch(showError);
  }

  // Who writes where: the fields every message sent from the page carries.
  function target(chat) {
    var body = { bot_id: state.botId, user_id: state.user.id, first_name: state.user.name };
    if (chat.type === 'private') body.chat_id = state.user.id;
    else {
      body.chat_type = chat.type;
      if (chat.id) body.chat_id = chat.id;
      if (chat.title) body.chat_title = chat.title;
    }
    return body;
  }

  function sent(chat, update) {
    var m = update.message;
    if (!chat.id || chat.id !== m.chat.id) {
      state.chat = m.chat;
      save();
      renderHeader();
      loadChats();
    }
    upsert(fromRaw(m));
  }

  function send() {
    var composer = $('composer');
    var text = composer.value;
    if (!text.trim() || state.botId === null || !state.chat) return;
    var chat = state.chat;
    var body = target(chat);
    body.text = text;
    composer.value = '';
    api('POST', '/messages', body).then(function (update) { sent(chat, update); })
      .catch(function (err) { composer.value = text; showError(err); });
  }

  // The composer's text said as a voice note, in the tone speech the LLM simulator transcribes.
  function speak() {
    var composer = $('composer');
    var text = composer.value;
    if (!text.trim() || state.botId === null || !state.chat) { setStatus('write what the voice note should say, then press the microphone'); return; }
    var chat = state.chat;
    var body = target(chat);
    body.kind = 'voice';
    body.speak = text;
    composer.value = '';
    api('POST', '/media', body).then(function (update) { sent(chat, update); })
      .catch(function (err) { composer.value = text; showError(err); });
  }

  // The browser knows an audio file's length better than the server for formats it cannot parse.
  function audioDuration(file) {
    return new Promise(function (resolve) {
      var audio = document.createElement('audio');
      var url = URL.createObjectURL(file);
      var done = function (value) { URL.revokeObjectURL(url); resolve(value); };
      audio.preload = 'metadata';
      audio.onloadedmetadata = function () { done(isFinite(audio.duration) ? audio.duration : undefined); };
      audio.onerror = function () { done(undefined); };
      setTimeout(function () { done(undefined); }, 3000);
      audio.src = url;
    });
  }

  // An uploaded file: an image becomes a photo, audio a voice note, anything else a document.
  function upload(file) {
    if (!file || state.botId === null || !state.chat) return;
    var chat = state.chat;
    var kind = /^image\\/(png|jpeg|gif|webp)$/.test(file.type) ? 'photo' : /^audio\\//.test(file.type) ? 'voice' : 'document';
    var composer = $('composer');
    var caption = composer.value;
    var measured = kind === 'voice' ? audioDuration(file) : Promise.resolve(undefined);
    setStatus('sending ' + file.name + '\\u2026');
    measured.then(function (duration) {
      var form = new FormData();
      var fields = target(chat);
      Object.keys(fields).forEach(function (key) { form.append(key, String(fields[key])); });
      form.append('kind', kind);
      if (caption.trim()) form.append('caption', caption);
      if (duration !== undefined) form.append('duration', String(Math.round(duration * 10) / 10));
      form.append('file', file, file.name);
      composer.value = '';
      return fetch('/_emulator/media', { method: 'POST', body: form }).then(function (r) { return r.json(); });
    }).then(function (j) {
      if (!j.ok) throw new Error(j.description || 'upload failed');
      setStatus('');
      sent(chat, j.result);
    }).catch(function (err) { composer.value = caption; showError(err); });
  }

  function showError(err) { setStatus(err && err.message ? err.message : String(err), true); }

  function createChat() {
    var type = $('chat-type').value;
    var userId = Number($('user-id').value) || DEFAULT_USER.id;
    var name = $('user-name').value.trim() || ('User ' + userId);
    state.user = { id: userId, name: name };
    var chat;
    if (type === 'private') chat = { id: userId, type: 'private', first_name: name };
    else chat = { id: 0, type: type, title: $('chat-title').value.trim() || 'Test group' };
    $('new-chat-form').classList.remove('open');
    selectChat(chat);
    $('composer').focus();
  }

  $('bot-select').addEventListener('change', function (e) { selectBot(Number(e.target.value), false); });
  $('chat-select').addEventListener('change', function (e) {
    var id = Number(e.target.value);
    var found = state.chats.find(function (c) { return c.chat.id === id; });
    if (found) selectChat(found.chat);
  });
  $('new-chat').addEventListener('click', function () {
    $('user-id').value = String(state.user.id);
    $('user-name').value = state.user.name;
    $('new-chat-form').classList.toggle('open');
  });
  $('chat-type').addEventListener('change', function () { $('chat-title').hidden = $('chat-type').value === 'private'; });
  $('create-chat').addEventListener('click', createChat);
  $('send').addEventListener('click', send);
  $('speak').addEventListener('click', speak);
  $('attach').addEventListener('click', function () { $('file-input').click(); });
  $('file-input').addEventListener('change', function (e) {
    var file = e.target.files && e.target.files[0];
    e.target.value = '';
    upload(file);
  });
  $('composer').addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); }
  });

  loadBots();
})();
`;

/** The complete chat page. */
export const CHAT_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tg-emulator chat</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <div class="title"><span id="bot-name" data-testid="bot-name">tg-emulator</span>
    <small><span id="chat-name" data-testid="chat-name"></span> <span id="typing" data-testid="typing">bot is typing\u2026</span></small>
  </div>
  <select id="bot-select" data-testid="bot-select" title="Bot" hidden></select>
  <select id="chat-select" data-testid="chat-select" title="Chat"></select>
  <button id="new-chat" data-testid="new-chat" type="button">New chat</button>
</header>
<div id="new-chat-form" data-testid="new-chat-form">
  <label>Type <select id="chat-type" data-testid="chat-type">
    <option value="private">private</option><option value="group">group</option><option value="supergroup">supergroup</option>
  </select></label>
  <label>User id <input id="user-id" data-testid="user-id" type="number" min="1" value="100001"></label>
  <label>User name <input id="user-name" data-testid="user-name" type="text" value="Alice"></label>
  <input id="chat-title" data-testid="chat-title" type="text" placeholder="Group title" hidden>
  <button id="create-chat" data-testid="create-chat" type="button">Open chat</button>
</div>
<main id="messages" data-testid="messages">
  <div id="empty" data-testid="empty">No messages here yet. Say hi to the bot.</div>
  <div id="draft" data-testid="draft" class="msg draft" data-from="bot" hidden><div class="text"></div></div>
</main>
<div id="status" data-testid="status" role="status"></div>
<footer>
  <button id="attach" data-testid="attach" class="tool" type="button" title="Send a photo, voice note or file (the text becomes its caption)" aria-label="Attach a file"><svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true"><path d="M16.5 6.5l-7.8 7.8a2 2 0 0 0 2.8 2.8l7.8-7.8a4 4 0 0 0-5.7-5.7L5.8 11.4a6 6 0 0 0 8.5 8.5l6.2-6.2" stroke="currentColor" stroke-width="2" fill="none" stroke-linecap="round" stroke-linejoin="round"/></svg></button>
  <input id="file-input" data-testid="file-input" type="file" accept="image/*,audio/*" hidden>
  <textarea id="composer" data-testid="composer" rows="1" placeholder="Write a message\u2026" autofocus></textarea>
  <button id="speak" data-testid="speak" class="tool" type="button" title="Send the text as a voice note (tone speech the LLM simulator transcribes)" aria-label="Send the text as a voice note"><svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true"><rect x="9" y="3" width="6" height="11" rx="3" fill="currentColor"/><path d="M6 11a6 6 0 0 0 12 0M12 17v4M9 21h6" stroke="currentColor" stroke-width="2" fill="none" stroke-linecap="round"/></svg></button>
  <button id="send" data-testid="send" type="button">Send</button>
</footer>
<script>${SCRIPT}</script>
</body>
</html>
`;
