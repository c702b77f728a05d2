package tufrepo_test

import (
	"crypto"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/intactdev/intact/fleet/tufrepo"
	"github.com/theupdateframework/go-tuf/v2/metadata"
)

// FuzzTargetOf: whatever a target's custom field and hashes hold, TargetOf
// returns a well-formed Target or an error, never panics, and a Target it
// returns publishes back to the same fields.
func FuzzTargetOf(f *testing.F) {
	f.Add([]byte(`{"intact":{"media_type":"application/vnd.oci.image.manifest.v1+json","policy_id":"{A244370E-44C9-4C06-B551-F6016E563076}","version_ex":"1.0.0.1"}}`), []byte("0123456789abcdef0123456789abcdef"), int64(512))
	f.Add([]byte(`{"intact":{"policy_id":"{A244370E-44C9-4C06-B551-F6016E563076}","version_ex":"1.0.0.1"}}`), []byte("short"), int64(0))
	f.Add([]byte(`{"intact":null}`), []byte{}, int64(-1))
	f.Add([]byte(`[]`), []byte("0123456789abcdef0123456789abcdef"), int64(1))
	f.Fuzz(func(t *testing.T, custom, sum []byte, length int64) {
		raw := json.RawMessage(custom)
		tf := &metadata.TargetFiles{Length: length, Hashes: metadata.Hashes{"sha256": sum}, Custom: &raw, Path: "fleet/x"}
		got, err := tufrepo.TargetOf(tf)
		if err != nil {
			return
		}
		if got.Length != length || got.Length <= 0 || len(sum) != 32 {
			t.Fatalf("TargetOf accepted length %d and a %d-byte digest: %+v", length, len(sum), got)
		}
	})
}

// FuzzOpen: whatever one file of a published repository holds, Open
// never panics, and either refuses the folder or reads the targets that
// were signed.
func FuzzOpen(f *testing.F) {
	// Ed25519 keys alone: an RSA key would slow every fuzz worker's start.
	root, targets, snapshot, timestamp := edKey(f), edKey(f), edKey(f), edKey(f)
	one := func(s crypto.Signer) tufrepo.RoleKeys { return tufrepo.RoleKeys{Keys: publics(s), Threshold: 1} }
	dir := f.TempDir()
	r, err := tufrepo.Init(dir, tufrepo.Roles{Root: one(root), Targets: one(targets), Snapshot: one(snapshot), Timestamp: one(timestamp)}, []crypto.Signer{root})
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range []string{"fleet/prod/linux", "fleet/canary/linux"} {
		if err := r.SetTarget(name, target(f, "1.0.0.1"), []crypto.Signer{targets}, []crypto.Signer{snapshot}, []crypto.Signer{timestamp}); err != nil {
			f.Fatal(err)
		}
	}
	want, err := r.Targets()
	if err != nil {
		f.Fatal(err)
	}
	files := []string{"root.json", "1.root.json", "timestamp.json", "2.snapshot.json", "2.targets.json"}
	original := map[string][]byte{}
	for i, name := range files {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			f.Fatal(err)
		}
		original[name] = data
		f.Add(uint8(i), data)
	}
	f.Add(uint8(2), []byte(`{"signed":{"_type":"timestamp","meta":{}},"signatures":[]}`))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		dir := t.TempDir()
		for name, content := range original {
			if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, files[int(which)%len(files)]), data, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := tufrepo.Open(dir)
		if err != nil {
			return
		}
		got, err := r.Targets()
		if err != nil || !maps.Equal(got, want) {
			t.Fatalf("%s replaced: Open read targets %v (%v), want %v", files[int(which)%len(files)], got, err, want)
		}
	})
}
