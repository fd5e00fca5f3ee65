package polar_test

import (
	"context"
	"fmt"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

// With WithPrefetch, All fetches up to n pages ahead while the loop
// consumes the current one, in the order of the pages; a break cancels
// the fetches in flight.
func ExampleWithPrefetch() {
	srv := polartest.NewServer(polartest.WithDemo())
	defer srv.Close()
	client, err := polar.NewClient(polartest.DemoCustomerToken, polar.WithBaseURL(srv.URL), polar.WithPrefetch(4))
	if err != nil {
		panic(err)
	}

	var total int64
	n := 0
	opts := &polar.OrderListOptions{ListOptions: polar.ListOptions{Limit: 100}}
	for order, err := range client.Orders.All(context.Background(), opts) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		total += order.TotalAmount
		n++
	}
	fmt.Println(n, "orders,", total, "cents")

	for order, err := range client.Orders.All(context.Background(), opts) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Println("newest:", order.Description)
		break // stops the walk
	}
	// Output:
	// 250 orders, 1398000 cents
	// newest: Pro Monthly
}
