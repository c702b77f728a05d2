'use strict';
// node:diagnostics_channel: named channels that publish to subscribers
// synchronously, and tracing channels (start, end, asyncStart, asyncEnd,
// error) around a call, as Node 20 has them. Express's router traces its
// requests through one. Stores (bindStore, runStores) run the function
// with the store's value computed but without AsyncLocalStorage, which this
// runtime lacks.

const { invalidArgType } = require('internal/errors');

const channels = new Map();

class Channel {
  constructor(name) {
    this.name = name;
    this._subscribers = [];
    this._stores = [];
  }
  get hasSubscribers() { return this._subscribers.length > 0 || this._stores.length > 0; }
  subscribe(fn) {
    if (typeof fn !== 'function') throw invalidArgType('subscription', 'of type function', fn);
    this._subscribers = [...this._subscribers, fn];
  }
  unsubscribe(fn) {
    const i = this._subscribers.indexOf(fn);
    if (i === -1) return false;
    this._subscribers = [...this._subscribers.slice(0, i), ...this._subscribers.slice(i + 1)];
    return true;
  }
  publish(data) {
    for (const fn of this._subscribers) {
      try {
        fn(data, this.name);
      } catch (err) {
        process.nextTick(() => { throw err; });
      }
    }
  }
  bindStore(store, transform) { this._stores.push({ store, transform }); }
  unbindStore(store) {
    const i = this._stores.findIndex((s) => s.store === store);
    if (i === -1) return false;
    this._stores.splice(i, 1);
    return true;
  }
  runStores(data, fn, thisArg, ...args) {
    this.publish(data);
    return Reflect.apply(fn, thisArg, args);
  }
}

function channel(name) {
  if (typeof name !== 'string' && typeof name !== 'symbol') {
    throw invalidArgType('channel', 'of type string or symbol', name);
  }
  let ch = channels.get(name);
  if (ch === undefined) {
    ch = new Channel(name);
    channels.set(name, ch);
  }
  return ch;
}

function subscribe(name, fn) { channel(name).subscribe(fn); }
function unsubscribe(name, fn) { return channel(name).unsubscribe(fn); }
function hasSubscribers(name) { return channels.has(name) && channels.get(name).hasSubscribers; }

const events = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'];

class TracingChannel {
  constructor(nameOrChannels) {
    for (const e of events) {
      this[e] = typeof nameOrChannels === 'string' ? channel(`tracing:${nameOrChannels}:${e}`) : nameOrChannels[e];
    }
  }
  get hasSubscribers() { return events.some((e) => this[e].hasSubscribers); }
  subscribe(handlers) { for (const e of events) if (handlers[e]) this[e].subscribe(handlers[e]); }
  unsubscribe(handlers) {
    let done = true;
    for (const e of events) if (handlers[e] && !this[e].unsubscribe(handlers[e])) done = false;
    return done;
  }
  traceSync(fn, context = {}, thisArg, ...args) {
    if (!this.hasSubscribers) return Reflect.apply(fn, thisArg, args);
    return traced(this, context, () => {
      context.result = Reflect.apply(fn, thisArg, args);
      return context.result;
    });
  }
  tracePromise(fn, context = {}, thisArg, ...args) {
    if (!this.hasSubscribers) return Reflect.apply(fn, thisArg, args);
    const { asyncStart, asyncEnd, error } = this;
    const reject = (err) => {
      context.error = err;
      error.publish(context);
      asyncStart.publish(context);
      asyncEnd.publish(context);
      return Promise.reject(err);
    };
    const resolve = (result) => {
      context.result = result;
      asyncStart.publish(context);
      asyncEnd.publish(context);
      return result;
    };
    return traced(this, context, () => Promise.resolve(Reflect.apply(fn, thisArg, args)).then(resolve, reject));
  }
  traceCallback(fn, position = -1, context = {}, thisArg, ...args) {
    if (!this.hasSubscribers) return Reflect.apply(fn, thisArg, args);
    const { asyncStart, asyncEnd, error } = this;
    const callback = args.at(position);
    if (typeof callback !== 'function') throw invalidArgType('callback', 'of type function', callback);
    function wrapped(err, res) {
      if (err) {
        context.error = err;
        error.publish(context);
      } else {
        context.result = res;
      }
      asyncStart.publish(context);
      try {
        return Reflect.apply(callback, this, arguments);
      } finally {
        asyncEnd.publish(context);
      }
    }
    args.splice(position, 1, wrapped);
    return traced(this, context, () => Reflect.apply(fn, thisArg, args));
  }
}

// traced runs body between the start and end events of tc, publishing
// what it throws to tc's error channel.
function traced(tc, context, body) {
  return tc.start.runStores(context, () => {
    try {
      return body();
    } catch (err) {
      context.error = err;
      tc.error.publish(context);
      throw err;
    } finally {
      tc.end.publish(context);
    }
  });
}

function tracingChannel(nameOrChannels) { return new TracingChannel(nameOrChannels); }

module.exports = { channel, hasSubscribers, subscribe, unsubscribe, tracingChannel, Channel };
