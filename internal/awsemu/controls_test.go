package awsemu

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

func TestFaults(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		fault   Fault
		call    func(c *clients) error
		code    string
		status  int
		as      func(error) bool
		service string
		op      string
	}{
		"iam default fault": {Fault{Service: "iam", Operation: "GetRole", Count: 2}, func(c *clients) error {
			_, err := c.iam.GetRole(ctx(t), &iam.GetRoleInput{RoleName: aws.String("eks-workshop-node")})
			return err
		}, "ServiceFailure", 500, func(err error) bool { var e *iamtypes.ServiceFailureException; return errors.As(err, &e) }, "iam", "GetRole"},
		"iam custom code keeps its status": {Fault{Service: "iam", Operation: "GetRole", Count: 2, Code: "NoSuchEntity", Message: "gone"}, func(c *clients) error {
			_, err := c.iam.GetRole(ctx(t), &iam.GetRoleInput{RoleName: aws.String("eks-workshop-node")})
			return err
		}, "NoSuchEntity", 404, func(err error) bool { var e *iamtypes.NoSuchEntityException; return errors.As(err, &e) }, "iam", "GetRole"},
		"sts expired token": {Fault{Service: "sts", Operation: "GetCallerIdentity", Count: 2, Code: "ExpiredTokenException", Status: 400}, func(c *clients) error {
			_, err := c.sts.GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
			return err
		}, "ExpiredTokenException", 400, func(err error) bool { var e *ststypes.ExpiredTokenException; return errors.As(err, &e) }, "sts", "GetCallerIdentity"},
		"eks wildcard operation": {Fault{Service: "eks", Operation: "*", Count: 2, Code: "ServiceUnavailableException"}, func(c *clients) error {
			_, err := c.eks.DescribeCluster(ctx(t), &eks.DescribeClusterInput{Name: aws.String(cluster)})
			return err
		}, "ServiceUnavailableException", 503, func(err error) bool { var e *ekstypes.ServiceUnavailableException; return errors.As(err, &e) }, "eks", "DescribeCluster"},
		"eks default fault": {Fault{Service: "eks", Operation: "ListPodIdentityAssociations", Count: 2}, func(c *clients) error {
			_, err := c.eks.ListPodIdentityAssociations(ctx(t), &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String(cluster)})
			return err
		}, "ServerException", 500, func(err error) bool { var e *ekstypes.ServerException; return errors.As(err, &e) }, "eks", "ListPodIdentityAssociations"},
		"dynamodb default fault": {Fault{Service: "dynamodb", Operation: "DescribeTable", Count: 2}, func(c *clients) error {
			_, err := c.ddb.DescribeTable(ctx(t), &dynamodb.DescribeTableInput{TableName: aws.String("Items")})
			return err
		}, "InternalServerError", 500, nil, "dynamodb", "DescribeTable"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := newClients(t, nil)
			c.srv.InjectFault(tc.fault)
			for i := range 2 {
				err := tc.call(c)
				wantCode(t, err, tc.code)
				if httpStatus(err) != tc.status {
					t.Fatalf("call %d: status %d, want %d", i, httpStatus(err), tc.status)
				}
				if tc.as != nil && !tc.as(err) {
					t.Fatalf("error type %T", err)
				}
			}
			must(t, tc.call(c)) // the fault is used up
			if n := c.srv.CallCount(tc.service, tc.op); n != 3 {
				t.Fatalf("CallCount=%d, want 3", n)
			}
			l := c.srv.RequestLog()
			if len(l) != 3 || l[0].ErrorCode != tc.code || l[0].Status != tc.status || l[2].Status != 200 || l[2].Seq != 3 {
				t.Fatalf("log %+v", l)
			}
		})
	}
	t.Run("default retryer retries a 500", func(t *testing.T) {
		t.Parallel()
		srv := StartTest(t, nil)
		c := newClientsFor(srv, false)
		srv.InjectFault(Fault{Service: "iam", Operation: "GetRole"})
		_, err := c.iam.GetRole(ctx(t), &iam.GetRoleInput{RoleName: aws.String("eks-workshop-node")})
		must(t, err)
		if n := srv.CallCount("iam", "GetRole"); n != 2 {
			t.Fatalf("CallCount=%d, want 2 (one retry)", n)
		}
	})
}

func TestThrottle(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		call   func(c *clients) error
		code   string
		status int
		as     func(error) bool
	}{
		"iam": {func(c *clients) error {
			_, err := c.iam.GetRole(ctx(t), &iam.GetRoleInput{RoleName: aws.String("eks-workshop-node")})
			return err
		}, "Throttling", 400, nil},
		"sts": {func(c *clients) error {
			_, err := c.sts.GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
			return err
		}, "Throttling", 400, nil},
		"eks": {func(c *clients) error {
			_, err := c.eks.DescribeCluster(ctx(t), &eks.DescribeClusterInput{Name: aws.String(cluster)})
			return err
		}, "ThrottlingException", 429, func(err error) bool { var e *ekstypes.ThrottlingException; return errors.As(err, &e) }},
		"dynamodb": {func(c *clients) error {
			_, err := c.ddb.DescribeTable(ctx(t), &dynamodb.DescribeTableInput{TableName: aws.String("Items")})
			return err
		}, "ThrottlingException", 400, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := newClients(t, nil)
			c.srv.SetThrottle(0.5)
			must(t, tc.call(c))
			err := tc.call(c)
			wantCode(t, err, tc.code)
			if httpStatus(err) != tc.status {
				t.Fatalf("status %d", httpStatus(err))
			}
			if tc.as != nil && !tc.as(err) {
				t.Fatalf("type %T", err)
			}
			if !strings.Contains(err.Error(), "Rate") {
				t.Fatalf("message: %v", err)
			}
			c.srv.SetThrottle(0)
			must(t, tc.call(c))
		})
	}
	t.Run("sdk retries throttling", func(t *testing.T) {
		t.Parallel()
		srv := StartTest(t, nil)
		cfg := testConfig(srv, false)
		cfg.Retryer = func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 60
				o.MaxBackoff = 20 * time.Millisecond
				o.RateLimiter = ratelimit.None
			})
		}
		cl := iam.NewFromConfig(cfg, func(o *iam.Options) { o.BaseEndpoint = aws.String(srv.URL()) })
		srv.SetThrottle(20)
		for range 40 {
			_, err := cl.GetRole(ctx(t), &iam.GetRoleInput{RoleName: aws.String("eks-workshop-node")})
			must(t, err)
		}
		n := srv.CallCount("iam", "GetRole")
		throttled := 0
		for _, e := range srv.RequestLog() {
			if e.ErrorCode == "Throttling" {
				throttled++
			}
		}
		if n <= 40 || throttled != n-40 {
			t.Fatalf("calls=%d throttled=%d: the SDK should have retried throttled calls", n, throttled)
		}
	})
}

func TestLatency(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	c.srv.SetLatency(150 * time.Millisecond)
	start := time.Now()
	_, err := c.sts.GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	must(t, err)
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Fatalf("took %v, want >= 150ms", d)
	}
	c.srv.SetLatency(0)
	start = time.Now()
	_, err = c.sts.GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	must(t, err)
	if d := time.Since(start); d >= 150*time.Millisecond {
		t.Fatalf("took %v after latency off", d)
	}
}

func TestIAMPropagationDelay(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	clock := useFakeClock(c.srv)
	c.srv.SetIAMPropagationDelay(10 * time.Second)
	role := createRole(t, c, "carts", podTrust)
	// IAM itself sees the role at once.
	_, err := c.iam.GetRole(ctx(t), &iam.GetRoleInput{RoleName: aws.String("carts")})
	must(t, err)
	in := &eks.CreatePodIdentityAssociationInput{ClusterName: aws.String(cluster), Namespace: aws.String("carts"), ServiceAccount: aws.String("carts"), RoleArn: aws.String(role)}
	_, err = c.eks.CreatePodIdentityAssociation(ctx(t), in)
	var ipe *ekstypes.InvalidParameterException
	if !errors.As(err, &ipe) || ipe.ErrorMessage() != "Role provided in the request does not exist" || httpStatus(err) != 400 {
		t.Fatalf("want InvalidParameterException while propagating, got %v", err)
	}
	// Seeded roles are visible at once.
	_, err = c.eks.CreatePodIdentityAssociation(ctx(t), &eks.CreatePodIdentityAssociationInput{ClusterName: aws.String(cluster), Namespace: aws.String("x"),
		ServiceAccount: aws.String("x"), RoleArn: aws.String("arn:aws:iam::123456789012:role/eks-workshop-node")})
	wantCode(t, err, "InvalidParameterException") // ...but its trust policy is for EC2
	if !strings.Contains(err.Error(), "Trust policy") {
		t.Fatal(err)
	}
	clock.advance(9 * time.Second)
	in.ClientRequestToken = nil
	_, err = c.eks.CreatePodIdentityAssociation(ctx(t), in)
	wantCode(t, err, "InvalidParameterException")
	clock.advance(2 * time.Second)
	in.ClientRequestToken = nil
	out, err := c.eks.CreatePodIdentityAssociation(ctx(t), in)
	must(t, err)
	// EKS Auth does not see a propagating role either.
	role2 := createRole(t, c, "carts2", podTrust)
	_, err = c.eks.UpdatePodIdentityAssociation(ctx(t), &eks.UpdatePodIdentityAssociationInput{ClusterName: aws.String(cluster), AssociationId: out.Association.AssociationId, RoleArn: aws.String(role2)})
	if !errors.As(err, &ipe) {
		t.Fatalf("want InvalidParameterException on update, got %v", err)
	}
	must(t, c.srv.PutRole(SeedRole{Name: "seeded", AssumeRolePolicy: []byte(podTrust)}))
	_, err = c.eks.UpdatePodIdentityAssociation(ctx(t), &eks.UpdatePodIdentityAssociationInput{ClusterName: aws.String(cluster), AssociationId: out.Association.AssociationId,
		RoleArn: aws.String("arn:aws:iam::123456789012:role/seeded")})
	must(t, err) // PutRole roles have no delay
	c.srv.SetIAMPropagationDelay(0)
	_, err = c.eks.UpdatePodIdentityAssociation(ctx(t), &eks.UpdatePodIdentityAssociationInput{ClusterName: aws.String(cluster), AssociationId: out.Association.AssociationId, RoleArn: aws.String(role2)})
	must(t, err)
}

func TestIAMPropagationDelayRealClock(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	c.srv.SetIAMPropagationDelay(time.Hour)
	role := createRole(t, c, "carts", podTrust)
	_, err := c.eks.CreatePodIdentityAssociation(ctx(t), &eks.CreatePodIdentityAssociationInput{ClusterName: aws.String(cluster), Namespace: aws.String("carts"), ServiceAccount: aws.String("carts"), RoleArn: aws.String(role)})
	wantCode(t, err, "InvalidParameterException")
	c.srv.SetIAMPropagationDelay(50 * time.Millisecond) // the delay counts from creation
	time.Sleep(60 * time.Millisecond)
	_, err = c.eks.CreatePodIdentityAssociation(ctx(t), &eks.CreatePodIdentityAssociationInput{ClusterName: aws.String(cluster), Namespace: aws.String("carts"), ServiceAccount: aws.String("carts"), RoleArn: aws.String(role)})
	must(t, err)
}

func TestResetAndLog(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	role := createRole(t, c, "carts", podTrust)
	_, err := c.eks.CreatePodIdentityAssociation(ctx(t), &eks.CreatePodIdentityAssociationInput{ClusterName: aws.String(cluster), Namespace: aws.String("carts"), ServiceAccount: aws.String("carts"), RoleArn: aws.String(role)})
	must(t, err)
	_, err = c.iam.GetRole(ctx(t), &iam.GetRoleInput{RoleName: aws.String("nope")})
	wantCode(t, err, "NoSuchEntity")

	counts := c.srv.CallCounts()
	if counts["iam:CreateRole"] != 1 || counts["eks:CreatePodIdentityAssociation"] != 1 || counts["iam:GetRole"] != 1 {
		t.Fatalf("counts %v", counts)
	}
	l := c.srv.RequestLog()
	if len(l) != 3 {
		t.Fatalf("log %+v", l)
	}
	want := []LogEntry{
		{Seq: 1, Service: "iam", Operation: "CreateRole", Status: 200, Resource: "carts"},
		{Seq: 2, Service: "eks", Operation: "CreatePodIdentityAssociation", Status: 200, Resource: "eks-workshop/carts/carts"},
		{Seq: 3, Service: "iam", Operation: "GetRole", Status: 404, ErrorCode: "NoSuchEntity", Resource: "nope"},
	}
	for i, w := range want {
		g := l[i]
		g.Time = time.Time{}
		if g != w {
			t.Fatalf("log[%d] = %+v, want %+v", i, g, w)
		}
		if l[i].Time.IsZero() {
			t.Fatal("no time")
		}
	}
	c.srv.ResetLog()
	if len(c.srv.RequestLog()) != 0 || c.srv.CallCount("iam", "CreateRole") != 0 {
		t.Fatal("ResetLog did not clear")
	}
	_, err = c.iam.GetRole(ctx(t), &iam.GetRoleInput{RoleName: aws.String("carts")})
	must(t, err) // state kept

	c.srv.InjectFault(Fault{Service: "iam", Operation: "GetRole", Count: 5})
	c.srv.SetThrottle(0.001)
	c.srv.SetLatency(time.Second)
	c.srv.SetIAMPropagationDelay(time.Hour)
	c.srv.Reset()
	start := time.Now()
	_, err = c.iam.GetRole(ctx(t), &iam.GetRoleInput{RoleName: aws.String("carts")})
	wantCode(t, err, "NoSuchEntity") // state back to seed, fault gone
	for range 3 {
		_, err = c.iam.GetRole(ctx(t), &iam.GetRoleInput{RoleName: aws.String("eks-workshop-node")})
		must(t, err) // throttle off
	}
	if time.Since(start) > 500*time.Millisecond {
		t.Fatal("latency still on after Reset")
	}
	l2, err := c.eks.ListPodIdentityAssociations(ctx(t), &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String(cluster)})
	must(t, err)
	if len(l2.Associations) != 0 || len(c.srv.RequestLog()) != 5 {
		t.Fatalf("after reset: %d associations, %d log entries", len(l2.Associations), len(c.srv.RequestLog()))
	}
	// Deterministic ids: the same sequence after Reset gives the same role id.
	a1 := c.srv.Dump()
	c.srv.Reset()
	a2 := c.srv.Dump()
	if a1.Roles[0].RoleID != a2.Roles[0].RoleID {
		t.Fatal("seeded role ids must be deterministic")
	}
}

func TestDump(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	role := createRole(t, c, "carts", podTrust)
	_, err := c.iam.PutRolePolicy(ctx(t), &iam.PutRolePolicyInput{RoleName: aws.String("carts"), PolicyName: aws.String("dynamo"), PolicyDocument: aws.String(ddbPolicy)})
	must(t, err)
	_, err = c.iam.PutRolePermissionsBoundary(ctx(t), &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("carts"), PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/PowerUserAccess")})
	must(t, err)
	_, err = c.eks.CreatePodIdentityAssociation(ctx(t), &eks.CreatePodIdentityAssociationInput{ClusterName: aws.String(cluster), Namespace: aws.String("carts"), ServiceAccount: aws.String("carts"), RoleArn: aws.String(role), Tags: map[string]string{"a": "b"}})
	must(t, err)
	st := c.srv.Dump()
	b, err := json.Marshal(st)
	must(t, err)
	var back State
	must(t, json.Unmarshal(b, &back))
	var carts, node *Role
	for _, r := range back.Roles {
		switch r.Name {
		case "carts":
			carts = r
		case "eks-workshop-node":
			node = r
		}
	}
	if carts == nil || carts.InlinePolicies["dynamo"] != ddbPolicy || carts.PermissionsBoundary == "" || carts.AssumeRolePolicy != podTrust {
		t.Fatalf("carts %+v", carts)
	}
	if node == nil || fmt.Sprint(node.InstanceProfiles) != "[eks-workshop-node]" || len(node.AttachedPolicyARNs) != 4 {
		t.Fatalf("node %+v", node)
	}
	if len(back.Clusters) != 1 || len(back.Clusters[0].Associations) != 1 || back.Clusters[0].Associations[0].Tags["a"] != "b" ||
		len(back.Tables) != 1 || len(back.InstanceProfiles) != 1 {
		t.Fatalf("state %s", b)
	}
	// Dump is a copy.
	st.Roles[0].Name = "mutated"
	if c.srv.Dump().Roles[0].Name == "mutated" {
		t.Fatal("Dump must deep-copy")
	}
}

func TestConcurrentClients(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("role-%d", i)
			out, err := c.iam.CreateRole(ctx(t), &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(podTrust)})
			if err != nil {
				errs <- err
				return
			}
			_, err = c.eks.CreatePodIdentityAssociation(ctx(t), &eks.CreatePodIdentityAssociationInput{ClusterName: aws.String(cluster),
				Namespace: aws.String("ns"), ServiceAccount: aws.String(name), RoleArn: out.Role.Arn})
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(c.srv.Dump().Clusters[0].Associations); n != 20 {
		t.Fatalf("associations %d", n)
	}
	ids := map[string]bool{}
	for _, r := range c.srv.Dump().Roles {
		if ids[r.RoleID] {
			t.Fatalf("duplicate role id %s", r.RoleID)
		}
		ids[r.RoleID] = true
	}
}

func TestSetClock(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	fixed := time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)
	c.srv.SetClock(func() time.Time { return fixed })
	out, err := c.iam.CreateRole(ctx(t), &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(podTrust)})
	must(t, err)
	if !out.Role.CreateDate.Equal(fixed) || !c.srv.RequestLog()[0].Time.Equal(fixed) {
		t.Fatalf("CreateDate %v", out.Role.CreateDate)
	}
	c.srv.Reset()
	out, err = c.iam.CreateRole(ctx(t), &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(podTrust)})
	must(t, err)
	if time.Since(*out.Role.CreateDate) > time.Minute {
		t.Fatalf("Reset must restore the real clock: %v", out.Role.CreateDate)
	}
}
