//go:build race

package jsruntime_test

const raceEnabled = true
