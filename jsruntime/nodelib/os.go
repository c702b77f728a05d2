package nodelib

import (
	"net"
	"os"
	"os/user"
	"runtime"
	"strconv"
	"strings"

	"github.com/dop251/goja"
	"golang.org/x/term"
)

// Platform is process.platform and os.platform() for the Go target: Node's
// name for the operating system.
func Platform() string {
	if runtime.GOOS == "windows" {
		return "win32"
	}
	return runtime.GOOS
}

// Arch is process.arch and os.arch() for the Go target: Node's name for
// the processor architecture.
func Arch() string {
	switch runtime.GOARCH {
	case "amd64":
		return "x64"
	case "386":
		return "ia32"
	}
	return runtime.GOARCH
}

func init() {
	natives["internal/os"] = func(s *libState, module *goja.Object) {
		o := module.Get("exports").(*goja.Object)
		o.Set("platform", Platform)
		o.Set("arch", Arch)
		o.Set("cwd", func() string {
			d, err := os.Getwd()
			if err != nil {
				panic(s.rt.NewGoError(err))
			}
			return d
		})
		o.Set("hostname", func() string {
			h, _ := os.Hostname()
			return h
		})
		o.Set("homedir", homedir)
		o.Set("tmpdir", func() string {
			d := os.TempDir()
			if len(d) > 1 && strings.HasSuffix(d, string(os.PathSeparator)) {
				d = d[:len(d)-1]
			}
			return d
		})
		o.Set("numCPU", runtime.NumCPU)
		o.Set("userInfo", func() map[string]any {
			u, err := user.Current()
			if err != nil {
				panic(s.rt.NewGoError(err))
			}
			info := map[string]any{"username": u.Username, "homedir": u.HomeDir, "shell": nil, "uid": -1, "gid": -1}
			fillUserInfo(info, u)
			return info
		})
		o.Set("isatty", func(fd int) bool {
			return fd >= 0 && term.IsTerminal(fd)
		})
		o.Set("terminalSize", func(fd int) []int {
			w, h, err := term.GetSize(fd)
			if err != nil {
				return nil
			}
			return []int{w, h}
		})
		// getPriority and setPriority report a failure as [code, errno,
		// description]; os.js builds Node's ERR_SYSTEM_ERROR from it.
		o.Set("getPriority", func(pid int) any {
			prio, err := getPriority(pid)
			if err != nil {
				return errnoTriple(err)
			}
			return prio
		})
		o.Set("setPriority", func(pid, prio int) any {
			if err := setPriority(pid, prio); err != nil {
				return errnoTriple(err)
			}
			return nil
		})
		o.Set("networkInterfaces", networkInterfaces)
		sysInfo(o)
	}
}

// networkInterfaces lists the addresses of the interfaces that are up and
// running, as libuv's uv_interface_addresses does and os.networkInterfaces
// shows them.
func networkInterfaces() map[string][]map[string]any {
	out := map[string][]map[string]any{}
	ifaces, err := net.Interfaces()
	if err != nil {
		return out
	}
	for _, iface := range ifaces {
		if iface.Flags&net.FlagUp == 0 || iface.Flags&net.FlagRunning == 0 {
			continue
		}
		addrs, err := iface.Addrs()
		if err != nil {
			continue
		}
		mac := iface.HardwareAddr.String()
		if mac == "" {
			mac = "00:00:00:00:00:00"
		}
		for _, a := range addrs {
			ipnet, ok := a.(*net.IPNet)
			if !ok {
				continue
			}
			ones, _ := ipnet.Mask.Size()
			entry := map[string]any{
				"address":  ipnet.IP.String(),
				"netmask":  net.IP(ipnet.Mask).String(),
				"family":   "IPv4",
				"mac":      mac,
				"internal": iface.Flags&net.FlagLoopback != 0,
				"cidr":     ipnet.IP.String() + "/" + strconv.Itoa(ones),
			}
			if ipnet.IP.To4() == nil {
				entry["family"] = "IPv6"
				entry["scopeid"] = 0
				if ipnet.IP.IsLinkLocalUnicast() {
					entry["scopeid"] = iface.Index
				}
			}
			out[iface.Name] = append(out[iface.Name], entry)
		}
	}
	return out
}

func errnoTriple(err error) []any {
	info := errnoOf(err)
	return []any{info.code, info.errno, info.desc}
}

// homedir follows Node's os.homedir(): $HOME (USERPROFILE on Windows) first,
// then the user database.
func homedir() string {
	key := "HOME"
	if runtime.GOOS == "windows" {
		key = "USERPROFILE"
	}
	if h := os.Getenv(key); h != "" {
		return h
	}
	if u, err := user.Current(); err == nil {
		return u.HomeDir
	}
	return ""
}
