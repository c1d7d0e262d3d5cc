// Package conns builds the AWS clients the provider uses from its
// configuration. It is plain Go so that it can be tested without Terraform.
//
// Credentials always come from aws-sdk-go-v2's default chain
// (config.LoadDefaultConfig), optionally wrapped by stscreds for assume_role.
// Nothing here reimplements credential resolution.
package conns

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// DefaultMaxRetries is the AWS provider's default for max_retries.
const DefaultMaxRetries = 25

// Services whose endpoints can be overridden in the provider's endpoints block.
const (
	ServiceDynamoDB = "dynamodb"
	ServiceEKS      = "eks"
	ServiceEKSAuth  = "eks_auth"
	ServiceIAM      = "iam"
	ServiceSTS      = "sts"
)

// AssumeRole mirrors the AWS provider's assume_role block.
type AssumeRole struct {
	RoleARN     string
	SessionName string
	ExternalID  string
	Duration    time.Duration
}

// Config is the provider configuration, with every value known.
type Config struct {
	Region                 string
	Profile                string
	SharedConfigFiles      []string
	SharedCredentialsFiles []string
	AssumeRole             *AssumeRole
	Endpoints              map[string]string
	MaxRetries             *int
	DefaultTags            map[string]string
	UserAgent              string
	// ConnectTimeout and ResponseTimeout bound each attempt's connect and
	// wait for response headers; zero means DefaultConnectTimeout and
	// DefaultResponseTimeout.
	ConnectTimeout  time.Duration
	ResponseTimeout time.Duration
}

// AWSClient holds the configured service clients and what the provider
// learned about the caller.
type AWSClient struct {
	AWSConfig   aws.Config
	IAM         *iam.Client
	EKS         *eks.Client
	DynamoDB    *dynamodb.Client
	STS         *sts.Client
	AccountID   string
	Partition   string
	Region      string
	CallerARN   string
	DefaultTags map[string]string
	Endpoints   map[string]string

	// Plan holds what one plan walk knows across resources.
	Plan PlanRegistry

	cacheMu  sync.Mutex
	cache    map[string]any
	inflight map[string]*cachedCall
}

// Cached returns the value stored under key, computing it with fn once per
// provider instance. Plan-time lookups (a cluster's associations, the
// account's roles...) go through it so that a plan with many resources asks
// AWS once, even when Terraform plans them concurrently: callers of one key
// wait for the computation in flight instead of starting their own, and
// share its error. Errors are not cached. A caller whose ctx ends stops
// waiting at once (Ctrl-C stops a plan stuck behind a slow lookup).
func (c *AWSClient) Cached(ctx context.Context, key string, fn func(context.Context) (any, error)) (any, error) {
	for {
		c.cacheMu.Lock()
		if v, ok := c.cache[key]; ok {
			c.cacheMu.Unlock()
			return v, nil
		}
		if call, ok := c.inflight[key]; ok {
			c.cacheMu.Unlock()
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-call.done:
			}
			if call.err == nil {
				return call.v, nil
			}
			if errors.Is(call.err, context.Canceled) || errors.Is(call.err, context.DeadlineExceeded) {
				continue // the computing caller gave up, not AWS: try again
			}
			return nil, call.err
		}
		call := &cachedCall{done: make(chan struct{})}
		if c.inflight == nil {
			c.inflight = map[string]*cachedCall{}
		}
		c.inflight[key] = call
		c.cacheMu.Unlock()

		call.v, call.err = fn(ctx)
		c.cacheMu.Lock()
		delete(c.inflight, key)
		if call.err == nil {
			if c.cache == nil {
				c.cache = map[string]any{}
			}
			c.cache[key] = call.v
		}
		c.cacheMu.Unlock()
		close(call.done)
		return call.v, call.err
	}
}

// cachedCall is a computation in flight.
type cachedCall struct {
	done chan struct{}
	v    any
	err  error
}

// Invalidate drops a cached value, for example after the provider itself
// changed what it describes.
func (c *AWSClient) Invalidate(key string) {
	c.cacheMu.Lock()
	defer c.cacheMu.Unlock()
	delete(c.cache, key)
}

// NoCredentialsError says that the default credential chain found nothing.
type NoCredentialsError struct {
	Profile string
	Err     error
}

func (e *NoCredentialsError) Error() string {
	return "no valid AWS credentials found: " + e.Err.Error()
}

func (e *NoCredentialsError) Unwrap() error { return e.Err }

// Detail is a short, actionable explanation of what was tried and what to set.
func (e *NoCredentialsError) Detail() string {
	var b strings.Builder
	b.WriteString("The provider looked for AWS credentials in, in order:\n")
	b.WriteString("  1. environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN for temporary credentials),\n")
	if e.Profile != "" {
		fmt.Fprintf(&b, "  2. profile %q in the shared config and credentials files (~/.aws/config, ~/.aws/credentials, or shared_config_files / shared_credentials_files),\n", e.Profile)
	} else {
		b.WriteString("  2. the default profile (or AWS_PROFILE) in the shared config and credentials files (~/.aws/config, ~/.aws/credentials),\n")
	}
	b.WriteString("  3. web identity (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN), IAM Identity Center (SSO) and credential_process profiles,\n")
	b.WriteString("  4. container credentials (ECS task role, EKS Pod Identity: AWS_CONTAINER_CREDENTIALS_FULL_URI),\n")
	b.WriteString("  5. the EC2 instance metadata service (instance profile).\n")
	b.WriteString("None of them returned credentials. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or set AWS_PROFILE (or the provider's profile argument) to a configured profile, or run `aws sso login` for an SSO profile.\n")
	fmt.Fprintf(&b, "The SDK said: %s", e.Err.Error())
	return b.String()
}

// New loads the AWS configuration, checks the credentials and calls
// sts:GetCallerIdentity once to learn the account and partition.
//
// Its calls stop at the first interrupt (SIGINT, what Ctrl-C in a terminal
// sends to the CLI and the provider alike). Terraform also asks the
// provider to stop, which cancels ctx; OpenTofu (1.12) does not while a
// provider is being configured: it holds the lock of its provider manager
// through ConfigureProvider, and its StopProvider waits for that lock, so
// a configure stuck on an endpoint that never answers would otherwise only
// end at the response timeouts (about 30 s).
func New(ctx context.Context, c Config) (*AWSClient, error) {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	client, err := newClient(ctx, c)
	if err != nil && errors.Is(ctx.Err(), context.Canceled) {
		return nil, fmt.Errorf("interrupted while configuring the provider: %w", err)
	}
	return client, err
}

func newClient(ctx context.Context, c Config) (*AWSClient, error) {
	cfg, err := config.LoadDefaultConfig(ctx, c.loadOptions()...)
	if err != nil {
		return nil, fmt.Errorf("loading AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, errors.New("no AWS region: set the provider's region argument, AWS_REGION, or region in the shared config profile")
	}

	stsClient, err := c.credentials(ctx, &cfg)
	if err != nil {
		return nil, err
	}

	id, err := stsClient.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("calling sts:GetCallerIdentity: %w", err)
	}
	callerARN := aws.ToString(id.Arn)
	parsed, err := arn.Parse(callerARN)
	if err != nil {
		return nil, fmt.Errorf("parsing caller ARN %q from sts:GetCallerIdentity: %w", callerARN, err)
	}

	client := &AWSClient{
		AWSConfig:   cfg,
		STS:         stsClient,
		AccountID:   aws.ToString(id.Account),
		Partition:   parsed.Partition,
		Region:      cfg.Region,
		CallerARN:   callerARN,
		DefaultTags: c.DefaultTags,
		Endpoints:   c.Endpoints,
	}
	client.IAM = iam.NewFromConfig(cfg, func(o *iam.Options) {
		if ep := c.Endpoints[ServiceIAM]; ep != "" {
			o.BaseEndpoint = aws.String(ep)
		}
	})
	client.EKS = eks.NewFromConfig(cfg, func(o *eks.Options) {
		if ep := c.Endpoints[ServiceEKS]; ep != "" {
			o.BaseEndpoint = aws.String(ep)
		}
	})
	client.DynamoDB = dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if ep := c.Endpoints[ServiceDynamoDB]; ep != "" {
			o.BaseEndpoint = aws.String(ep)
		}
	})
	return client, nil
}

// credentials checks the credentials the default chain found, assuming
// assume_role's role with them when set, and returns the STS client to use.
func (c Config) credentials(ctx context.Context, cfg *aws.Config) (*sts.Client, error) {
	stsClient := sts.NewFromConfig(*cfg, func(o *sts.Options) {
		if ep := c.Endpoints[ServiceSTS]; ep != "" {
			o.BaseEndpoint = aws.String(ep)
		}
	})

	if c.AssumeRole != nil && c.AssumeRole.RoleARN != "" {
		ar := *c.AssumeRole
		// Check the source credentials first, so that a missing source gets
		// the actionable message rather than an AssumeRole failure.
		if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
			return nil, &NoCredentialsError{Profile: c.Profile, Err: err}
		}
		provider := stscreds.NewAssumeRoleProvider(stsClient, ar.RoleARN, func(o *stscreds.AssumeRoleOptions) {
			if ar.SessionName != "" {
				o.RoleSessionName = ar.SessionName
			}
			if ar.ExternalID != "" {
				o.ExternalID = aws.String(ar.ExternalID)
			}
			if ar.Duration > 0 {
				o.Duration = ar.Duration
			}
		})
		cfg.Credentials = aws.NewCredentialsCache(provider)
		if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
			return nil, fmt.Errorf("assuming IAM role %s: %w", ar.RoleARN, err)
		}
		stsClient = sts.NewFromConfig(*cfg, func(o *sts.Options) {
			if ep := c.Endpoints[ServiceSTS]; ep != "" {
				o.BaseEndpoint = aws.String(ep)
			}
		})
	} else if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return nil, &NoCredentialsError{Profile: c.Profile, Err: err}
	}
	return stsClient, nil
}

// loadOptions maps the provider configuration onto the SDK's LoadOptions.
func (c Config) loadOptions() []func(*config.LoadOptions) error {
	var opts []func(*config.LoadOptions) error
	if c.Region != "" {
		opts = append(opts, config.WithRegion(c.Region))
	}
	if c.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(c.Profile))
	}
	if len(c.SharedConfigFiles) > 0 {
		opts = append(opts, config.WithSharedConfigFiles(expandHome(c.SharedConfigFiles)))
	}
	if len(c.SharedCredentialsFiles) > 0 {
		opts = append(opts, config.WithSharedCredentialsFiles(expandHome(c.SharedCredentialsFiles)))
	}
	maxRetries := DefaultMaxRetries
	if c.MaxRetries != nil {
		maxRetries = *c.MaxRetries
	}
	netw := c.network()
	opts = append(opts,
		config.WithRetryer(func() aws.Retryer { return newRetryer(maxRetries, netw) }),
		config.WithHTTPClient(newHTTPClient(netw)))
	if c.UserAgent != "" {
		opts = append(opts, config.WithAppID(c.UserAgent))
	}
	return opts
}

func expandHome(paths []string) []string {
	home, err := os.UserHomeDir()
	out := make([]string, 0, len(paths))
	for _, p := range paths {
		if err == nil && strings.HasPrefix(p, "~/") {
			p = home + p[1:]
		}
		out = append(out, p)
	}
	return out
}
