// The page's worker: the WebAssembly module (`wasm_bindgen`, the
// bindings wasm-bindgen generates, placed before this file by
// web/build.sh) runs here, off the page's thread, so the page stays
// responsive while a large account is judged. It loads nothing: the module
// arrives gzipped, as base64, in the first message, and is inflated here by
// the browser's own DecompressionStream (no request: a Response only wraps
// the stream).
'use strict';
let evaluation = null;

function decode(base64) {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

function run(m) {
  if (evaluation) { evaluation.free(); evaluation = null; }
  const inputs = new wasm_bindgen.Inputs();
  for (const f of m.files) inputs.add_file(f.path, new Uint8Array(f.bytes));
  for (const d of m.folders) inputs.add_folder(d);
  for (const p of m.policies) inputs.add_policy(p.name, new Uint8Array(p.bytes));
  if (m.waivers) inputs.set_waivers(m.waivers.name, new Uint8Array(m.waivers.bytes));
  const command = inputs.command_line(m.options);
  self.postMessage({ type: 'started', command });
  let judged = 0;
  const t0 = performance.now();
  // `evaluate` takes the inputs over: their memory is freed with the run.
  evaluation = inputs.evaluate(m.options, (name) => {
    judged += 1;
    self.postMessage({ type: 'progress', judged, name });
  });
  const t1 = performance.now();
  // The counts and the first failures, shown while the whole report is
  // rendered and laid out.
  self.postMessage({ type: 'glance', glance: JSON.parse(evaluation.glance(100)) });
  const done = { type: 'done', code: evaluation.code(), messages: evaluation.messages(), command, html: null };
  if (evaluation.has_report()) done.html = new TextDecoder().decode(evaluation.render('html'));
  done.timings = { evaluate: Math.round(t1 - t0), render: Math.round(performance.now() - t1) };
  self.postMessage(done);
}

self.onmessage = async (event) => {
  const m = event.data;
  try {
    if (m.type === 'init') {
      const inflated = new Blob([decode(m.wasm)]).stream().pipeThrough(new DecompressionStream('gzip'));
      await wasm_bindgen({ module_or_path: await new Response(inflated).arrayBuffer() });
      self.postMessage({ type: 'ready' });
    } else if (m.type === 'run') {
      run(m);
    } else if (m.type === 'render') {
      const bytes = evaluation.render(m.format);
      self.postMessage({ type: 'rendered', format: m.format, bytes }, [bytes.buffer]);
    }
  } catch (e) {
    self.postMessage({ type: 'failed', message: String((e && e.message) || e) });
  }
};
