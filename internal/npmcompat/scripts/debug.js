// debug: namespaced logging (util.formatWithOptions, util.inspect, tty, process.env).
const createDebug = require('debug');
createDebug.log = (...args) => process.stdout.write(require('util').format(...args) + '\n');
createDebug.inspectOpts.hideDate = true;
createDebug.enable('app:*,-app:quiet');
const log = createDebug('app:main');
const quiet = createDebug('app:quiet');
log('starting %s with %o', 'job', { id: 7, tags: ['a', 'b'] });
log('object %O', { nested: { deep: { deeper: 1 } } });
quiet('never shown');
console.log(log.enabled, quiet.enabled, createDebug.enabled('app:x'), log.namespace, typeof createDebug.humanize(1500));
const child = log.extend('child');
child('from child %d', 42);
