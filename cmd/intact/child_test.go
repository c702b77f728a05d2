package main

import (
	"reflect"
	"strings"
	"testing"
)

// TestParseNodeCommandLine: the node command lines a child runtime takes,
// and the options it refuses rather than ignore.
func TestParseNodeCommandLine(t *testing.T) {
	cases := []struct {
		args string // space-separated
		want nodeCommandLine
		err  string
	}{
		{"app.js a -e", nodeCommandLine{script: "app.js", args: []string{"a", "-e"}}, ""},
		{"-r ./hook --require=x --no-warnings app.js", nodeCommandLine{script: "app.js", args: []string{}, preload: []string{"./hook", "x"}, noWarnings: true}, ""},
		{"-e 1 a b", nodeCommandLine{eval: true, code: "1", args: []string{"a", "b"}}, ""},
		{"-pe 2", nodeCommandLine{eval: true, print: true, code: "2"}, ""},
		{"--print=3 -- -x", nodeCommandLine{eval: true, print: true, code: "3", args: []string{"-x"}}, ""},
		{"-p 4 --eval 5", nodeCommandLine{eval: true, print: true, code: "5"}, ""},
		{"-- -app.js x", nodeCommandLine{script: "-app.js", args: []string{"x"}}, ""},
		{"- x", nodeCommandLine{script: "-", args: []string{"x"}}, ""},
		{"", nodeCommandLine{}, ""},
		{"-e", nodeCommandLine{}, "-e requires an argument"},
		{"--inspect app.js", nodeCommandLine{}, "bad option: --inspect"},
		{"--preserve-symlinks app.js", nodeCommandLine{}, "bad option: --preserve-symlinks"},
	}
	for _, c := range cases {
		var args []string
		if c.args != "" {
			args = strings.Split(c.args, " ")
		}
		got, err := parseNodeCommandLine(args)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: got error %v, want one containing %q", c.args, err, c.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: got %+v, %v; want %+v", c.args, got, err, c.want)
		}
	}
}

// FuzzParseNodeCommandLine: any command line is parsed or refused, never a
// panic, and a script is never taken from an option's value.
func FuzzParseNodeCommandLine(f *testing.F) {
	for _, s := range []string{"app.js\x00a", "-e\x001", "-pe\x00x\x00--\x00y", "-r", "--require=\x00-", "--", "-\x00-e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Split(s, "\x00")
		nc, err := parseNodeCommandLine(args)
		if err != nil {
			return
		}
		if nc.eval && nc.script != "" {
			t.Fatalf("%q: both code and a script: %+v", args, nc)
		}
	})
}
