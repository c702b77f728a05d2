'use strict';
// Node's internal/events/symbols: the option of events.on that yields each
// event's first argument instead of the array of all of them.

module.exports = { kFirstEventParam: Symbol('kFirstEventParam') };
