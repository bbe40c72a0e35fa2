package graph

import (
	"encoding/json"
	"reflect"
)

// Extra holds the properties of an open type that the model does not declare, verbatim.
// OData annotations (keys containing '@', e.g. "@odata.type") are not properties and are not kept here.
type Extra map[string]json.RawMessage

// The json tags name the Graph property of each field; the codec in codec.go reads them (encoding/json is
// not used for these types because it matches names case-insensitively and cannot keep unknown properties).
// A field tagged "-" of type Extra receives the unknown properties of an open type.

// SecureScore is the microsoft.graph.secureScore entity (open type).
type SecureScore struct {
	ID                       string                     `json:"id"`
	AzureTenantID            string                     `json:"azureTenantId"`
	ActiveUserCount          *int32                     `json:"activeUserCount"`
	LicensedUserCount        *int32                     `json:"licensedUserCount"`
	CreatedDateTime          *DateTimeOffset            `json:"createdDateTime"`
	CurrentScore             *Double                    `json:"currentScore"`
	MaxScore                 *Double                    `json:"maxScore"`
	EnabledServices          []string                   `json:"enabledServices"`
	AverageComparativeScores []AverageComparativeScore  `json:"averageComparativeScores"`
	ControlScores            []ControlScore             `json:"controlScores"`
	VendorInformation        *SecurityVendorInformation `json:"vendorInformation"`
	Extra                    Extra                      `json:"-"`
}

// AverageComparativeScore is the microsoft.graph.averageComparativeScore complex type (open type).
type AverageComparativeScore struct {
	AverageScore *Double `json:"averageScore"`
	Basis        *string `json:"basis"`
	Extra        Extra   `json:"-"`
}

// ControlScore is the microsoft.graph.controlScore complex type (open type).
type ControlScore struct {
	ControlCategory *string `json:"controlCategory"`
	ControlName     *string `json:"controlName"`
	Description     *string `json:"description"`
	Score           *Double `json:"score"`
	Extra           Extra   `json:"-"`
}

// SecurityVendorInformation is the microsoft.graph.securityVendorInformation complex type (closed).
type SecurityVendorInformation struct {
	Provider        *string `json:"provider"`
	ProviderVersion *string `json:"providerVersion"`
	SubProvider     *string `json:"subProvider"`
	Vendor          *string `json:"vendor"`
}

// SecureScoreControlProfile is the microsoft.graph.secureScoreControlProfile entity (open type).
type SecureScoreControlProfile struct {
	ID                    string                          `json:"id"`
	AzureTenantID         string                          `json:"azureTenantId"`
	ActionType            *string                         `json:"actionType"`
	ActionURL             *string                         `json:"actionUrl"`
	ComplianceInformation []ComplianceInformation         `json:"complianceInformation"`
	ControlCategory       *string                         `json:"controlCategory"`
	ControlStateUpdates   []SecureScoreControlStateUpdate `json:"controlStateUpdates"`
	Deprecated            *bool                           `json:"deprecated"`
	ImplementationCost    *string                         `json:"implementationCost"`
	LastModifiedDateTime  *DateTimeOffset                 `json:"lastModifiedDateTime"`
	MaxScore              *Double                         `json:"maxScore"`
	Rank                  *int32                          `json:"rank"`
	Remediation           *string                         `json:"remediation"`
	RemediationImpact     *string                         `json:"remediationImpact"`
	Service               *string                         `json:"service"`
	Threats               []string                        `json:"threats"`
	Tier                  *string                         `json:"tier"`
	Title                 *string                         `json:"title"`
	UserImpact            *string                         `json:"userImpact"`
	VendorInformation     *SecurityVendorInformation      `json:"vendorInformation"`
	Extra                 Extra                           `json:"-"`
}

// SecureScoreControlStateUpdate is the microsoft.graph.secureScoreControlStateUpdate complex type (closed).
type SecureScoreControlStateUpdate struct {
	AssignedTo      *string         `json:"assignedTo"`
	Comment         *string         `json:"comment"`
	State           *string         `json:"state"`
	UpdatedBy       *string         `json:"updatedBy"`
	UpdatedDateTime *DateTimeOffset `json:"updatedDateTime"`
}

// ComplianceInformation is the microsoft.graph.complianceInformation complex type (open type).
type ComplianceInformation struct {
	CertificationName     *string                `json:"certificationName"`
	CertificationControls []CertificationControl `json:"certificationControls"`
	Extra                 Extra                  `json:"-"`
}

// CertificationControl is the microsoft.graph.certificationControl complex type (open type).
type CertificationControl struct {
	Name  *string `json:"name"`
	URL   *string `json:"url"`
	Extra Extra   `json:"-"`
}

// odataTypes maps each Graph type name to the Go type that models it; the metadata test walks it.
var odataTypes = map[string]reflect.Type{
	"secureScore":                   reflect.TypeFor[SecureScore](),
	"averageComparativeScore":       reflect.TypeFor[AverageComparativeScore](),
	"controlScore":                  reflect.TypeFor[ControlScore](),
	"securityVendorInformation":     reflect.TypeFor[SecurityVendorInformation](),
	"secureScoreControlProfile":     reflect.TypeFor[SecureScoreControlProfile](),
	"secureScoreControlStateUpdate": reflect.TypeFor[SecureScoreControlStateUpdate](),
	"complianceInformation":         reflect.TypeFor[ComplianceInformation](),
	"certificationControl":          reflect.TypeFor[CertificationControl](),
}

// DeclaredProperties returns, for each modelled Graph type, the property names the model declares, in field order.
func DeclaredProperties() map[string][]string {
	out := make(map[string][]string, len(odataTypes))
	for name, t := range odataTypes {
		for _, f := range codecFor(t).fields {
			out[name] = append(out[name], f.name)
		}
	}
	return out
}

func (v *SecureScore) UnmarshalJSON(b []byte) error               { return decodeRoot(b, v) }
func (v SecureScore) MarshalJSON() ([]byte, error)                { return encodeRoot(&v) }
func (v *AverageComparativeScore) UnmarshalJSON(b []byte) error   { return decodeRoot(b, v) }
func (v AverageComparativeScore) MarshalJSON() ([]byte, error)    { return encodeRoot(&v) }
func (v *ControlScore) UnmarshalJSON(b []byte) error              { return decodeRoot(b, v) }
func (v ControlScore) MarshalJSON() ([]byte, error)               { return encodeRoot(&v) }
func (v *SecurityVendorInformation) UnmarshalJSON(b []byte) error { return decodeRoot(b, v) }
func (v SecurityVendorInformation) MarshalJSON() ([]byte, error)  { return encodeRoot(&v) }
func (v *SecureScoreControlProfile) UnmarshalJSON(b []byte) error { return decodeRoot(b, v) }
func (v SecureScoreControlProfile) MarshalJSON() ([]byte, error)  { return encodeRoot(&v) }
func (v *SecureScoreControlStateUpdate) UnmarshalJSON(b []byte) error {
	return decodeRoot(b, v)
}
func (v SecureScoreControlStateUpdate) MarshalJSON() ([]byte, error) { return encodeRoot(&v) }
func (v *ComplianceInformation) UnmarshalJSON(b []byte) error        { return decodeRoot(b, v) }
func (v ComplianceInformation) MarshalJSON() ([]byte, error)         { return encodeRoot(&v) }
func (v *CertificationControl) UnmarshalJSON(b []byte) error         { return decodeRoot(b, v) }
func (v CertificationControl) MarshalJSON() ([]byte, error)          { return encodeRoot(&v) }

// DecodeSecureScore decodes one secureScore document. Unlike json.Unmarshal, a syntax error reports its line
// and column (the published control-profile examples have a trailing comma) and property errors their path.
func DecodeSecureScore(b []byte) (*SecureScore, error) {
	var v SecureScore
	if err := decodeRoot(b, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// DecodeControlProfile decodes one secureScoreControlProfile document, like DecodeSecureScore.
func DecodeControlProfile(b []byte) (*SecureScoreControlProfile, error) {
	var v SecureScoreControlProfile
	if err := decodeRoot(b, &v); err != nil {
		return nil, err
	}
	return &v, nil
}
