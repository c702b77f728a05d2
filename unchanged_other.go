//go:build !unix

package intact

import "os"

// A stamp is what two stats of one open file compare to tell that its
// contents did not change between them, as far as the portable fields
// tell: its size and modification time. On Windows, where the file is open
// without write sharing (openCode), it is a second line.
type stamp struct {
	size  int64
	mtime int64 // Unix nanoseconds
}

// stampOf stats the open file f.
func stampOf(f *os.File) (stamp, error) {
	fi, err := f.Stat()
	if err != nil {
		return stamp{}, err
	}
	return stamp{size: fi.Size(), mtime: fi.ModTime().UnixNano()}, nil
}
