// Package cartsstory proves the carts story of `make demo` (scripts/demo.sh)
// as Go tests: the EKS workshop's carts service without credentials, the
// node-role quick fix handing its table to every pod, the same quick fix
// refused by the provider, and the right fix (podidentity_least_privilege)
// giving carts its table and nothing else. The carts program (cmd/carts) is
// built and run as a pod would run it: the AWS SDK's default chain, only the
// environment differs. The package has tests only.
package cartsstory
