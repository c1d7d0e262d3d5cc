package conns

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// Network bounds. An AWS API answers in well under a second; these only
// decide how soon a dead endpoint is reported.
const (
	// DefaultConnectTimeout bounds the TCP connect (and, separately, the TLS
	// handshake) of one attempt.
	DefaultConnectTimeout = 5 * time.Second
	// DefaultResponseTimeout bounds the wait for the response headers of one
	// attempt once the request is sent.
	DefaultResponseTimeout = 12 * time.Second
	// DefaultUnreachableAttempts is how many attempts a call makes when the
	// endpoint cannot be reached (connection refused, connect or response
	// timeout), whatever max_retries says: with the timeouts above an
	// unreachable endpoint fails within about 30 seconds.
	DefaultUnreachableAttempts = 2
	// maxBackoff is the longest wait between two attempts.
	maxBackoff = 20 * time.Second
)

// newRetryer is the SDK's adaptive retryer (client-side rate limiting that
// backs off when AWS throttles) with maxRetries retries and the client-side
// retry quota off: with the quota on, a burst of throttled calls that end
// in an error response (a plan-time GetRole answering NoSuchEntity) never
// refunds its tokens and later calls fail with "retry quota exceeded"
// whatever max_retries says. Calls to an unreachable endpoint stop after
// unreachableAttempts attempts.
func newRetryer(maxRetries int, n network) aws.RetryerV2 {
	adaptive := retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
		o.StandardOptions = append(o.StandardOptions, func(so *retry.StandardOptions) {
			so.MaxAttempts = maxRetries + 1
			so.MaxBackoff = maxBackoff
			so.RateLimiter = ratelimit.None
		})
	})
	return &unreachableRetryer{RetryerV2: adaptive, net: n}
}

// network is the bounds of one client's calls.
type network struct {
	connect, response time.Duration
	attempts          int
}

func (c Config) network() network {
	n := network{connect: c.ConnectTimeout, response: c.ResponseTimeout, attempts: DefaultUnreachableAttempts}
	if n.connect <= 0 {
		n.connect = DefaultConnectTimeout
	}
	if n.response <= 0 {
		n.response = DefaultResponseTimeout
	}
	return n
}

// unreachableRetryer stops retrying a call whose endpoint cannot be reached
// after attempts attempts, with an error that names the endpoint.
type unreachableRetryer struct {
	aws.RetryerV2
	net network
}

func (r *unreachableRetryer) RetryDelay(attempt int, err error) (time.Duration, error) {
	if endpoint, ok := unreachable(err); ok && attempt >= r.net.attempts {
		return 0, &EndpointUnreachableError{Endpoint: endpoint, Attempts: attempt, Connect: r.net.connect, Response: r.net.response, Err: err}
	}
	return r.RetryerV2.RetryDelay(attempt, err)
}

// EndpointUnreachableError says that an AWS endpoint did not answer.
type EndpointUnreachableError struct {
	Endpoint          string
	Attempts          int
	Connect, Response time.Duration
	Err               error
}

func (e *EndpointUnreachableError) Error() string {
	return fmt.Sprintf("AWS endpoint %s unreachable after %d attempts (each bounded by a %s connect and a %s response timeout); "+
		"check the provider's endpoints, region and network (proxy, VPC endpoints): %s",
		e.Endpoint, e.Attempts, e.Connect, e.Response, e.Err)
}

func (e *EndpointUnreachableError) Unwrap() error { return e.Err }

// unreachable reports whether err means that the endpoint could not be
// reached or did not answer (as opposed to a dropped connection, which is
// retried like any transient error), and which endpoint.
func unreachable(err error) (string, bool) {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return "", false
	}
	endpoint := ue.URL
	if u, perr := url.Parse(ue.URL); perr == nil {
		endpoint = u.Scheme + "://" + u.Host
	}
	if errors.Is(err, context.Canceled) {
		return "", false
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return endpoint, true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return endpoint, true
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return endpoint, true
	}
	return "", false
}

// newHTTPClient is the SDK's HTTP client with bounded connect, TLS
// handshake and response-header waits.
func newHTTPClient(n network) *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().
		WithDialerOptions(func(d *net.Dialer) { d.Timeout = n.connect }).
		WithTransportOptions(func(t *http.Transport) {
			t.TLSHandshakeTimeout = n.connect
			t.ResponseHeaderTimeout = n.response
		})
}
