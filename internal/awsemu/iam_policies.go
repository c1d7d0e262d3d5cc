package awsemu

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Managed policies: customer managed policies with versions, and the
// embedded AWS managed policies (read-only, default version only).

const (
	maxPolicyBytes    = 6144
	maxPolicyVersions = 5
)

func (c *call) attachmentCounts(arn string) (attached, boundary int) {
	for _, r := range c.st.roles {
		for _, a := range r.AttachedPolicyARNs {
			if a == arn {
				attached++
			}
		}
		if r.PermissionsBoundary == arn {
			boundary++
		}
	}
	return
}

func (c *call) customerPolicy(arn string) *Policy {
	c.resource = arn
	if !validPolicyARN(arn) {
		c.fail("InvalidInput", 400, fmt.Sprintf("ARN %s is not valid.", arn))
		return nil
	}
	p := c.st.policies[arn]
	if p == nil {
		if awsManagedPolicy(arn) != nil {
			c.fail("AccessDenied", 403, fmt.Sprintf("User: arn:%s:iam::%s:user/awsemu is not authorized to modify AWS managed policy %s", c.st.partition, c.st.acct, arn))
			return nil
		}
		c.fail("NoSuchEntity", 404, fmt.Sprintf("Policy %s was not found.", arn))
	}
	return p
}

func (c *call) checkPolicySize(doc string) bool {
	if policyLen(doc) > maxPolicyBytes {
		c.fail("LimitExceeded", 409, fmt.Sprintf("Cannot exceed quota for PolicySize: %d", maxPolicyBytes))
		return false
	}
	return true
}

func iamCreatePolicy(c *call) {
	name := c.form.Get("PolicyName")
	c.resource = name
	if !rePolicyName.MatchString(name) {
		validationError(c, name, "policyName", `Member must satisfy regular expression pattern: [\w+=,.@-]+`)
		return
	}
	path := c.form.Get("Path")
	if path == "" {
		path = "/"
	}
	if !c.checkPath(path) {
		return
	}
	doc := c.form.Get("PolicyDocument")
	if !c.checkPolicyDoc(doc, false) || !c.checkPolicySize(doc) {
		return
	}
	tags, ok := c.formTags()
	if !ok {
		return
	}
	for _, p := range c.st.policies {
		if strings.EqualFold(p.Name, name) {
			c.fail("EntityAlreadyExists", 409, fmt.Sprintf("A policy called %s already exists. Duplicate names are not allowed.", name))
			return
		}
	}
	now := c.now.UTC().Truncate(time.Second)
	arn := fmt.Sprintf("arn:%s:iam::%s:policy%s%s", c.st.partition, c.st.acct, path, name)
	p := &Policy{Name: name, Path: path, ID: "ANPA" + c.st.randString(upperAlnum, 17), ARN: arn,
		Description: c.form.Get("Description"), Document: doc, DefaultVersion: "v1",
		Versions:   []PolicyVersion{{VersionID: "v1", Document: doc, CreateDate: now}},
		CreateDate: now, UpdateDate: now, Tags: tags, NextVersion: 2}
	c.st.policies[arn] = p
	c.xmlResult(struct{ Policy xPolicy }{c.xmlCustomerPolicy(p, true)})
}

func (c *call) xmlCustomerPolicy(p *Policy, withTags bool) xPolicy {
	att, pb := c.attachmentCounts(p.ARN)
	x := xPolicy{PolicyName: p.Name, PolicyId: p.ID, Arn: p.ARN, Path: p.Path, DefaultVersionId: p.DefaultVersion,
		AttachmentCount: att, PermissionsBoundaryUsageCount: pb, IsAttachable: true, Description: p.Description,
		CreateDate: isoTime(p.CreateDate), UpdateDate: isoTime(p.UpdateDate)}
	if withTags {
		x.Tags = xmlTags(p.Tags)
	}
	return x
}

func (c *call) xmlManagedPolicy(mp *managedPolicy) xPolicy {
	arn := "arn:" + c.st.partition + strings.TrimPrefix(mp.ARN, "arn:aws")
	att, pb := c.attachmentCounts(arn)
	path := strings.TrimPrefix(arn, "arn:"+c.st.partition+":iam::aws:policy")
	path = path[:strings.LastIndex(path, "/")+1]
	return xPolicy{
		PolicyName: mp.Name, PolicyId: stableID("ANPA", mp.ARN), Arn: arn, Path: path,
		DefaultVersionId: mp.Version, AttachmentCount: att, PermissionsBoundaryUsageCount: pb,
		IsAttachable: true, CreateDate: isoTime(seedEpoch.AddDate(-5, 0, 0)), UpdateDate: isoTime(seedEpoch.AddDate(0, -1, 0)),
	}
}

func (c *call) isAWSManagedARN(arn string) bool {
	return strings.HasPrefix(arn, "arn:"+c.st.partition+":iam::aws:policy/")
}

func iamGetPolicy(c *call) {
	arn := c.form.Get("PolicyArn")
	c.resource = arn
	if !validPolicyARN(arn) {
		c.fail("InvalidInput", 400, fmt.Sprintf("ARN %s is not valid.", arn))
		return
	}
	if p := c.st.policies[arn]; p != nil {
		c.xmlResult(struct{ Policy xPolicy }{c.xmlCustomerPolicy(p, true)})
		return
	}
	if c.isAWSManagedARN(arn) {
		if mp := awsManagedPolicy(arn); mp != nil {
			c.xmlResult(struct{ Policy xPolicy }{c.xmlManagedPolicy(mp)})
			return
		}
	}
	c.fail("NoSuchEntity", 404, fmt.Sprintf("Policy %s does not exist or is not attachable.", arn))
}

func iamGetPolicyVersion(c *call) {
	arn := c.form.Get("PolicyArn")
	vid := c.form.Get("VersionId")
	c.resource = arn
	if !validPolicyARN(arn) {
		c.fail("InvalidInput", 400, fmt.Sprintf("ARN %s is not valid.", arn))
		return
	}
	var v *PolicyVersion
	def := ""
	if p := c.st.policies[arn]; p != nil {
		def = p.DefaultVersion
		for i := range p.Versions {
			if p.Versions[i].VersionID == vid {
				v = &p.Versions[i]
			}
		}
	} else if mp := awsManagedPolicy(arn); mp != nil && c.isAWSManagedARN(arn) {
		def = mp.Version
		if vid == mp.Version {
			v = &PolicyVersion{VersionID: vid, Document: mp.Document, CreateDate: seedEpoch.AddDate(0, -1, 0)}
		}
	} else {
		c.fail("NoSuchEntity", 404, fmt.Sprintf("Policy %s was not found.", arn))
		return
	}
	if v == nil {
		c.fail("NoSuchEntity", 404, fmt.Sprintf("Policy %s version %s does not exist or is not attachable.", arn, vid))
		return
	}
	c.xmlResult(struct{ PolicyVersion xPolicyVersion }{xPolicyVersion{
		Document: awsURLEncode(v.Document), VersionId: v.VersionID, IsDefaultVersion: v.VersionID == def, CreateDate: isoTime(v.CreateDate)}})
}

func iamCreatePolicyVersion(c *call) {
	p := c.customerPolicy(c.form.Get("PolicyArn"))
	if p == nil {
		return
	}
	doc := c.form.Get("PolicyDocument")
	if !c.checkPolicyDoc(doc, false) || !c.checkPolicySize(doc) {
		return
	}
	if len(p.Versions) >= maxPolicyVersions {
		c.fail("LimitExceeded", 409, fmt.Sprintf("A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", maxPolicyVersions))
		return
	}
	now := c.now.UTC().Truncate(time.Second)
	v := PolicyVersion{VersionID: fmt.Sprintf("v%d", p.NextVersion), Document: doc, CreateDate: now}
	p.NextVersion++
	p.Versions = append(p.Versions, v)
	if c.form.Get("SetAsDefault") == "true" {
		p.DefaultVersion, p.Document, p.UpdateDate = v.VersionID, v.Document, now
	}
	c.xmlResult(struct{ PolicyVersion xPolicyVersion }{xPolicyVersion{
		VersionId: v.VersionID, IsDefaultVersion: p.DefaultVersion == v.VersionID, CreateDate: isoTime(now)}})
}

func iamDeletePolicyVersion(c *call) {
	p := c.customerPolicy(c.form.Get("PolicyArn"))
	if p == nil {
		return
	}
	vid := c.form.Get("VersionId")
	if vid == p.DefaultVersion {
		c.fail("DeleteConflict", 409, "Cannot delete the default version of a policy.")
		return
	}
	for i, v := range p.Versions {
		if v.VersionID == vid {
			p.Versions = append(p.Versions[:i], p.Versions[i+1:]...)
			c.xmlResult(nil)
			return
		}
	}
	c.fail("NoSuchEntity", 404, fmt.Sprintf("Policy %s version %s does not exist.", p.ARN, vid))
}

func iamSetDefaultPolicyVersion(c *call) {
	p := c.customerPolicy(c.form.Get("PolicyArn"))
	if p == nil {
		return
	}
	vid := c.form.Get("VersionId")
	for _, v := range p.Versions {
		if v.VersionID == vid {
			p.DefaultVersion, p.Document, p.UpdateDate = v.VersionID, v.Document, c.now.UTC().Truncate(time.Second)
			c.xmlResult(nil)
			return
		}
	}
	c.fail("NoSuchEntity", 404, fmt.Sprintf("Policy %s version %s does not exist.", p.ARN, vid))
}

func iamListPolicyVersions(c *call) {
	arn := c.form.Get("PolicyArn")
	c.resource = arn
	var versions []xPolicyVersion
	if p := c.st.policies[arn]; p != nil {
		for i := len(p.Versions) - 1; i >= 0; i-- { // newest first, as IAM lists them
			v := p.Versions[i]
			versions = append(versions, xPolicyVersion{VersionId: v.VersionID, IsDefaultVersion: v.VersionID == p.DefaultVersion, CreateDate: isoTime(v.CreateDate)})
		}
	} else if mp := awsManagedPolicy(arn); mp != nil && c.isAWSManagedARN(arn) {
		versions = []xPolicyVersion{{VersionId: mp.Version, IsDefaultVersion: true, CreateDate: isoTime(seedEpoch.AddDate(0, -1, 0))}}
	} else {
		c.fail("NoSuchEntity", 404, fmt.Sprintf("Policy %s was not found.", arn))
		return
	}
	start, end, marker, trunc, ok := c.paginate(len(versions))
	if !ok {
		return
	}
	c.xmlResult(struct {
		Versions    []xPolicyVersion `xml:"Versions>member"`
		IsTruncated bool
		Marker      string `xml:",omitempty"`
	}{versions[start:end], trunc, marker})
}

func iamDeletePolicy(c *call) {
	p := c.customerPolicy(c.form.Get("PolicyArn"))
	if p == nil {
		return
	}
	if att, pb := c.attachmentCounts(p.ARN); att > 0 || pb > 0 {
		c.fail("DeleteConflict", 409, "Cannot delete a policy attached to entities.")
		return
	}
	if len(p.Versions) > 1 {
		c.fail("DeleteConflict", 409, "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
		return
	}
	delete(c.st.policies, p.ARN)
	c.xmlResult(nil)
}

// iamListPolicies lists customer (Scope=Local), AWS managed (Scope=AWS) or
// all (default) policies, sorted by name, with OnlyAttached and PathPrefix.
func iamListPolicies(c *call) {
	scope := c.form.Get("Scope")
	if scope == "" {
		scope = "All"
	}
	if scope != "All" && scope != "AWS" && scope != "Local" {
		validationError(c, scope, "scope", "Member must satisfy enum value set: [All, AWS, Local]")
		return
	}
	onlyAttached := c.form.Get("OnlyAttached") == "true"
	prefix := c.form.Get("PathPrefix")
	var all []xPolicy
	keep := func(x xPolicy) {
		if onlyAttached && x.AttachmentCount == 0 {
			return
		}
		if prefix != "" && !strings.HasPrefix(x.Path, prefix) {
			return
		}
		all = append(all, x)
	}
	if scope != "Local" {
		managedOnce.Do(loadManaged)
		for _, mp := range managedByARN {
			keep(c.xmlManagedPolicy(mp))
		}
	}
	if scope != "AWS" {
		for _, p := range c.st.policies {
			keep(c.xmlCustomerPolicy(p, false))
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].PolicyName != all[j].PolicyName {
			return all[i].PolicyName < all[j].PolicyName
		}
		return all[i].Arn < all[j].Arn
	})
	start, end, marker, trunc, ok := c.paginate(len(all))
	if !ok {
		return
	}
	c.xmlResult(struct {
		Policies    []xPolicy `xml:"Policies>member"`
		IsTruncated bool
		Marker      string `xml:",omitempty"`
	}{all[start:end], trunc, marker})
}

// iamListEntitiesForPolicy lists the roles a policy is attached to (or
// bounds, with PolicyUsageFilter=PermissionsBoundary). IAM users and groups
// are not emulated, so PolicyUsers/PolicyGroups are always empty.
func iamListEntitiesForPolicy(c *call) {
	arn := c.form.Get("PolicyArn")
	c.resource = arn
	if _, ok := c.lookupPolicy(arn); !ok {
		c.fail("NoSuchEntity", 404, fmt.Sprintf("Policy %s was not found.", arn))
		return
	}
	usage := c.form.Get("PolicyUsageFilter")
	type xPolicyRole struct {
		RoleName string
		RoleId   string
	}
	var roles []xPolicyRole
	for _, r := range c.st.roles {
		attached := false
		for _, a := range r.AttachedPolicyARNs {
			attached = attached || a == arn
		}
		boundary := r.PermissionsBoundary == arn
		if (usage == "PermissionsBoundary" && boundary) || (usage == "PermissionsPolicy" && attached) || (usage == "" && (attached || boundary)) {
			roles = append(roles, xPolicyRole{r.Name, r.RoleID})
		}
	}
	sort.Slice(roles, func(i, j int) bool { return roles[i].RoleName < roles[j].RoleName })
	start, end, marker, trunc, ok := c.paginate(len(roles))
	if !ok {
		return
	}
	c.xmlResult(struct {
		PolicyGroups []struct{}    `xml:"PolicyGroups>member"`
		PolicyUsers  []struct{}    `xml:"PolicyUsers>member"`
		PolicyRoles  []xPolicyRole `xml:"PolicyRoles>member"`
		IsTruncated  bool
		Marker       string `xml:",omitempty"`
	}{nil, nil, roles[start:end], trunc, marker})
}
