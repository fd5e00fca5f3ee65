package polar_test

import (
	"context"
	"fmt"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

// All walks the customer's subscriptions; Active filters on the server.
func ExampleSubscriptionsService_All() {
	srv := polartest.NewServer(polartest.WithDemo())
	defer srv.Close()
	client, err := polar.NewClient(polartest.DemoCustomerToken, polar.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}

	active := true
	for sub, err := range client.Subscriptions.All(context.Background(), &polar.SubscriptionListOptions{Active: &active}) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Println(sub.Product.Name, sub.Status, sub.Amount, sub.Currency, "per", sub.RecurringInterval)
	}
	// Output:
	// Pro Monthly active 1500 usd per month
	// Pro Yearly trialing 15000 usd per year
	// Storage Pack active 5500 usd per month
}

// Get fetches one subscription, with the change scheduled for its next
// period, if any.
//
// The fake's clock is fixed at polartest.DemoTime, when the Demo data are
// written, so that the dates printed are the same on every run.
func ExampleSubscriptionsService_Get() {
	srv := polartest.NewServer(polartest.WithDemo(), polartest.WithClock(func() time.Time { return polartest.DemoTime }))
	defer srv.Close()
	client, err := polar.NewClient(polartest.DemoCustomerToken, polar.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}

	sub, err := client.Subscriptions.Get(context.Background(), polartest.DemoSubscriptionID)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(sub.Product.Name, sub.Status, "until", sub.CurrentPeriodEnd.Format("2006-01-02"))
	if sub.PendingUpdate != nil {
		fmt.Println("pending: product", *sub.PendingUpdate.ProductID)
	}
	// Output:
	// Pro Monthly active until 2026-08-11
	// pending: product 00000002-0000-4000-8000-000000000002
}
