// Command fake-aws serves the test provider. Built as
// terraform-provider-aws it is registry.opentofu.org/hashicorp/aws; built
// (or linked) as terraform-provider-podidentity it is
// registry.opentofu.org/eks-podidentity/podidentity.
package main

import (
	"context"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/testprovider"
)

func main() {
	name, address := "aws", "registry.opentofu.org/hashicorp/aws"
	if strings.Contains(filepath.Base(os.Args[0]), "podidentity") {
		name, address = "podidentity", "registry.opentofu.org/eks-podidentity/podidentity"
	}
	err := providerserver.Serve(context.Background(), testprovider.New(name), providerserver.ServeOpts{Address: address})
	if err != nil {
		log.Fatal(err)
	}
}
