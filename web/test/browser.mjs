// Drives the built page (target/web/iam-audit.html) in Debian's Chromium,
// headless, as a tester outside the project would: gives it evidence
// folders and files, saves every format through the page's buttons (real
// downloads), and compares each file byte for byte with what the command
// line writes with `-o` for the same input and options, its exit code and
// its stderr with the page's. Watches every network request of the page,
// its frames and its worker (the DevTools protocol's Network domain):
// apart from the page's own file:// load, only data: and blob: URLs (which
// never leave the process) may appear. Any CSP violation fails the run.
//
//   node web/test/browser.mjs PAGE CLI ROOT WORKDIR
//
// PAGE the built page, CLI the iam-audit binary, ROOT the project (for its
// fixtures), WORKDIR an empty folder for copies and downloads. Exits 0
// when every case passes; prints `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

const [page_, cli_, root_, work] = process.argv.slice(2);
if (!work) {
  console.error('usage: node browser.mjs PAGE CLI ROOT WORKDIR');
  process.exit(2);
}
const PAGE = pathToFileURL(resolve(page_)).href;
const cli = resolve(cli_);
const root = resolve(root_);
const FORMATS = { table: 'txt', json: 'json', csv: 'csv', markdown: 'md', sarif: 'sarif', junit: 'xml', html: 'html', xlsx: 'xlsx' };

/// Lays out a case's inputs in its own folder: the command line runs there
/// on the same relative names the page sees.
function stage(name, layout) {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const [to, from] of Object.entries(layout)) {
    if (typeof from === 'string') cpSync(join(root, from), join(dir, to), { recursive: true });
    else { mkdirSync(dirname(join(dir, to)), { recursive: true }); writeFileSync(join(dir, to), from.text); }
  }
  return dir;
}

/// The command line's `-o` output of every format, its exit code and stderr.
function cliRun(dir, args) {
  const out = {};
  let code = null;
  let stderr = null;
  for (const [format, ext] of Object.entries(FORMATS)) {
    const file = join(dir, `cli-report.${ext}`);
    const r = spawnSync(cli, ['evaluate', ...args.options, '--format', format, '-o', file, ...args.paths], { cwd: dir });
    if (code === null) { code = r.status; stderr = r.stderr.toString(); }
    else if (r.status !== code) throw new Error(`the CLI's exit code changed with --format ${format}`);
    out[format] = existsSync(file) ? readFileSync(file) : null;
  }
  return { out, code, stderr };
}

const CASES = [
  { name: 'demo', layout: { demo: 'snapshots/demo' }, folder: 'demo' },
  { name: 'org', layout: { org: 'snapshots/org' }, folder: 'org' },
  { name: 'hostile-names', layout: { 'hostile-names': 'tests/fixtures/hostile-names' }, folder: 'hostile-names' },
  {
    // An organization with a broken account and an account of hostile
    // names: the others are still reported, exit code 2.
    name: 'org-broken',
    layout: {
      'acme/111111111111-prod': 'snapshots/org/111111111111-prod',
      'acme/evil-<b>names</b>': 'tests/fixtures/hostile-names',
      'acme/333333333333-broken': 'tests/fixtures/hostile/json-syntax-error',
    },
    folder: 'acme',
  },
  {
    name: 'options',
    layout: {
      demo: 'snapshots/demo',
      'demo.json': 'tests/fixtures/waivers/demo.json',
      'admins-have-mfa.cedar': 'policies/examples/admins-have-mfa.cedar',
    },
    folder: 'demo',
    fields: { 'as-of': '2026-12-01T00:00:00Z', thresholds: 'unused-days=60 key-rotation-days=30', frameworks: 'cis-aws-v3.0' },
    cliOptions: ['--as-of', '2026-12-01T00:00:00Z', '--threshold', 'unused-days=60', '--threshold', 'key-rotation-days=30', '--framework', 'cis-aws-v3.0',
      '--policies', 'admins-have-mfa.cedar', '--waivers', 'demo.json'],
    policies: ['admins-have-mfa.cedar'],
    waivers: 'demo.json',
  },
  {
    name: 'exclude-select',
    layout: { demo: 'snapshots/demo' },
    folder: 'demo',
    fields: { exclude: '*.json.bak *summary*', select: 'root-* password-*', ignore: 'root-hardware-mfa', 'extra-options': '--fail-on error' },
    cliOptions: ['--exclude', '*.json.bak', '--exclude', '*summary*', '--select', 'root-*', '--select', 'password-*', '--ignore', 'root-hardware-mfa', '--fail-on', 'error'],
  },
  {
    // A hidden file and a stray file a client left: skipped with the
    // command line's warnings.
    name: 'strays',
    layout: { acme: 'snapshots/demo', 'acme/.DS_Store': { text: 'x' }, 'acme/notes/README.txt': { text: 'evidence as asked\n' } },
    folder: 'acme',
  },
  {
    name: 'picked-files',
    layout: { 'credential-report.csv': 'tests/fixtures/hostile-names/credential-report.csv', 'authorization-details.json': 'tests/fixtures/hostile-names/authorization-details.json' },
    files: ['authorization-details.json', 'credential-report.csv'],
  },
  // Input errors: no report, the command line's message.
  { name: 'truncated', layout: { 'truncated-json': 'tests/fixtures/truncated-json' }, folder: 'truncated-json' },
  { name: 'bad-option', layout: { demo: 'snapshots/demo' }, folder: 'demo', fields: { 'as-of': 'yesterday' }, cliOptions: ['--as-of', 'yesterday'] },
  {
    name: 'bad-waivers',
    layout: { demo: 'snapshots/demo', 'w.json': { text: '{"waivers": [{"policy": 3}]}\n' } },
    folder: 'demo', waivers: 'w.json', cliOptions: ['--waivers', 'w.json'],
  },
];

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-extensions',
    '--metrics-recording-only', '--no-pings', '--disable-domain-reliability', '--disable-breakpad'],
});
const browserSession = await browser.target().createCDPSession();

let passed = 0;
let failed = 0;
function check(ok, what) {
  if (ok) { passed += 1; } else { failed += 1; console.log(`FAIL ${what}`); }
}

/// Every request the page, its frames and its worker make, and every CSP
/// violation, from the moment the page is opened.
async function watch(page) {
  const seen = { requests: [], violations: [], workers: 0 };
  const listen = async (session) => {
    session.on('Network.requestWillBeSent', (e) => seen.requests.push(e.request.url));
    session.on('Network.webSocketCreated', (e) => seen.requests.push(e.url));
    await session.send('Network.enable');
  };
  await listen(await page.createCDPSession());
  page.on('workercreated', (worker) => { seen.workers += 1; listen(worker.client).catch((e) => seen.violations.push('cannot watch the worker: ' + e)); });
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window.__violations = window.__violations || []).push(e.violatedDirective + ' ' + e.blockedURI);
    });
  });
  page.on('console', (m) => { if (/Content Security Policy|Refused/.test(m.text())) seen.violations.push(m.text()); });
  return seen;
}

async function download(page, format, dir) {
  mkdirSync(dir, { recursive: true });
  await browserSession.send('Browser.setDownloadBehavior', { behavior: 'allowAndName', downloadPath: dir, eventsEnabled: true });
  const done = new Promise((resolve, reject) => {
    let guid = null;
    const began = (e) => { guid = e.guid; };
    const progress = (e) => {
      if (e.guid !== guid) return;
      if (e.state === 'completed') { off(); resolve({ file: join(dir, guid) }); }
      if (e.state === 'canceled') { off(); reject(new Error('download canceled')); }
    };
    const off = () => { browserSession.off('Browser.downloadWillBegin', began); browserSession.off('Browser.downloadProgress', progress); };
    browserSession.on('Browser.downloadWillBegin', began);
    browserSession.on('Browser.downloadProgress', progress);
    setTimeout(() => { off(); reject(new Error(`no download of ${format}`)); }, 60000);
  });
  await page.click(`#save-${format}`);
  return readFileSync((await done).file);
}

for (const c of CASES) {
  const dir = stage(c.name, c.layout);
  const options = c.cliOptions || [];
  const paths = c.files || [c.folder];
  const cliOut = cliRun(dir, { options, paths });
  const page = await browser.newPage();
  const seen = await watch(page);
  await page.goto(PAGE, { waitUntil: 'load' });
  await page.waitForSelector('#status[data-state="ready"]', { timeout: 60000 });
  const afterLoad = seen.requests.length;
  await page.evaluate(() => { document.getElementById('options').open = true; });
  for (const [id, value] of Object.entries(c.fields || {})) await page.type(`#${id}`, value);
  for (const p of c.policies || []) await (await page.$('#policies-input')).uploadFile(join(dir, p));
  if (c.waivers) await (await page.$('#waivers-input')).uploadFile(join(dir, c.waivers));
  if (c.files) await (await page.$('#files-input')).uploadFile(...c.files.map((f) => join(dir, f)));
  else await (await page.$('#folder-input')).uploadFile(join(dir, c.folder));
  await page.waitForSelector('#status[data-state="done"], #status[data-state="error"]', { timeout: 120000 });
  const state = await page.$eval('#status', (s) => ({ state: s.dataset.state, code: Number(s.dataset.exitCode), text: s.textContent }));
  const messages = await page.$eval('#messages', (m) => m.textContent);
  check(state.code === cliOut.code, `${c.name}: exit code ${state.code}, the CLI's ${cliOut.code}`);
  check(messages === cliOut.stderr, `${c.name}: messages differ from the CLI's stderr:\n--- page\n${messages}\n--- cli\n${cliOut.stderr}`);
  const hasReport = cliOut.out.json !== null;
  check(state.state === (hasReport ? 'done' : 'error'), `${c.name}: state ${state.state} (${state.text})`);
  if (hasReport) {
    for (const format of Object.keys(FORMATS)) {
      const saved = await download(page, format, join(dir, 'downloads', format));
      const same = Buffer.compare(saved, cliOut.out[format]) === 0;
      check(same, `${c.name}: ${format} differs from the CLI's (${saved.length} bytes against ${cliOut.out[format].length})`);
    }
    // The glance shown before the report holds the report's counts.
    const summary = JSON.parse(cliOut.out.json.toString()).summary;
    const counts = await page.$eval('#glance-counts', (p) => p.textContent);
    const expected = `${summary.fail} failed · ${summary.error} error · ${summary['not-evaluated']} not evaluated · ` +
      `${summary.waived} waived · ${summary['not-applicable']} not applicable · ${summary.pass} passed · ${summary.total} results`;
    check(counts === expected, `${c.name}: the glance says ${counts}, the report ${expected}`);
    // The report's own script runs inside the page's frame: its status
    // filter hides every row of another status.
    const frame = page.frames().find((f) => f !== page.mainFrame());
    const filtered = await frame.evaluate(() => {
      const select = document.getElementById('f-status');
      if (!select) return null;
      select.value = 'fail';
      select.dispatchEvent(new Event('change'));
      const shown = Array.from(document.querySelectorAll('tr.result')).filter((r) => getComputedStyle(r).display !== 'none');
      return { shown: shown.length, others: shown.filter((r) => r.dataset.status !== 'fail').length };
    });
    check(filtered !== null && filtered.others === 0 && (state.code === 0 || filtered.shown > 0),
      `${c.name}: the report's filter in the frame: ${JSON.stringify(filtered)}`);
  }
  const violations = seen.violations.concat(await page.evaluate(() => window.__violations || []));
  check(violations.length === 0, `${c.name}: CSP violations: ${violations.join('; ')}`);
  const outside = seen.requests.filter((u, i) => !(/^(data|blob):/.test(u) || (i < afterLoad && u === PAGE)));
  check(outside.length === 0, `${c.name}: requests left the page: ${outside.join(', ')}`);
  console.log(`${c.name}: exit code ${state.code}, ${hasReport ? 'every format saved and compared' : 'no report'}, ` +
    `worker watched: ${seen.workers}, ${seen.requests.length} requests seen (${seen.requests.filter((u) => /^(data|blob):/.test(u)).length} data:/blob:, the rest the page's own load)`);
  await page.close();
}
// The watch itself: a request the page is made to try is seen (refused by
// the CSP, reported as a violation), so a silent run above means none was tried.
{
  const page = await browser.newPage();
  const seen = await watch(page);
  await page.goto(PAGE, { waitUntil: 'load' });
  await page.waitForSelector('#status[data-state="ready"]', { timeout: 60000 });
  await page.evaluate(() => fetch('http://127.0.0.1:9/').catch(() => null));
  await new Promise((r) => setTimeout(r, 500));
  const violations = seen.violations.concat(await page.evaluate(() => window.__violations || []));
  check(violations.some((v) => v.includes('connect-src')), `the watch misses a request the page tries: ${JSON.stringify(violations)}`);
  console.log(`control: a fetch the page is made to try is refused and seen (${violations.length} violation(s))`);
  await page.close();
}
await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
