package polar_test

import (
	"context"
	"errors"
	"fmt"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

// The customer's own keys need their session token.
func ExampleLicenseKeysService_List() {
	srv := polartest.NewServer(polartest.WithDemo())
	defer srv.Close()
	client, err := polar.NewClient(polartest.DemoCustomerToken, polar.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}

	page, err := client.LicenseKeys.List(context.Background(), nil)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	for _, k := range page.Items {
		limit := "no limit"
		if k.LimitActivations != nil {
			limit = fmt.Sprint(*k.LimitActivations, " activations")
		}
		fmt.Println(k.DisplayKey, k.Status, limit)
	}
	// Output:
	// ****-AAAA granted 3 activations
	// ****-BBBB granted 3 activations
	// ****-CCCC granted 3 activations
	// ****-DDDD revoked 3 activations
}

// An application checks the key a user typed without any token: Validate
// tells whether it is valid (and can count a use), Activate binds it to a
// machine until the key's activation limit is reached.
func ExampleLicenseKeysService_Validate() {
	srv := polartest.NewServer(polartest.WithDemo())
	defer srv.Close()
	client, err := polar.NewClient("", polar.WithBaseURL(srv.URL)) // no token
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	key, err := client.LicenseKeys.Validate(ctx, &polar.LicenseKeyValidate{
		Key:            polartest.DemoUsageLicenseKey,
		OrganizationID: polartest.DemoOrganizationID,
		IncrementUsage: 1,
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(key.Status, "usage", key.Usage, "of", *key.LimitUsage)

	_, err = client.LicenseKeys.Activate(ctx, &polar.LicenseKeyActivate{
		Key:            polartest.DemoLicenseKey, // at its limit of 3 activations
		OrganizationID: polartest.DemoOrganizationID,
		Label:          "build-server",
	})
	fmt.Println(errors.Is(err, polar.ErrNotPermitted))
	// Output:
	// granted usage 100 of 100
	// true
}
