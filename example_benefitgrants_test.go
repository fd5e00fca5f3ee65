package polar_test

import (
	"context"
	"fmt"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

// A benefit grant is a union, one variant per benefit type: a type switch
// reads each kind's properties, and Common the fields all grants share.
func ExampleBenefitGrantsService_All() {
	srv := polartest.NewServer(polartest.WithDemo())
	defer srv.Close()
	client, err := polar.NewClient(polartest.DemoCustomerToken, polar.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}

	opts := &polar.BenefitGrantListOptions{Type: []polar.BenefitType{
		polar.BenefitTypeDiscord, polar.BenefitTypeLicenseKeys, polar.BenefitTypeFeatureFlag,
	}}
	for grant, err := range client.BenefitGrants.All(context.Background(), opts) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		if c := grant.Common(); c != nil && !c.IsGranted {
			continue // revoked, or still being granted
		}
		switch g := grant.(type) {
		case *polar.CustomerBenefitGrantDiscord:
			fmt.Println("Discord:", g.Benefit.Description, "connected:", g.Properties.AccountID != nil)
		case *polar.CustomerBenefitGrantLicenseKeys:
			fmt.Println("license key:", *g.Properties.DisplayKey)
		case *polar.CustomerBenefitGrantFeatureFlag:
			fmt.Println("feature flag:", g.Benefit.Description)
		case *polar.CustomerBenefitGrantUnknown:
			fmt.Println("a benefit type this SDK does not know:", g.Type)
		}
	}
	// Output:
	// Discord: Discord role connected: true
	// feature flag: Beta features
	// license key: ****-AAAA
}
