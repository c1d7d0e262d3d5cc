package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

var (
	arnPolicyPattern = regexp.MustCompile(`^arn:aws[a-z-]*:iam::(aws|\d{12}):policy/.+$`)
	arnRolePattern   = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/.+$`)
)

var _ validator.String = leastprivValidator{}

// leastprivValidator is a thin wrapper around one of leastpriv's Validate
// functions, so that the provider and the CLI report the same problem in
// the same words.
type leastprivValidator struct {
	description string
	check       func(string) error
}

// tableARNValidator checks a DynamoDB table ARN with leastpriv.ValidateTableARN.
func tableARNValidator() validator.String {
	return leastprivValidator{description: "value must be the ARN of one DynamoDB table", check: leastpriv.ValidateTableARN}
}

// kubernetesNameValidator checks a namespace (DNS-1123 label) or service
// account (DNS-1123 subdomain) name with leastpriv.ValidateKubernetesName.
func kubernetesNameValidator(field string) validator.String {
	return leastprivValidator{
		description: "value must be a valid Kubernetes " + field + " name",
		check:       func(s string) error { return leastpriv.ValidateKubernetesName(field, s) },
	}
}

// roleNameValidator checks an IAM role name with leastpriv.ValidateRoleName.
func roleNameValidator() validator.String {
	return leastprivValidator{description: "value must be a valid IAM role name", check: leastpriv.ValidateRoleName}
}

// rolePathValidator checks an IAM path with leastpriv.ValidateRolePath.
func rolePathValidator() validator.String {
	return leastprivValidator{description: "value must be a valid IAM path", check: leastpriv.ValidateRolePath}
}

func (v leastprivValidator) Description(context.Context) string { return v.description }

func (v leastprivValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v leastprivValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		if ve, ok := leastpriv.AsValidationError(err); ok {
			resp.Diagnostics.AddAttributeError(req.Path, ve.Summary, ve.DiagnosticDetail())
			return
		}
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Value", err.Error())
	}
}
