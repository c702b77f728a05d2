package tufrepo_test

import (
	"encoding/json"
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
