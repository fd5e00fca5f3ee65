package polar_test

import (
	"context"
	"fmt"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

// A wallet holds the customer's balance in one currency, in cents.
func ExampleWalletsService_List() {
	srv := polartest.NewServer(polartest.WithDemo())
	defer srv.Close()
	client, err := polar.NewClient(polartest.DemoCustomerToken, polar.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}

	page, err := client.Wallets.List(context.Background(), nil)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	for _, w := range page.Items {
		fmt.Println(w.Balance, w.Currency)
	}
	// Output:
	// 0 eur
	// 2500 usd
}
