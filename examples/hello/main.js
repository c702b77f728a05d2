// A small app for intact's first run: a main script, a local module, a
// package from node_modules and a JSON file. Every one of them is checked
// against the policy before it runs.
const banner = require('tiny-banner');
const { greet } = require('./lib/greet');
const config = require('./config.json');

console.log(banner(config.title));
console.log(greet(process.argv[2] || config.defaultName));
console.log('Each file of this app (main.js, lib/greet.js, config.json, tiny-banner) goes through the code-integrity policy before it runs.');
