package nodelib

import (
	"os/user"
	"runtime"

	"github.com/dop251/goja"
	"golang.org/x/sys/windows"
)

func fillUserInfo(info map[string]any, u *user.User) {}

func sysInfo(o *goja.Object) {
	o.Set("type", "Windows_NT")
	maj, min, build := windows.RtlGetNtVersionNumbers()
	o.Set("release", fmtVersion(maj, min, build))
	o.Set("version", "Windows")
	o.Set("machine", runtime.GOARCH)
	o.Set("memory", func() []float64 { return []float64{0, 0} })
	o.Set("uptime", func() float64 { return float64(windows.DurationSinceBoot().Seconds()) })
	o.Set("loadavg", func() []float64 { return []float64{0, 0, 0} })
	o.Set("cpus", func() []map[string]any {
		out := make([]map[string]any, runtime.NumCPU())
		for i := range out {
			out[i] = map[string]any{"model": "", "speed": 0, "times": map[string]any{"user": 0, "nice": 0, "sys": 0, "idle": 0, "irq": 0}}
		}
		return out
	})
}

func fmtVersion(maj, min, build uint32) string {
	return itoa(maj) + "." + itoa(min) + "." + itoa(build)
}

func itoa(n uint32) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
