//go:build unix

package nodelib

import (
	"bufio"
	"os"
	"os/user"
	"strconv"
	"strings"

	"github.com/dop251/goja"
	"golang.org/x/sys/unix"
)

func fillUserInfo(info map[string]any, u *user.User) {
	info["uid"], _ = strconv.Atoi(u.Uid)
	info["gid"], _ = strconv.Atoi(u.Gid)
	info["shell"] = loginShell(u.Username)
}

// loginShell reads the user's shell from /etc/passwd, as getpwuid does.
func loginShell(name string) any {
	f, err := os.Open("/etc/passwd")
	if err != nil {
		return nil
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ":")
		if len(fields) == 7 && fields[0] == name {
			return fields[6]
		}
	}
	return nil
}

func sysInfo(o *goja.Object) {
	var u unix.Utsname
	if err := unix.Uname(&u); err == nil {
		o.Set("type", unix.ByteSliceToString(u.Sysname[:]))
		o.Set("release", unix.ByteSliceToString(u.Release[:]))
		o.Set("version", unix.ByteSliceToString(u.Version[:]))
		o.Set("machine", unix.ByteSliceToString(u.Machine[:]))
	}
	o.Set("memory", func() []float64 {
		total, free := meminfo()
		return []float64{total, free}
	})
	o.Set("uptime", func() float64 {
		b, err := os.ReadFile("/proc/uptime")
		if err != nil {
			return 0
		}
		f, _ := strconv.ParseFloat(strings.Fields(string(b))[0], 64)
		return f
	})
	o.Set("loadavg", func() []float64 {
		b, err := os.ReadFile("/proc/loadavg")
		if err != nil {
			return []float64{0, 0, 0}
		}
		out := make([]float64, 3)
		for i, f := range strings.Fields(string(b))[:3] {
			out[i], _ = strconv.ParseFloat(f, 64)
		}
		return out
	})
	o.Set("cpus", cpuInfo)
}

// meminfo returns total and available memory in bytes, as Node reads them
// (MemTotal and MemAvailable from /proc/meminfo on Linux).
func meminfo() (total, free float64) {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "MemTotal:":
			total = kb * 1024
		case "MemAvailable:":
			free = kb * 1024
		}
	}
	return total, free
}

// cpuInfo returns model and speed per logical CPU from /proc/cpuinfo.
func cpuInfo() []map[string]any {
	var out []map[string]any
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return out
	}
	var model string
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case "model name":
			model = v
		case "cpu MHz":
			mhz, _ := strconv.ParseFloat(v, 64)
			out = append(out, map[string]any{
				"model": model, "speed": int(mhz),
				"times": map[string]any{"user": 0, "nice": 0, "sys": 0, "idle": 0, "irq": 0},
			})
		}
	}
	return out
}
