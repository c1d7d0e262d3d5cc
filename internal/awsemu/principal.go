package awsemu

import (
	"fmt"
	"strings"
	"time"
)

// Who signed a request.
//
//   - Access keys issued by STS AssumeRole, EKS Auth AssumeRoleForPodIdentity,
//     the Pod Identity agent or IMDS ("ASIA...") are their role session: the
//     request is made as arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION and is
//     authorised with the role's policies as they are now. The request must
//     carry the session's token (X-Amz-Security-Token). A session whose role
//     was deleted (or deleted and created again: sessions belong to the role's
//     unique id, as in IAM) has no policies left. An expired session gets
//     ExpiredToken(Exception); an unknown ASIA key gets InvalidClientTokenId /
//     UnrecognizedClientException.
//   - Seeded long-term keys (Seed.IAMUsers[].AccessKeys) are their IAM user,
//     authorised with the user's seeded policies.
//   - Any other long-term key is the account's administrator, IAM user
//     "awsemu" with AdministratorAccess, so that tools and tests that only
//     need a signed request keep working unchanged.
//
// Signatures are parsed but not verified.

// principalKind says what kind of identity signed a request.
type principalKind int

const (
	principalAdmin   principalKind = iota // unknown long-term key: user awsemu, AdministratorAccess
	principalUser                         // seeded IAM user
	principalSession                      // role session (temporary credentials)
)

// principal is the identity a request is made as.
type principal struct {
	kind principalKind
	arn  string // user ARN or assumed-role session ARN
	uid  string // GetCallerIdentity UserId
	// for sessions: the session, and its role if it still exists (same unique id)
	sess *Session
	role *Role
	user *User
}

const adminUserName = "awsemu"

// User is a seeded IAM user with long-term access keys.
type User struct {
	Name                string            `json:"name"`
	Path                string            `json:"path"`
	ARN                 string            `json:"arn"`
	UserID              string            `json:"user_id"`
	AccessKeyIDs        []string          `json:"access_key_ids,omitempty"`
	InlinePolicies      map[string]string `json:"inline_policies,omitempty"`
	AttachedPolicyARNs  []string          `json:"attached_policy_arns,omitempty"`
	PermissionsBoundary string            `json:"permissions_boundary,omitempty"`
}

func (st *state) addSeedUser(su SeedUser) error {
	if !validRoleName(su.Name) || strings.EqualFold(su.Name, adminUserName) {
		return fmt.Errorf("seed: invalid or reserved user name %q", su.Name)
	}
	if st.users == nil {
		st.users = map[string]*User{}
		st.userKeys = map[string]*User{}
	}
	if _, ok := st.users[strings.ToLower(su.Name)]; ok {
		return fmt.Errorf("seed: user %q already exists", su.Name)
	}
	path := su.Path
	if path == "" {
		path = "/"
	}
	u := &User{Name: su.Name, Path: path,
		ARN:    fmt.Sprintf("arn:%s:iam::%s:user%s%s", st.partition, st.acct, path, su.Name),
		UserID: stableID("AIDA", st.acct+su.Name), InlinePolicies: map[string]string{},
		AttachedPolicyARNs: append([]string(nil), su.AttachedPolicyARNs...), PermissionsBoundary: su.PermissionsBoundary}
	for name, doc := range su.InlinePolicies {
		s, err := docString(doc)
		if err != nil {
			return fmt.Errorf("seed: user %q inline policy %q: %w", su.Name, name, err)
		}
		u.InlinePolicies[name] = s
	}
	for _, k := range su.AccessKeys {
		if !strings.HasPrefix(k.AccessKeyID, "AKIA") || len(k.AccessKeyID) < 16 {
			return fmt.Errorf("seed: user %q: access key id %q must start with AKIA (16+ characters)", su.Name, k.AccessKeyID)
		}
		if _, dup := st.userKeys[k.AccessKeyID]; dup {
			return fmt.Errorf("seed: access key id %q used twice", k.AccessKeyID)
		}
		st.userKeys[k.AccessKeyID] = u
		u.AccessKeyIDs = append(u.AccessKeyIDs, k.AccessKeyID)
	}
	st.users[strings.ToLower(u.Name)] = u
	return nil
}

// caller resolves the request's signer. ok is false when the call has been
// answered with an error (unknown or expired temporary credentials).
func (c *call) caller() (p principal, ok bool) {
	akid := c.accessKeyID()
	if s := c.st.sess[akid]; s != nil {
		if tok := c.sessionToken(); tok != s.token {
			c.failInvalidToken()
			return p, false
		}
		if !c.now.Before(s.Expiration) {
			if c.service == "iam" || c.service == "sts" {
				c.fail("ExpiredToken", 400, "The security token included in the request is expired")
			} else {
				c.fail("ExpiredTokenException", 400, "The security token included in the request is expired")
			}
			return p, false
		}
		p = principal{kind: principalSession, arn: s.ARN, uid: s.UserID, sess: s}
		if r := c.st.roleByARN(s.RoleARN); r != nil && (s.RoleID == "" || r.RoleID == s.RoleID) {
			p.role = r
		}
		return p, true
	}
	if strings.HasPrefix(akid, "ASIA") {
		c.failInvalidToken()
		return p, false
	}
	if u := c.st.userKeys[akid]; u != nil {
		return principal{kind: principalUser, arn: u.ARN, uid: u.UserID, user: u}, true
	}
	return principal{kind: principalAdmin,
		arn: fmt.Sprintf("arn:%s:iam::%s:user/%s", c.st.partition, c.st.acct, adminUserName),
		uid: stableID("AIDA", c.st.acct+adminUserName)}, true
}

func (c *call) failInvalidToken() {
	if c.service == "iam" || c.service == "sts" {
		c.fail("InvalidClientTokenId", 403, "The security token included in the request is invalid.")
	} else {
		c.fail("UnrecognizedClientException", 400, "The security token included in the request is invalid.")
	}
}

// sessionToken is the request's X-Amz-Security-Token (header or presigned query).
func (c *call) sessionToken() string {
	if v := c.r.Header.Get("X-Amz-Security-Token"); v != "" {
		return v
	}
	return c.query.Get("X-Amz-Security-Token")
}

// issueSession records temporary credentials for role r and returns them.
func (st *state) issueSession(r *Role, sessionName, source string, tags map[string]string, now time.Time, d time.Duration) (xCredentials, *Session) {
	cr := st.newCredentials(now, d)
	s := &Session{AccessKeyID: cr.AccessKeyId, token: cr.SessionToken, secret: cr.SecretAccessKey,
		ARN:    fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", st.partition, st.acct, r.Name, sessionName),
		UserID: r.RoleID + ":" + sessionName, RoleARN: r.ARN, RoleID: r.RoleID,
		Source: source, Tags: tags, Expiration: now.Add(d).UTC()}
	st.addSession(s)
	return cr, s
}
