package nodeguard

import (
	"encoding/json"
	"slices"
	"testing"
)

// referenceDependencyNames is what dependencyNames returns, by decoding
// the manifest into maps with encoding/json, as a set (sorted, each name
// once); ok is false when it returns nil for a bad manifest.
func referenceDependencyNames(manifest []byte) (names []string, ok bool) {
	var top map[string]json.RawMessage
	if json.Unmarshal(manifest, &top) != nil {
		return nil, false
	}
	for _, key := range []string{"dependencies", "optionalDependencies"} {
		raw, found := top[key]
		if !found {
			continue
		}
		var deps map[string]json.RawMessage
		if json.Unmarshal(raw, &deps) != nil {
			return nil, false
		}
		for name := range deps {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return slices.Compact(names), true
}

func checkDependencyNames(t *testing.T, manifest []byte) {
	t.Helper()
	want, ok := referenceDependencyNames(manifest)
	got := dependencyNames(manifest)
	if !ok && got != nil {
		t.Fatalf("dependencyNames(%q) = %q, want nil for a bad manifest", manifest, got)
	}
	slices.Sort(got)
	got = slices.Compact(got)
	if !slices.Equal(got, want) {
		t.Fatalf("dependencyNames(%q) = %q, want %q", manifest, got, want)
	}
}

var manifestSeeds = []string{
	// Express 5.1's, cut short.
	`{
  "name": "express",
  "description": "Fast, unopinionated, minimalist web framework",
  "version": "5.1.0",
  "author": "TJ Holowaychuk <tj@vision-media.ca>",
  "contributors": [{"name": "Aaron Heckmann", "email": "aaron.heckmann+github@gmail.com"}],
  "keywords": ["express", "framework", "sinatra", "web"],
  "dependencies": {
    "accepts": "^2.0.0",
    "body-parser": "^2.2.0",
    "content-disposition": "^1.0.0",
    "debug": "^4.4.0",
    "router": "^2.2.0"
  },
  "devDependencies": {"mocha": "^10.7.3"},
  "engines": {"node": ">= 18"},
  "files": ["LICENSE", "History.md", "Readme.md", "index.js", "lib/"],
  "scripts": {"test": "mocha --require test/support/env --reporter spec --check-leaks test/ test/acceptance/"}
}`,
	`{"name":"a","dependencies":{"b":"^1","@s/c":"2"},"optionalDependencies":{"d":"*"}}`,
	`{"dependencies":{"b":"1","b":"2"}}`,
	`{"dependencies":{"x":"1"},"dependencies":{"y":"1"}}`,
	`{"dependencies":"nope","dependencies":{"y":"1"}}`,
	`{"dependencies":{"y":"1"},"dependencies":[1]}`,
	`{"dependencies":null,"optionalDependencies":{"z":{"nested":["}",{"a":"]"}]}}}`,
	`{"Dependencies":{"b":"1"}}`,
	`{"dependencies":{"\u0040s\/c":"1","\ud800x":"1","é":"1","a\"b":"1"}}`,
	`{"scripts":{"dependencies":{"no":"1"}},"files":["dependencies",{"dependencies":{}}],"dependencies":{"yes":1e3}}`,
	"{\"dependencies\":{\"bad\xffutf8\":\"1\"}}",
	` { "dependencies" : { "spaced" : [ true , false , null ] } } `,
	`{"dependencies":{}}`, `{}`, `null`, `[]`, `"dependencies"`, `1`,
	`{"dependencies":{"a":"1"}`, `{"dependencies":{"a":"1"}}}`, ``, `{"a":}`,
}

func TestDependencyNames(t *testing.T) {
	for _, m := range manifestSeeds {
		checkDependencyNames(t, []byte(m))
	}
	// The scanner's own order: the lists' members as written.
	if got := dependencyNames([]byte(manifestSeeds[0])); !slices.Equal(got, []string{"accepts", "body-parser", "content-disposition", "debug", "router"}) {
		t.Errorf("dependencyNames(express's package.json) = %q", got)
	}
	if got := dependencyNames([]byte(manifestSeeds[1])); !slices.Equal(got, []string{"b", "@s/c", "d"}) {
		t.Errorf("dependencyNames(%s) = %q, want b, @s/c and d", manifestSeeds[1], got)
	}
}

// FuzzDependencyNames: the scanner agrees with encoding/json on every
// input, and never panics, even on bytes json.Valid would refuse.
func FuzzDependencyNames(f *testing.F) {
	for _, m := range manifestSeeds {
		f.Add([]byte(m))
	}
	f.Fuzz(func(t *testing.T, manifest []byte) {
		checkDependencyNames(t, manifest)
		scanDependencyNames(manifest) // whatever it is: no panic, no endless loop
	})
}
