package awsemu

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// A dropped connection carries the call out and answers nothing.
func TestFault_dropConnection(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	c.srv.InjectFault(Fault{Service: "iam", Operation: "CreateRole", DropConnection: true})
	_, err := c.iam.CreateRole(ctx(t), &iam.CreateRoleInput{RoleName: aws.String("dropped"), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[]}`)})
	if err == nil {
		t.Fatal("CreateRole answered although its connection was dropped")
	}
	if _, err := c.iam.GetRole(ctx(t), &iam.GetRoleInput{RoleName: aws.String("dropped")}); err != nil {
		t.Errorf("the dropped call did not happen: %v", err)
	}
	if n := c.srv.PendingFaults(); n != 0 {
		t.Errorf("PendingFaults = %d", n)
	}
}
