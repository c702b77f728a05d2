// Package runtime is a Node.js-like JavaScript runtime on goja whose every
// code path is gated by an intact.Policy.
//
// Every file that becomes code — the main script, each preload, and every
// module required or imported (.js, .cjs, .mjs, .ts, .mts, .cts, .json,
// .wasm, .node) — is read once through Policy.ReadCode, and exactly the bytes
// it returns are compiled; nothing of a refused file runs. ES modules and
// TypeScript are converted to CommonJS by esbuild from those bytes. Built-in
// modules are part of the runtime and are not checked. package.json files
// are read as data: they steer resolution, but the file they lead to must
// pass the policy itself. Source maps are not read.
//
// Code that is not a file is gated too: Eval and REPL ask
// Policy.CheckInteractive, RunStdin reads through Policy.ReadStdin, and when
// the policy disables dynamic code, eval, Function and the vm module throw
// ERR_CODE_INTEGRITY_BLOCKED.
//
// With no policy in force the runtime behaves as it would without intact.
package runtime
