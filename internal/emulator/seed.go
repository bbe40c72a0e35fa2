package emulator

// The seeded tenants and the score rules, in one place.
//
// DATA: seedControls below is the realistic tenant: control profiles across the Identity,
// Data, Device, Apps and Infrastructure categories, named as Microsoft Secure Score names
// them (AdminMFAV2, MFARegistrationV2, BlockLegacyAuthentication, …). Each row also says how
// much of the control the tenant has implemented (implemented, as a fraction of maxScore) and
// since how many days ago (since); older history days score it 0, so the history rises.
//
// RULES (how a control's state moves the tenant's current secureScore; Microsoft documents
// "Resolved through third party" as earning the points and "Risk accepted" as removing the
// control from the score; deprecated controls are not counted at all):
//
//	state        control score        counts toward maxScore
//	Default      implemented score    yes
//	Reviewed     implemented score    yes
//	ThirdParty   maxScore (achieved)  yes
//	Ignored      0                    no  (risk accepted)
//	deprecated   not in controlScores no
//
// The tenant's currentScore is the sum of its controlScores; maxScore is the sum of the
// counted controls' maxScore. A control-profile PATCH applies the difference to the current
// (newest) secureScore at once; history days keep the values they had.

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"
)

type seedControl struct {
	id, category, service, title string
	maxScore                     float64
	tier                         string // Core | Defense in Depth | Advanced
	actionType                   string // Config | Review | Behavior
	userImpact, cost             string // Low | Moderate | High
	threats                      []string
	remediation, impact, url     string
	implemented                  float64 // fraction of maxScore achieved today
	since                        int     // days ago it was implemented
	users                        bool    // reports count/total of users
	deprecated                   bool
}

const (
	aadURL = "https://entra.microsoft.com/#view/Microsoft_AAD_ConditionalAccess/ConditionalAccessBlade/~/Policies"
	exoURL = "https://admin.exchange.microsoft.com/"
	mdoURL = "https://security.microsoft.com/threatpolicy"
	mdeURL = "https://security.microsoft.com/securescore?viewid=actions"
	ascURL = "https://portal.azure.com/#blade/Microsoft_Azure_Security/SecurityMenuBlade/5"
)

var seedControls = []seedControl{
	// Identity
	{"AdminMFAV2", "Identity", "AzureAD", "Ensure multifactor authentication is enabled for all users in administrative roles", 10, "Core", "Config", "Low", "Low",
		[]string{"Account Breach", "Elevation of Privilege"},
		"Create a Conditional Access policy that requires multifactor authentication for every directory role with administrative rights.",
		"Administrators will be asked for a second factor when they sign in.", aadURL, 1, 60, true, false},
	{"MFARegistrationV2", "Identity", "AzureAD", "Ensure all users can complete multifactor authentication", 9, "Core", "Config", "Moderate", "Moderate",
		[]string{"Account Breach", "Elevation of Privilege", "Password Cracking"},
		"Enable the multifactor authentication registration policy so that every user registers a second method.",
		"Users will be prompted to register for multifactor authentication at their next sign-in.", aadURL, 0.6, 20, true, false},
	{"BlockLegacyAuthentication", "Identity", "AzureAD", "Enable Conditional Access policies to block legacy authentication", 8, "Core", "Config", "Moderate", "Moderate",
		[]string{"Password Spray", "Password Cracking", "Account Breach"},
		"Create a Conditional Access policy that blocks the Exchange ActiveSync and 'Other clients' client apps for all users.",
		"Clients that use basic authentication (older Office, POP, IMAP, SMTP AUTH) stop working.", aadURL, 0, 0, false, false},
	{"SelfServicePasswordReset", "Identity", "AzureAD", "Enable self-service password reset", 1, "Core", "Config", "Moderate", "Low",
		[]string{"Account Breach"},
		"In Password reset properties, set Self service password reset enabled to All.",
		"Users will be asked to register authentication methods for password reset.", "https://entra.microsoft.com/#view/Microsoft_AAD_IAM/PasswordResetMenuBlade/~/Properties", 1, 90, true, false},
	{"OneAdmin", "Identity", "AzureAD", "Designate more than one global admin", 1, "Core", "Config", "Low", "Low",
		[]string{"Account Breach"},
		"Assign the Global Administrator role to a second, separately protected account.",
		"This change has no effect on your users.", "https://admin.microsoft.com/#/users", 1, 90, false, false},
	{"PWAgePolicyNew", "Identity", "AzureAD", "Set 'Password expiration policy' to 'Set passwords to never expire (recommended)'", 8, "Core", "Config", "Moderate", "Low",
		[]string{"Password Cracking"},
		"In the Microsoft 365 admin center, open Security & privacy, Password expiration policy, and set passwords to never expire.",
		"Users will no longer be asked to change their password periodically.", "https://admin.microsoft.com/#/Settings/SecurityPrivacy/:/Settings/L1/PasswordPolicy", 1, 45, false, false},
	{"RoleOverlap", "Identity", "AzureAD", "Use least privileged administrative roles", 1, "Core", "Review", "Low", "Low",
		[]string{"Elevation of Privilege", "Account Breach"},
		"Review the members of privileged roles and move them to the least privileged role that covers their tasks.",
		"Administrators may lose access to settings they no longer need.", "https://entra.microsoft.com/#view/Microsoft_AAD_IAM/RolesManagementMenuBlade/~/AllRoles", 0, 0, true, false},
	{"SigninRiskPolicy", "Identity", "AzureAD", "Ensure that sign-in risk policy is enabled", 7, "Defense in Depth", "Config", "Moderate", "Moderate",
		[]string{"Account Breach", "Password Cracking", "Password Spray"},
		"Create a Conditional Access policy that requires multifactor authentication when the sign-in risk is medium or high.",
		"Users with a risky sign-in will be asked for multifactor authentication.", aadURL, 0, 0, false, false},
	{"UserRiskPolicy", "Identity", "AzureAD", "Ensure user risk policy is enabled", 7, "Defense in Depth", "Config", "Moderate", "Moderate",
		[]string{"Account Breach", "Password Cracking"},
		"Create a Conditional Access policy that requires a secure password change when the user risk is high.",
		"Users flagged as high risk will be asked to change their password.", aadURL, 0, 0, false, false},
	{"IntegratedApps", "Identity", "AzureAD", "Do not allow users to grant consent to unreliable applications", 4, "Core", "Config", "Moderate", "Low",
		[]string{"Account Breach", "Data Exfiltration", "Malicious Insider"},
		"In Consent and permissions, allow user consent only for apps from verified publishers, for selected permissions.",
		"Users can no longer consent to unverified applications; admins review the requests.", "https://entra.microsoft.com/#view/Microsoft_AAD_IAM/ConsentPoliciesMenuBlade/~/UserSettings", 1, 30, false, false},
	{"aad_admin_accounts_separate_unassigned_cloud_only", "Identity", "AzureAD", "Ensure administrative accounts are separate, unassigned and cloud-only", 3, "Core", "Config", "Low", "Moderate",
		[]string{"Account Breach", "Elevation of Privilege"},
		"Create dedicated cloud-only accounts without licences for administrative roles.",
		"Administrators will sign in with a separate account to administer the tenant.", "https://admin.microsoft.com/#/users", 0.5, 10, true, false},
	{"PasswordHashSync", "Identity", "AzureAD", "Enable Password Hash Sync if hybrid", 5, "Core", "Config", "Low", "Low",
		[]string{"Password Cracking", "Account Breach"},
		"In Microsoft Entra Connect, enable password hash synchronization.",
		"This change has no effect on your users.", "https://entra.microsoft.com/#view/Microsoft_AAD_IAM/DirectoriesADConnectBlade", 1, 75, false, false},
	{"AdminMFA", "Identity", "AzureAD", "Require MFA for Azure AD privileged roles", 50, "Core", "Config", "Low", "Low",
		[]string{"Account Breach", "Elevation of Privilege"},
		"This control was replaced by AdminMFAV2.",
		"This change has no effect on your users.", aadURL, 1, 90, false, true},
	{"MFARegistration", "Identity", "AzureAD", "Register all users for multi-factor authentication", 30, "Core", "Config", "Moderate", "Moderate",
		[]string{"Account Breach", "Password Cracking"},
		"This control was replaced by MFARegistrationV2.",
		"This change has no effect on your users.", aadURL, 0.5, 90, true, true},
	// Data
	{"DLPEnabled", "Data", "IP", "Apply Data Loss Prevention policies", 20, "Advanced", "Config", "Moderate", "Moderate",
		[]string{"Data Exfiltration", "Data Spillage"},
		"You can create and manage data loss prevention policies in the Policies page of the compliance portal.",
		"This change will have a moderate impact on your users.", "https://compliance.microsoft.com/#/policies", 1, 14, false, false},
	{"NonOwnerAccess", "Data", "EXO", "Review mailbox access by non-owners bi-weekly", 5, "Core", "Review", "Low", "Low",
		[]string{"Account Breach", "Data Exfiltration", "Malicious Insider"},
		"Once you have opened the search tool, specify a date range and select access by <b>All non-owners</b> or <b>External users</b>",
		"This change will have no effect on your users", "https://outlook.office365.com/NonOwnerAccessReport.aspx", 0, 0, false, false},
	{"mip_search_auditlog", "Data", "IP", "Ensure Microsoft 365 audit log search is enabled", 3, "Core", "Config", "Low", "Low",
		[]string{"Malicious Insider", "Data Exfiltration"},
		"In Microsoft Purview, open Audit and select Start recording user and admin activity.",
		"This change has no effect on your users.", "https://compliance.microsoft.com/auditlogsearch", 1, 60, false, false},
	{"mip_autosensitivitylabelspolicies", "Data", "IP", "Create auto-labeling policies for sensitive information", 6, "Advanced", "Config", "Low", "Moderate",
		[]string{"Data Exfiltration", "Data Spillage"},
		"Create and publish an auto-labeling policy for the sensitive information types your organisation handles.",
		"Documents and mail may be labeled automatically.", "https://compliance.microsoft.com/informationprotection", 0, 0, false, false},
	{"CustomerLockBoxEnabled", "Data", "EXO", "Turn on customer lockbox feature", 5, "Defense in Depth", "Config", "Low", "Low",
		[]string{"Data Exfiltration"},
		"In Settings, Org settings, Security & privacy, Customer lockbox, require approval for all data access requests.",
		"This change has no effect on your users.", "https://admin.microsoft.com/#/Settings/Services/:/Settings/L1/CustomerLockbox", 0, 0, false, false},
	{"exo_oauth2clientprofileenabled", "Data", "EXO", "Ensure modern authentication for Exchange Online is enabled", 9, "Core", "Config", "Low", "Low",
		[]string{"Password Spray", "Account Breach"},
		"Run Set-OrganizationConfig -OAuth2ClientProfileEnabled $true in Exchange Online PowerShell.",
		"This change has no effect on users of current Outlook clients.", exoURL, 1, 90, false, false},
	{"exo_storageproviderrestricted", "Data", "EXO", "Ensure additional storage providers are restricted in Outlook on the web", 3, "Core", "Config", "Low", "Low",
		[]string{"Data Exfiltration"},
		"Run Set-OwaMailboxPolicy -AdditionalStorageProvidersAvailable $false for each policy.",
		"Users can no longer open files from third-party storage in Outlook on the web.", exoURL, 0, 0, false, false},
	// Device
	{"scid_2010", "Device", "MDATP", "Turn on Microsoft Defender Antivirus", 10, "Core", "Config", "Moderate", "Low",
		[]string{"Malware", "Ransomware"},
		"Use Intune or group policy to turn on real-time protection of Microsoft Defender Antivirus on all devices.",
		"This change has no effect on your users.", mdeURL, 0.8, 40, false, false},
	{"scid_2011", "Device", "MDATP", "Update Microsoft Defender Antivirus definitions", 8, "Core", "Config", "Low", "Low",
		[]string{"Malware"},
		"Make sure security intelligence updates are installed at least daily on all devices.",
		"This change has no effect on your users.", mdeURL, 0.9, 40, false, false},
	{"scid_91", "Device", "MDATP", "Disable 'Anonymous enumeration of shares'", 5, "Defense in Depth", "Config", "Low", "Low",
		[]string{"Reconnaissance"},
		"Set 'Network access: Do not allow anonymous enumeration of SAM accounts and shares' to Enabled.",
		"This change has no effect on your users.", mdeURL, 0.3, 12, false, false},
	{"scid_5095", "Device", "MDATP", "Enable 'Local Security Authority (LSA) protection'", 6, "Defense in Depth", "Config", "Low", "Moderate",
		[]string{"Credential Theft"},
		"Set RunAsPPL to 1 under HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa on all devices.",
		"Unsigned LSA plug-ins stop loading.", mdeURL, 0, 0, false, false},
	{"intune_windows_compliance_policy", "Device", "Intune", "Create a Microsoft Intune compliance policy for Windows", 5, "Core", "Config", "Moderate", "Moderate",
		[]string{"Account Breach", "Malware"},
		"In Intune, create a compliance policy for Windows 10 and later and assign it to all devices.",
		"Devices that do not comply lose access to corporate resources.", "https://intune.microsoft.com/#view/Microsoft_Intune_DeviceSettings/DevicesComplianceMenu", 1, 25, false, false},
	// Apps
	{"mdo_atpprotection", "Apps", "MDO", "Turn on Microsoft Defender for Office 365 in SharePoint, OneDrive, and Microsoft Teams", 8, "Core", "Config", "Low", "Low",
		[]string{"Malware", "Phishing"},
		"In Safe Attachments global settings, turn on Defender for Office 365 for SharePoint, OneDrive and Microsoft Teams.",
		"Malicious files are blocked from being opened.", mdoURL, 1, 50, false, false},
	{"mdo_safeattachments", "Apps", "MDO", "Ensure Safe Attachments policy is enabled", 8, "Core", "Config", "Low", "Low",
		[]string{"Malware", "Phishing"},
		"Create a Safe Attachments policy with the Block action and apply it to all recipients.",
		"Mail with attachments may be delivered a little later while it is scanned.", mdoURL, 0, 0, false, false},
	{"mdo_safelinksforOfficeApps", "Apps", "MDO", "Ensure Safe Links for Office Applications is enabled", 8, "Core", "Config", "Low", "Low",
		[]string{"Phishing"},
		"In the Safe Links policy, turn on Safe Links for Office applications.",
		"Links in Office documents are checked when clicked.", mdoURL, 1, 8, false, false},
	{"mdo_commonattachmentsfilter", "Apps", "MDO", "Ensure that Common attachment types filter is enabled", 5, "Core", "Config", "Low", "Low",
		[]string{"Malware"},
		"In the anti-malware policy, turn on the common attachments filter.",
		"Mail with blocked file types is quarantined.", mdoURL, 1, 90, false, false},
	{"11770.MDA_Google_EnableTwoFactorAuth", "Apps", "MCAS", "Enable 2-Step Verification for all users in Google Workspace", 6, "Core", "Config", "Moderate", "Low",
		[]string{"Account Breach"},
		"In the Google Admin console, open Security, 2-Step Verification, and enforce it for all organisational units.",
		"Google Workspace users will be asked for a second factor.", "https://admin.google.com/ac/security/2sv", 0, 0, true, false},
	{"11771.MDA_Google_RequireSecurityKeysForAdmins", "Apps", "MCAS", "Require security keys for Google Workspace administrators", 4, "Defense in Depth", "Config", "Low", "Moderate",
		[]string{"Account Breach", "Elevation of Privilege"},
		"In the Google Admin console, require security keys for users with super admin privileges.",
		"Administrators need a hardware security key to sign in.", "https://admin.google.com/ac/security/2sv", 0, 0, false, false},
	{"meeting_restrictanonymousjoin_v1", "Apps", "Teams", "Restrict anonymous users from joining meetings", 3, "Core", "Config", "Moderate", "Low",
		[]string{"Data Exfiltration"},
		"In the Teams admin center, set Anonymous users can join a meeting to Off in the meeting policy.",
		"Anonymous people can no longer join meetings without an account.", "https://admin.teams.microsoft.com/policies/meetings", 1, 5, false, false},
	// Infrastructure
	{"ASC_MFAForOwners", "Infrastructure", "Azure", "MFA should be enabled on accounts with owner permissions on your subscription", 10, "Core", "Config", "Low", "Low",
		[]string{"Account Breach", "Elevation of Privilege"},
		"Require multifactor authentication for all accounts with the Owner role on each subscription.",
		"Subscription owners will be asked for a second factor.", ascURL, 1, 35, true, false},
	{"ASC_VulnerabilityAssessment", "Infrastructure", "Azure", "Machines should have a vulnerability assessment solution", 6, "Core", "Config", "Low", "Moderate",
		[]string{"Exploitation of Vulnerability"},
		"Deploy the integrated vulnerability assessment extension to all virtual machines.",
		"This change has no effect on your users.", ascURL, 0.5, 18, false, false},
	{"ASC_SecureTransferToStorage", "Infrastructure", "Azure", "Secure transfer to storage accounts should be enabled", 4, "Core", "Config", "Low", "Low",
		[]string{"Data Exfiltration"},
		"Set 'Secure transfer required' to Enabled on every storage account.",
		"Clients that use plain HTTP to reach storage stop working.", ascURL, 1, 70, false, false},
	{"ASC_EndpointProtection", "Infrastructure", "Azure", "Endpoint protection should be installed on machines", 5, "Core", "Config", "Low", "Low",
		[]string{"Malware"},
		"Install an endpoint protection solution on the machines listed in Defender for Cloud.",
		"This change has no effect on your users.", ascURL, 0, 0, false, false},
}

// Score rules ---------------------------------------------------------------------------

const (
	stateDefault    = "Default"
	stateIgnored    = "Ignored"
	stateThirdParty = "ThirdParty"
	stateReviewed   = "Reviewed"
)

var controlStates = []string{stateDefault, stateIgnored, stateThirdParty, stateReviewed}

// contribution is what one control adds to the tenant's current score and max score.
func contribution(state string, deprecated bool, maxScore, implemented float64) (score, maxContrib float64, counted bool) {
	if deprecated {
		return 0, 0, false
	}
	switch state {
	case stateThirdParty:
		return maxScore, maxScore, true
	case stateIgnored:
		return 0, 0, true
	}
	return implemented, maxScore, true
}

// implementationStatus is the free text the service shows beside a control score.
func implementationStatus(state string, score, maxScore float64, users bool, count, total int) string {
	switch state {
	case stateThirdParty:
		return "Resolved through third party"
	case stateIgnored:
		return "Risk accepted"
	}
	switch {
	case users:
		return fmt.Sprintf("You have %d of %d users protected.", count, total)
	case score >= maxScore:
		return "Completed"
	case score > 0:
		return "Partially completed"
	}
	return ""
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

func percent(score, maxScore float64) float64 {
	if maxScore <= 0 {
		return 0
	}
	return round2(score / maxScore * 100)
}

// currentState is the newest controlStateUpdates entry's state, "Default" when there is none.
func currentState(profile map[string]any) string {
	ups, _ := profile["controlStateUpdates"].([]any)
	if len(ups) == 0 {
		return stateDefault
	}
	last, _ := ups[len(ups)-1].(map[string]any)
	if s, ok := last["state"].(string); ok && s != "" {
		for _, st := range controlStates { // stored as the client spelt it; compared in any case
			if strings.EqualFold(s, st) {
				return st
			}
		}
		return s
	}
	return stateDefault
}

// applyControlChange moves the current secureScore after a profile's state changed from
// "before" to its present state, per the table at the top of this file.
func (s *state) applyControlChange(profile map[string]any, before string) {
	cur := s.current()
	if cur == nil {
		return
	}
	id := str(profile["id"])
	deprecated, _ := profile["deprecated"].(bool)
	maxScore, _ := asFloat(profile["maxScore"])
	impl := s.Implemented[id]
	after := currentState(profile)
	oldScore, oldMax, _ := contribution(before, deprecated, maxScore, impl)
	newScore, newMax, counted := contribution(after, deprecated, maxScore, impl)
	if !counted {
		return
	}

	// Copy on write: the score holds a controlScore per control, and only one changes. Nothing edits a stored
	// object in place, so the others are shared with the previous version.
	obj := maps.Clone(cur.obj)
	controls, _ := obj["controlScores"].([]any)
	controls = slices.Clone(controls)
	obj["controlScores"] = controls
	var entry map[string]any
	for i, c := range controls {
		if m, ok := c.(map[string]any); ok && str(m["controlName"]) == id {
			entry = maps.Clone(m)
			controls[i] = entry
			break
		}
	}
	if entry == nil {
		entry = map[string]any{"controlCategory": profile["controlCategory"], "controlName": id, "description": profile["title"]}
		controls = append(controls, entry)
		obj["controlScores"] = controls
		oldScore = 0
	} else if v, ok := asFloat(entry["score"]); ok {
		oldScore = v // honours drift in the stored control score
	}
	entry["score"] = doubleValue(newScore)
	entry["scoreInPercentage"] = doubleValue(percent(newScore, maxScore))
	entry["implementationStatus"] = implementationStatus(after, newScore, maxScore, false, 0, 0)
	entry["on"] = fmt.Sprint(after == stateThirdParty || newScore >= maxScore)

	if v, ok := asFloat(obj["currentScore"]); ok {
		obj["currentScore"] = doubleValue(round2(v + newScore - oldScore))
	}
	if v, ok := asFloat(obj["maxScore"]); ok {
		obj["maxScore"] = doubleValue(round2(v + newMax - oldMax))
	}
	cur.set(obj)
}

// Seed generation -----------------------------------------------------------------------

const (
	seedLicensedUsers = 50
	seedActiveUsers   = 42
)

var seedEnabledServices = []any{"HasExchange", "HasSharePoint", "HasOD4B", "HasYammer", "HasTeams", "HasInTune", "HasCloudAppSecurity", "HasMDATP"}

func vendorInformation() map[string]any {
	return map[string]any{"provider": "SecureScore", "providerVersion": nil, "subProvider": nil, "vendor": "Microsoft"}
}

// seedState builds one tenant: the profiles its licences give it (of the realistic or synthetic
// set) and HistoryDays daily scores.
func seedState(cfg Config, tc TenantConfig, now time.Time) *state {
	st := &state{TenantID: tc.ID, Implemented: map[string]float64{}, cfg: tc}
	controls := tc.controls(cfg.seedControlSet())
	for i, c := range controls {
		st.Profiles = append(st.Profiles, &entity{obj: profileObject(tc.ID, c, i+1)})
		st.Implemented[c.id] = round2(c.implemented * c.maxScore)
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	for d := 0; d < cfg.HistoryDays; d++ {
		st.Scores = append(st.Scores, &entity{obj: scoreObject(tc.ID, controls, tc.enabledServices(), today.AddDate(0, 0, -d), d)})
	}
	return st
}

func syntheticControls(n int) []seedControl {
	cats := []string{"Identity", "Data", "Device", "Apps", "Infrastructure"}
	services := []string{"AzureAD", "EXO", "MDATP", "MDO", "Azure"}
	out := make([]seedControl, n)
	for i := range out {
		k := i % len(cats)
		out[i] = seedControl{
			id: fmt.Sprintf("SyntheticControl%04d", i+1), category: cats[k], service: services[k],
			title: fmt.Sprintf("Synthetic control %d", i+1), maxScore: float64(i%10 + 1), tier: "Core",
			actionType: "Config", userImpact: "Low", cost: "Low", threats: []string{"Account Breach"},
			remediation: "Synthetic control for benchmarks.", impact: "This change has no effect on your users.",
			url: mdeURL, implemented: float64(i%3) / 2, since: i % 30,
		}
	}
	return out
}

func complianceFor(category string) []any {
	certs := map[string][][2]string{
		"Identity":       {{"ISO 27001:2013", "A.9.4.2"}, {"NIST 800-53 Rev 5", "IA-2(1)"}},
		"Data":           {{"ISO 27001:2013", "A.8.2.1"}, {"FedRAMP_Moderate", "AC-6(9)"}},
		"Device":         {{"CIS Controls v8", "10.1"}, {"NIST 800-53 Rev 5", "SI-3"}},
		"Apps":           {{"ISO 27001:2013", "A.12.2.1"}, {"CIS Controls v8", "9.7"}},
		"Infrastructure": {{"Azure Security Benchmark", "IM-6"}, {"PCI DSS 3.2.1", "8.3.1"}},
	}
	var out []any
	for _, c := range certs[category] {
		out = append(out, map[string]any{
			"certificationName":     c[0],
			"certificationControls": []any{map[string]any{"name": c[1], "url": ""}},
		})
	}
	return out
}

func profileObject(tenant string, c seedControl, rank int) map[string]any {
	threats := make([]any, len(c.threats))
	for i, t := range c.threats {
		threats[i] = t
	}
	return map[string]any{
		"id":                    c.id,
		"azureTenantId":         tenant,
		"actionType":            c.actionType,
		"actionUrl":             c.url,
		"controlCategory":       c.category,
		"title":                 c.title,
		"deprecated":            c.deprecated,
		"implementationCost":    c.cost,
		"lastModifiedDateTime":  nil,
		"maxScore":              doubleValue(c.maxScore),
		"rank":                  jsonInt(rank),
		"remediation":           c.remediation,
		"remediationImpact":     c.impact,
		"service":               c.service,
		"threats":               threats,
		"tier":                  c.tier,
		"userImpact":            c.userImpact,
		"complianceInformation": complianceFor(c.category),
		"controlStateUpdates": []any{map[string]any{
			"assignedTo": nil, "comment": nil, "state": stateDefault, "updatedBy": nil, "updatedDateTime": nil,
		}},
		"vendorInformation": vendorInformation(),
	}
}

// scoreObject is the secureScore of one day, daysAgo days before today.
func scoreObject(tenant string, controls []seedControl, enabledServices []any, day time.Time, daysAgo int) map[string]any {
	var current, maxTotal float64
	byCat := map[string]float64{}
	var controlScores []any
	synced := day.Add(7*time.Hour + 12*time.Minute + 3*time.Second).Format("2006-01-02T15:04:05Z")
	for _, c := range controls {
		impl := round2(c.implemented * c.maxScore)
		if daysAgo >= c.since {
			impl = 0
		}
		score, maxS, counted := contribution(stateDefault, c.deprecated, c.maxScore, impl)
		if !counted {
			continue
		}
		current += score
		maxTotal += maxS
		byCat[c.category] += score
		cs := map[string]any{
			"controlCategory":   c.category,
			"controlName":       c.id,
			"description":       c.title,
			"score":             doubleValue(score),
			"scoreInPercentage": doubleValue(percent(score, c.maxScore)),
			"on":                fmt.Sprint(score >= c.maxScore),
			"lastSynced":        synced,
		}
		count, total := 0, 0
		if c.users {
			total = seedLicensedUsers
			count = int(math.Round(score / c.maxScore * float64(total)))
			cs["count"] = fmt.Sprint(count)
			cs["total"] = fmt.Sprint(total)
		}
		cs["implementationStatus"] = implementationStatus(stateDefault, score, c.maxScore, c.users, count, total)
		controlScores = append(controlScores, cs)
	}
	jitter := float64((daysAgo*37)%11) / 10
	comparative := func(basis string, avg float64, extra map[string]any) map[string]any {
		m := map[string]any{
			"basis":                  basis,
			"averageScore":           doubleValue(round2(avg - jitter)),
			"identityScore":          doubleValue(round2(avg * 0.38)),
			"identityScoreMax":       doubleValue(round2(maxTotal * 0.4)),
			"dataScore":              doubleValue(round2(avg * 0.17)),
			"dataScoreMax":           doubleValue(round2(maxTotal * 0.2)),
			"deviceScore":            doubleValue(round2(avg * 0.21)),
			"deviceScoreMax":         doubleValue(round2(maxTotal * 0.2)),
			"appsScore":              doubleValue(round2(avg * 0.16)),
			"appsScoreMax":           doubleValue(round2(maxTotal * 0.15)),
			"infrastructureScore":    doubleValue(round2(avg * 0.08)),
			"infrastructureScoreMax": doubleValue(round2(maxTotal * 0.05)),
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	return map[string]any{
		"id":                fmt.Sprintf("%s_%s", tenant, day.Format("2006-01-02")),
		"azureTenantId":     tenant,
		"activeUserCount":   jsonInt(seedActiveUsers - daysAgo%3),
		"createdDateTime":   day.Format("2006-01-02T15:04:05Z"),
		"currentScore":      doubleValue(round2(current)),
		"enabledServices":   enabledServices,
		"licensedUserCount": jsonInt(seedLicensedUsers),
		"maxScore":          doubleValue(round2(maxTotal)),
		"averageComparativeScores": []any{
			comparative("AllTenants", round2(maxTotal*0.42), nil),
			comparative("TotalSeats", round2(maxTotal*0.47), map[string]any{"SeatSizeRangeLowerValue": "1", "SeatSizeRangeUpperValue": "100"}),
			comparative("IndustryTypes", round2(maxTotal*0.51), map[string]any{"infrastructureScore": doubleValue(-1), "infrastructureScoreMax": doubleValue(-1)}),
		},
		"controlScores":     controlScores,
		"vendorInformation": vendorInformation(),
	}
}
