package polartest_test

import (
	"net/http"
	"testing"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

func TestCustomersGet(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, tp := client(t, srv, polartest.DemoCustomerToken)
	me, err := c.Customers.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.CustomerPortalCustomer](t, tp.body())
	if me.ID != polartest.DemoCustomerID || *me.Email != "alice@example.com" || me.TaxID.Format != polar.TaxIDFormatEUVAT ||
		*me.DefaultPaymentMethodID != polartest.DemoPaymentMethodID || me.OAuthAccounts["github"].AccountID != "1001" {
		t.Errorf("Alice: %+v", me)
	}
	m, _ := client(t, srv, polartest.DemoPlainMemberToken)
	team, err := m.Customers.Get(ctx)
	if err != nil || team.ID != polartest.DemoTeamID || *team.Type != polar.CustomerTypeTeam {
		t.Errorf("a member reads the team: %+v, %v", team, err)
	}
}

func TestCustomersUpdate(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, tp := client(t, srv, polartest.DemoCustomerToken)

	me, err := c.Customers.Update(ctx, &polar.CustomerPortalCustomerUpdate{BillingName: polar.Set("Alice M.")})
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.CustomerPortalCustomer](t, tp.body())
	if *me.BillingName != "Alice M." || me.BillingAddress == nil || me.TaxID == nil || me.ModifiedAt == nil {
		t.Errorf("set billing name: %+v", me)
	}

	// A German address with a German VAT ID.
	me, err = c.Customers.Update(ctx, &polar.CustomerPortalCustomerUpdate{
		BillingAddress: polar.Set(polar.AddressInput{City: new("Berlin"), Country: "DE"}),
		TaxID:          polar.Set("DE 123456789"),
	})
	if err != nil || me.TaxID == nil || me.TaxID.ID != "DE123456789" || me.TaxID.Format != polar.TaxIDFormatEUVAT || me.BillingAddress.Country != "DE" {
		t.Fatalf("German address and VAT ID: %+v, %v", me, err)
	}
	_, err = c.Customers.Update(ctx, &polar.CustomerPortalCustomerUpdate{TaxID: polar.Set("FR61954506077")})
	wantValidation(t, err, "body.tax_id", "value_error")
	_, err = c.Customers.Update(ctx, &polar.CustomerPortalCustomerUpdate{BillingAddress: polar.Set(polar.AddressInput{Country: "US"})})
	wantValidation(t, err, "body.billing_address.country", "value_error")

	// Clearing.
	me, err = c.Customers.Update(ctx, &polar.CustomerPortalCustomerUpdate{
		TaxID: polar.Null[string](), BillingAddress: polar.Null[polar.AddressInput](),
		BillingName: polar.Null[string](), DefaultPaymentMethodID: polar.Null[string](),
	})
	if err != nil || me.TaxID != nil || me.BillingAddress != nil || me.BillingName != nil || me.DefaultPaymentMethodID != nil {
		t.Fatalf("clear everything: %+v, %v", me, err)
	}
	again, _ := c.Customers.Get(ctx)
	if again.TaxID != nil || again.BillingName != nil || *again.Name != "Alice Martin" {
		t.Error("the clearing did not stick")
	}

	me, err = c.Customers.Update(ctx, &polar.CustomerPortalCustomerUpdate{DefaultPaymentMethodID: polar.Set(polartest.DemoDeclinedPaymentMethodID)})
	if err != nil || *me.DefaultPaymentMethodID != polartest.DemoDeclinedPaymentMethodID {
		t.Errorf("default payment method: %+v, %v", me, err)
	}
	bobsCard := "00000011-0000-4000-8000-000000000006"
	_, err = c.Customers.Update(ctx, &polar.CustomerPortalCustomerUpdate{DefaultPaymentMethodID: polar.Set(bobsCard)})
	wantValidation(t, err, "body.default_payment_method_id", "value_error")
	_, err = c.Customers.Update(ctx, &polar.CustomerPortalCustomerUpdate{DefaultPaymentMethodID: polar.Set("x")})
	wantValidation(t, err, "body.default_payment_method_id", "uuid_parsing")

	// Bob is untouched.
	bob, _ := client(t, srv, polartest.DemoOtherCustomerToken)
	if b, _ := bob.Customers.Get(ctx); b.BillingName != nil || b.ID != polartest.DemoOtherCustomerID {
		t.Errorf("Bob: %+v", b)
	}

	// Members: billing managers may, plain members may not.
	bm, _ := client(t, srv, polartest.DemoBillingManagerToken)
	if team, err := bm.Customers.Update(ctx, &polar.CustomerPortalCustomerUpdate{BillingName: polar.Set("Globex Ltd")}); err != nil || *team.BillingName != "Globex Ltd" {
		t.Errorf("billing manager: %+v, %v", team, err)
	}
	plain, _ := client(t, srv, polartest.DemoPlainMemberToken)
	_, err = plain.Customers.Update(ctx, &polar.CustomerPortalCustomerUpdate{BillingName: polar.Set("Mia's")})
	wantAPIError(t, err, http.StatusForbidden, "NotPermitted")

	status, _, b := raw(t, srv, http.MethodPatch, "/v1/customer-portal/customers/me", polartest.DemoCustomerToken, stringsReader(`{"tax_id": 12, "billing_name": []}`))
	if status != http.StatusUnprocessableEntity || !contains(b, `["body","tax_id"]`) || !contains(b, `["body","billing_name"]`) {
		t.Errorf("two bad fields: %d %s", status, b)
	}
}

func TestOrganizationsGet(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, tp := client(t, srv, "")
	org, err := c.Organizations.Get(ctx, polartest.DemoOrganizationSlug)
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.CustomerOrganizationData](t, tp.body())
	if org.Organization.ID != polartest.DemoOrganizationID || len(org.Products) != 6 {
		t.Errorf("acme: %s with %d products, want 6 (no archived or private ones)", org.Organization.ID, len(org.Products))
	}
	for _, p := range org.Products {
		if p.IsArchived || p.Visibility != polar.ProductVisibilityPublic {
			t.Errorf("product %s shown: archived %v, %s", p.Name, p.IsArchived, p.Visibility)
		}
	}
	_, err = c.Organizations.Get(ctx, "no-such-org")
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	// A session token is fine too (the SDK does not send it).
	withToken, _ := client(t, srv, polartest.DemoCustomerToken)
	if _, err := withToken.Organizations.Get(ctx, polartest.DemoOtherOrganizationSlug); err != nil {
		t.Error(err)
	}
}
