package polar_test

import (
	"context"
	"fmt"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

// Get answers the signed-in customer; Update changes their billing
// details, here their billing name, leaving the rest as it is.
func ExampleCustomersService_Get() {
	srv := polartest.NewServer(polartest.WithDemo())
	defer srv.Close()
	client, err := polar.NewClient(polartest.DemoCustomerToken, polar.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	me, err := client.Customers.Get(ctx)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(*me.Name, *me.Email, *me.BillingName)

	me, err = client.Customers.Update(ctx, &polar.CustomerPortalCustomerUpdate{BillingName: polar.Set("Alice Martin GmbH")})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(*me.BillingName)
	// Output:
	// Alice Martin alice@example.com Alice Martin
	// Alice Martin GmbH
}

// A payment method is a union: a type switch tells cards from the other
// kinds, and a kind added by Polar later arrives as the Unknown variant.
func ExampleCustomersService_AllPaymentMethods() {
	srv := polartest.NewServer(polartest.WithDemo())
	defer srv.Close()
	client, err := polar.NewClient(polartest.DemoCustomerToken, polar.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}

	for pm, err := range client.Customers.AllPaymentMethods(context.Background(), nil) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		switch pm := pm.(type) {
		case *polar.PaymentMethodCard:
			fmt.Println("card", pm.MethodMetadata.Brand, pm.MethodMetadata.Last4)
		case *polar.PaymentMethodGeneric:
			fmt.Println(pm.Type)
		case *polar.CustomerPaymentMethodUnknown:
			fmt.Println("a payment method type this SDK does not know:", pm.Type)
		}
	}
	// Output:
	// sepa_debit
	// card visa 4242
	// card visa 0002
	// card visa 3155
}
