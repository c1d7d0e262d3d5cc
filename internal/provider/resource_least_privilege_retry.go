package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// propagationTimeout bounds the retries of a call that EKS refuses while a
// new role propagates in IAM.
const propagationTimeout = 2 * time.Minute

// retryWhen calls f until it succeeds, fails with an error retryable does not
// accept, or timeout (within ctx) runs out: the shape of the AWS provider's
// tfresource.RetryWhen. Throttling and transient errors are the SDK
// retryer's business; this is for eventual consistency that AWS reports as
// an ordinary error (IAM propagation).
func retryWhen[T any](ctx context.Context, timeout time.Duration, f func(context.Context) (T, error), retryable func(error) bool) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	delay := 500 * time.Millisecond
	for {
		out, err := f(ctx)
		if err == nil || !retryable(err) {
			return out, err
		}
		tflog.Debug(ctx, "retrying while AWS is eventually consistent", map[string]any{"delay": delay.String(), "error": err.Error()})
		select {
		case <-ctx.Done():
			var zero T
			if errors.Is(context.Cause(ctx), context.Canceled) {
				return zero, err
			}
			return zero, fmt.Errorf("still failing after retrying for %s (at most %s, within the operation's timeout): %w",
				time.Since(start).Round(time.Second), timeout, err)
		case <-time.After(delay):
		}
		delay = min(delay*2, 5*time.Second)
	}
}

// isRolePropagationError is EKS's answer while a new role is not yet
// visible to it (CreatePodIdentityAssociation and
// UpdatePodIdentityAssociation alike).
func isRolePropagationError(err error) bool {
	var ipe *ekstypes.InvalidParameterException
	return errors.As(err, &ipe) && strings.Contains(ipe.ErrorMessage(), "Role provided in the request does not exist")
}

func isAWSErr[T error](err error) bool {
	var t T
	return err != nil && errors.As(err, &t)
}
