package polartest_test

import (
	"net/http"
	"testing"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

// On the real clock (no WithClock), what the Demo constants document
// holds: WithDemo writes the data set at the server's clock.
func TestDemoStatesOnTheRealClock(t *testing.T) {
	before := time.Now()
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	public, _ := client(t, srv, "")
	validate := func(key string) (*polar.ValidatedLicenseKey, error) {
		return public.LicenseKeys.Validate(ctx, &polar.LicenseKeyValidate{Key: key, OrganizationID: polartest.DemoOrganizationID})
	}

	// DemoLicenseKey is at its activation limit (3 of 3).
	k, err := validate(polartest.DemoLicenseKey)
	if err != nil || k.Status != polar.LicenseKeyStatusGranted || k.LimitActivations == nil || *k.LimitActivations != 3 {
		t.Errorf("DemoLicenseKey: %+v, %v", k, err)
	}
	// DemoUsageLicenseKey is one use short of its usage limit.
	if k, err := validate(polartest.DemoUsageLicenseKey); err != nil || k.Usage != 99 || k.LimitUsage == nil || *k.LimitUsage != 100 {
		t.Errorf("DemoUsageLicenseKey: %+v, %v", k, err)
	}
	// The third key expires a day after the data set is written: valid
	// today, expiring tomorrow.
	k, err = validate("ACME-DEMO-0003-CCCC")
	if err != nil {
		t.Fatalf("the key expiring tomorrow: %v", err)
	}
	if k.ExpiresAt == nil || !k.ExpiresAt.After(time.Now()) || k.ExpiresAt.After(time.Now().Add(24*time.Hour)) {
		t.Errorf("the key expiring tomorrow expires at %v (now %v)", k.ExpiresAt, time.Now())
	}
	// The fourth is revoked.
	_, err = validate("ACME-DEMO-0004-DDDD")
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")

	// Demo tokens never expire, except DemoExpiredToken.
	alice, _ := client(t, srv, polartest.DemoCustomerToken)
	if _, err := alice.Customers.Get(ctx); err != nil {
		t.Errorf("DemoCustomerToken: %v", err)
	}
	expired, _ := client(t, srv, polartest.DemoExpiredToken)
	_, err = expired.Customers.Get(ctx)
	wantAPIError(t, err, http.StatusUnauthorized, "invalid_token")

	// The newest order was made a day before now.
	o, err := alice.Orders.Get(ctx, polartest.DemoOrderID)
	if err != nil || o.CreatedAt.Before(before.Add(-24*time.Hour-time.Second)) || o.CreatedAt.After(time.Now().Add(-24*time.Hour)) {
		t.Errorf("DemoOrderID created at %v, %v", o, err)
	}
	// The renewal in dunning has its next payment attempt ahead.
	o, err = alice.Orders.Get(ctx, polartest.DemoPendingOrderID)
	if err != nil || o.Status != polar.OrderStatusPending || o.NextPaymentAttemptAt == nil || !o.NextPaymentAttemptAt.After(time.Now()) {
		t.Errorf("DemoPendingOrderID: %+v, %v", o, err)
	}

	// The current period of every subscription that runs contains now,
	// and the change pending on Pro Monthly applies at its end, ahead.
	now := time.Now()
	for _, id := range []string{polartest.DemoSubscriptionID, polartest.DemoUnitSubscriptionID} {
		s, err := alice.Subscriptions.Get(ctx, id)
		if err != nil || s.Status != polar.SubscriptionStatusActive || s.CurrentPeriodStart.After(now) || !s.CurrentPeriodEnd.After(now) {
			t.Errorf("subscription %s: %+v, %v", id, s, err)
			continue
		}
		if id == polartest.DemoSubscriptionID && (s.PendingUpdate == nil || !s.PendingUpdate.AppliesAt.After(now)) {
			t.Errorf("the pending update of %s: %+v", id, s.PendingUpdate)
		}
	}
}
