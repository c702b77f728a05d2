// Package jsruntime is a Node.js-like JavaScript runtime on goja whose every
// code path is gated by an intact.Policy.
//
// # What is checked
//
// Every file that becomes code — the main script, each preload, and every
// module required or imported (.js, .cjs, .mjs, .ts, .mts, .cts, .json,
// .wasm, .node, and extensionless files) — is read once through
// Policy.ReadCode, and exactly the bytes it returns are compiled; nothing of
// a refused file runs, and a refused module is not cached, so requiring it
// again checks it again. There is no cache of compiled code at all: a file
// loaded twice (after delete require.cache[f]) is read and checked twice.
// The main script and the preloads are all checked before any of them runs.
//
// ES modules and TypeScript are converted to CommonJS by esbuild from the
// checked bytes. Built-in modules are part of the runtime and are not
// checked. package.json files are read as data: they steer resolution, but
// the file they lead to must pass the policy itself. A tampered
// package.json can therefore point at any other file the policy allows
// (an empty signed file, or a signed module that exports something else),
// which is not refused; protect package.json files with the OS where that
// matters (doc/code-integrity.md).
// Source map files are never read (code converted by esbuild carries its
// own inline map, so its stack traces point into the file as written). A .node addon, and a
// PE image (.exe, .dll, .sys and the like), is checked as script and then refused
// (ERR_DLOPEN_FAILED): native code cannot be loaded, and an image is never run as
// script, even when its bytes also parse as JavaScript. The extension is that of the
// real path, so a .js link to a .dll is refused too; a copy or hard link named .js
// is refused by ReadCode, which refuses the bytes of any PE image (image-as-script). A .wasm module runs in
// wazero's interpreter, which maps no executable memory.
//
// Code that is not a file is gated too: Eval and REPL ask
// Policy.CheckInteractive, RunStdin reads through Policy.ReadStdin (under
// DisableInteractiveMode only a stdin that passes the policy itself, a
// checked regular file, may run), and when the policy disables dynamic code,
// eval, Function, the async and generator function constructors and the vm
// module throw ERR_CODE_INTEGRITY_BLOCKED. Each refusal happens before any
// user code, preloads included, runs.
//
// A Config without a Policy runs under the policy in force for the process
// (intact.Default), and New fails when that cannot be loaded; running under
// no policy takes an explicit empty one. RunMain, RunStdin, Eval and REPL
// return the refusal that stopped a program with its exit status.
//
// With no policy in force the runtime behaves as it would without intact.
// With enforcement on it prints Node's ExperimentalWarning notice once per
// process unless warnings are off.
//
// # Compatibility
//
// The runtime emulates Node.js NodeVersion: its module resolution (package
// "exports" and "imports" with the conditions require/import, node,
// module-sync and default; "main"; "type": "module"; self-reference;
// node_modules lookup; symbolic links resolved), process, timers, console,
// and the report of uncaught exceptions and unhandled rejections. The core
// library modules come from jsruntime/nodelib; the runtime starts the
// processes of its child_process, and a program that starts node or
// process.execPath gets Config.ChildRuntime, a child runtime under the
// same policy. Known differences:
//
//   - ES modules run as CommonJS: top-level await is refused with a
//     SyntaxError naming the file, and import() resolves with the "import"
//     condition but loads synchronously, within a promise.
//   - process.nextTick callbacks queued by a macrotask run before its promise
//     callbacks, as in Node; ticks queued from promise callbacks run after
//     the promise callbacks already queued.
//   - The REPL runs due timers between inputs, not while waiting for one.
//   - The runtime's own report of an uncaught error (code frame, message,
//     stack, properties; from intact run and the REPL) and the warnings it
//     prints are escaped with internal/printable: the message and every
//     compiled file name whole (a newline in them prints as \n), then each
//     line, tabs aside, so a name chosen in an unsigned package.json or a
//     file name cannot forge or erase a line of the operator's terminal.
//     Node prints them raw. .message and .stack stay exact, and so does
//     what the program writes itself (console.error).
//   - require exists at the global scope (the working directory's), as in
//     Node's REPL and -e.
//   - Stack frames are goja's, formatted as Node's; the caret under the
//     source line marks goja's position of the throw.
//   - The call stack holds 10,000 frames. Its overflow is V8's RangeError
//     "Maximum call stack size exceeded", but goja's overflow skips every
//     try/catch and finally of the JavaScript that overflowed (goja makes
//     it an uncatchable exception, and only a call from Go into JavaScript
//     stops it): it can be caught only above such a call (require, a
//     callback from the runtime, structuredClone, JSON.stringify with a gap
//     or a list of keys) and otherwise ends the program as uncaught.
//     util.isDeepStrictEqual and assert.deepStrictEqual of two values nested
//     20,000 deep run for minutes where Node throws that RangeError at once.
//   - Where goja recurses in Go rather than JavaScript, the runtime bounds
//     the depth and throws that RangeError, catchable, instead of
//     overflowing Go's stack (a fatal error): JSON.stringify and
//     Array.prototype.join, toString and toLocaleString (so String(array),
//     template literals, Buffer.from and TextEncoder of arrays) stop at
//     10,000 levels (Node runs out of stack between about 2,000 and 10,000);
//     JSON.stringify with a list of keys, or with a gap, walks the value in
//     JavaScript, within the call stack.
//   - Source whose brackets ( [ { and template substitutions nest more than
//     1,000 deep is that RangeError before it is parsed (Node's limit is a
//     few thousand; npm packages nest a few dozen): for a module, at its
//     require, as a SyntaxError would be; from vm.runInThisContext, new
//     vm.Script, Function and the other function constructors (when the
//     policy allows dynamic code) and the REPL, thrown there. eval() is
//     parsed by goja directly, with no such check, and source nested
//     hundreds of thousands deep there still overflows Go's stack:
//     wrapping eval would make every direct eval an indirect one. Chains
//     that nest without brackets count too: labels ("a:".repeat(2e6), found
//     by FuzzJavaScriptLimits) and unary operators (! ~ - + typeof void
//     delete await new yield). Chains of conditionals, assignments, arrows
//     or if statements are not bounded yet: millions of them still
//     overflow Go's stack in goja's parser.
//   - JSON.parse throws that RangeError for text nested more than 10,000
//     deep (V8 has no limit), util.inspect stops at 512 levels, and a
//     package.json that is not a regular file is ignored (Node blocks on
//     a FIFO); one over 16 MiB or nested over 1,000 levels, or with more
//     than 100,000 values in "exports" or in "imports", is
//     ERR_INVALID_PACKAGE_CONFIG. Only name, main, type, exports and imports
//     are built into values (the rest is checked, not kept), and each
//     folder's package.json is read once, broken or not, for the life of
//     the runtime, as Node caches it.
//   - fs.readFileSync (and readFile, fs.promises) throws Node's RangeError
//     ERR_FS_FILE_TOO_LARGE for a file over 2 GiB, and for a device, pipe
//     or growing file (/dev/zero) once 2 GiB is read.
//   - Allocations JavaScript sizes are checked before goja makes them (Go
//     cannot recover from a failed allocation): ArrayBuffer,
//     SharedArrayBuffer and the typed-array constructors (replaced by
//     checked functions with the same prototypes and statics, about 1.7
//     times slower to call) throw V8's "Invalid array buffer length" and
//     "Invalid typed array length: N"; String.prototype.repeat, padStart,
//     padEnd, concat and Array.prototype.join throw "Invalid string length"
//     for results over V8's 2**29 - 24 characters (join counts its
//     separators and string elements, so an index getter runs twice), and
//     so do + and template literals (the patched goja). An
//     ArrayBuffer, typed array, Buffer or file read of 1 MiB or more that
//     would not fit under the address-space limit (RLIMIT_AS) or, on Linux,
//     in RAM and swap (512 MiB kept free) throws V8's "Array buffer allocation failed". Not checked, and
//     still fatal when memory runs out: String(array) and the join of nested arrays or of
//     non-string elements, normalize, replaceAll and other methods whose
//     result size is not known in advance, arrays grown element by element,
//     and any allocation below 1 MiB when the limit is already nearly
//     reached. A bound function's name is built whole ("bound " and the
//     target's name), so a chain of n binds holds names of n² characters in
//     all (40,000 binds: 4.8 GB), where V8 shares them.
//   - ES modules are converted by esbuild and two of its helpers' texts are
//     then replaced by string search (transform.go): a string literal of a
//     module that holds one of those texts is changed with them (at worst a
//     SyntaxError where node loads the module).
//   - A Go panic behind a built-in function (nodelib's native modules,
//     goja_nodejs's Buffer, URL and URLSearchParams methods and URL's
//     accessors) is an ERR_INTERNAL_ASSERTION error, not the end of the
//     process. URL and URLSearchParams constructors are not guarded.
package jsruntime
