package jsruntime_test

import "testing"

// TestUnavailableFeaturesRefused: what intact run decides not to provide
// exists where packages look for it but refuses to run with Node's error
// code, never answering for something else; the parts that are true of
// this runtime answer.
func TestUnavailableFeaturesRefused(t *testing.T) {
	a := newApp(t, map[string]string{"main.js": `
const tries = {
  'http.createServer': () => require('http').createServer(),
  'http.get': () => require('http').get('http://127.0.0.1/'),
  'net.connect': () => require('net').connect(80),
  'Worker': () => new (require('worker_threads').Worker)('./x.js'),
  'brotli': () => require('zlib').brotliCompressSync('x'),
  'snapshot': () => require('v8').startupSnapshot.addSerializeCallback(() => {}),
  'fork': () => require('child_process').fork('./x.js'),
  'ipc': () => require('child_process').spawn('x', [], { stdio: ['pipe', 'pipe', 'pipe', 'ipc'] }),
};
for (const [name, fn] of Object.entries(tries)) {
  try { fn(); console.log(name, 'ran'); } catch (e) { console.log(name, e.code); }
}
console.log(require('v8').startupSnapshot.isBuildingSnapshot(), typeof require('v8').getHeapStatistics, typeof require('perf_hooks').performance.now());
// Intl is absent, as in a Node built without ICU, so that feature tests
// take their fallback; fetch exists and rejects.
console.log(typeof Intl, process.config.variables.v8_enable_i18n_support);
fetch('http://127.0.0.1/').then(() => console.log('fetch ran'), (e) => console.log('fetch', e.code));
`})
	a.runMain(noPolicy, "main.js").want(t, 0, `http.createServer ERR_NOT_SUPPORTED
http.get ERR_NOT_SUPPORTED
net.connect ERR_NOT_SUPPORTED
Worker ERR_NOT_SUPPORTED
brotli ERR_NOT_SUPPORTED
snapshot ERR_NOT_BUILDING_SNAPSHOT
fork ERR_NOT_SUPPORTED
ipc ERR_NOT_SUPPORTED
false undefined number
undefined undefined
fetch ERR_NOT_SUPPORTED
`)
}
