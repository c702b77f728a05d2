//go:build unix

package jsruntime

import (
	"os/user"
	"strconv"
	"syscall"

	"github.com/dop251/goja"
)

func kill(pid, sig int) error { return syscall.Kill(pid, syscall.Signal(sig)) }

// umask sets the file mode creation mask to mask, or only reads it when mask
// is negative, and returns the previous one.
func umask(mask int) int {
	old := syscall.Umask(max(mask, 0))
	if mask < 0 {
		syscall.Umask(old)
	}
	return old
}

// credentialBindings adds process.setuid and its siblings' Go halves. Each
// takes a numeric id or a name; it returns 1 when the name is unknown,
// [code, errno, description] when the system refuses, else nothing.
func (r *Runtime) credentialBindings(set func(string, any)) {
	idSetter := func(lookup func(string) (int, error), apply func(int) error) func(goja.Value) goja.Value {
		return func(v goja.Value) goja.Value {
			id, err := credentialID(v, lookup)
			if err != nil {
				return r.vm.ToValue(1)
			}
			return r.errnoValue(apply(id))
		}
	}
	set("setuid", idSetter(lookupUser, syscall.Setuid))
	set("seteuid", idSetter(lookupUser, syscall.Seteuid))
	set("setgid", idSetter(lookupGroup, syscall.Setgid))
	set("setegid", idSetter(lookupGroup, syscall.Setegid))
	set("geteuid", syscall.Geteuid)
	set("getegid", syscall.Getegid)
	set("getgroups", func() []int {
		groups, _ := syscall.Getgroups()
		return groups
	})
	// setgroups returns the 1-based index of an unknown group.
	set("setgroups", func(list []goja.Value) goja.Value {
		gids := make([]int, len(list))
		for i, v := range list {
			id, err := credentialID(v, lookupGroup)
			if err != nil {
				return r.vm.ToValue(i + 1)
			}
			gids[i] = id
		}
		return r.errnoValue(syscall.Setgroups(gids))
	})
	// initgroups returns 1 for an unknown user, 2 for an unknown group.
	set("initgroups", func(userV, groupV goja.Value) goja.Value {
		// The group first, as Node looks them up.
		gid, err := credentialID(groupV, lookupGroup)
		if err != nil {
			return r.vm.ToValue(2)
		}
		uid, err := credentialID(userV, lookupUser)
		if err != nil {
			return r.vm.ToValue(1)
		}
		u, err := user.LookupId(strconv.Itoa(uid))
		if err != nil {
			return r.vm.ToValue(1)
		}
		ids, err := u.GroupIds()
		if err != nil {
			return r.errnoValue(err)
		}
		gids := []int{gid}
		for _, s := range ids {
			if g, err := strconv.Atoi(s); err == nil && g != gid {
				gids = append(gids, g)
			}
		}
		return r.errnoValue(syscall.Setgroups(gids))
	})
}

// credentialID is v as a numeric id: a number as is, a name looked up.
func credentialID(v goja.Value, lookup func(string) (int, error)) (int, error) {
	if s, ok := v.Export().(string); ok {
		return lookup(s)
	}
	return int(v.ToInteger()), nil
}

func lookupUser(name string) (int, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(u.Uid)
}

func lookupGroup(name string) (int, error) {
	g, err := user.LookupGroup(name)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(g.Gid)
}
