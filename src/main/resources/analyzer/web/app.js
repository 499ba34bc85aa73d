// analyzer live view. Plain JavaScript, no build step, nothing loaded from elsewhere.
//
// The server pushes batches over a WebSocket: one summary per flow that changed (however many events it had), the
// flows it dropped, counters, and the demo's scoreboard. Each batch is acknowledged once taken in, and the server
// sends the next only then, so a page that cannot keep up gets fewer, larger batches instead of a queue. The page
// keeps the same last N flows as the server and draws only the rows on screen. Captured traffic is attacker-chosen
// text: it is only ever put into the page as text (textContent), never as HTML.
'use strict';

(function () {
  const FLAGS = ['readable', 'secret', 'credentials', 'tampered', 'encrypted', 'decrypted', 'rejected'];
  const FLAG_WORDS = {readable: 'readable', secret: 'secret', credentials: 'credentials', tampered: 'tampered',
    encrypted: 'encrypted', decrypted: 'decrypted', rejected: 'cert rejected'};
  const ROW = 34;
  const OVERSCAN = 8;
  const LATENCY_SAMPLES = 4096;

  const $ = (id) => document.getElementById(id);
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  };

  // ---- state -------------------------------------------------------------------------------------------------
  const flows = new Map();        // key -> summary
  let order = [];                 // keys by first-seen time
  let orderDirty = false;
  let visible = [];               // keys passing the filter, in order
  let filterDirty = true;
  let maxFlows = 2000;
  let secrets = [];               // texts the run looks for (the demo's secret, check --secret)
  let stats = null;
  let board = null;
  let selectedKey = null;
  let detail = null;              // {flow, evidence, events}
  let selectedMessage = -1;
  let selectedTab = null;
  let detailStale = false;
  let lastDetailFetch = 0;
  let paused = false;
  const held = {flows: new Map(), removed: new Set(), reset: false, count: 0};
  let follow = true;
  let reveal = false;             // scroll the selected flow into sight at the next render
  let filter = parseFilter('');
  let renderQueued = false;
  let pendingLatency = [];
  let rate = {events: 0, at: 0, perSecond: 0};

  // Measured here, read by the benchmark: how long after its packet a flow's row was drawn.
  const measure = {
    latencies: new Float64Array(LATENCY_SAMPLES), count: 0, batches: 0, flowsApplied: 0,
    // Of each latency, the part before the server sent the batch (capture, dissection, waiting for the next batch).
    serverMs: new Float64Array(LATENCY_SAMPLES),
    longestRenderMs: 0, renders: 0,
  };
  window.analyzerView = measure;
  measure.longTasks = 0;
  measure.longestTaskMs = 0;
  try {
    // Main-thread tasks over 50 ms are what makes a page feel frozen.
    new PerformanceObserver((list) => {
      for (const t of list.getEntries()) {
        measure.longTasks++;
        if (t.duration > measure.longestTaskMs) measure.longestTaskMs = t.duration;
      }
    }).observe({entryTypes: ['longtask']});
  } catch (e) { /* a browser without long-task timing */ }

  // ---- socket --------------------------------------------------------------------------------------------------
  let socket = null;
  let everConnected = false;
  let failures = 0;

  function connect() {
    const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/events';
    socket = new WebSocket(url);
    socket.onopen = () => { everConnected = true; failures = 0; setLink(paused ? 'paused' : 'live'); };
    socket.onmessage = (m) => {
      let msg;
      try { msg = JSON.parse(m.data); } catch (e) { return; }
      if (msg.type === 'hello') {
        maxFlows = msg.maxFlows || maxFlows;
        secrets = msg.secrets || [];
      } else if (msg.type === 'batch') {
        take(msg);
        socket.send('{"ack":' + msg.seq + '}');
      }
    };
    socket.onclose = () => {
      failures++;
      setLink('down', everConnected ? 'the tool has stopped (or restarted): this page no longer updates'
        : 'cannot connect: open the URL the tool printed');
      if (failures < 30) setTimeout(connect, Math.min(5000, 500 * failures));
    };
  }

  function setLink(state, text) {
    const link = $('link');
    link.className = 'link ' + state;
    $('link-text').textContent = state === 'live' ? 'live' : state === 'paused' ? 'paused' : 'offline';
    link.title = text || '';
    if (state === 'down') showBanner(text, 'warn', true);
  }

  // ---- batches ---------------------------------------------------------------------------------------------
  function take(msg) {
    measure.batches++;
    if (msg.title !== undefined) { $('title').textContent = msg.title; document.title = 'analyzer · ' + msg.title; }
    if (msg.banner !== undefined) showBanner(msg.banner && msg.banner.text, msg.banner && msg.banner.tone);
    if (msg.board) { board = msg.board; renderBoard(); }
    if (msg.stats) takeStats(msg.stats);
    if (paused) {
      if (msg.reset) { held.flows.clear(); held.removed.clear(); held.reset = true; }
      for (const f of msg.flows) { held.flows.set(f.key, f); held.removed.delete(f.key); }
      for (const k of msg.removed) { held.flows.delete(k); held.removed.add(k); }
      held.count += msg.flows.length;
      // Held summaries are bounded like the list: one per flow.
      while (held.flows.size > maxFlows) held.flows.delete(held.flows.keys().next().value);
      schedule();
      return;
    }
    apply(msg.reset, msg.flows, msg.removed, msg.stats && msg.stats.micros);
  }

  function apply(reset, changed, removed, sentAt) {
    const sentMicros = sentAt || 0;
    if (reset) { flows.clear(); order = []; }
    for (const key of removed) {
      if (flows.delete(key)) orderDirty = true;
    }
    for (const f of changed) {
      const old = flows.get(f.key);
      flows.set(f.key, f);
      if (!old) {
        const last = order.length ? flows.get(order[order.length - 1]) : null;
        if (last && (last.t > f.t || (last.t === f.t && last.key > f.key))) orderDirty = true;
        order.push(f.key);
      }
      if (f.pending !== undefined) pendingLatency.push([f.pending, sentMicros]);
      if (f.key === selectedKey) detailStale = true;
    }
    measure.flowsApplied += changed.length;
    while (flows.size > maxFlows) {
      // The server drops flows too; this only guards the page if a removal was missed.
      const oldest = order.shift();
      flows.delete(oldest);
    }
    filterDirty = true;
    schedule();
  }

  function takeStats(s) {
    const now = s.micros / 1000;
    if (rate.at && now > rate.at) {
      const per = (s.events - rate.events) * 1000 / (now - rate.at);
      rate.perSecond = rate.perSecond ? rate.perSecond * 0.7 + per * 0.3 : per;
    }
    if (!rate.at || now - rate.at > 500) { rate.events = s.events; rate.at = now; }
    stats = s;
    schedule();
  }

  function updateStats() {
    const box = $('stats');
    box.textContent = '';
    if (!stats) return;
    const part = (strong, rest, cls) => {
      const span = el('span', cls);
      span.append(el('b', null, strong), document.createTextNode(' ' + rest));
      box.append(span, document.createTextNode('  ·  '));
    };
    part(group(flows.size), flows.size === 1 ? 'flow' : 'flows');
    if (stats.dropped > 0) part(group(stats.dropped), 'dropped from view (keeps the last ' + group(stats.maxFlows) + ')', 'dropped');
    part(group(stats.events), 'events');
    if (rate.perSecond >= 1) part(compact(rate.perSecond), 'events/s');
    const behind = recentLatency();
    if (behind !== null) part(behind < 10 ? behind.toFixed(1) : Math.round(behind), 'ms behind the wire');
    if (paused) part(group(held.count), 'updates held');
    if (box.lastChild) box.lastChild.remove();
  }

  // ---- filter -------------------------------------------------------------------------------------------------
  // Terms are ANDed: words match anywhere in the row; proto:, port:, flag: (or is:), seen:, flow: narrow by field;
  // a leading - excludes.
  function parseFilter(text) {
    const terms = [];
    for (const raw of text.trim().split(/\s+/)) {
      if (!raw) continue;
      let word = raw.toLowerCase();
      let negate = false;
      if (word.length > 1 && (word[0] === '-' || word[0] === '!')) { negate = true; word = word.slice(1); }
      const colon = word.indexOf(':');
      let test;
      if (colon > 0) {
        const field = word.slice(0, colon);
        const value = word.slice(colon + 1);
        if (field === 'proto' || field === 'protocol') test = (f) => f.proto.toLowerCase().split('/').some((p) => p.startsWith(value));
        else if (field === 'port') test = (f) => String(f.sport) === value || String(f.dport) === value;
        else if (field === 'flag' || field === 'is') test = (f) => f.flags.some((g) => g.startsWith(value) || FLAG_WORDS[g].startsWith(value));
        else if (field === 'seen') test = (f) => f.seenBy.startsWith(value);
        else if (field === 'flow') { const keys = new Set(value.split(',')); test = (f) => keys.has(f.key) || keys.has(String(f.id)); }
        else if (field === 'host') test = (f) => (f.client + ' ' + f.server).toLowerCase().includes(value);
      }
      if (!test) test = (f) => haystack(f).includes(word);
      terms.push(negate ? (f) => !test(f) : test);
    }
    return terms;
  }

  function haystack(f) {
    if (f._text === undefined) {
      f._text = ('#' + f.id + ' ' + f.client + ' ' + f.server + ' ' + f.proto + ' ' + f.summary + ' ' + f.status + ' '
        + f.seenBy + ' ' + f.source + ' ' + f.flags.map((g) => FLAG_WORDS[g]).join(' ')).toLowerCase();
    }
    return f._text;
  }

  function passes(f) {
    for (const t of filter) if (!t(f)) return false;
    return true;
  }

  function setFilter(text) {
    $('filter').value = text;
    filter = parseFilter(text);
    filterDirty = true;
    renderChips();
    schedule();
  }

  // ---- rendering ------------------------------------------------------------------------------------------------
  function schedule() {
    if (!renderQueued) { renderQueued = true; requestAnimationFrame(render); }
  }

  function render() {
    renderQueued = false;
    const started = performance.now();
    if (orderDirty) {
      order = order.filter((k) => flows.has(k));
      order.sort((a, b) => { const x = flows.get(a), y = flows.get(b); return x.t - y.t || (a < b ? -1 : a > b ? 1 : 0); });
      orderDirty = false;
    }
    if (filterDirty) {
      visible = filter.length ? order.filter((k) => passes(flows.get(k))) : order.slice();
      filterDirty = false;
    }
    renderList();
    updateStats();
    if (detailStale && selectedKey && performance.now() - lastDetailFetch > 1000) loadDetail(selectedKey, true);
    const now = performance.timeOrigin + performance.now();
    for (const [micros, sent] of pendingLatency) {
      const ms = now - micros / 1000;
      if (ms >= 0 && ms < 600000) {
        measure.serverMs[measure.count % LATENCY_SAMPLES] = sent ? (sent - micros) / 1000 : NaN;
        measure.latencies[measure.count++ % LATENCY_SAMPLES] = ms;
      }
    }
    pendingLatency = [];
    const took = performance.now() - started;
    measure.renders++;
    if (took > measure.longestRenderMs) measure.longestRenderMs = took;
  }

  function recentLatency() {
    const n = Math.min(measure.count, 200);
    if (n === 0) return null;
    const recent = [];
    for (let i = 1; i <= n; i++) recent.push(measure.latencies[(measure.count - i) % LATENCY_SAMPLES]);
    recent.sort((a, b) => a - b);
    return recent[Math.floor(n / 2)];
  }

  const rowPool = [];

  function renderList() {
    if (selectedKey && follow) {
      // Keep the selected flow in sight rather than scrolling it away as new flows arrive.
      follow = false;
    }
    const viewport = $('viewport');
    const spacer = $('spacer');
    spacer.style.height = (visible.length * ROW) + 'px';
    $('list').dataset.shown = visible.length;
    $('list').dataset.total = flows.size;
    $('empty').hidden = visible.length > 0;
    $('empty').textContent = flows.size === 0 ? 'No flows yet. Traffic shows up here as it happens.'
      : 'No flow matches the filter.';
    if (follow) viewport.scrollTop = viewport.scrollHeight;
    if (reveal && selectedKey) {
      const at = visible.indexOf(selectedKey);
      if (at >= 0 && (at * ROW < viewport.scrollTop || (at + 1) * ROW > viewport.scrollTop + viewport.clientHeight)) {
        viewport.scrollTop = Math.max(0, at * ROW - viewport.clientHeight / 3);
      }
      reveal = false;
    }
    const first = Math.max(0, Math.floor(viewport.scrollTop / ROW) - OVERSCAN);
    const last = Math.min(visible.length, Math.ceil((viewport.scrollTop + viewport.clientHeight) / ROW) + OVERSCAN);
    const needed = last - first;
    while (rowPool.length < needed) {
      const row = el('div', 'row flow');
      for (const cls of ['time', 'id', 'seen', 'ends', 'proto', 'summary', 'status', 'size num', 'flags']) row.append(el('span', cls));
      row.addEventListener('click', () => select(row.dataset.key));
      spacer.append(row);
      rowPool.push(row);
    }
    for (let i = 0; i < rowPool.length; i++) {
      const row = rowPool[i];
      if (i >= needed) { row.hidden = true; continue; }
      const f = flows.get(visible[first + i]);
      row.hidden = false;
      row.style.transform = 'translateY(' + ((first + i) * ROW) + 'px)';
      fillRow(row, f);
    }
    $('latest').hidden = follow || visible.length === 0;
  }

  function fillRow(row, f) {
    if (row._flow === f && row.classList.contains('selected') === (f.key === selectedKey)) return;
    row._flow = f;
    row.dataset.key = f.key;
    row.classList.toggle('selected', f.key === selectedKey);
    const c = row.children;
    c[0].textContent = clock(f.t);
    c[1].textContent = '#' + f.id;
    c[2].textContent = f.seenBy;
    c[2].className = 'seen ' + f.seenBy;
    c[3].textContent = endpoints(f);
    c[4].textContent = f.proto;
    c[5].textContent = f.summary;
    c[5].title = f.summary;
    c[6].textContent = f.status;
    c[7].textContent = bytes(f.size);
    c[8].textContent = '';
    for (const g of f.flags) c[8].append(flagChip(g, true));
    row.title = f.source;
  }

  function flagChip(g, clickable) {
    const chip = el(clickable ? 'button' : 'span', 'flag ' + g, FLAG_WORDS[g]);
    if (clickable) {
      chip.type = 'button';
      chip.title = 'show only flows flagged ' + FLAG_WORDS[g];
      chip.addEventListener('click', (e) => { e.stopPropagation(); toggleFlagFilter(g); });
    }
    return chip;
  }

  function toggleFlagFilter(g) {
    const terms = $('filter').value.trim().split(/\s+/).filter(Boolean);
    const term = 'flag:' + g;
    const at = terms.indexOf(term);
    if (at >= 0) terms.splice(at, 1); else terms.push(term);
    setFilter(terms.join(' '));
  }

  function renderChips() {
    const box = $('chips');
    if (!box.children.length) {
      for (const g of FLAGS) {
        const chip = el('button', 'flag ' + g, FLAG_WORDS[g]);
        chip.type = 'button';
        chip.dataset.flag = g;
        chip.title = 'show only flows flagged ' + FLAG_WORDS[g];
        chip.addEventListener('click', () => toggleFlagFilter(g));
        box.append(chip);
      }
    }
    const terms = $('filter').value.toLowerCase().split(/\s+/);
    for (const chip of box.children) chip.classList.toggle('on', terms.includes('flag:' + chip.dataset.flag));
    highlightCells();
  }

  // ---- the demo's scoreboard --------------------------------------------------------------------------------
  function renderBoard() {
    if (!board) return;
    $('board').hidden = false;
    const table = $('board-table');
    table.textContent = '';
    const head = el('tr');
    head.append(el('th', 'attack', 'attack'));
    for (const s of board.stages) {
      const th = el('th');
      th.dataset.stage = s.key;
      th.dataset.state = s.state;
      const line = el('div', 'stage-head');
      line.append(el('span', null, s.title));
      const button = el('button', 'rerun', '↻');
      button.type = 'button';
      button.title = 'run the ' + s.title + ' stage again';
      button.disabled = !board.rerun || board.busy;
      button.dataset.stage = s.key;
      button.addEventListener('click', () => rerun(s.key, button));
      line.append(button);
      th.append(line, el('div', 'state ' + s.state, s.state));
      head.append(th);
    }
    table.append(head);
    const cells = new Map();
    for (const c of board.cells) cells.set(c.stage + '/' + c.attack, c);
    for (const a of board.attacks) {
      const tr = el('tr');
      tr.append(el('td', 'attack', a.label));
      for (const s of board.stages) {
        const td = el('td');
        const c = cells.get(s.key + '/' + a.key);
        const cell = el('button', 'cell ' + (c ? c.outcome : 'pending'));
        cell.type = 'button';
        cell.dataset.stage = s.key;
        cell.dataset.attack = a.key;
        cell.append(el('span', 'outcome', c ? c.label : (s.state === 'running' ? '…' : '')));
        cell.append(el('span', 'why', c ? c.evidence : ''));
        if (c) cell.title = a.label + ' · ' + s.title + ': ' + c.outcome.replace('_', ' ') + ' — ' + c.evidence;
        if (c && c.flows.length) {
          cell.dataset.flows = c.flows.join(',');
          cell.addEventListener('click', () => showEvidence(cell.dataset.flows));
        }
        td.append(cell);
        tr.append(td);
      }
      table.append(tr);
    }
    $('board-note').textContent = board.note ? (board.busy ? '▶ ' : '') + board.note : '';
    highlightCells();
  }

  function highlightCells() {
    const value = $('filter').value.trim();
    for (const cell of document.querySelectorAll('.cell[data-flows]')) {
      cell.classList.toggle('active', value === 'flow:' + cell.dataset.flows);
    }
  }

  function showEvidence(keys) {
    setFilter('flow:' + keys);
    follow = false;
    const first = keys.split(',').find((k) => flows.has(k)) || keys.split(',')[0];
    select(first);
  }

  function rerun(stage, button) {
    button.disabled = true;
    fetch('/api/stages/' + encodeURIComponent(stage) + '/run', {method: 'POST', credentials: 'same-origin'})
      .then((r) => r.json().then((body) => {
        if (!r.ok) showBanner('cannot run the stage again: ' + (body.error || r.status), 'warn');
      }))
      .catch(() => showBanner('cannot reach the tool', 'warn'));
  }

  // ---- detail pane ------------------------------------------------------------------------------------------------
  function select(key) {
    if (!key) return;
    selectedKey = key;
    reveal = true;
    selectedMessage = -1;
    selectedTab = null;
    for (const row of rowPool) row._flow = null;
    $('detail').hidden = false;
    document.body.classList.add('detail-open');
    loadDetail(key, false);
    schedule();
  }

  function closeDetail() {
    selectedKey = null;
    detail = null;
    $('detail').hidden = true;
    document.body.classList.remove('detail-open');
    for (const row of rowPool) row._flow = null;
    schedule();
  }

  function loadDetail(key, refresh) {
    lastDetailFetch = performance.now();
    detailStale = false;
    fetch('/api/flows/' + encodeURIComponent(key), {credentials: 'same-origin'})
      .then((r) => r.ok ? r.json() : r.json().then((b) => { throw new Error(b.error || String(r.status)); }))
      .then((d) => {
        if (key !== selectedKey) return;
        const wasLast = detail && selectedMessage === detail.events.length - 1;
        detail = d;
        if (!refresh || selectedMessage < 0) selectedMessage = defaultMessage(d.events);
        else if (wasLast) selectedMessage = d.events.length - 1;
        renderDetail();
      })
      .catch((e) => {
        if (key !== selectedKey) return;
        detail = null;
        $('detail-title').textContent = 'flow ' + key + ': ' + e.message;
        $('evidence').textContent = '';
        $('messages').textContent = '';
        $('message-view').textContent = '';
        $('tabs').textContent = '';
      });
  }

  /** The message most worth seeing first: one with the secret, else a response with a body, else the first. */
  function defaultMessage(events) {
    const secrets = new Set();
    let best = -1;
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      if (e.event === 'proxy.tampered' || e.event === 'proxy.forgery_rejected') return i;
      if (best < 0 && e.event === 'http.response' && e['http.file_data'] !== undefined) best = i;
      if (e['tls.alert_message.desc'] !== undefined && best < 0) best = i;
    }
    return best >= 0 ? best : (events.length ? 0 : -1);
  }

  function renderDetail() {
    const d = detail;
    const f = d.flow;
    const title = $('detail-title');
    title.textContent = '';
    title.append(el('span', 'mono', '#' + f.id + '  ' + f.client + ' → ' + f.server), el('span', null, f.proto));
    for (const g of f.flags) title.append(flagChip(g, false));
    title.append(el('span', 'where', 'seen by ' + f.seenBy + ' · ' + f.source + ' · ' + group(f.messages) + ' messages'));
    const ev = $('evidence');
    ev.textContent = '';
    for (const line of d.evidence) ev.append(el('li', tone(line), line));
    if (d.notKept > 0) ev.append(el('li', null, group(d.notKept) + ' earlier messages are not kept (the first and the latest are)'));
    const list = $('messages');
    list.textContent = '';
    d.events.forEach((e, i) => {
      const li = el('li');
      if (e.event === 'web.not_kept') {
        li.className = 'note';
        li.textContent = '… ' + group(e.count) + ' messages not kept …';
      } else {
        li.append(el('span', 'arrow', arrow(e)), document.createTextNode(describe(e)));
        if (e.event.startsWith('proxy.')) li.classList.add('report');
        li.title = describe(e);
        li.addEventListener('click', () => { selectedMessage = i; selectedTab = null; renderDetail(); });
      }
      if (i === selectedMessage) li.classList.add('selected');
      list.append(li);
    });
    renderMessage();
  }

  function tone(line) {
    if (/secret|credentials|session in clear|rewrote|accepted the certificate/i.test(line)) return 'bad';
    if (/readable|malformed|missing|failed/i.test(line)) return 'warn';
    if (/rejected|encrypted, unreadable/i.test(line)) return 'good';
    return '';
  }

  function arrow(e) {
    if (e.direction === 'client_to_server') return '→';
    if (e.direction === 'server_to_client') return '←';
    return '•';
  }

  /** One line per message, as the text output's first line says it. */
  function describe(e) {
    const frames = e['frame.number'] && e['frame.number'].length ? '  (frame' + (e['frame.number'].length > 1 ? 's ' : ' ')
      + e['frame.number'].join(', ') + ')' : '';
    switch (e.event) {
      case 'http.request':
        return e['http.request.method'] + ' ' + e['http.request.uri'] + ' ' + e['http.request.version'] + frames;
      case 'http.response':
        return e['http.response.code'] + ' ' + e['http.response.phrase'] + (e['http.time_us'] !== undefined
          ? '  (' + millis(e['http.time_us']) + ')' : '') + '  ' + bytes(e['http.content_length']) + frames;
      case 'tls.record': {
        const type = e['tls.record.content_type'];
        if (e['tls.alert_message.desc']) return 'TLS alert ' + (e['tls.alert_message.level'] || '') + ' ' + e['tls.alert_message.desc'] + frames;
        if (e['tls.handshake.type']) {
          let s = 'TLS ' + e['tls.handshake.type'].map(camel).join(', ');
          if (e['tls.handshake.extensions_server_name']) s += ' · SNI ' + e['tls.handshake.extensions_server_name'];
          if (e['tls.handshake.version']) s += ' · ' + e['tls.handshake.version'];
          return s + frames;
        }
        return 'TLS ' + type + ' ' + bytes(e['tls.record.length']) + (e['tls.encrypted'] ? ' 🔒' : '') + frames;
      }
      case 'data': return 'DATA ' + bytes(e['data.len']) + ', neither HTTP nor TLS' + frames;
      case 'tcp.gap': return 'GAP ' + group(e['tcp.gap.bytes']) + ' bytes missing' + frames;
      case 'http.malformed': return 'HTTP malformed: ' + e['http.malformed.reason'] + frames;
      case 'proxy.tampered': return 'TAMPERED ' + e['proxy.part'] + ': "' + e['proxy.before'] + '" → "' + e['proxy.after'] + '"';
      case 'proxy.tamper_skipped': return 'NOT TAMPERED ' + e['proxy.part'] + ': ' + e['proxy.reason'];
      case 'proxy.forgery_accepted': return 'INTERCEPTED: the client accepted the forged certificate for ' + e['proxy.forged_host'];
      case 'proxy.forgery_rejected': return (e['proxy.certificate_rejected'] ? 'ATTACK FAILED: the client rejected the forged certificate'
        : 'TLS FAILED') + (e['tls.alert_message.desc'] ? ' (alert ' + e['tls.alert_message.desc'] + ')' : '');
      case 'proxy.upstream_failed': return 'UPSTREAM FAILED: ' + e['proxy.reason'];
      default: return e.event + '  ' + scalars(e).slice(0, 3).map(([k, v]) => k + '=' + v).join('  ') + frames;
    }
  }

  const COMMON = new Set(['event', 'flow', 'direction', 'ip.src', 'tcp.srcport', 'ip.dst', 'tcp.dstport', 'frame.time_epoch',
    'frame.number', 'seen_by']);

  function scalars(e) {
    return Object.entries(e).filter(([k, v]) => !COMMON.has(k) && v !== null && typeof v !== 'object');
  }

  function renderMessage() {
    const view = $('message-view');
    const tabs = $('tabs');
    view.textContent = '';
    tabs.textContent = '';
    const e = detail && detail.events[selectedMessage];
    if (!e || e.event === 'web.not_kept') { view.append(el('p', 'note', 'Select a message.')); return; }
    const body = bodyBytes(e);
    const available = [];
    if (e.event === 'http.request' || e.event === 'http.response') available.push('headers');
    if (e.event === 'tls.record') available.push('tls');
    if (body && body.text !== null) available.push('body');
    if (body) available.push('hex');
    available.push('fields', 'json');
    if (!available.includes(selectedTab)) {
      selectedTab = e.event === 'http.response' && body ? 'body' : available[0];
    }
    for (const t of available) {
      const b = el('button', t === selectedTab ? 'on' : '', {headers: 'Headers', tls: 'TLS handshake', body: 'Body',
        hex: 'Hex', fields: 'Fields', json: 'JSON'}[t]);
      b.type = 'button';
      b.dataset.tab = t;
      b.addEventListener('click', () => { selectedTab = t; renderMessage(); });
      tabs.append(b);
    }
    const where = el('p', 'note', whereSeen(e));
    if (selectedTab === 'headers') {
      view.append(el('div', 'startline', e.event === 'http.request'
        ? e['http.request.method'] + ' ' + e['http.request.uri'] + ' ' + e['http.request.version']
        : e['http.response.version'] + ' ' + e['http.response.code'] + ' ' + e['http.response.phrase']));
      view.append(fieldTable((e['http.headers'] || []).map((h) => [h.name, h.value])));
      if (e['analyzer.leaks']) {
        view.append(el('h3', null, 'in clear'));
        for (const l of e['analyzer.leaks']) view.append(el('div', 'leak', '⚠ ' + l.kind + ' in clear: ' + l.detail));
      }
      if (body) {
        view.append(el('h3', null, 'body'));
        view.append(bodyView(e, body));
      }
    } else if (selectedTab === 'tls') {
      view.append(tlsView(e));
    } else if (selectedTab === 'body') {
      view.append(bodyView(e, body));
    } else if (selectedTab === 'hex') {
      view.append(el('h3', null, bytes(body.bytes.length) + (body.truncated ? ' shown of ' + bytes(body.length) : '')));
      view.append(el('pre', 'hex', hexdump(body.bytes)));
    } else if (selectedTab === 'fields') {
      view.append(fieldTable(Object.entries(e).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)])));
    } else {
      view.append(el('pre', null, JSON.stringify(e, null, 2)));
    }
    view.append(where);
  }

  function whereSeen(e) {
    const frames = e['frame.number'];
    const when = e['frame.time_epoch'] !== undefined ? clock(Math.round(Number(e['frame.time_epoch']) * 1e6), true) : '';
    return (frames && frames.length ? (frames.length === 1 ? 'frame ' : 'frames ') + frames.join(', ') : 'seen by the proxy (no frames)')
      + (when ? ' · ' + when : '') + (e['ip.src'] ? ' · ' + e['ip.src'] + ':' + e['tcp.srcport'] + (e['ip.dst'] ? ' → ' + e['ip.dst'] + ':' + e['tcp.dstport'] : '') : '');
  }

  function fieldTable(pairs) {
    const table = el('table', 'fields');
    for (const [k, v] of pairs) {
      const tr = el('tr');
      tr.append(el('td', null, k), el('td', null, v));
      table.append(tr);
    }
    return table;
  }

  /** The body (or payload) bytes of a message: text as sent (decoded), or hex. */
  function bodyBytes(e) {
    let hex = null;
    let text = null;
    if (e['http.file_data'] !== undefined) text = e['http.file_data'];
    else if (e['http.file_data_hex'] !== undefined) hex = e['http.file_data_hex'];
    else if (e['data.data'] !== undefined) hex = e['data.data'];
    else {
      for (const [k, v] of Object.entries(e)) {
        if (typeof v === 'string' && /(_hex|\.data)$/.test(k) && /^[0-9a-f]*$/.test(v)) { hex = v; break; }
      }
    }
    if (text === null && hex === null) return null;
    const data = text !== null ? new TextEncoder().encode(text) : fromHex(hex);
    const length = e['http.content_length'] !== undefined ? e['http.content_length'] : e['data.len'] !== undefined ? e['data.len'] : data.length;
    return {bytes: data, text: text !== null ? text : printable(data), length: length,
      truncated: data.length < length, encoding: e['http.content_encoding']};
  }

  function printable(data) {
    let good = 0;
    for (const b of data) if ((b >= 0x20 && b < 0x7f) || b === 10 || b === 13 || b === 9) good++;
    return data.length && good >= 0.9 * data.length ? new TextDecoder('utf-8', {fatal: false}).decode(data) : null;
  }

  function bodyView(e, body) {
    const box = el('div');
    const about = bytes(body.length) + (body.encoding ? ', ' + body.encoding + '-decoded' : '')
      + (e['http.transfer_encoding'] ? ', chunked' : '') + (e['http.body.incomplete'] ? ', incomplete: the stream ended first' : '');
    box.append(el('p', 'note', about));
    if (body.text === null) {
      box.append(el('pre', 'hex', hexdump(body.bytes)));
    } else {
      const pre = el('pre', 'body');
      appendMarked(pre, body.text, secrets);
      if (secrets.some((s) => body.text.includes(s))) pre.classList.add('secret-body');
      box.append(pre);
    }
    if (body.truncated) box.append(el('p', 'note', '… ' + group(body.length - body.bytes.length) + ' more bytes not kept (--max-body)'));
    return box;
  }

  /** Text with each secret marked, built from text nodes only. */
  function appendMarked(parent, text, secrets) {
    let rest = text;
    while (rest.length) {
      let at = -1, which = null;
      for (const s of secrets) {
        const i = rest.indexOf(s);
        if (i >= 0 && (at < 0 || i < at)) { at = i; which = s; }
      }
      if (at < 0) { parent.append(document.createTextNode(rest)); return; }
      parent.append(document.createTextNode(rest.slice(0, at)), el('mark', null, which));
      rest = rest.slice(at + which.length);
    }
  }

  function tlsView(e) {
    const box = el('div');
    const rows = [
      ['record', e['tls.record.content_type'] + ', ' + e['tls.record.version'] + ', ' + bytes(e['tls.record.length'])],
      ['encrypted', e['tls.encrypted'] ? 'yes: unreadable without the keys' : 'no'],
    ];
    if (e['tls.handshake.type']) rows.push(['handshake', e['tls.handshake.type'].map(camel).join(', ')]);
    if (e['tls.handshake.extensions_server_name']) rows.push(['server name (SNI)', e['tls.handshake.extensions_server_name']]);
    if (e['tls.handshake.extensions_alpn_str'] && e['tls.handshake.extensions_alpn_str'].length) rows.push(['ALPN offered', e['tls.handshake.extensions_alpn_str'].join(', ')]);
    if (e['tls.handshake.extensions.supported_version']) rows.push(['versions offered', e['tls.handshake.extensions.supported_version'].join(', ')]);
    if (e['tls.handshake.version']) rows.push(['version chosen', e['tls.handshake.version']]);
    if (e['tls.handshake.ciphersuite']) rows.push(['cipher suite', e['tls.handshake.ciphersuite']]);
    if (e['tls.handshake.extensions_alpn_str_selected']) rows.push(['ALPN chosen', e['tls.handshake.extensions_alpn_str_selected']]);
    if (e['tls.alert_message.desc']) rows.push(['alert', (e['tls.alert_message.level'] || '') + ' ' + e['tls.alert_message.desc']]);
    box.append(fieldTable(rows));
    if (e['tls.handshake.certificates']) {
      box.append(el('h3', null, 'certificate chain'));
      box.append(fieldTable(e['tls.handshake.certificates'].map((c, i) => [i === 0 ? 'server' : 'issuer ' + i,
        c['x509.subject'] + '  issued by ' + c['x509.issuer'] + '  valid ' + day(c['x509.not_before_ms']) + ' to ' + day(c['x509.not_after_ms'])])));
    }
    if (e['tls.handshake.ciphersuites']) {
      box.append(el('h3', null, e['tls.handshake.ciphersuites'].length + ' cipher suites offered'));
      box.append(el('pre', null, e['tls.handshake.ciphersuites'].join('\n')));
    }
    return box;
  }

  // ---- formatting -----------------------------------------------------------------------------------------------
  function hexdump(data) {
    const lines = [];
    const max = Math.min(data.length, 65536);
    for (let off = 0; off < max; off += 16) {
      let hex = '', ascii = '';
      for (let i = 0; i < 16; i++) {
        if (off + i < max) {
          const b = data[off + i];
          hex += (b < 16 ? '0' : '') + b.toString(16) + (i === 7 ? '  ' : ' ');
          ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
        } else {
          hex += i === 7 ? '    ' : '   ';
        }
      }
      lines.push(off.toString(16).padStart(4, '0') + '  ' + hex + ' ' + ascii);
    }
    if (data.length > max) lines.push('… ' + group(data.length - max) + ' more bytes');
    return lines.join('\n');
  }

  function fromHex(hex) {
    const out = new Uint8Array(hex.length >> 1);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
    return out;
  }

  function clock(micros, withDate) {
    const d = new Date(micros / 1000);
    const p = (n, w) => String(n).padStart(w || 2, '0');
    const time = p(d.getHours()) + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds()) + '.' + p(d.getMilliseconds(), 3);
    return withDate ? d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + ' ' + time : time;
  }

  function day(ms) {
    return new Date(ms).toISOString().slice(0, 10);
  }

  function endpoints(f) {
    const host = (s) => s.slice(0, s.lastIndexOf(':'));
    const port = (s) => s.slice(s.lastIndexOf(':') + 1);
    return host(f.client) === host(f.server) ? host(f.client) + ' :' + port(f.client) + ' → :' + port(f.server)
      : f.client + ' → ' + f.server;
  }

  function group(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  }

  function compact(n) {
    return n >= 10000 ? (n / 1000).toFixed(0) + 'k' : n >= 1000 ? (n / 1000).toFixed(1) + 'k' : String(Math.round(n));
  }

  function bytes(n) {
    if (n === undefined || n === null) return '';
    if (n < 1000) return n + ' B';
    if (n < 1e6) return (n / 1e3).toFixed(n < 1e4 ? 1 : 0) + ' kB';
    return (n / 1e6).toFixed(n < 1e7 ? 1 : 0) + ' MB';
  }

  function millis(us) {
    return us < 10000 ? (us / 1000).toFixed(1) + ' ms' : Math.round(us / 1000) + ' ms';
  }

  function camel(snake) {
    return snake.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  }

  function showBanner(text, tone, sticky) {
    const b = $('banner');
    if (!text) { if (!b.dataset.sticky) b.hidden = true; return; }
    b.textContent = text;
    b.className = 'banner ' + (tone || 'info');
    b.hidden = false;
    if (sticky) b.dataset.sticky = '1'; else delete b.dataset.sticky;
  }

  // ---- controls ---------------------------------------------------------------------------------------------------
  function togglePause() {
    paused = !paused;
    const button = $('pause');
    button.textContent = paused ? 'Resume' : 'Pause';
    button.classList.toggle('on', paused);
    setLink(socket && socket.readyState === WebSocket.OPEN ? (paused ? 'paused' : 'live') : 'down');
    if (!paused) {
      apply(held.reset, Array.from(held.flows.values()), Array.from(held.removed));
      held.flows.clear(); held.removed.clear(); held.reset = false; held.count = 0;
    }
    updateStats();
  }

  function init() {
    renderChips();
    $('filter').addEventListener('input', () => { filter = parseFilter($('filter').value); filterDirty = true; renderChips(); schedule(); });
    $('pause').addEventListener('click', togglePause);
    $('detail-close').addEventListener('click', closeDetail);
    $('latest').addEventListener('click', () => { follow = true; schedule(); });
    const viewport = $('viewport');
    viewport.addEventListener('scroll', () => {
      follow = viewport.scrollTop + viewport.clientHeight >= viewport.scrollHeight - ROW / 2;
      schedule();
    });
    window.addEventListener('resize', schedule);
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        if (document.activeElement === $('filter') && filter.length) setFilter(''); else closeDetail();
      }
      else if (e.key === '/' && document.activeElement !== $('filter')) { e.preventDefault(); $('filter').focus(); }
      else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && document.activeElement !== $('filter')) {
        e.preventDefault();
        const at = visible.indexOf(selectedKey);
        const next = visible[Math.max(0, Math.min(visible.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)))];
        if (next) { follow = false; select(next); }
      }
    });
    connect();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
