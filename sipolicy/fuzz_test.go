package sipolicy_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/intactdev/intact/sipolicy"
)

// FuzzParse checks that Parse never panics and that whatever it accepts,
// Marshal writes and Parse reads back unchanged.
func FuzzParse(f *testing.F) {
	seeds, err := filepath.Glob("testdata/*.xml")
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seeds: %v", err)
	}
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(sipolicy.IntactManifest())
	f.Add([]byte("\xff\xfe<\x00S\x00/\x00>\x00")) // UTF-16LE
	f.Add([]byte(`<SiPolicy xmlns="urn:schemas-microsoft-com:sipolicy"><VersionEx>1.0.0.0</VersionEx>` +
		`<AppSettings><App Manifest="intact.manifest.xml"><Setting Name="EnforceCodeIntegrity"><Value>1</Value></Setting></App></AppSettings>` +
		`<Settings><Setting Provider="intact" Key="Settings" ValueName="DisableInteractiveMode"><Value><Boolean>true</Boolean></Value></Setting></Settings></SiPolicy>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := sipolicy.Parse("fuzz.xml", data)
		if err != nil {
			if _, ok := err.(*sipolicy.ParseError); !ok {
				t.Fatalf("error %T is not a *ParseError: %v", err, err)
			}
			return
		}
		// The evaluation helpers work on anything Parse accepts.
		p.AllowedSigners()
		p.DeniedSigners()
		p.AllowedHashes().Match(data, [32]byte{})
		p.DeniedHashes().Match(data, [32]byte{})
		p.AppSetting(sipolicy.DefaultAppID, sipolicy.SettingEnforceCodeIntegrity)

		out, err := p.Marshal()
		if err != nil {
			t.Fatalf("Marshal of a parsed policy: %v", err)
		}
		q, err := sipolicy.Parse("written.xml", out)
		if err != nil {
			t.Fatalf("Parse of a written policy: %v\n%s", err, out)
		}
		p.Notes, q.Notes = nil, nil
		for _, s := range p.Signers {
			s.Unevaluated = nil
		}
		for _, s := range q.Signers {
			s.Unevaluated = nil
		}
		if !reflect.DeepEqual(p, q) {
			t.Fatalf("round trip changed the policy:\n%s", out)
		}
	})
}
