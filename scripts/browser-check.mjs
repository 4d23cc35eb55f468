// Opens every page of a PrefixProof HTML report in headless Chromium through the DevTools protocol and
// fails (exit 1) when a page logs a console error or an exception, or shows an image that did not load or
// has zero size; saves a full-page PNG screenshot of each page. Usage (Node 20 needs the flag):
//   node --experimental-websocket scripts/browser-check.mjs REPORT_DIR SCREENSHOT_DIR [CHROMIUM]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [reportDir, shotDir, chromiumPath = 'chromium'] = process.argv.slice(2);
if (!reportDir || !shotDir) {
  console.error('usage: browser-check.mjs REPORT_DIR SCREENSHOT_DIR [CHROMIUM]');
  process.exit(2);
}
if (!existsSync(join(reportDir, 'index.html'))) {
  console.error(`error: no index.html in ${reportDir}`);
  process.exit(2);
}
// the index and every page of the folders the report writes (claims, trained experiments, inspected models)
const pages = ['index.html', ...['claims', 'experiments', 'models'].filter(d => existsSync(join(reportDir, d)))
  .flatMap(d => readdirSync(join(reportDir, d)).filter(f => f.endsWith('.html')).sort().map(f => d + '/' + f))];
mkdirSync(shotDir, { recursive: true });

const profile = mkdtempSync(join(tmpdir(), 'prefixproof-chromium-'));
const browser = spawn(chromiumPath, ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
const endpoint = await new Promise((ok, fail) => {
  let err = '';
  browser.stderr.on('data', d => {
    err += d;
    const m = err.match(/DevTools listening on (ws:\/\/\S+)/);
    if (m) ok(m[1]);
  });
  browser.on('exit', code => fail(new Error(`chromium exited (${code}) before listening:\n${err}`)));
});

const ws = new WebSocket(endpoint);
await new Promise(ok => ws.addEventListener('open', ok));
let nextId = 1;
const waiting = new Map();
const listeners = [];
ws.addEventListener('message', ev => {
  const msg = JSON.parse(ev.data);
  if (msg.id && waiting.has(msg.id)) {
    const { ok, fail } = waiting.get(msg.id);
    waiting.delete(msg.id);
    msg.error ? fail(new Error(JSON.stringify(msg.error))) : ok(msg.result);
  } else if (msg.method) {
    listeners.forEach(l => l(msg));
  }
});
const send = (method, params = {}, sessionId) => new Promise((ok, fail) => {
  const id = nextId++;
  waiting.set(id, { ok, fail });
  ws.send(JSON.stringify({ id, method, params, sessionId }));
});

let failures = 0;
for (const page of pages) {
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  const problems = [];
  let loaded;
  const loadedPromise = new Promise(ok => { loaded = ok; });
  const listener = msg => {
    if (msg.sessionId !== sessionId) return;
    if (msg.method === 'Page.loadEventFired') loaded();
    if (msg.method === 'Runtime.exceptionThrown') problems.push('exception: ' + msg.params.exceptionDetails.text);
    if (msg.method === 'Runtime.consoleAPICalled' && msg.params.type === 'error') {
      problems.push('console error: ' + msg.params.args.map(a => a.value ?? a.description).join(' '));
    }
    if (msg.method === 'Log.entryAdded' && msg.params.entry.level === 'error') {
      problems.push('console error: ' + msg.params.entry.text + ' ' + (msg.params.entry.url ?? ''));
    }
  };
  listeners.push(listener);
  for (const domain of ['Page', 'Runtime', 'Log']) await send(domain + '.enable', {}, sessionId);
  await send('Emulation.setDeviceMetricsOverride', { width: 1400, height: 900, deviceScaleFactor: 1, mobile: false },
    sessionId);
  await send('Page.navigate', { url: pathToFileURL(resolve(reportDir, page)).href }, sessionId);
  await loadedPromise;
  const { result } = await send('Runtime.evaluate', { returnByValue: true, expression: `JSON.stringify({
      title: document.title,
      images: [...document.images].map(i => ({ src: i.getAttribute('src'), complete: i.complete,
        natural: [i.naturalWidth, i.naturalHeight], shown: [i.getBoundingClientRect().width,
        i.getBoundingClientRect().height] }))})` }, sessionId);
  const info = JSON.parse(result.value);
  if (!info.title) problems.push('no title');
  for (const img of info.images) {
    if (!img.complete || img.natural[0] <= 0 || img.natural[1] <= 0 || img.shown[0] <= 0 || img.shown[1] <= 0) {
      problems.push(`figure ${img.src} not rendered (natural ${img.natural}, shown ${img.shown})`);
    }
  }
  const metrics = await send('Page.getLayoutMetrics', {}, sessionId);
  const size = metrics.cssContentSize;
  const shot = await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true,
    clip: { x: 0, y: 0, width: Math.min(size.width, 1400), height: Math.min(size.height, 6000), scale: 1 } }, sessionId);
  const file = join(shotDir, page.replace('/', '_').replace(/\.html$/, '.png'));
  writeFileSync(file, Buffer.from(shot.data, 'base64'));
  listeners.splice(listeners.indexOf(listener), 1);
  await send('Target.closeTarget', { targetId });
  if (problems.length) failures++;
  console.log(`${problems.length ? 'FAIL' : 'ok  '} ${page}: ${info.images.length} figures` +
    `${problems.length ? '; ' + problems.join('; ') : ''} -> ${file}`);
}
ws.close();
browser.kill();
await new Promise(ok => browser.on('exit', ok));
rmSync(profile, { recursive: true, force: true });
console.log(`${pages.length - failures} of ${pages.length} pages passed`);
process.exit(failures ? 1 : 0);
