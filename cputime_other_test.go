//go:build !linux

package intact_test

import "time"

// threadCPU is not measured here; the benchmarks report wall time only.
func threadCPU() (time.Duration, bool) { return 0, false }

// processCPU is not measured here.
func processCPU() (time.Duration, bool) { return 0, false }
