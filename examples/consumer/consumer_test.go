package consumer

import (
	"context"
	"errors"
	"slices"
	"testing"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

// TestActiveSubscriptions runs the consumer end to end against the fake
// server and its Demo data: a session minted with the organization token,
// then the subscriptions of that session's customer.
func TestActiveSubscriptions(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	base := srv.Client("")
	ctx := context.Background()

	demo := polartest.Demo()
	products := map[string]string{}
	for _, p := range demo.Products {
		products[p.ID] = p.Name
	}
	for _, customer := range []string{polartest.DemoCustomerID, polartest.DemoOtherCustomerID} {
		portal, err := Portal(ctx, base, polartest.DemoOrganizationToken, customer)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ActiveSubscriptions(ctx, portal)
		if err != nil {
			t.Fatal(err)
		}

		// Active subscriptions are those that are active or trialing.
		var want []string
		for _, s := range demo.Subscriptions {
			if s.CustomerID == customer && (s.Status == polar.SubscriptionStatusActive || s.Status == polar.SubscriptionStatusTrialing) {
				want = append(want, s.ID)
			}
		}
		var ids []string
		for _, s := range got {
			ids = append(ids, s.ID)
			if s.Product == "" || s.Product != products[productOf(demo, s.ID)] {
				t.Errorf("subscription %s: product %q, want %q", s.ID, s.Product, products[productOf(demo, s.ID)])
			}
			if s.Price == "" || s.PeriodEnd.IsZero() {
				t.Errorf("subscription %s: %+v", s.ID, s)
			}
		}
		slices.Sort(ids)
		slices.Sort(want)
		if len(want) == 0 || !slices.Equal(ids, want) {
			t.Errorf("customer %s: active subscriptions %v, want %v", customer, ids, want)
		}
	}

	// Alice's Pro Monthly subscription, as her account page shows it.
	portal, err := Portal(ctx, base, polartest.DemoOrganizationToken, polartest.DemoCustomerID)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := ActiveSubscriptions(ctx, portal)
	i := slices.IndexFunc(got, func(s Subscription) bool { return s.ID == polartest.DemoSubscriptionID })
	if i < 0 {
		t.Fatalf("no %s among %+v", polartest.DemoSubscriptionID, got)
	}
	if s := got[i]; s.Product != "Pro Monthly" || s.Status != polar.SubscriptionStatusActive || s.Price != "15.00 USD / month" || !s.Renews {
		t.Errorf("Pro Monthly: %+v", s)
	}
}

func TestPortalRefusesOtherOrganizations(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	// Carol is a customer of umbrella, not of acme, whose token this is.
	_, err := Portal(context.Background(), srv.Client(""), polartest.DemoOrganizationToken, polartest.DemoOtherOrganizationCustomerID)
	var ve *polar.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("session for another organization's customer: %v", err)
	}
}

func productOf(f *polartest.Fixture, subscriptionID string) string {
	for _, s := range f.Subscriptions {
		if s.ID == subscriptionID {
			return s.ProductID
		}
	}
	return ""
}
