//go:build unix

package jsruntime_test

import (
	"strings"
	"testing"
	"time"
)

// TestReadingEndlessFilesThrows: fs.readFileSync of a file larger than
// 2 GiB throws Node's RangeError ERR_FS_FILE_TOO_LARGE, and so does
// /dev/zero (by name and by fd) once 2 GiB is read, or, when the memory for
// that cannot be had (here: the address space is capped at 4 GiB), V8's
// "RangeError: Array buffer allocation failed". Before the fix /dev/zero
// was a fatal out-of-memory crash, so the test runs in a child process.
func TestReadingEndlessFilesThrows(t *testing.T) {
	if !isolated(t, 120*time.Second) {
		return
	}
	a := newApp(t, map[string]string{"main.js": `
const fs = require('fs');
const show = (e) => console.log(e instanceof RangeError, e.code === 'ERR_FS_FILE_TOO_LARGE' && /^File size \(\d+\) is greater than 2 GiB$/.test(e.message) || e.message === 'Array buffer allocation failed');
try { fs.readFileSync('/dev/zero') } catch (e) { show(e) }
try { fs.readFileSync(fs.openSync('/dev/zero', 'r'), 'utf8') } catch (e) { show(e) }
try { fs.readFileSync(__dirname + '/big') } catch (e) { console.log(e.message) }
try { fs.readSync(fs.openSync('/dev/zero', 'r'), Buffer.alloc(8), 2 ** 62, 2 ** 62) } catch (e) { console.log(e.name, e.code) }
console.log(fs.readFileSync(__filename, 'utf8').length > 0)
`})
	sparseFile(t, a.path("big"), 1<<31)
	tooLarge := "true true\n"
	r := a.runMain(noPolicy, "main.js")
	r.want(t, 0, strings.Repeat(tooLarge, 2)+"File size (2147483648) is greater than 2 GiB\nRangeError ERR_OUT_OF_RANGE\ntrue\n")
}
