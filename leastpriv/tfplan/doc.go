// Package tfplan reads a Terraform JSON plan (the output of `terraform show
// -json PLANFILE` or `tofu show -json`) into a [leastpriv.Inventory], and
// reviews it with leastpriv's rules.
//
// [Read] and [ReadFile] return the Inventory; [Review] and [ReviewFile]
// also check it ([leastpriv.Check]) and return a [leastpriv.Review], whose
// writers print the text, JSON and SARIF reports. Input that is not a JSON
// plan this package can read is an [*Error].
//
// The code: read.go holds the API and the reference reader (encoding/json,
// streaming); fast.go the fast reader, which walks a plan held in memory
// with the scanner of leastpriv/internal/jsonscan and declines to the
// reference reader what it cannot read the same way; inventory.go,
// resolve.go and address.go build the Inventory, resolving values unknown
// until apply through the plan's configuration; policydoc.go renders
// aws_iam_policy_document data sources; docs.go analyses the plan's policy
// documents while the Inventory is built.
package tfplan
