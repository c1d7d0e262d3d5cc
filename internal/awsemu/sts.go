package awsemu

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

const stsVersion = "2011-06-15"

var stsHandlers = map[string]handlerFunc{
	"GetCallerIdentity": stsGetCallerIdentity,
	"AssumeRole":        stsAssumeRole,
}

var reSessionName = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

type xCredentials struct {
	AccessKeyId     string
	SecretAccessKey string
	SessionToken    string
	Expiration      string
}

type xAssumedRoleUser struct {
	AssumedRoleId string
	Arn           string
}

// accessKeyID returns the access key id from the request's SigV4 credential.
func (c *call) accessKeyID() string {
	auth := c.r.Header.Get("Authorization")
	i := strings.Index(auth, "Credential=")
	if i < 0 {
		return ""
	}
	rest := auth[i+len("Credential="):]
	if j := strings.Index(rest, "/"); j >= 0 {
		return rest[:j]
	}
	return ""
}

// stsGetCallerIdentity answers as the request's signer (see principal.go):
// the assumed role session, the seeded IAM user, or user "awsemu".
func stsGetCallerIdentity(c *call) {
	p, ok := c.caller()
	if !ok {
		return
	}
	c.resource = p.arn
	c.xmlResult(struct {
		UserId  string
		Account string
		Arn     string
	}{p.uid, c.st.acct, p.arn})
}

// Session is a set of temporary credentials issued by STS AssumeRole or EKS
// Auth AssumeRoleForPodIdentity, with the session tags applied to it.
type Session struct {
	AccessKeyID string            `json:"access_key_id"`
	ARN         string            `json:"arn"`
	UserID      string            `json:"user_id"`
	RoleARN     string            `json:"role_arn"`
	RoleID      string            `json:"role_id"` // the role's unique id: a new role of the same name is not this session's role
	Source      string            `json:"source"`  // "sts:AssumeRole" or "eks-auth:AssumeRoleForPodIdentity"
	Tags        map[string]string `json:"tags,omitempty"`
	Expiration  time.Time         `json:"expiration"`
	token       string
	secret      string
}

func (st *state) addSession(s *Session) {
	if st.sess == nil {
		st.sess = map[string]*Session{}
	}
	st.sess[s.AccessKeyID] = s
	st.sessList = append(st.sessList, s)
}

func stsAssumeRole(c *call) {
	roleArn := c.form.Get("RoleArn")
	session := c.form.Get("RoleSessionName")
	c.resource = roleArn
	if len(roleArn) < 20 {
		validationError(c, roleArn, "roleArn", "Member must have length greater than or equal to 20")
		return
	}
	if !reSessionName.MatchString(session) {
		validationError(c, session, "roleSessionName", `Member must satisfy regular expression pattern: [\w+=,.@-]*`)
		return
	}
	p, ok := c.caller()
	if !ok {
		return
	}
	caller := p.arn
	principals := []string{caller, c.st.acct, fmt.Sprintf("arn:%s:iam::%s:root", c.st.partition, c.st.acct)}
	if p.sess != nil {
		principals = append(principals, p.sess.RoleARN)
	}
	r := c.st.roleByARN(roleArn)
	if r == nil || !trustAllowsCaller(r.AssumeRolePolicy, principals, c.form.Get("ExternalId")) {
		c.fail("AccessDenied", 403, fmt.Sprintf("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", caller, roleArn))
		return
	}
	dur := 3600
	if v := c.form.Get("DurationSeconds"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 900 {
			validationError(c, v, "durationSeconds", "Member must have value greater than or equal to 900")
			return
		}
		if n > r.MaxSessionDuration {
			c.fail("ValidationError", 400, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
			return
		}
		dur = n
	}
	tags := map[string]string{}
	for i := 1; c.form.Get(fmt.Sprintf("Tags.member.%d.Key", i)) != ""; i++ {
		tags[c.form.Get(fmt.Sprintf("Tags.member.%d.Key", i))] = c.form.Get(fmt.Sprintf("Tags.member.%d.Value", i))
	}
	creds, sess := c.st.issueSession(r, session, "sts:AssumeRole", tags, c.now, time.Duration(dur)*time.Second)
	arn, id := sess.ARN, sess.UserID
	t := c.now.UTC().Truncate(time.Second)
	r.LastUsed, r.LastUsedRegion = &t, c.st.region
	type result struct {
		Credentials      xCredentials
		AssumedRoleUser  xAssumedRoleUser
		PackedPolicySize int    `xml:",omitempty"`
		SourceIdentity   string `xml:",omitempty"`
	}
	res := result{Credentials: creds, AssumedRoleUser: xAssumedRoleUser{AssumedRoleId: id, Arn: arn},
		SourceIdentity: c.form.Get("SourceIdentity")}
	if len(c.form.Get("Policy")) > 0 || c.form.Get("Tags.member.1.Key") != "" {
		res.PackedPolicySize = 6
	}
	c.xmlResult(res)
}

// roleByARN finds a role of this account by ARN (path included).
func (st *state) roleByARN(arn string) *Role {
	prefix := fmt.Sprintf("arn:%s:iam::%s:role/", st.partition, st.acct)
	if !strings.HasPrefix(arn, prefix) {
		return nil
	}
	name := arn[strings.LastIndex(arn, "/")+1:]
	r := st.roles[strings.ToLower(name)]
	if r == nil || r.ARN != arn {
		return nil
	}
	return r
}

func (st *state) newCredentials(now time.Time, d time.Duration) xCredentials {
	return xCredentials{
		AccessKeyId:     "ASIA" + st.randString(upperAlnum, 16),
		SecretAccessKey: st.randString(upperAlnum+lowerAlnum, 40),
		SessionToken:    "IQoJb3JpZ2luX2VjE" + st.randString(upperAlnum+lowerAlnum, 200),
		Expiration:      isoTime(now.Add(d)),
	}
}

// trustAllowsCaller evaluates a trust policy for sts:AssumeRole by an AWS
// principal (any of principals: account id, account root ARN, user or role
// ARN). Only the sts:ExternalId condition is evaluated; other conditions are
// ignored. Deny statements for a matching principal win.
func trustAllowsCaller(doc string, principals []string, externalID string) bool {
	var p struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(doc), &p) != nil {
		return false
	}
	var stmts []map[string]any
	if json.Unmarshal(p.Statement, &stmts) != nil {
		var one map[string]any
		if json.Unmarshal(p.Statement, &one) != nil {
			return false
		}
		stmts = []map[string]any{one}
	}
	isCaller := func(v string) bool {
		if v == "*" {
			return true
		}
		for _, x := range principals {
			if x == v {
				return true
			}
		}
		return false
	}
	allowed := false
	for _, s := range stmts {
		var prMatch bool
		switch pr := s["Principal"].(type) {
		case string:
			prMatch = pr == "*"
		case map[string]any:
			prMatch = anyMatch(pr["AWS"], isCaller)
		}
		actMatch := anyMatch(s["Action"], func(v string) bool {
			return v == "*" || strings.EqualFold(v, "sts:*") || strings.EqualFold(v, "sts:AssumeRole")
		})
		if !prMatch || !actMatch {
			continue
		}
		if s["Effect"] == "Deny" {
			return false
		}
		if s["Effect"] != "Allow" {
			continue
		}
		if cond, ok := s["Condition"].(map[string]any); ok {
			if se, ok := cond["StringEquals"].(map[string]any); ok {
				if want, ok := se["sts:ExternalId"]; ok && !anyMatch(want, func(v string) bool { return v == externalID }) {
					continue
				}
			}
		}
		allowed = true
	}
	return allowed
}
