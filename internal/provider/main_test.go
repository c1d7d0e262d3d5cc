package provider_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/acctest"
)

func TestMain(m *testing.M) {
	cleanup, err := acctest.Setup()
	if err != nil {
		fmt.Fprintln(os.Stderr, "acceptance test setup:", err)
		if cleanup != nil {
			cleanup()
		}
		os.Exit(1)
	}
	code := m.Run()
	cleanup()
	os.Exit(code)
}
