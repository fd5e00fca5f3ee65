package polartest_test

import (
	"errors"
	"net/http"
	"testing"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

// TestServerChecksArePolarRequestValidationError: what Polar's services
// check themselves, once the request has its schema's shape, they refuse
// with PolarRequestValidationError (the framework's schema validation
// alone is RequestValidationError), so that errors.Is(err,
// polar.ErrPolarRequestValidationError) holds on the fake as on Polar.
func TestServerChecksArePolarRequestValidationError(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	alice, _ := client(t, srv, polartest.DemoCustomerToken)
	admin, _ := client(t, srv, polartest.DemoOrganizationToken)
	anon, _ := client(t, srv, "")
	globex, _ := client(t, srv, polartest.DemoMemberToken)

	// Alice asks to move to Bob's address: verifying finds it in use.
	if err := alice.Customers.RequestEmailUpdate(ctx, &polar.CustomerEmailUpdateRequest{Email: "bob@example.com"}); err != nil {
		t.Fatal(err)
	}
	inUse, _ := srv.EmailUpdateToken(polartest.DemoCustomerID)

	checks := map[string]func() error{
		"customer update: unknown payment method": func() error {
			_, err := alice.Customers.Update(ctx, &polar.CustomerPortalCustomerUpdate{DefaultPaymentMethodID: polar.Set(polartest.UUID("no such method"))})
			return err
		},
		"customer update: invalid tax ID": func() error {
			_, err := alice.Customers.Update(ctx, &polar.CustomerPortalCustomerUpdate{TaxID: polar.Set("XX1")})
			return err
		},
		"email update request: the same address": func() error {
			return alice.Customers.RequestEmailUpdate(ctx, &polar.CustomerEmailUpdateRequest{Email: "alice@example.com"})
		},
		"email update request: a team": func() error {
			return globex.Customers.RequestEmailUpdate(ctx, &polar.CustomerEmailUpdateRequest{Email: "new@globex.example"})
		},
		"email update verify: an address in use": func() error {
			_, err := anon.Customers.VerifyEmailUpdate(ctx, &polar.CustomerEmailUpdateVerifyRequest{Token: inUse})
			return err
		},
		"session create: unknown customer": func() error {
			_, err := admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: polartest.UUID("nobody")})
			return err
		},
		"session create: unknown member": func() error {
			_, err := admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: polartest.DemoTeamID, ExternalMemberID: "nobody"})
			return err
		},
		"order update: country": func() error {
			_, err := alice.Orders.Update(ctx, polartest.DemoOrderID, &polar.CustomerOrderUpdate{BillingAddress: polar.Set(polar.AddressInput{Country: "DE"})})
			return err
		},
		"benefit-grant update: another type": func() error {
			_, err := alice.BenefitGrants.Update(ctx, demoGrantID(2), polar.CustomerBenefitGrantCustomUpdate{})
			return err
		},
		"payment method confirm: unknown setup intent": func() error {
			_, err := alice.Customers.ConfirmPaymentMethod(ctx, &polar.CustomerPaymentMethodConfirm{SetupIntentID: "seti_unknown"})
			return err
		},
		"subscription update: no pending update": func() error {
			_, err := alice.Subscriptions.Update(ctx, "00000006-0000-4000-8000-000000000002", polar.CustomerSubscriptionUpdateClear{})
			return err
		},
	}
	for name, call := range checks {
		err := call()
		var ve *polar.ValidationError
		if !errors.Is(err, polar.ErrPolarRequestValidationError) || errors.Is(err, polar.ErrRequestValidationError) || !errors.As(err, &ve) {
			t.Errorf("%s: %v, want a *ValidationError matching ErrPolarRequestValidationError only", name, err)
		}
	}

	// The schema's own problems stay RequestValidationError.
	_, err := alice.Orders.Get(ctx, "not-a-uuid")
	if !errors.Is(err, polar.ErrRequestValidationError) || errors.Is(err, polar.ErrPolarRequestValidationError) {
		t.Errorf("a malformed ID: %v", err)
	}
}

// TestNotPermittedTexts: Polar's customer portal answers 403 NotPermitted
// with a text per reason: the billing role check ("Only owners and
// billing managers can access billing features."), the members' role
// check ("Insufficient role for this operation") and the members
// operations of a customer that is not a team. A plain member cannot
// list payment methods: it is a billing operation.
func TestNotPermittedTexts(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	plain, _ := client(t, srv, polartest.DemoPlainMemberToken)
	want := func(err error, text string) {
		t.Helper()
		if e := wantAPIError(t, err, http.StatusForbidden, "NotPermitted"); e.Detail != text {
			t.Errorf("detail %q, want %q", e.Detail, text)
		}
	}
	const billing = "Only owners and billing managers can access billing features."
	_, err := plain.Orders.List(ctx, nil)
	want(err, billing)
	_, err = plain.Customers.ListPaymentMethods(ctx, nil)
	want(err, billing)
	_, err = plain.Members.List(ctx, nil)
	want(err, "Insufficient role for this operation")

	// Alice's owner member (made by the session) manages no team.
	admin, _ := client(t, srv, polartest.DemoOrganizationToken)
	s, err := admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: polartest.DemoCustomerID})
	if err != nil {
		t.Fatal(err)
	}
	owner, _ := client(t, srv, s.Token)
	_, err = owner.Members.List(ctx, nil)
	want(err, "Member management is only available for team customers. Purchase a seat-based product to enable team features.")
}

// TestUnauthorizedCarriesWWWAuthenticate: Polar's Unauthorized exception
// sets WWW-Authenticate: Bearer realm="polar".
func TestUnauthorizedCarriesWWWAuthenticate(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	for _, tc := range []struct{ path, token string }{
		{"/v1/customer-portal/customers/me", ""},                              // no token
		{"/v1/customer-portal/customers/me", polartest.DemoOrganizationToken}, // an organization token
		{"/v1/customer-portal/members", polartest.DemoCustomerToken},          // a customer session
	} {
		status, hdr, b := raw(t, srv, http.MethodGet, tc.path, tc.token, nil)
		if status != http.StatusUnauthorized || decodeError(t, b).Error != "Unauthorized" || hdr.Get("WWW-Authenticate") != `Bearer realm="polar"` {
			t.Errorf("%s with %q: %d %v %s", tc.path, tc.token, status, hdr, b)
		}
	}
}
