// Times the page on one evidence folder against the command line on one
// thread, median of RUNS (default 5) each: for the page, from the folder
// given (`#folder-input`) to the report shown (`#status` `done`, the
// report's frame loaded), as the page's `data-ms` and as seen from here;
// the counts and first failures shown (`data-summary-ms`); for the command line, `evaluate DIR --jobs 1 --format html -o FILE`.
//
//   node web/test/bench.mjs PAGE CLI DIR
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

const [pagePath, cli, dir] = process.argv.slice(2);
const RUNS = Number(process.env.RUNS || 5);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

const out = join(mkdtempSync(join(tmpdir(), 'iam-audit-bench-')), 'report.html');
const cliTimes = [];
for (let i = 0; i < RUNS; i++) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cli, ['evaluate', '--jobs', '1', '--format', 'html', '-o', out, dir]);
  cliTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
  if (r.status === 2) { console.error(r.stderr.toString()); process.exit(2); }
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const pageTimes = [];
const seenTimes = [];
const evaluateTimes = [];
const renderTimes = [];
const summaryTimes = [];
for (let i = 0; i < RUNS; i++) {
  const page = await browser.newPage();
  await page.goto(pathToFileURL(pagePath).href);
  await page.waitForSelector('#status[data-state="ready"]', { timeout: 120000 });
  const input = await page.$('#folder-input');
  const t = process.hrtime.bigint();
  await input.uploadFile(dir);
  await page.waitForSelector('#status[data-state="done"]', { timeout: 600000 });
  seenTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
  const status = await page.$eval('#status', (s) => ({ ...s.dataset }));
  pageTimes.push(Number(status.ms));
  evaluateTimes.push(Number(status.evaluateMs));
  renderTimes.push(Number(status.renderMs));
  summaryTimes.push(Number(status.summaryMs));
  await page.close();
}
await browser.close();
const fmt = (xs) => xs.map((x) => Math.round(x)).join(', ');
console.log(`cli --jobs 1: median ${Math.round(median(cliTimes))} ms (${fmt(cliTimes)})`);
console.log(`page summary and first failures shown (data-summary-ms): median ${Math.round(median(summaryTimes))} ms (${fmt(summaryTimes)}), ${(median(summaryTimes) / median(cliTimes)).toFixed(2)}x the cli`);
console.log(`page data-ms: median ${Math.round(median(pageTimes))} ms (${fmt(pageTimes)})`);
console.log(`of which the worker's evaluation: median ${Math.round(median(evaluateTimes))} ms (${fmt(evaluateTimes)}), its HTML rendering: median ${Math.round(median(renderTimes))} ms (${fmt(renderTimes)})`);
console.log(`page seen from the driver: median ${Math.round(median(seenTimes))} ms (${fmt(seenTimes)})`);
console.log(`ratio (driver's view / cli): ${(median(seenTimes) / median(cliTimes)).toFixed(2)}x`);
