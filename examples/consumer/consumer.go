// Package consumer is a small piece of a backend that serves Polar
// customers: it mints a customer session for a customer and lists that
// customer's active subscriptions with their product names. Its test runs
// it end to end against polartest, Polar's API faked in-process; see
// consumer_test.go.
package consumer

import (
	"context"
	"fmt"
	"time"

	polar "github.com/polarportal/polar-go"
)

// Portal returns a client that acts as the customer customerID: it mints
// a customer session with orgToken, an organization access token with the
// customer_sessions:write scope, and derives a client holding the
// session's token from base, which a backend shares among its customers.
func Portal(ctx context.Context, base *polar.Client, orgToken, customerID string) (*polar.Client, error) {
	s, err := base.WithToken(orgToken).Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: customerID})
	if err != nil {
		return nil, fmt.Errorf("customer session for %s: %w", customerID, err)
	}
	return base.WithToken(s.Token), nil
}

// Subscription is an active subscription as an account page shows it.
type Subscription struct {
	ID        string
	Product   string // the product's name
	Status    polar.SubscriptionStatus
	Price     string    // such as "15.00 USD / month"
	Renews    bool      // false when it ends with the current period
	PeriodEnd time.Time // the end of the current period
}

// ActiveSubscriptions returns the active subscriptions of the customer
// whose session portal holds, in the server's order (most recently
// started first), every page of them.
func ActiveSubscriptions(ctx context.Context, portal *polar.Client) ([]Subscription, error) {
	var subs []Subscription
	for s, err := range portal.Subscriptions.All(ctx, &polar.SubscriptionListOptions{Active: new(true)}) {
		if err != nil {
			return nil, fmt.Errorf("listing subscriptions: %w", err)
		}
		subs = append(subs, Subscription{
			ID:        s.ID,
			Product:   s.Product.Name,
			Status:    s.Status,
			Price:     fmt.Sprintf("%d.%02d %s / %s", s.Amount/100, s.Amount%100, upper(s.Currency), s.RecurringInterval),
			Renews:    !s.CancelAtPeriodEnd && s.EndsAt == nil,
			PeriodEnd: s.CurrentPeriodEnd,
		})
	}
	return subs, nil
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
