package generation

import "time"

// retry runs op until it succeeds, fails with an error transient does not
// accept, or has failed retryAttempts times, sleeping a little longer
// after each failure. It is plain Go so that the Windows replace logic can
// be tested anywhere.
func retry(op func() error, transient func(error) bool, sleep func(time.Duration)) error {
	var err error
	delay := time.Millisecond
	for range retryAttempts {
		if err = op(); err == nil || !transient(err) {
			return err
		}
		sleep(delay)
		delay = min(2*delay, 100*time.Millisecond)
	}
	return err
}

// retryAttempts bounds retry: about two seconds of waiting in all.
const retryAttempts = 30
