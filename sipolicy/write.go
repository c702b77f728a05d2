package sipolicy

import (
	"encoding/xml"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"sync"
)

// The x* types give the XML shape Marshal writes, in the element order of
// Microsoft's templates and of the xsd-generated SiPolicy classes.

type xPolicy struct {
	XMLName             xml.Name      `xml:"urn:schemas-microsoft-com:sipolicy SiPolicy"`
	PolicyType          string        `xml:"PolicyType,attr,omitempty"`
	FriendlyName        string        `xml:"FriendlyName,attr,omitempty"`
	VersionEx           string        `xml:"VersionEx"`
	PolicyTypeID        string        `xml:"PolicyTypeID,omitempty"`
	PolicyID            string        `xml:"PolicyID,omitempty"`
	BasePolicyID        string        `xml:"BasePolicyID,omitempty"`
	PlatformID          string        `xml:"PlatformID,omitempty"`
	Rules               xRules        `xml:"Rules"`
	EKUs                xEKUs         `xml:"EKUs"`
	FileRules           xFileRules    `xml:"FileRules"`
	Signers             xSigners      `xml:"Signers"`
	SigningScenarios    xScenarios    `xml:"SigningScenarios"`
	UpdatePolicySigners struct{}      `xml:"UpdatePolicySigners"`
	CiSigners           struct{}      `xml:"CiSigners"`
	HvciOptions         int           `xml:"HvciOptions"`
	Settings            *xSettings    `xml:"Settings"`
	AppSettings         *xAppSettings `xml:"AppSettings"`
}

type xRules struct {
	Rule []xRule `xml:"Rule"`
}

type xRule struct {
	Option string `xml:"Option"`
}

type xEKUs struct {
	EKU []xEKU `xml:"EKU"`
}

type xEKU struct {
	ID           string `xml:"ID,attr"`
	FriendlyName string `xml:"FriendlyName,attr,omitempty"`
	Value        string `xml:"Value,attr"`
}

type xFileRules struct {
	Rules []xFileRule // each named Allow or Deny by its XMLName
}

type xFileRule struct {
	XMLName      xml.Name
	ID           string `xml:"ID,attr"`
	FriendlyName string `xml:"FriendlyName,attr,omitempty"`
	Hash         string `xml:"Hash,attr,omitempty"`
	FilePath     string `xml:"FilePath,attr,omitempty"`
}

type xSigners struct {
	Signer []xSigner `xml:"Signer"`
}

type xSigner struct {
	ID            string    `xml:"ID,attr"`
	Name          string    `xml:"Name,attr"`
	CertRoot      xCertRoot `xml:"CertRoot"`
	CertEKU       []xID     `xml:"CertEKU"`
	CertPublisher *xValue   `xml:"CertPublisher"`
}

type xCertRoot struct {
	Type  string `xml:"Type,attr"`
	Value string `xml:"Value,attr"`
}

type xID struct {
	ID string `xml:"ID,attr"`
}

type xValue struct {
	Value string `xml:"Value,attr"`
}

type xScenarios struct {
	SigningScenario []xScenario `xml:"SigningScenario"`
}

type xScenario struct {
	Value          int             `xml:"Value,attr"`
	ID             string          `xml:"ID,attr"`
	FriendlyName   string          `xml:"FriendlyName,attr,omitempty"`
	ProductSigners xProductSigners `xml:"ProductSigners"`
}

type xProductSigners struct {
	AllowedSigners *xAllowedSigners `xml:"AllowedSigners"`
	DeniedSigners  *xDeniedSigners  `xml:"DeniedSigners"`
	FileRulesRef   *xFileRulesRef   `xml:"FileRulesRef"`
}

type xAllowedSigners struct {
	AllowedSigner []xAllowedSigner `xml:"AllowedSigner"`
}

type xAllowedSigner struct {
	SignerID       string     `xml:"SignerId,attr"`
	ExceptDenyRule []xDenyRef `xml:"ExceptDenyRule"`
}

type xDenyRef struct {
	DenyRuleID string `xml:"DenyRuleID,attr"`
}

type xDeniedSigners struct {
	DeniedSigner []xDeniedSigner `xml:"DeniedSigner"`
}

type xDeniedSigner struct {
	SignerID        string      `xml:"SignerId,attr"`
	ExceptAllowRule []xAllowRef `xml:"ExceptAllowRule"`
}

type xAllowRef struct {
	AllowRuleID string `xml:"AllowRuleID,attr"`
}

type xFileRulesRef struct {
	FileRuleRef []xRuleRef `xml:"FileRuleRef"`
}

type xRuleRef struct {
	RuleID string `xml:"RuleID,attr"`
}

type xSettings struct {
	Setting []xSetting `xml:"Setting"`
}

type xSetting struct {
	Provider  string        `xml:"Provider,attr"`
	Key       string        `xml:"Key,attr"`
	ValueName string        `xml:"ValueName,attr"`
	Value     xSettingValue `xml:"Value"`
}

type xSettingValue struct {
	Boolean *string `xml:"Boolean"`
	DWord   *string `xml:"DWord"`
	String  *string `xml:"String"`
	Binary  *string `xml:"Binary"`
}

type xAppSettings struct {
	App []xApp `xml:"App"`
}

type xApp struct {
	Manifest string        `xml:"Manifest,attr"`
	Setting  []xAppSetting `xml:"Setting"`
}

type xAppSetting struct {
	Name  string   `xml:"Name,attr"`
	Value []string `xml:"Value"`
}

// Marshal returns p as a SiPolicy XML document that Parse reads back to an
// equal Policy (Notes and Unevaluated conditions aside). It writes the
// supported subset only, in Microsoft's element order, with empty
// UpdatePolicySigners and CiSigners and HvciOptions 0 as Microsoft's
// templates have. It fails when an ID is empty or repeated, when a
// reference points outside p's own lists, or when a value cannot be written.
func (p *Policy) Marshal() ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, fmt.Errorf("policy %s: %w", p.PolicyID, err)
	}
	x := xPolicy{
		PolicyType:   p.Type,
		FriendlyName: p.FriendlyName,
		VersionEx:    p.Version.String(),
		PolicyTypeID: p.PolicyTypeID,
		PolicyID:     p.PolicyID,
		BasePolicyID: p.BasePolicyID,
		PlatformID:   p.PlatformID,
	}
	for _, o := range p.Options {
		x.Rules.Rule = append(x.Rules.Rule, xRule{o})
	}
	for _, e := range p.EKUs {
		v, err := ekuValue(e.OID)
		if err != nil {
			return nil, err
		}
		x.EKUs.EKU = append(x.EKUs.EKU, xEKU{ID: e.ID, FriendlyName: e.FriendlyName, Value: hexString(v)})
	}
	for _, r := range p.FileRules {
		x.FileRules.Rules = append(x.FileRules.Rules, xFileRule{
			XMLName: xml.Name{Local: r.Kind.String()}, ID: r.ID, FriendlyName: r.FriendlyName, Hash: hexString(r.Hash),
			FilePath: r.FilePath,
		})
	}
	for _, s := range p.Signers {
		xs := xSigner{ID: s.ID, Name: s.Name, CertRoot: xCertRoot{Type: s.RootType, Value: hexString(s.Root)}}
		for _, e := range s.EKUs {
			xs.CertEKU = append(xs.CertEKU, xID{e.ID})
		}
		if s.Publisher != "" {
			xs.CertPublisher = &xValue{s.Publisher}
		}
		x.Signers.Signer = append(x.Signers.Signer, xs)
	}
	for _, sc := range p.Scenarios {
		xs := xScenario{Value: sc.Value, ID: sc.ID, FriendlyName: sc.FriendlyName}
		ps := &xs.ProductSigners
		if len(sc.Allowed) > 0 {
			ps.AllowedSigners = &xAllowedSigners{}
			for _, a := range sc.Allowed {
				xa := xAllowedSigner{SignerID: a.Signer.ID}
				for _, r := range a.ExceptDenyRules {
					xa.ExceptDenyRule = append(xa.ExceptDenyRule, xDenyRef{r.ID})
				}
				ps.AllowedSigners.AllowedSigner = append(ps.AllowedSigners.AllowedSigner, xa)
			}
		}
		if len(sc.Denied) > 0 {
			ps.DeniedSigners = &xDeniedSigners{}
			for _, d := range sc.Denied {
				xd := xDeniedSigner{SignerID: d.Signer.ID}
				for _, r := range d.ExceptAllowRules {
					xd.ExceptAllowRule = append(xd.ExceptAllowRule, xAllowRef{r.ID})
				}
				ps.DeniedSigners.DeniedSigner = append(ps.DeniedSigners.DeniedSigner, xd)
			}
		}
		if len(sc.FileRules) > 0 {
			ps.FileRulesRef = &xFileRulesRef{}
			for _, r := range sc.FileRules {
				ps.FileRulesRef.FileRuleRef = append(ps.FileRulesRef.FileRuleRef, xRuleRef{r.ID})
			}
		}
		x.SigningScenarios.SigningScenario = append(x.SigningScenarios.SigningScenario, xs)
	}
	if len(p.Settings) > 0 {
		x.Settings = &xSettings{}
		for _, s := range p.Settings {
			xs := xSetting{Provider: s.Provider, Key: s.Key, ValueName: s.ValueName}
			v := &xs.Value
			switch s.Value.Type {
			case Boolean:
				v.Boolean = ptr(strconv.FormatBool(s.Value.Boolean))
			case DWord:
				v.DWord = ptr(strconv.FormatUint(uint64(s.Value.DWord), 10))
			case String:
				v.String = ptr(s.Value.String)
			case Binary:
				v.Binary = ptr(hexString(s.Value.Binary))
			}
			x.Settings.Setting = append(x.Settings.Setting, xs)
		}
	}
	if len(p.Apps) > 0 {
		x.AppSettings = &xAppSettings{}
		for _, a := range p.Apps {
			xa := xApp{Manifest: a.Manifest}
			for _, s := range a.Settings {
				xa.Setting = append(xa.Setting, xAppSetting{Name: s.Name, Value: s.Values})
			}
			x.AppSettings.App = append(x.AppSettings.App, xa)
		}
	}
	return marshalDocument(x)
}

func ptr[T any](v T) *T { return &v }

// check verifies what Marshal cannot express: IDs, references and values.
func (p *Policy) check() error {
	ids := make(map[string]bool)
	define := func(what, id string) error {
		if id == "" {
			return fmt.Errorf("%s without an ID", what)
		}
		if ids[id] {
			return fmt.Errorf("duplicate ID %q", id)
		}
		ids[id] = true
		return nil
	}
	for _, e := range p.EKUs {
		if err := define("EKU", e.ID); err != nil {
			return err
		}
	}
	for _, r := range p.FileRules {
		if err := define("file rule", r.ID); err != nil {
			return err
		}
		if r.Kind != Allow && r.Kind != Deny {
			return fmt.Errorf("file rule %q: kind %v", r.ID, r.Kind)
		}
		if len(r.Hash) != 0 && len(r.Hash) != 20 && len(r.Hash) != 32 {
			return fmt.Errorf("file rule %q: a Hash of %d bytes is neither SHA-1 nor SHA-256", r.ID, len(r.Hash))
		}
	}
	for _, s := range p.Signers {
		if err := define("signer", s.ID); err != nil {
			return err
		}
		if (s.RootType != RootTBS && s.RootType != RootWellknown) || len(s.Root) == 0 {
			return fmt.Errorf("signer %q: CertRoot needs Type TBS or Wellknown and a value", s.ID)
		}
		for _, e := range s.EKUs {
			if !slices.Contains(p.EKUs, e) {
				return fmt.Errorf("signer %q: its EKU is not in the policy's EKUs", s.ID)
			}
		}
	}
	rulesIn := func(where string, rules []*FileRule, kind FileRuleKind) error {
		for _, r := range rules {
			if !slices.Contains(p.FileRules, r) || (kind != 0 && r.Kind != kind) {
				return fmt.Errorf("%s: a file rule reference is not a %v rule of the policy", where, kind)
			}
		}
		return nil
	}
	values := make(map[int]bool)
	for _, sc := range p.Scenarios {
		if err := define("signing scenario", sc.ID); err != nil {
			return err
		}
		if sc.Value < 0 || sc.Value > 255 || values[sc.Value] {
			return fmt.Errorf("signing scenario %q: Value %d is out of range or repeated", sc.ID, sc.Value)
		}
		values[sc.Value] = true
		for _, a := range sc.Allowed {
			if !slices.Contains(p.Signers, a.Signer) {
				return fmt.Errorf("signing scenario %q: an allowed signer is not in the policy's Signers", sc.ID)
			}
			if err := rulesIn("signing scenario "+sc.ID, a.ExceptDenyRules, Deny); err != nil {
				return err
			}
		}
		for _, d := range sc.Denied {
			if !slices.Contains(p.Signers, d.Signer) {
				return fmt.Errorf("signing scenario %q: a denied signer is not in the policy's Signers", sc.ID)
			}
			if err := rulesIn("signing scenario "+sc.ID, d.ExceptAllowRules, Allow); err != nil {
				return err
			}
		}
		if err := rulesIn("signing scenario "+sc.ID, sc.FileRules, 0); err != nil {
			return err
		}
	}
	for _, s := range p.Settings {
		if s.Provider == "" || s.Key == "" || s.ValueName == "" || s.Value.Type < Boolean || s.Value.Type > Binary {
			return fmt.Errorf("setting %s/%s/%s: needs Provider, Key, ValueName and a typed value", s.Provider, s.Key, s.ValueName)
		}
	}
	for _, a := range p.Apps {
		if a.Manifest == "" {
			return errors.New("an App has no Manifest")
		}
		for _, s := range a.Settings {
			if s.Name == "" {
				return fmt.Errorf("App %q: a setting has no Name", a.Manifest)
			}
		}
	}
	return nil
}

// marshalDocument writes v as an indented UTF-8 XML document, with each
// empty element self-closing as Microsoft's tools write it (<CiSigners />),
// so that a policy edited by intact diffs small against theirs.
func marshalDocument(v any) ([]byte, error) {
	body, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	// encoding/xml escapes '<' and '>' in attribute values and text, so
	// the pattern sees tags only.
	body = emptyElement().ReplaceAll(body, []byte("<$1$2 />"))
	out := []byte(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	out = append(out, body...)
	return append(out, '\n'), nil
}

// emptyElement matches an element with neither content nor children:
// <Name attrs></Name>. In well-formed XML the end tag that directly
// follows a start tag is its own.
var emptyElement = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`<([A-Za-z_][\w.:-]*)((?:\s[^<>]*)?)></[^<>]+>`)
})
