const dc = require('diagnostics_channel');
const ch = dc.channel('x'); console.log(ch.hasSubscribers, dc.hasSubscribers('x'));
const fn = (m, n) => console.log('got', m, n); dc.subscribe('x', fn); ch.publish({ a: 1 }); console.log(dc.hasSubscribers('x'), dc.unsubscribe('x', fn), ch.hasSubscribers);
const tc = dc.tracingChannel('t'); const log = []; tc.subscribe({ start: (c) => log.push('start'), end: (c) => log.push('end'), error: (c) => log.push('error:' + c.error.message) });
console.log(tc.traceSync((a, b) => a + b, {}, null, 1, 2), log.join(','));
try { tc.traceSync(() => { throw new Error('bad'); }); } catch (e) { console.log(log.join(',')); }
