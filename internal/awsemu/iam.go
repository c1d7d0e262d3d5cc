package awsemu

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

const iamVersion = "2010-05-08"

var iamHandlers map[string]handlerFunc

func init() {
	iamHandlers = map[string]handlerFunc{
		"CreateRole":                    iamCreateRole,
		"GetRole":                       iamGetRole,
		"DeleteRole":                    iamDeleteRole,
		"ListRoles":                     iamListRoles,
		"UpdateRole":                    iamUpdateRole,
		"UpdateRoleDescription":         iamUpdateRoleDescription,
		"UpdateAssumeRolePolicy":        iamUpdateAssumeRolePolicy,
		"PutRolePermissionsBoundary":    iamPutRolePermissionsBoundary,
		"DeleteRolePermissionsBoundary": iamDeleteRolePermissionsBoundary,
		"TagRole":                       iamTagRole,
		"UntagRole":                     iamUntagRole,
		"ListRoleTags":                  iamListRoleTags,
		"PutRolePolicy":                 iamPutRolePolicy,
		"GetRolePolicy":                 iamGetRolePolicy,
		"DeleteRolePolicy":              iamDeleteRolePolicy,
		"ListRolePolicies":              iamListRolePolicies,
		"AttachRolePolicy":              iamAttachRolePolicy,
		"DetachRolePolicy":              iamDetachRolePolicy,
		"ListAttachedRolePolicies":      iamListAttachedRolePolicies,
		"ListInstanceProfilesForRole":   iamListInstanceProfilesForRole,
		"CreateInstanceProfile":         iamCreateInstanceProfile,
		"GetInstanceProfile":            iamGetInstanceProfile,
		"DeleteInstanceProfile":         iamDeleteInstanceProfile,
		"AddRoleToInstanceProfile":      iamAddRoleToInstanceProfile,
		"RemoveRoleFromInstanceProfile": iamRemoveRoleFromInstanceProfile,
		"CreatePolicy":                  iamCreatePolicy,
		"GetPolicy":                     iamGetPolicy,
		"GetPolicyVersion":              iamGetPolicyVersion,
		"DeletePolicy":                  iamDeletePolicy,
		"CreatePolicyVersion":           iamCreatePolicyVersion,
		"DeletePolicyVersion":           iamDeletePolicyVersion,
		"ListPolicyVersions":            iamListPolicyVersions,
		"SetDefaultPolicyVersion":       iamSetDefaultPolicyVersion,
		"ListPolicies":                  iamListPolicies,
		"ListEntitiesForPolicy":         iamListEntitiesForPolicy,
	}
}

// IAM limits (default quotas).
const (
	maxInlinePolicyBytes = 10240
	maxTrustPolicyBytes  = 2048
	maxAttachedPolicies  = 10
	maxTags              = 50
)

var (
	reRoleName   = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	rePolicyName = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)
	rePath       = regexp.MustCompile(`^(/|/[\x21-\x7E]+/)$`)
)

func validRoleName(s string) bool { return reRoleName.MatchString(s) }

// --- XML shapes ----------------------------------------------------------------

type xTag struct {
	Key   string
	Value string
}

type xBoundary struct {
	PermissionsBoundaryType string
	PermissionsBoundaryArn  string
}

type xLastUsed struct {
	LastUsedDate string `xml:",omitempty"`
	Region       string `xml:",omitempty"`
}

type xRole struct {
	Path                     string
	RoleName                 string
	RoleId                   string
	Arn                      string
	CreateDate               string
	AssumeRolePolicyDocument string     `xml:",omitempty"`
	Description              string     `xml:",omitempty"`
	MaxSessionDuration       int        `xml:",omitempty"`
	PermissionsBoundary      *xBoundary `xml:",omitempty"`
	Tags                     []xTag     `xml:"Tags>member,omitempty"`
	RoleLastUsed             *xLastUsed `xml:",omitempty"`
}

type xInstanceProfile struct {
	Path                string
	InstanceProfileName string
	InstanceProfileId   string
	Arn                 string
	CreateDate          string
	Roles               []xRole `xml:"Roles>member"`
	Tags                []xTag  `xml:"Tags>member,omitempty"`
}

type xPolicy struct {
	PolicyName                    string
	PolicyId                      string
	Arn                           string
	Path                          string
	DefaultVersionId              string
	AttachmentCount               int
	PermissionsBoundaryUsageCount int
	IsAttachable                  bool
	Description                   string `xml:",omitempty"`
	CreateDate                    string
	UpdateDate                    string
	Tags                          []xTag `xml:"Tags>member,omitempty"`
}

type xPolicyVersion struct {
	Document         string `xml:",omitempty"`
	VersionId        string
	IsDefaultVersion bool
	CreateDate       string
}

type xAttached struct {
	PolicyName string
	PolicyArn  string
}

func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// awsURLEncode percent-encodes a policy document as IAM does in responses
// (RFC 3986: spaces are %20).
func awsURLEncode(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

func xmlTags(tags []Tag) []xTag {
	out := make([]xTag, 0, len(tags))
	for _, t := range tags {
		out = append(out, xTag(t))
	}
	return out
}

// full=true: GetRole/CreateRole shape (tags, boundary, last used).
func (c *call) xmlRole(r *Role, full bool) xRole {
	x := xRole{
		Path: r.Path, RoleName: r.Name, RoleId: r.RoleID, Arn: r.ARN, CreateDate: isoTime(r.CreateDate),
		AssumeRolePolicyDocument: awsURLEncode(r.AssumeRolePolicy), Description: r.Description,
		MaxSessionDuration: r.MaxSessionDuration,
	}
	if full {
		if r.PermissionsBoundary != "" {
			x.PermissionsBoundary = &xBoundary{PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: r.PermissionsBoundary}
		}
		x.Tags = xmlTags(r.Tags)
		x.RoleLastUsed = &xLastUsed{}
		if r.LastUsed != nil {
			x.RoleLastUsed = &xLastUsed{LastUsedDate: isoTime(*r.LastUsed), Region: r.LastUsedRegion}
		}
	}
	return x
}

// --- helpers -------------------------------------------------------------------

func validationError(c *call, value, field, constraint string) {
	c.fail("ValidationError", 400, fmt.Sprintf("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, field, constraint))
}

// memberList reads prefix.member.1, prefix.member.2, ...
func (c *call) memberList(prefix string) []string {
	var out []string
	for i := 1; ; i++ {
		k := fmt.Sprintf("%s.member.%d", prefix, i)
		if _, ok := c.form[k]; !ok {
			return out
		}
		out = append(out, c.form.Get(k))
	}
}

// formTags reads Tags.member.N.Key/Value.
func (c *call) formTags() ([]Tag, bool) {
	var out []Tag
	seen := map[string]bool{}
	for i := 1; ; i++ {
		kk := fmt.Sprintf("Tags.member.%d.Key", i)
		if _, ok := c.form[kk]; !ok {
			break
		}
		k := c.form.Get(kk)
		v := c.form.Get(fmt.Sprintf("Tags.member.%d.Value", i))
		if len(k) < 1 || len(k) > 128 {
			validationError(c, k, fmt.Sprintf("tags.%d.member.key", i), "Member must have length between 1 and 128")
			return nil, false
		}
		if len(v) > 256 {
			validationError(c, v, fmt.Sprintf("tags.%d.member.value", i), "Member must have length less than or equal to 256")
			return nil, false
		}
		if seen[strings.ToLower(k)] {
			c.fail("InvalidInput", 400, "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
			return nil, false
		}
		seen[strings.ToLower(k)] = true
		out = append(out, Tag{Key: k, Value: v})
	}
	return out, true
}

func mergeTags(existing, add []Tag) []Tag {
	out := append([]Tag(nil), existing...)
	for _, t := range add {
		found := false
		for i := range out {
			if strings.EqualFold(out[i].Key, t.Key) {
				out[i].Value = t.Value
				found = true
				break
			}
		}
		if !found {
			out = append(out, t)
		}
	}
	return out
}

// paginate applies IAM Marker/MaxItems to n items. It returns [start,end),
// the next marker and whether the result is truncated.
func (c *call) paginate(n int) (start, end int, marker string, truncated, ok bool) {
	limit := 100
	if v := c.form.Get("MaxItems"); v != "" {
		m, err := strconv.Atoi(v)
		if err != nil || m < 1 || m > 1000 {
			validationError(c, v, "maxItems", "Member must have value between 1 and 1000")
			return 0, 0, "", false, false
		}
		limit = m
	}
	if m := c.form.Get("Marker"); m != "" {
		b, err := base64.RawURLEncoding.DecodeString(m)
		i, err2 := strconv.Atoi(strings.TrimPrefix(string(b), "awsemu-"))
		if err != nil || err2 != nil || !strings.HasPrefix(string(b), "awsemu-") || i < 0 || i > n {
			c.fail("ValidationError", 400, "Invalid Marker.")
			return 0, 0, "", false, false
		}
		start = i
	}
	end = start + limit
	if end >= n {
		return start, n, "", false, true
	}
	return start, end, base64.RawURLEncoding.EncodeToString([]byte("awsemu-" + strconv.Itoa(end))), true, true
}

func (c *call) role(name string) *Role {
	if name == "" {
		validationError(c, "", "roleName", "Member must not be null")
		return nil
	}
	r := c.st.roles[strings.ToLower(name)]
	if r == nil {
		c.fail("NoSuchEntity", 404, fmt.Sprintf("The role with name %s cannot be found.", name))
	}
	return r
}

// policyLen counts a policy's size as IAM does: whitespace outside strings is free.
func policyLen(doc string) int {
	n := 0
	inStr, esc := false, false
	for _, r := range doc {
		switch {
		case inStr:
			n++
			if esc {
				esc = false
			} else if r == '\\' {
				esc = true
			} else if r == '"' {
				inStr = false
			}
		case r == '"':
			inStr = true
			n++
		case r == ' ' || r == '\n' || r == '\t' || r == '\r':
		default:
			n++
		}
	}
	return n
}

// checkPolicyDoc validates a policy document; trust=true for trust policies.
// It writes MalformedPolicyDocument and returns false when invalid.
func (c *call) checkPolicyDoc(doc string, trust bool) bool {
	msg := validatePolicy(doc, trust)
	if msg != "" {
		c.fail("MalformedPolicyDocument", 400, msg)
		return false
	}
	return true
}

func validatePolicy(doc string, trust bool) string {
	if strings.TrimSpace(doc) == "" {
		return "Syntax errors in policy."
	}
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil || dec.More() {
		return "Syntax errors in policy."
	}
	for k := range m {
		switch k {
		case "Version", "Statement", "Id":
		default:
			return fmt.Sprintf("Syntax errors in policy. Unknown field %s", k)
		}
	}
	if v, ok := m["Version"]; ok {
		if v != "2012-10-17" && v != "2008-10-17" {
			return "The policy must contain a valid version string"
		}
	}
	st, ok := m["Statement"]
	if !ok {
		return "Syntax errors in policy."
	}
	var stmts []any
	switch s := st.(type) {
	case []any:
		stmts = s
	case map[string]any:
		stmts = []any{s}
	default:
		return "Syntax errors in policy."
	}
	for _, s := range stmts {
		sm, ok := s.(map[string]any)
		if !ok {
			return "Syntax errors in policy."
		}
		eff, _ := sm["Effect"].(string)
		if eff != "Allow" && eff != "Deny" {
			return "Syntax errors in policy."
		}
		_, hasA := sm["Action"]
		_, hasNA := sm["NotAction"]
		if !hasA && !hasNA {
			return "Policy statement must contain actions."
		}
		_, hasP := sm["Principal"]
		_, hasNP := sm["NotPrincipal"]
		_, hasR := sm["Resource"]
		_, hasNR := sm["NotResource"]
		if trust {
			if !hasP && !hasNP {
				return "Missing required field Principal"
			}
			if hasR || hasNR {
				return "Has prohibited field Resource"
			}
		} else {
			if hasP || hasNP {
				return "Policy document should not specify a principal."
			}
			if !hasR && !hasNR {
				return "Policy statement must contain resources."
			}
		}
	}
	return ""
}

func (c *call) checkPath(p string) bool {
	if len(p) > 512 || !rePath.MatchString(p) {
		validationError(c, p, "path", `Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`)
		return false
	}
	return true
}

func (c *call) checkMaxSession(v string) (int, bool) {
	n, err := strconv.Atoi(v)
	if err != nil {
		validationError(c, v, "maxSessionDuration", "Member must be a number")
		return 0, false
	}
	if n < 3600 {
		validationError(c, v, "maxSessionDuration", "Member must have value greater than or equal to 3600")
		return 0, false
	}
	if n > 43200 {
		validationError(c, v, "maxSessionDuration", "Member must have value less than or equal to 43200")
		return 0, false
	}
	return n, true
}

// lookupPolicy finds an attachable policy (AWS managed or customer) by ARN.
func (c *call) lookupPolicy(arn string) (name string, ok bool) {
	if p := c.st.policies[arn]; p != nil {
		return p.Name, true
	}
	if strings.HasPrefix(arn, "arn:"+c.st.partition+":iam::aws:policy/") {
		if p := awsManagedPolicy(arn); p != nil {
			return p.Name, true
		}
	}
	return "", false
}

func validPolicyARN(arn string) bool {
	parts := strings.SplitN(arn, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[2] == "iam" && strings.HasPrefix(parts[5], "policy/")
}

// --- roles ---------------------------------------------------------------------

func iamCreateRole(c *call) {
	name := c.form.Get("RoleName")
	if !validRoleName(name) {
		validationError(c, name, "roleName", `Member must satisfy regular expression pattern: [\w+=,.@-]+`)
		return
	}
	path := c.form.Get("Path")
	if path == "" {
		path = "/"
	}
	if !c.checkPath(path) {
		return
	}
	doc := c.form.Get("AssumeRolePolicyDocument")
	if doc == "" {
		validationError(c, "", "assumeRolePolicyDocument", "Member must not be null")
		return
	}
	if !c.checkPolicyDoc(doc, true) {
		return
	}
	if policyLen(doc) > maxTrustPolicyBytes {
		c.fail("LimitExceeded", 409, fmt.Sprintf("Cannot exceed quota for ACLSizePerRole: %d", maxTrustPolicyBytes))
		return
	}
	desc := c.form.Get("Description")
	if len(desc) > 1000 {
		validationError(c, desc, "description", "Member must have length less than or equal to 1000")
		return
	}
	msd := 3600
	if v := c.form.Get("MaxSessionDuration"); v != "" {
		var ok bool
		if msd, ok = c.checkMaxSession(v); !ok {
			return
		}
	}
	tags, ok := c.formTags()
	if !ok {
		return
	}
	if len(tags) > maxTags {
		c.fail("LimitExceeded", 409, fmt.Sprintf("Cannot exceed quota for TagsPerRole: %d", maxTags))
		return
	}
	boundary := c.form.Get("PermissionsBoundary")
	if boundary != "" {
		if !validPolicyARN(boundary) {
			c.fail("InvalidInput", 400, fmt.Sprintf("ARN %s is not valid.", boundary))
			return
		}
		if _, ok := c.lookupPolicy(boundary); !ok {
			c.fail("NoSuchEntity", 404, fmt.Sprintf("Scope ARN: %s does not exist or is not attachable.", boundary))
			return
		}
	}
	if _, exists := c.st.roles[strings.ToLower(name)]; exists {
		c.fail("EntityAlreadyExists", 409, fmt.Sprintf("Role with name %s already exists.", name))
		return
	}
	r := &Role{
		Name: name, Path: path, RoleID: "AROA" + c.st.randString(upperAlnum, 17),
		ARN: c.st.roleARN(path, name), Description: desc, AssumeRolePolicy: doc,
		MaxSessionDuration: msd, PermissionsBoundary: boundary, CreateDate: c.now.UTC().Truncate(time.Second),
		Tags: tags, InlinePolicies: map[string]string{},
	}
	c.st.roles[strings.ToLower(name)] = r
	c.st.roleCreated[strings.ToLower(name)] = c.now
	x := c.xmlRole(r, true)
	x.RoleLastUsed = nil
	c.xmlResult(struct{ Role xRole }{x})
}

func iamGetRole(c *call) {
	r := c.role(c.form.Get("RoleName"))
	if r == nil {
		return
	}
	c.xmlResult(struct{ Role xRole }{c.xmlRole(r, true)})
}

func iamDeleteRole(c *call) {
	r := c.role(c.form.Get("RoleName"))
	if r == nil {
		return
	}
	switch {
	case len(r.InstanceProfiles) > 0:
		c.fail("DeleteConflict", 409, "Cannot delete entity, must remove roles from instance profile first.")
	case len(r.InlinePolicies) > 0:
		c.fail("DeleteConflict", 409, "Cannot delete entity, must delete policies first.")
	case len(r.AttachedPolicyARNs) > 0:
		c.fail("DeleteConflict", 409, "Cannot delete entity, must detach all policies first.")
	default:
		delete(c.st.roles, strings.ToLower(r.Name))
		delete(c.st.roleCreated, strings.ToLower(r.Name))
		c.xmlResult(nil)
	}
}

func iamListRoles(c *call) {
	prefix := c.form.Get("PathPrefix")
	if prefix == "" {
		prefix = "/"
	}
	var roles []*Role
	for _, r := range c.st.roles {
		if strings.HasPrefix(r.Path, prefix) {
			roles = append(roles, r)
		}
	}
	sort.Slice(roles, func(i, j int) bool { return strings.ToLower(roles[i].Name) < strings.ToLower(roles[j].Name) })
	start, end, marker, trunc, ok := c.paginate(len(roles))
	if !ok {
		return
	}
	out := []xRole{}
	for _, r := range roles[start:end] {
		out = append(out, c.xmlRole(r, false))
	}
	c.xmlResult(struct {
		Roles       []xRole `xml:"Roles>member"`
		IsTruncated bool
		Marker      string `xml:",omitempty"`
	}{out, trunc, marker})
}

func iamUpdateRole(c *call) {
	r := c.role(c.form.Get("RoleName"))
	if r == nil {
		return
	}
	msd := r.MaxSessionDuration
	if v := c.form.Get("MaxSessionDuration"); v != "" {
		var ok bool
		if msd, ok = c.checkMaxSession(v); !ok {
			return
		}
	}
	if _, ok := c.form["Description"]; ok {
		d := c.form.Get("Description")
		if len(d) > 1000 {
			validationError(c, d, "description", "Member must have length less than or equal to 1000")
			return
		}
		r.Description = d
	}
	r.MaxSessionDuration = msd
	c.xmlResult(struct{}{})
}

func iamUpdateRoleDescription(c *call) {
	r := c.role(c.form.Get("RoleName"))
	if r == nil {
		return
	}
	r.Description = c.form.Get("Description")
	c.xmlResult(struct{ Role xRole }{c.xmlRole(r, true)})
}

func iamUpdateAssumeRolePolicy(c *call) {
	r := c.role(c.form.Get("RoleName"))
	if r == nil {
		return
	}
	doc := c.form.Get("PolicyDocument")
	if !c.checkPolicyDoc(doc, true) {
		return
	}
	if policyLen(doc) > maxTrustPolicyBytes {
		c.fail("LimitExceeded", 409, fmt.Sprintf("Cannot exceed quota for ACLSizePerRole: %d", maxTrustPolicyBytes))
		return
	}
	r.AssumeRolePolicy = doc
	c.xmlResult(nil)
}

func iamPutRolePermissionsBoundary(c *call) {
	r := c.role(c.form.Get("RoleName"))
	if r == nil {
		return
	}
	b := c.form.Get("PermissionsBoundary")
	if !validPolicyARN(b) {
		c.fail("InvalidInput", 400, fmt.Sprintf("ARN %s is not valid.", b))
		return
	}
	if _, ok := c.lookupPolicy(b); !ok {
		c.fail("NoSuchEntity", 404, fmt.Sprintf("Scope ARN: %s does not exist or is not attachable.", b))
		return
	}
	r.PermissionsBoundary = b
	c.xmlResult(nil)
}

func iamDeleteRolePermissionsBoundary(c *call) {
	r := c.role(c.form.Get("RoleName"))
	if r == nil {
		return
	}
	if r.PermissionsBoundary == "" {
		c.fail("NoSuchEntity", 404, fmt.Sprintf("The role with name %s does not have a permissions boundary.", r.Name))
		return
	}
	r.PermissionsBoundary = ""
	c.xmlResult(nil)
}

func iamTagRole(c *call) {
	r := c.role(c.form.Get("RoleName"))
	if r == nil {
		return
	}
	tags, ok := c.formTags()
	if !ok {
		return
	}
	merged := mergeTags(r.Tags, tags)
	if len(merged) > maxTags {
		c.fail("LimitExceeded", 409, fmt.Sprintf("Cannot exceed quota for TagsPerRole: %d", maxTags))
		return
	}
	r.Tags = merged
	c.xmlResult(nil)
}

func iamUntagRole(c *call) {
	r := c.role(c.form.Get("RoleName"))
	if r == nil {
		return
	}
	keys := c.memberList("TagKeys")
	var out []Tag
	for _, t := range r.Tags {
		drop := false
		for _, k := range keys {
			if strings.EqualFold(k, t.Key) {
				drop = true
			}
		}
		if !drop {
			out = append(out, t)
		}
	}
	r.Tags = out
	c.xmlResult(nil)
}

func iamListRoleTags(c *call) {
	r := c.role(c.form.Get("RoleName"))
	if r == nil {
		return
	}
	start, end, marker, trunc, ok := c.paginate(len(r.Tags))
	if !ok {
		return
	}
	c.xmlResult(struct {
		Tags        []xTag `xml:"Tags>member"`
		IsTruncated bool
		Marker      string `xml:",omitempty"`
	}{xmlTags(r.Tags[start:end]), trunc, marker})
}

// --- inline policies -----------------------------------------------------------

func iamPutRolePolicy(c *call) {
	r := c.role(c.form.Get("RoleName"))
	if r == nil {
		return
	}
	name := c.form.Get("PolicyName")
	if !rePolicyName.MatchString(name) {
		validationError(c, name, "policyName", `Member must satisfy regular expression pattern: [\w+=,.@-]+`)
		return
	}
	doc := c.form.Get("PolicyDocument")
	if !c.checkPolicyDoc(doc, false) {
		return
	}
	total := policyLen(doc)
	for n, d := range r.InlinePolicies {
		if n != name {
			total += policyLen(d)
		}
	}
	if total > maxInlinePolicyBytes {
		c.fail("LimitExceeded", 409, fmt.Sprintf("Maximum policy size of %d bytes exceeded for role %s", maxInlinePolicyBytes, r.Name))
		return
	}
	r.InlinePolicies[name] = doc
	c.xmlResult(nil)
}

func iamGetRolePolicy(c *call) {
	r := c.role(c.form.Get("RoleName"))
	if r == nil {
		return
	}
	name := c.form.Get("PolicyName")
	doc, ok := r.InlinePolicies[name]
	if !ok {
		c.fail("NoSuchEntity", 404, fmt.Sprintf("The role policy with name %s cannot be found.", name))
		return
	}
	c.xmlResult(struct {
		RoleName       string
		PolicyName     string
		PolicyDocument string
	}{r.Name, name, awsURLEncode(doc)})
}

func iamDeleteRolePolicy(c *call) {
	r := c.role(c.form.Get("RoleName"))
	if r == nil {
		return
	}
	name := c.form.Get("PolicyName")
	if _, ok := r.InlinePolicies[name]; !ok {
		c.fail("NoSuchEntity", 404, fmt.Sprintf("The role policy with name %s cannot be found.", name))
		return
	}
	delete(r.InlinePolicies, name)
	c.xmlResult(nil)
}

func iamListRolePolicies(c *call) {
	r := c.role(c.form.Get("RoleName"))
	if r == nil {
		return
	}
	names := make([]string, 0, len(r.InlinePolicies))
	for n := range r.InlinePolicies {
		names = append(names, n)
	}
	sort.Strings(names)
	start, end, marker, trunc, ok := c.paginate(len(names))
	if !ok {
		return
	}
	c.xmlResult(struct {
		PolicyNames []string `xml:"PolicyNames>member"`
		IsTruncated bool
		Marker      string `xml:",omitempty"`
	}{names[start:end], trunc, marker})
}

// --- managed policies attachment ------------------------------------------------

func iamAttachRolePolicy(c *call) {
	r := c.role(c.form.Get("RoleName"))
	if r == nil {
		return
	}
	arn := c.form.Get("PolicyArn")
	if !validPolicyARN(arn) {
		c.fail("InvalidInput", 400, fmt.Sprintf("ARN %s is not valid.", arn))
		return
	}
	if _, ok := c.lookupPolicy(arn); !ok {
		c.fail("NoSuchEntity", 404, fmt.Sprintf("Policy %s does not exist or is not attachable.", arn))
		return
	}
	for _, a := range r.AttachedPolicyARNs {
		if a == arn {
			c.xmlResult(nil) // idempotent, as IAM is
			return
		}
	}
	if len(r.AttachedPolicyARNs) >= maxAttachedPolicies {
		c.fail("LimitExceeded", 409, fmt.Sprintf("Cannot exceed quota for PoliciesPerRole: %d", maxAttachedPolicies))
		return
	}
	r.AttachedPolicyARNs = append(r.AttachedPolicyARNs, arn)
	c.xmlResult(nil)
}

func iamDetachRolePolicy(c *call) {
	r := c.role(c.form.Get("RoleName"))
	if r == nil {
		return
	}
	arn := c.form.Get("PolicyArn")
	if !validPolicyARN(arn) {
		c.fail("InvalidInput", 400, fmt.Sprintf("ARN %s is not valid.", arn))
		return
	}
	for i, a := range r.AttachedPolicyARNs {
		if a == arn {
			r.AttachedPolicyARNs = append(r.AttachedPolicyARNs[:i], r.AttachedPolicyARNs[i+1:]...)
			c.xmlResult(nil)
			return
		}
	}
	c.fail("NoSuchEntity", 404, fmt.Sprintf("Policy %s was not found.", arn))
}

func iamListAttachedRolePolicies(c *call) {
	r := c.role(c.form.Get("RoleName"))
	if r == nil {
		return
	}
	prefix := c.form.Get("PathPrefix")
	var all []xAttached
	for _, arn := range r.AttachedPolicyARNs {
		name, _ := c.lookupPolicy(arn)
		if name == "" {
			name = arn[strings.LastIndex(arn, "/")+1:]
		}
		if i := strings.Index(arn, ":policy/"); prefix != "" && (i < 0 || !strings.HasPrefix(arn[i+len(":policy"):], prefix)) {
			continue // PathPrefix filters on the policy's path
		}
		all = append(all, xAttached{PolicyName: name, PolicyArn: arn})
	}
	start, end, marker, trunc, ok := c.paginate(len(all))
	if !ok {
		return
	}
	c.xmlResult(struct {
		AttachedPolicies []xAttached `xml:"AttachedPolicies>member"`
		IsTruncated      bool
		Marker           string `xml:",omitempty"`
	}{all[start:end], trunc, marker})
}

// --- instance profiles ---------------------------------------------------------

func (c *call) xmlProfile(ip *InstanceProfile) xInstanceProfile {
	x := xInstanceProfile{Path: ip.Path, InstanceProfileName: ip.Name, InstanceProfileId: ip.ID, Arn: ip.ARN,
		CreateDate: isoTime(ip.CreateDate), Roles: []xRole{}, Tags: xmlTags(ip.Tags)}
	for _, rn := range ip.Roles {
		if r := c.st.roles[strings.ToLower(rn)]; r != nil {
			x.Roles = append(x.Roles, c.xmlRole(r, false))
		}
	}
	return x
}

func (c *call) profile(name string) *InstanceProfile {
	ip := c.st.profiles[strings.ToLower(name)]
	if ip == nil {
		c.fail("NoSuchEntity", 404, fmt.Sprintf("Instance Profile %s cannot be found.", name))
	}
	return ip
}

func iamListInstanceProfilesForRole(c *call) {
	r := c.role(c.form.Get("RoleName"))
	if r == nil {
		return
	}
	names := append([]string(nil), r.InstanceProfiles...)
	sort.Strings(names)
	start, end, marker, trunc, ok := c.paginate(len(names))
	if !ok {
		return
	}
	out := []xInstanceProfile{}
	for _, n := range names[start:end] {
		if ip := c.st.profiles[strings.ToLower(n)]; ip != nil {
			out = append(out, c.xmlProfile(ip))
		}
	}
	c.xmlResult(struct {
		InstanceProfiles []xInstanceProfile `xml:"InstanceProfiles>member"`
		IsTruncated      bool
		Marker           string `xml:",omitempty"`
	}{out, trunc, marker})
}

func iamCreateInstanceProfile(c *call) {
	name := c.form.Get("InstanceProfileName")

	c.resource = name
	if !reRoleName.MatchString(name) {
		validationError(c, name, "instanceProfileName", `Member must satisfy regular expression pattern: [\w+=,.@-]+`)
		return
	}
	path := c.form.Get("Path")
	if path == "" {
		path = "/"
	}
	if !c.checkPath(path) {
		return
	}
	tags, ok := c.formTags()
	if !ok {
		return
	}
	if _, exists := c.st.profiles[strings.ToLower(name)]; exists {
		c.fail("EntityAlreadyExists", 409, fmt.Sprintf("Instance Profile %s already exists.", name))
		return
	}
	ip := &InstanceProfile{Name: name, Path: path, ID: "AIPA" + c.st.randString(upperAlnum, 17),
		ARN:        fmt.Sprintf("arn:%s:iam::%s:instance-profile%s%s", c.st.partition, c.st.acct, path, name),
		CreateDate: c.now.UTC().Truncate(time.Second), Tags: tags}
	c.st.profiles[strings.ToLower(name)] = ip
	c.xmlResult(struct{ InstanceProfile xInstanceProfile }{c.xmlProfile(ip)})
}

func iamGetInstanceProfile(c *call) {
	c.resource = c.form.Get("InstanceProfileName")
	ip := c.profile(c.resource)
	if ip == nil {
		return
	}
	c.xmlResult(struct{ InstanceProfile xInstanceProfile }{c.xmlProfile(ip)})
}

func iamDeleteInstanceProfile(c *call) {
	c.resource = c.form.Get("InstanceProfileName")
	ip := c.profile(c.resource)
	if ip == nil {
		return
	}
	if len(ip.Roles) > 0 {
		c.fail("DeleteConflict", 409, "Cannot delete entity, must remove roles from instance profile first.")
		return
	}
	delete(c.st.profiles, strings.ToLower(ip.Name))
	c.xmlResult(nil)
}

func iamAddRoleToInstanceProfile(c *call) {
	ip := c.profile(c.form.Get("InstanceProfileName"))
	if ip == nil {
		return
	}
	r := c.role(c.form.Get("RoleName"))
	if r == nil {
		return
	}
	if len(ip.Roles) >= 1 {
		c.fail("LimitExceeded", 409, "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")
		return
	}
	ip.Roles = append(ip.Roles, r.Name)
	r.InstanceProfiles = append(r.InstanceProfiles, ip.Name)
	c.xmlResult(nil)
}

func iamRemoveRoleFromInstanceProfile(c *call) {
	ip := c.profile(c.form.Get("InstanceProfileName"))
	if ip == nil {
		return
	}
	r := c.role(c.form.Get("RoleName"))
	if r == nil {
		return
	}
	found := false
	for i, rn := range ip.Roles {
		if strings.EqualFold(rn, r.Name) {
			ip.Roles = append(ip.Roles[:i], ip.Roles[i+1:]...)
			found = true
			break
		}
	}
	if !found {
		c.fail("NoSuchEntity", 404, fmt.Sprintf("The role with name %s cannot be found in instance profile %s.", r.Name, ip.Name))
		return
	}
	for i, n := range r.InstanceProfiles {
		if strings.EqualFold(n, ip.Name) {
			r.InstanceProfiles = append(r.InstanceProfiles[:i], r.InstanceProfiles[i+1:]...)
			break
		}
	}
	c.xmlResult(nil)
}
