// Package acctest is the acceptance-test harness: it runs the provider
// through a real Terraform CLI (OpenTofu built by `make tofu`) against the
// AWS API emulator, or against a real AWS account when asked to.
//
// Hermetic by default. To run the same tests against a real account, set
//
//	PODIDENTITY_ACC_REAL_AWS=1
//	PODIDENTITY_ACC_CLUSTER_NAME=<an EKS cluster with the eks-pod-identity-agent add-on>
//	PODIDENTITY_ACC_TABLE_ARN=<a DynamoDB table ARN in the same account and region>
//	AWS_REGION and credentials for the SDK's default chain (AWS_PROFILE, ...)
//
// Tests that need the emulator's controls (fault injection, call counters,
// seeded node roles) are skipped in that mode.
package acctest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/awsemu"
	"github.com/eks-podidentity/terraform-provider-podidentity/internal/provider"
)

// Environment variables that switch the acceptance tests to a real account.
const (
	EnvRealAWS     = "PODIDENTITY_ACC_REAL_AWS"
	EnvClusterName = "PODIDENTITY_ACC_CLUSTER_NAME"
	EnvTableARN    = "PODIDENTITY_ACC_TABLE_ARN"
)

// Emulator credentials: any signed request is accepted by the emulator.
const (
	emuAccessKey = "AKIAEMULATOR00000000"
	emuSecretKey = "emulator-secret-key"
)

// ProviderName is the provider's local name in test configurations.
const ProviderName = "podidentity"

// ProtoV6ProviderFactories serves the provider in-process to the CLI.
func ProtoV6ProviderFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		ProviderName: providerserver.NewProtocol6WithError(provider.New("test")()),
	}
}

// RealAWS reports whether the tests run against a real AWS account.
func RealAWS() bool { return os.Getenv(EnvRealAWS) == "1" }

// Setup prepares the process environment for acceptance tests. Call it from
// TestMain before m.Run. It points terraform-plugin-testing at the repo's
// OpenTofu build, writes a CLI configuration file of its own (the machine's
// TF_CLI_CONFIG_FILE may name a missing file, which makes the CLI print a
// warning that breaks version parsing), and, unless the tests run against
// real AWS, isolates the AWS SDK from the machine's credentials and from the
// instance metadata service.
func Setup() (cleanup func(), err error) {
	dir, err := os.MkdirTemp("", "podidentity-acc-")
	if err != nil {
		return nil, err
	}
	cleanup = func() { _ = os.RemoveAll(dir) }

	cliConfig := filepath.Join(dir, "tofu.rc")
	if err := os.WriteFile(cliConfig, []byte("disable_checkpoint = true\n"), 0o600); err != nil {
		return cleanup, err
	}
	set := func(k, v string) {
		if err == nil {
			err = os.Setenv(k, v)
		}
	}
	set("TF_CLI_CONFIG_FILE", cliConfig)
	set("CHECKPOINT_DISABLE", "1")
	if os.Getenv("TF_ACC_PROVIDER_NAMESPACE") == "" {
		set("TF_ACC_PROVIDER_NAMESPACE", "hashicorp")
	}
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		if root, rerr := repoRoot(); rerr == nil {
			tofu := filepath.Join(root, "bin", "tofu")
			if _, serr := os.Stat(tofu); serr == nil {
				set("TF_ACC_TERRAFORM_PATH", tofu)
			}
		}
	}
	if os.Getenv("TF_ACC") != "" && os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		return cleanup, fmt.Errorf("no Terraform CLI for acceptance tests: run `make tofu` (builds OpenTofu into bin/tofu) or set TF_ACC_TERRAFORM_PATH")
	}
	if !RealAWS() {
		set("AWS_ACCESS_KEY_ID", emuAccessKey)
		set("AWS_SECRET_ACCESS_KEY", emuSecretKey)
		set("AWS_EC2_METADATA_DISABLED", "true")
		set("AWS_CONFIG_FILE", filepath.Join(dir, "aws-config-none"))
		set("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "aws-credentials-none"))
		for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_ENDPOINT_URL"} {
			if uerr := os.Unsetenv(k); uerr != nil && err == nil {
				err = uerr
			}
		}
	}
	return cleanup, err
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// PreCheck skips or fails a test whose prerequisites are missing.
func PreCheck(t *testing.T) {
	t.Helper()
	if RealAWS() {
		for _, k := range []string{EnvClusterName, EnvTableARN} {
			if os.Getenv(k) == "" {
				t.Fatalf("%s=1 needs %s to be set", EnvRealAWS, k)
			}
		}
	}
}

// Env is one test's AWS: an emulator of its own, or the real account.
type Env struct {
	// Emu is the emulator, nil against real AWS.
	Emu         *awsemu.Server
	Region      string
	AccountID   string
	Partition   string
	ClusterName string
	TableARN    string

	cfg aws.Config
}

// NewEnv starts an emulator seeded with seed (nil means awsemu.DefaultSeed)
// on a random loopback port, or describes the real account.
func NewEnv(t *testing.T, seed *awsemu.Seed) *Env {
	t.Helper()
	ctx := context.Background()
	if RealAWS() {
		cfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			t.Fatalf("loading AWS configuration: %s", err)
		}
		id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatalf("sts:GetCallerIdentity: %s", err)
		}
		partition := "aws"
		if parts := strings.SplitN(aws.ToString(id.Arn), ":", 3); len(parts) > 1 {
			partition = parts[1]
		}
		e := &Env{
			Region:      cfg.Region,
			AccountID:   aws.ToString(id.Account),
			Partition:   partition,
			ClusterName: os.Getenv(EnvClusterName),
			TableARN:    os.Getenv(EnvTableARN),
			cfg:         cfg,
		}
		if seed != nil {
			e.createSeedRoles(t, seed)
		}
		return e
	}
	if seed == nil {
		seed = awsemu.DefaultSeed()
	}
	emu := awsemu.StartTest(t, seed)
	cfg := aws.Config{
		Region:       emu.Region(),
		Credentials:  credentials.NewStaticCredentialsProvider(emuAccessKey, emuSecretKey, ""),
		BaseEndpoint: aws.String(emu.URL()),
	}
	e := &Env{
		Emu:       emu,
		Region:    emu.Region(),
		AccountID: emu.AccountID(),
		Partition: "aws",
		cfg:       cfg,
	}
	if len(seed.Clusters) > 0 {
		e.ClusterName = seed.Clusters[0].Name
	}
	if len(seed.DynamoDBTables) > 0 {
		e.TableARN = fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s", e.Region, e.AccountID, seed.DynamoDBTables[0].Name)
	}
	return e
}

// createSeedRoles creates, in a real account, the IAM roles a test's seed
// adds to the default seed (for example a role to chain to), and deletes
// them when the test ends. Node groups, access entries and the like cannot
// be made up in a real account: tests that need them skip there.
func (e *Env) createSeedRoles(t *testing.T, seed *awsemu.Seed) {
	t.Helper()
	ctx := context.Background()
	defaults := map[string]bool{}
	for _, r := range awsemu.DefaultSeed().IAMRoles {
		defaults[r.Name] = true
	}
	client := e.IAM()
	for _, r := range seed.IAMRoles {
		if defaults[r.Name] {
			continue
		}
		trust := string(r.AssumeRolePolicy)
		var s string
		if json.Unmarshal(r.AssumeRolePolicy, &s) == nil {
			trust = s
		}
		in := &iam.CreateRoleInput{RoleName: aws.String(r.Name), AssumeRolePolicyDocument: aws.String(trust)}
		if r.Path != "" {
			in.Path = aws.String(r.Path)
		}
		if _, err := client.CreateRole(ctx, in); err != nil {
			t.Fatalf("creating test role %s in the real account: %s", r.Name, err)
		}
		name := r.Name
		t.Cleanup(func() {
			if _, err := client.DeleteRole(context.Background(), &iam.DeleteRoleInput{RoleName: aws.String(name)}); err != nil {
				t.Logf("deleting test role %s: %s", name, err)
			}
		})
	}
}

// SkipUnlessEmulator skips a test that needs the emulator's controls.
func (e *Env) SkipUnlessEmulator(t *testing.T) {
	t.Helper()
	if e.Emu == nil {
		t.Skip("needs the AWS API emulator's controls; skipped against real AWS")
	}
}

// ProviderConfig is the provider block for this environment.
func (e *Env) ProviderConfig() string {
	if e.Emu == nil {
		return fmt.Sprintf("provider %q {\n  region = %q\n}\n", ProviderName, e.Region)
	}
	u := e.Emu.URL()
	return fmt.Sprintf(`provider %q {
  region      = %q
  max_retries = 2

  endpoints {
    dynamodb = %q
    eks      = %q
    eks_auth = %q
    iam      = %q
    sts      = %q
  }
}
`, ProviderName, e.Region, u, u, u, u, u)
}

// AWSConfig returns the SDK configuration for out-of-band calls.
func (e *Env) AWSConfig() aws.Config { return e.cfg }

// IAM returns an IAM client for out-of-band changes and destroy checks.
func (e *Env) IAM() *iam.Client { return iam.NewFromConfig(e.cfg) }

// EKS returns an EKS client for out-of-band changes and destroy checks.
func (e *Env) EKS() *eks.Client { return eks.NewFromConfig(e.cfg) }

// DynamoDB returns a DynamoDB client.
func (e *Env) DynamoDB() *dynamodb.Client { return dynamodb.NewFromConfig(e.cfg) }
