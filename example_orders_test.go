package polar_test

import (
	"context"
	"fmt"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

// List returns one page and tells how many there are; the options filter
// and sort on the server.
//
// The fake's clock is fixed at polartest.DemoTime, when the Demo data are
// written, so that the dates printed are the same on every run.
func ExampleOrdersService_List() {
	srv := polartest.NewServer(polartest.WithDemo(), polartest.WithClock(func() time.Time { return polartest.DemoTime }))
	defer srv.Close()
	client, err := polar.NewClient(polartest.DemoCustomerToken, polar.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}

	page, err := client.Orders.List(context.Background(), &polar.OrderListOptions{
		ListOptions:        polar.ListOptions{Limit: 3},
		ProductBillingType: []polar.ProductBillingType{polar.ProductBillingTypeOneTime},
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	for _, order := range page.Items {
		fmt.Println(order.CreatedAt.Format("2006-01-02"), order.TotalAmount, order.Currency, order.Description)
	}
	fmt.Println(page.Pagination.TotalCount, "orders in", page.Pagination.MaxPage, "pages")
	// Output:
	// 2026-07-30 2280 usd E-book
	// 2026-07-29 5880 usd Desktop App
	// 2026-07-25 2280 usd E-book
	// 100 orders in 34 pages
}

// Get fetches one order by its ID.
func ExampleOrdersService_Get() {
	srv := polartest.NewServer(polartest.WithDemo())
	defer srv.Close()
	client, err := polar.NewClient(polartest.DemoCustomerToken, polar.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}

	order, err := client.Orders.Get(context.Background(), polartest.DemoOrderID)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(order.Status, order.TotalAmount, order.Currency, order.Description)
	fmt.Println("billed to", *order.BillingName, "receipt", *order.ReceiptNumber)
	for _, item := range order.Items {
		fmt.Println(item.Label, item.Amount)
	}
	// Output:
	// paid 1800 usd Pro Monthly
	// billed to Alice Martin receipt R-000001
	// Pro Monthly 1500
}

// An update sets the fields given with polar.Set, clears those given
// with polar.Null and leaves the others as they are.
func ExampleOrdersService_Update() {
	srv := polartest.NewServer(polartest.WithDemo())
	defer srv.Close()
	client, err := polar.NewClient(polartest.DemoCustomerToken, polar.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	order, err := client.Orders.Update(ctx, polartest.DemoOrderID, &polar.CustomerOrderUpdate{
		BillingName: polar.Set("ACME Inc."), // set
		// BillingAddress is left out: unchanged
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(*order.BillingName, order.BillingAddress != nil)

	order, err = client.Orders.Update(ctx, polartest.DemoOrderID, &polar.CustomerOrderUpdate{
		BillingAddress: polar.Null[polar.AddressInput](), // clear
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(*order.BillingName, order.BillingAddress != nil)
	// Output:
	// ACME Inc. true
	// ACME Inc. false
}
