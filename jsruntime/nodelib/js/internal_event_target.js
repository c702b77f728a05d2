'use strict';
// The part of Node's internal/event_target that the modules vendored from
// Node's lib use. This runtime's EventTarget does not know the option: a
// listener added with it is still skipped after stopImmediatePropagation.

module.exports = { kResistStopPropagation: Symbol('kResistStopPropagation') };
