// The page: takes the evidence (a dropped or picked folder, picked files)
// and the options, hands them to the worker, shows the report the worker
// renders and saves it in any format. No network: every file is read
// here, and the report is saved from a blob.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const status = $('status');
  const progress = $('progress');
  const frame = $('report-frame');
  const EXTENSIONS = { table: 'txt', json: 'json', csv: 'csv', markdown: 'md', sarif: 'sarif', junit: 'xml', html: 'html', xlsx: 'xlsx' };
  const TYPES = { html: 'text/html', json: 'application/json', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
  let held = null; // the evidence given last: { files: [{ path, file }], folders: [path] }
  let ready = false;
  let started = 0;
  let sent = 0;

  const source = new Blob([$('worker-source').textContent], { type: 'text/javascript' });
  const worker = new Worker(URL.createObjectURL(source));

  function setState(state, text) {
    status.dataset.state = state;
    status.textContent = text;
  }

  function show(id, shown) { $(id).hidden = !shown; }

  worker.onmessage = (event) => {
    const m = event.data;
    if (m.type === 'ready') {
      ready = true;
      $('wasm-module').remove();
      setState('ready', 'Ready: drop an evidence folder or files.');
      if (held) start();
    } else if (m.type === 'started') {
      $('command').textContent = m.command;
      show('command', true);
      setState('running', 'Evaluating…');
    } else if (m.type === 'progress') {
      setState('running', 'Evaluating… ' + m.judged + ' snapshot' + (m.judged === 1 ? '' : 's') + ' judged');
    } else if (m.type === 'glance') {
      glance(m.glance);
    } else if (m.type === 'done') {
      finish(m);
    } else if (m.type === 'rendered') {
      save(m.format, m.bytes);
    } else if (m.type === 'failed') {
      progress.hidden = true;
      $('messages').textContent = 'internal error: ' + m.message;
      show('messages', true);
      setState('error', 'The page failed: ' + m.message);
    }
  };
  worker.postMessage({ type: 'init', wasm: $('wasm-module').textContent.trim() });

  // The counts and the first failures, at once: the whole report takes
  // the browser seconds to lay out for the largest accounts.
  function glance(g) {
    const box = $('glance');
    box.textContent = '';
    if (!g) { box.hidden = true; return; }
    const s = g.summary;
    const line = document.createElement('p');
    line.id = 'glance-counts';
    line.textContent = s.fail + ' failed · ' + s.error + ' error · ' + s['not-evaluated'] + ' not evaluated · ' +
      s.waived + ' waived · ' + s['not-applicable'] + ' not applicable · ' + s.pass + ' passed · ' + s.total + ' results';
    box.appendChild(line);
    if (g.failures.length) {
      const table = document.createElement('table');
      table.id = 'glance-failures';
      const head = table.insertRow();
      ['status', 'severity', 'control', 'account', 'subject', 'finding'].forEach((h) => {
        const th = document.createElement('th');
        th.textContent = h;
        head.appendChild(th);
      });
      g.failures.forEach((f) => {
        const row = table.insertRow();
        [f.status, f.severity, f.policy, f.account, f.subject, f.message].forEach((v) => { row.insertCell().textContent = v; });
      });
      const more = s.fail + s.error - g.failures.length;
      const caption = table.createCaption();
      caption.textContent = 'The first ' + g.failures.length + ' failing results' + (more > 0 ? ' (' + more + ' more in the report below)' : '');
      box.appendChild(table);
    }
    box.hidden = false;
    requestAnimationFrame(() => { status.dataset.summaryMs = String(Math.round(performance.now() - started)); });
  }

  function finish(m) {
    progress.hidden = true;
    $('messages').textContent = m.messages;
    show('messages', m.messages.length > 0);
    status.dataset.exitCode = String(m.code);
    status.dataset.evaluateMs = String(m.timings.evaluate);
    status.dataset.renderMs = String(m.timings.render);
    status.dataset.sentMs = String(Math.round(sent - started));
    status.dataset.ms = String(Math.round(performance.now() - started));
    $('run').disabled = false;
    if (m.html === null) {
      $('glance').hidden = true;
      show('saves', false);
      frame.hidden = true;
      frame.removeAttribute('srcdoc');
      setState('error', 'No report (exit code ' + m.code + '): see the messages below.');
      return;
    }
    const words = { 0: 'no control failed', 1: 'a control failed or errored', 2: 'some evidence is unusable' };
    frame.onload = () => {
      frame.onload = null;
      status.dataset.ms = String(Math.round(performance.now() - started));
      setState('done', 'Done (exit code ' + m.code + ': ' + words[m.code] + ').');
    };
    frame.hidden = false;
    show('saves', true);
    // After the glance has been painted.
    requestAnimationFrame(() => setTimeout(() => { frame.srcdoc = m.html; }, 0));
  }

  function save(format, bytes) {
    const blob = new Blob([bytes], { type: TYPES[format] || 'text/plain' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = 'iam-audit-report.' + EXTENSIONS[format];
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60000);
    $('save-' + format).dataset.saved = String(Number($('save-' + format).dataset.saved || 0) + 1);
  }
  Object.keys(EXTENSIONS).forEach((format) => {
    $('save-' + format).addEventListener('click', () => worker.postMessage({ type: 'render', format }));
  });

  function split(id) { return $(id).value.split(/\s+/).filter(Boolean); }

  function options() {
    const words = [];
    const asOf = $('as-of').value.trim();
    if (asOf) words.push('--as-of', asOf);
    split('thresholds').forEach((t) => words.push('--threshold', t));
    split('frameworks').forEach((f) => words.push('--framework', f));
    split('select').forEach((s) => words.push('--select', s));
    split('ignore').forEach((s) => words.push('--ignore', s));
    split('exclude').forEach((s) => words.push('--exclude', s));
    if ($('layout').value) words.push('--' + $('layout').value);
    if ($('no-default-policies').checked) words.push('--no-default-policies');
    if ($('csv-bom').checked) words.push('--csv-bom');
    return words.concat(split('extra-options'));
  }

  async function bytesOf(entries) {
    return Promise.all(entries.map(async (e) => ({ path: e.path, bytes: await e.file.arrayBuffer() })));
  }

  async function start() {
    if (!held) return;
    started = performance.now();
    progress.hidden = false;
    progress.removeAttribute('value');
    if (!ready) { setState('loading', 'Loading the engine…'); return; }
    setState('running', 'Reading ' + held.files.length + ' file' + (held.files.length === 1 ? '' : 's') + '…');
    $('run').disabled = true;
    try {
      const files = await bytesOf(held.files);
      const policies = await bytesOf(Array.from($('policies-input').files, (f) => ({ path: f.name, file: f })));
      const w = $('waivers-input').files[0];
      const waivers = w ? { name: w.name, bytes: await w.arrayBuffer() } : null;
      const message = {
        type: 'run',
        files,
        folders: held.folders,
        policies: policies.map((p) => ({ name: p.path, bytes: p.bytes })),
        waivers,
        options: options(),
      };
      const transfer = files.map((f) => f.bytes);
      sent = performance.now();
      worker.postMessage(message, transfer);
    } catch (e) {
      progress.hidden = true;
      $('run').disabled = false;
      $('messages').textContent = 'error: cannot read a file: ' + ((e && e.message) || e);
      show('messages', true);
      setState('error', 'A file could not be read.');
    }
  }

  function give(files, folders) {
    held = { files, folders };
    start();
  }

  $('folder-input').addEventListener('change', (e) => {
    const files = Array.from(e.target.files, (f) => ({ path: f.webkitRelativePath || f.name, file: f }));
    if (files.length) give(files, []);
  });
  $('files-input').addEventListener('change', (e) => {
    const files = Array.from(e.target.files, (f) => ({ path: f.name, file: f }));
    if (files.length) give(files, []);
  });
  $('run').addEventListener('click', start);

  // A drop anywhere else must not open the file in place of the page.
  ['dragover', 'drop'].forEach((t) => window.addEventListener(t, (e) => e.preventDefault()));
  const zone = $('drop-zone');
  zone.addEventListener('dragover', () => zone.classList.add('over'));
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', async (e) => {
    zone.classList.remove('over');
    const entries = Array.from(e.dataTransfer.items || [])
      .map((i) => (i.webkitGetAsEntry ? i.webkitGetAsEntry() : null))
      .filter(Boolean);
    const files = [];
    const folders = [];
    if (entries.length === 0) {
      Array.from(e.dataTransfer.files || []).forEach((f) => files.push({ path: f.name, file: f }));
    }
    for (const entry of entries) await walk(entry, files, folders);
    if (files.length || folders.length) give(files, folders);
  });

  // A dropped folder, file by file, under its path from the folder's parent.
  async function walk(entry, files, folders) {
    const path = entry.fullPath.replace(/^\/+/, '');
    if (entry.isFile) {
      const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
      files.push({ path, file });
      return;
    }
    const reader = entry.createReader();
    const children = [];
    for (;;) {
      const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0) break;
      children.push(...batch);
    }
    if (children.length === 0) folders.push(path);
    for (const child of children) await walk(child, files, folders);
  }
})();
