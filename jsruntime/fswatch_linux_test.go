package jsruntime_test

import "testing"

// fs.watch reports what happens in a watched directory, through inotify and
// the event loop, and closing the watcher lets the program end.
func TestFSWatchReportsChanges(t *testing.T) {
	a := newApp(t, map[string]string{"main.js": `
		const fs = require('fs');
		const path = require('path');
		const dir = path.join(__dirname, 'watched');
		fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
		const w = fs.watch(dir, { recursive: true }, (event, name) => {
			if (name === path.join('sub', 'new.txt')) {
				console.log(event, name);
				w.close();
			}
		});
		w.on('close', () => console.log('closed'));
		fs.writeFileSync(path.join(dir, 'sub', 'new.txt'), 'x');
	`})
	a.runMain(noPolicy, "main.js").want(t, 0, "rename sub/new.txt\nclosed\n")
}

// An unreferenced watcher does not keep the program alive; a missing path
// is Node's ENOENT error from the watch system call.
func TestFSWatchUnrefAndMissingPath(t *testing.T) {
	a := newApp(t, map[string]string{"main.js": `
		const fs = require('fs');
		fs.watch(__dirname).unref();
		fs.watchFile(__filename, { persistent: false }, () => {});
		try {
			fs.watch(__dirname + '/missing');
		} catch (err) {
			console.log(err.code, err.syscall, err.filename === __dirname + '/missing');
		}
	`})
	a.runMain(noPolicy, "main.js").want(t, 0, "ENOENT watch true\n")
}
