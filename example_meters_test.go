package polar_test

import (
	"context"
	"fmt"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

// A customer meter tells how much of a metered product the customer has
// used and been credited in the current period.
func ExampleMetersService_All() {
	srv := polartest.NewServer(polartest.WithDemo())
	defer srv.Close()
	client, err := polar.NewClient(polartest.DemoCustomerToken, polar.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}

	opts := &polar.MeterListOptions{Sorting: []polar.CustomerMeterSortProperty{polar.CustomerMeterSortPropertyMeterName}}
	for m, err := range client.Meters.All(context.Background(), opts) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Printf("%s: %g used, %d credited, balance %g\n", m.Meter.Name, m.ConsumedUnits, m.CreditedUnits, m.Balance)
	}
	// Output:
	// API calls: 1234.5 used, 1000 credited, balance -234.5
	// Storage (GB): 12.25 used, 50 credited, balance 37.75
}
