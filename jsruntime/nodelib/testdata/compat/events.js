// node:events
const EventEmitter = require('events');
const { once } = require('events');
const e = new EventEmitter();
const log = [];
e.on('x', (a, b) => log.push(`on:${a},${b}`));
e.prependListener('x', () => log.push('prepended'));
e.once('x', () => log.push('once'));
console.log(e.emit('x', 1, 2), e.emit('x', 3, 4), e.emit('nothing'), log);
console.log(e.listenerCount('x'), e.eventNames(), e.getMaxListeners(), EventEmitter.defaultMaxListeners);
const f = () => log.push('f');
e.on('y', f).on('y', f);
e.off('y', f);
console.log(e.listenerCount('y'), e.listeners('y').length, e.rawListeners('x').length);
e.removeAllListeners('x');
console.log(e.eventNames());
const order = [];
e.on('newListener', (name) => order.push(`new:${String(name)}`));
e.on('removeListener', (name) => order.push(`removed:${String(name)}`));
const g = () => {};
e.on('z', g);
e.removeListener('z', g);
console.log(order);
try { e.emit('error', new Error('boom')); } catch (err) { console.log('thrown', err.message); }
try { e.emit('error', 'just a string'); } catch (err) { console.log(err.code, err.message); }
try { e.emit('error'); } catch (err) { console.log(err.code, err.message); }
e.on('error', (err) => console.log('handled', err.message));
e.emit('error', new Error('caught'));
try { e.on('q', 'not a function'); } catch (err) { console.log(err.code, err.message); }
class Sub extends EventEmitter {}
const s = new Sub();
s.setMaxListeners(1);
s.on('m', () => {});
console.log(s instanceof EventEmitter, s.getMaxListeners(), EventEmitter.listenerCount(s, 'm'));
const sym = Symbol('evt');
s.on(sym, (v) => console.log('symbol event', v));
s.emit(sym, 7);
console.log(s.eventNames());
(async () => {
  setTimeout(() => e.emit('ready', 'a', 'b'), 1);
  console.log('once resolved', await once(e, 'ready'));
  const failing = new EventEmitter();
  setTimeout(() => failing.emit('error', new Error('once failed')), 1);
  try { await once(failing, 'never'); } catch (err) { console.log('once rejected', err.message); }
})();
