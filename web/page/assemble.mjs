// Assembles the one self-contained page: page.html with its styles, its
// script, the worker (wasm-bindgen's bindings, then worker.js) and the
// WebAssembly module (gzipped, base64) inlined, and a Content-Security-Policy that
// allows exactly those scripts. Run by web/build.sh:
//   node web/page/assemble.mjs BINDINGS.js MODULE.wasm REPORT_SCRIPT.js OUT.html
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [bindings, module, reportScript, out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node assemble.mjs BINDINGS.js MODULE.wasm REPORT_SCRIPT.js OUT.html');
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const read = (path) => readFileSync(path, 'utf8');
const hash = (text) => "'sha256-" + createHash('sha256').update(text, 'utf8').digest('base64') + "'";

const script = read(join(here, 'page.js'));
const worker = read(bindings) + '\n' + read(join(here, 'worker.js'));
// Inside a <script> element nothing may close it early.
for (const [name, text] of [['page.js', script], ['the worker', worker]]) {
  if (/<\/script/i.test(text) || /<!--/.test(text)) {
    console.error(`${name} holds </script or <!--: it cannot be inlined`);
    process.exit(1);
  }
}
const csp = [
  "default-src 'none'",
  // The page's script, and the HTML report's (shown in an iframe that
  // inherits this policy); the module's compilation.
  `script-src ${hash(script)} ${hash(read(reportScript))} 'wasm-unsafe-eval'`,
  // The worker, made from the inlined source as a blob URL.
  'worker-src blob:',
  "style-src 'unsafe-inline'",
  'img-src data:',
  "connect-src 'none'",
  "frame-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
// Gzipped (the worker inflates it with the browser's DecompressionStream):
// a third of the size, so the page stays under 10 MB.
const wasm = gzipSync(readFileSync(module), { level: 9 }).toString('base64');
const parts = {
  __CSP__: csp,
  __STYLE__: read(join(here, 'page.css')),
  __WORKER__: worker,
  __WASM__: wasm,
  __SCRIPT__: script,
};
const html = read(join(here, 'page.html')).replace(/__(CSP|STYLE|WORKER|WASM|SCRIPT)__/g, (m) => parts[m]);
writeFileSync(out, html);
console.log(`${out}: ${html.length} bytes (module ${readFileSync(module).length} bytes)`);
