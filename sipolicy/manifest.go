package sipolicy

import (
	_ "embed"
	"encoding/xml"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/intactdev/intact/enforcer"
)

// ManifestNamespace is the XML namespace of App Manifests.
const ManifestNamespace = "urn:schemas-microsoft-com:windows-defender-application-control"

// ManifestFileName returns the file name of the App Manifest for appID,
// "<appID>.manifest.xml": AppSettings name it in App Manifest="..." and
// intact recognises the App by it (see ManifestMatches).
func ManifestFileName(appID string) string { return appID + ".manifest.xml" }

//go:embed intact.manifest.xml
var intactManifest []byte

// IntactManifest returns the App Manifest shipped with intact (Id
// enforcer.DefaultAppID, "intact"; file name "intact.manifest.xml"), which
// policies' AppSettings refer to and Windows reads when it compiles them.
// It defines the application settings of package enforcer, all of type
// Bool.
func IntactManifest() []byte { return slices.Clone(intactManifest) }

// Manifest is an App Manifest: the settings an application defines, which
// WDAC's policy compiler checks AppSettings against.
type Manifest struct {
	ID       string
	Settings []SettingDefinition
}

// SettingDefinition is one SettingDefinition of a Manifest.
type SettingDefinition struct {
	Name                string
	Type                string // "Bool", "StringList" or "StringSet"
	IgnoreAuditPolicies bool
}

type xmlManifest struct {
	XMLName  xml.Name               `xml:"urn:schemas-microsoft-com:windows-defender-application-control AppManifest"`
	ID       string                 `xml:"Id,attr"`
	Settings []xmlSettingDefinition `xml:"SettingDefinition"`
}

type xmlSettingDefinition struct {
	Name                string `xml:"Name,attr"`
	Type                string `xml:"Type,attr"`
	IgnoreAuditPolicies string `xml:"IgnoreAuditPolicies,attr"`
}

// ParseManifest parses an App Manifest. name is used in errors.
func ParseManifest(name string, data []byte) (*Manifest, error) {
	var x xmlManifest
	if err := xml.Unmarshal(data, &x); err != nil {
		return nil, fmt.Errorf("%s: not an App Manifest: %w", name, err)
	}
	if x.ID == "" {
		return nil, fmt.Errorf("%s: AppManifest has no Id", name)
	}
	m := &Manifest{ID: x.ID}
	for _, d := range x.Settings {
		switch d.Type {
		case "Bool", "StringList", "StringSet":
		default:
			return nil, fmt.Errorf("%s: setting %q: Type %q is not Bool, StringList or StringSet", name, d.Name, d.Type)
		}
		ignore, ok := parseBool(d.IgnoreAuditPolicies)
		if !ok {
			return nil, fmt.Errorf("%s: setting %q: IgnoreAuditPolicies %q is not a boolean", name, d.Name, d.IgnoreAuditPolicies)
		}
		if d.Name == "" || m.Definition(d.Name) != nil {
			return nil, fmt.Errorf("%s: setting name %q is empty or defined twice", name, d.Name)
		}
		m.Settings = append(m.Settings, SettingDefinition{Name: d.Name, Type: d.Type, IgnoreAuditPolicies: ignore})
	}
	return m, nil
}

// Definition returns the definition of the setting name (compared
// case-insensitively), or nil.
func (m *Manifest) Definition(name string) *SettingDefinition {
	for i := range m.Settings {
		if strings.EqualFold(m.Settings[i].Name, name) {
			return &m.Settings[i]
		}
	}
	return nil
}

// Marshal returns m as an indented XML document.
func (m *Manifest) Marshal() ([]byte, error) {
	if m.ID == "" {
		return nil, errors.New("App Manifest has no Id")
	}
	x := xmlManifest{ID: m.ID}
	for _, d := range m.Settings {
		x.Settings = append(x.Settings, xmlSettingDefinition{Name: d.Name, Type: d.Type, IgnoreAuditPolicies: fmt.Sprint(d.IgnoreAuditPolicies)})
	}
	return marshalDocument(x)
}

// shippedManifest returns the parsed IntactManifest, used to check
// AppSettings that name it. It is parsed on first use, not when every
// intact command starts.
var shippedManifest = sync.OnceValue(func() *Manifest {
	m, err := ParseManifest(ManifestFileName(enforcer.DefaultAppID), intactManifest)
	if err != nil {
		panic("sipolicy: shipped manifest: " + err.Error())
	}
	return m
})
