package polartest_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

// The Demo's license keys: n from 1 to 5 are Alice's key at its
// activation limit, her key one use short of its usage limit, her key
// that expires a day after DemoTime, her revoked key, and Mia's.
func demoKeyID(n int) string { return fmt.Sprintf("00000008-0000-4000-8000-%012d", n) }

func demoActivationID(n int) string { return fmt.Sprintf("00000016-0000-4000-8000-%012d", n) }

const (
	expiringKey     = "ACME-DEMO-0003-CCCC"
	revokedKey      = "ACME-DEMO-0004-DDDD"
	miasKey         = "ACME-DEMO-0005-EEEE"
	licenseKeysPath = "/v1/customer-portal/license-keys/"
)

// keyFixture adds keys of Alice that the Demo has not: one without
// activations, a disabled one, and one whose benefit does not let
// customers manage activations.
func keyFixture() *polartest.Fixture {
	alice := polartest.Demo().Customers[0]
	key := func(name string, benefitID string) polar.LicenseKeyWithActivations {
		return polar.LicenseKeyWithActivations{LicenseKey: polar.LicenseKey{
			ID: polartest.UUID(name), CreatedAt: polartest.DemoTime.Add(-time.Hour), OrganizationID: polartest.DemoOrganizationID,
			CustomerID: alice.ID, BenefitID: benefitID, Key: strings.ToUpper(name), DisplayKey: "****-" + strings.ToUpper(name[len(name)-6:]),
			Status: polar.LicenseKeyStatusGranted,
		}, Activations: []polar.LicenseKeyActivation{}}
	}
	unlimited := key("no-activations", demoBenefitID(6))
	disabled := key("disabled-key", demoBenefitID(6))
	disabled.Status, disabled.LimitActivations = polar.LicenseKeyStatusDisabled, new(int64(1))
	noAdminBenefit := polartest.UUID("benefit:no admin")
	noAdmin := key("no-admin-key", noAdminBenefit)
	noAdmin.LimitActivations = new(int64(2))
	noAdmin.Activations = []polar.LicenseKeyActivation{{ID: polartest.UUID("no admin activation"), LicenseKeyID: noAdmin.ID, Label: "Desktop", Meta: map[string]any{}, CreatedAt: polartest.DemoTime}}
	grant := &polar.CustomerBenefitGrantLicenseKeys{
		CustomerBenefitGrantCommon: polar.CustomerBenefitGrantCommon{
			ID: polartest.UUID("no admin grant"), CreatedAt: polartest.DemoTime, CustomerID: alice.ID, BenefitID: noAdminBenefit,
			IsGranted: true, GrantedAt: new(polartest.DemoTime), OrderID: new("00000005-0000-4000-8000-000000000004"),
		},
		Benefit: polar.BenefitLicenseKeysSubscriber{
			BenefitSubscriberCommon: polar.BenefitSubscriberCommon{ID: noAdminBenefit, CreatedAt: polartest.DemoTime, Description: "Pro Yearly license", OrganizationID: polartest.DemoOrganizationID},
			Properties:              polar.BenefitLicenseKeysSubscriberProperties{Activations: &polar.BenefitLicenseKeyActivationProperties{Limit: 2}},
		},
		Properties: polar.BenefitGrantLicenseKeysProperties{LicenseKeyID: new(noAdmin.ID), DisplayKey: new(noAdmin.DisplayKey)},
	}
	return &polartest.Fixture{
		LicenseKeys:   []polar.LicenseKeyWithActivations{unlimited, disabled, noAdmin},
		BenefitGrants: []polar.CustomerBenefitGrant{grant},
	}
}

func keyIDs(keys []polar.LicenseKey) []string {
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = k.ID
	}
	return ids
}

func TestLicenseKeysList(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, tp := client(t, srv, polartest.DemoCustomerToken)

	page, err := c.LicenseKeys.List(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.Page[polar.LicenseKey]](t, tp.body())
	want := []string{demoKeyID(1), demoKeyID(2), demoKeyID(3), demoKeyID(4)}
	if got := keyIDs(page.Items); !slices.Equal(got, want) || page.Pagination != (polar.Pagination{TotalCount: 4, MaxPage: 1}) {
		t.Fatalf("Alice's keys: %v, %+v", got, page.Pagination)
	}
	if k := page.Items[0]; k.Key != polartest.DemoLicenseKey || k.Customer.ID != polartest.DemoCustomerID || *k.Customer.Email != "alice@example.com" || k.Validations != 42 {
		t.Errorf("first key: %+v", k)
	}

	p2, err := c.LicenseKeys.List(ctx, &polar.LicenseKeyListOptions{ListOptions: polar.ListOptions{Page: 2, Limit: 3}})
	if err != nil || !slices.Equal(keyIDs(p2.Items), want[3:]) || p2.Pagination.MaxPage != 2 {
		t.Fatalf("page 2 of 3: %+v, %v", p2, err)
	}
	var all []string
	for k, err := range c.LicenseKeys.All(ctx, &polar.LicenseKeyListOptions{ListOptions: polar.ListOptions{Limit: 1}}) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, k.ID)
	}
	if !slices.Equal(all, want) {
		t.Errorf("All: %v", all)
	}

	byBenefit, err := c.LicenseKeys.List(ctx, &polar.LicenseKeyListOptions{BenefitID: demoBenefitID(6)})
	if err != nil || len(byBenefit.Items) != 4 {
		t.Errorf("benefit filter: %+v, %v", byBenefit, err)
	}
	none, err := c.LicenseKeys.List(ctx, &polar.LicenseKeyListOptions{BenefitID: demoBenefitID(1)})
	if err != nil || len(none.Items) != 0 || none.Pagination.TotalCount != 0 {
		t.Errorf("another benefit: %+v, %v", none, err)
	}
	_, err = c.LicenseKeys.List(ctx, &polar.LicenseKeyListOptions{BenefitID: "nope"})
	wantValidation(t, err, "query.benefit_id", "uuid_parsing")
	for _, q := range []string{"?page=0", "?limit=-1"} {
		status, _, b := raw(t, srv, http.MethodGet, licenseKeysPath+q, polartest.DemoCustomerToken, nil)
		if status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d %s", q, status, b)
		}
	}

	// Others see their own keys; a member only those granted to them.
	for _, tc := range []struct {
		token string
		want  []string
	}{
		{polartest.DemoOtherCustomerToken, nil},
		{polartest.DemoTeamCustomerToken, []string{demoKeyID(5)}},
		{polartest.DemoPlainMemberToken, []string{demoKeyID(5)}},
		{polartest.DemoMemberToken, nil},
		{polartest.DemoReadOnlyToken, want},
	} {
		other, tp := client(t, srv, tc.token)
		p, err := other.LicenseKeys.List(ctx, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.token, err)
		}
		strict[polar.Page[polar.LicenseKey]](t, tp.body())
		if got := keyIDs(p.Items); !slices.Equal(got, tc.want) {
			t.Errorf("%s sees %v, want %v", tc.token, got, tc.want)
		}
	}
	mia, _ := client(t, srv, polartest.DemoPlainMemberToken)
	if p, _ := mia.LicenseKeys.List(ctx, nil); p.Items[0].Member == nil || p.Items[0].Member.Email != "mia@globex.example" {
		t.Errorf("Mia's key has no member: %+v", p.Items[0])
	}
	anon, _ := client(t, srv, "")
	_, err = anon.LicenseKeys.List(ctx, nil)
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
}

func TestLicenseKeysGet(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithFixture(keyFixture()))
	c, tp := client(t, srv, polartest.DemoCustomerToken)
	k, err := c.LicenseKeys.Get(ctx, polartest.DemoLicenseKeyID)
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.LicenseKeyWithActivations](t, tp.body())
	if k.Key != polartest.DemoLicenseKey || len(k.Activations) != 3 || k.Activations[0].ID != demoActivationID(1) || k.Activations[0].Meta["os"] != "linux" {
		t.Errorf("key at its limit: %+v", k)
	}
	// The benefit of this key does not let customers manage activations.
	k, err = c.LicenseKeys.Get(ctx, polartest.UUID("no-admin-key"))
	if err != nil || k.Activations == nil || len(k.Activations) != 0 {
		t.Errorf("activations of a key without customer admin: %+v, %v", k, err)
	}
	strict[polar.LicenseKeyWithActivations](t, tp.body())

	for _, id := range []string{demoKeyID(5), polartest.UUID("no such key")} {
		_, err := c.LicenseKeys.Get(ctx, id)
		wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	}
	_, err = c.LicenseKeys.Get(ctx, "nope")
	wantValidation(t, err, "path.id", "uuid_parsing")
	mia, _ := client(t, srv, polartest.DemoPlainMemberToken)
	if k, err := mia.LicenseKeys.Get(ctx, demoKeyID(5)); err != nil || k.Key != miasKey {
		t.Errorf("Mia's key: %+v, %v", k, err)
	}
	olivia, _ := client(t, srv, polartest.DemoMemberToken)
	_, err = olivia.LicenseKeys.Get(ctx, demoKeyID(5))
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	anon, _ := client(t, srv, "")
	_, err = anon.LicenseKeys.Get(ctx, polartest.DemoLicenseKeyID)
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
}

func TestLicenseKeysRotate(t *testing.T) {
	clk := newClock()
	srv := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithFixture(keyFixture()), polartest.WithClock(clk.Now))
	c, tp := client(t, srv, polartest.DemoCustomerToken)
	public, _ := client(t, srv, "")

	r, err := c.LicenseKeys.Rotate(ctx, polartest.DemoLicenseKeyID)
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.RotatedLicenseKey](t, tp.body())
	if r.Key == polartest.DemoLicenseKey || !strings.HasPrefix(r.Key, "ACME-") || r.DisplayKey != "****-"+r.Key[len(r.Key)-6:] ||
		r.Status != polar.LicenseKeyStatusGranted || r.Validations != 42 || !r.ModifiedAt.Equal(clk.Now()) {
		t.Errorf("rotated: %+v", r)
	}
	k, _ := c.LicenseKeys.Get(ctx, polartest.DemoLicenseKeyID)
	if k.Key != r.Key || len(k.Activations) != 3 {
		t.Errorf("after rotation: %+v", k)
	}
	g, _ := c.BenefitGrants.Get(ctx, demoGrantID(6))
	if dk := g.(*polar.CustomerBenefitGrantLicenseKeys).Properties.DisplayKey; *dk != r.DisplayKey {
		t.Errorf("the grant's display key is still %s", *dk)
	}
	// The old key string no longer validates; the new one does.
	_, err = public.LicenseKeys.Validate(ctx, &polar.LicenseKeyValidate{Key: polartest.DemoLicenseKey, OrganizationID: polartest.DemoOrganizationID})
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	if _, err := public.LicenseKeys.Validate(ctx, &polar.LicenseKeyValidate{Key: r.Key, OrganizationID: polartest.DemoOrganizationID}); err != nil {
		t.Errorf("the new key: %v", err)
	}
	r2, err := c.LicenseKeys.Rotate(ctx, polartest.DemoLicenseKeyID)
	if err != nil || r2.Key == r.Key {
		t.Errorf("second rotation: %+v, %v", r2, err)
	}

	// A disabled key rotates, a revoked one does not.
	if r, err := c.LicenseKeys.Rotate(ctx, polartest.UUID("disabled-key")); err != nil || r.Status != polar.LicenseKeyStatusDisabled || r.Key == "DISABLED-KEY" {
		t.Errorf("disabled key: %+v, %v", r, err)
	}
	_, err = c.LicenseKeys.Rotate(ctx, demoKeyID(4))
	apiErr := wantAPIError(t, err, http.StatusBadRequest, "RotateNotPermitted")
	if !errors.Is(err, polar.ErrRotateNotPermitted) || apiErr.Detail != "License key cannot be rotated in its current status. Current status: revoked. Allowed statuses: disabled, granted." {
		t.Errorf("revoked key: %v (%q)", err, apiErr.Detail)
	}

	// Another's key, a read-only session, no session, a bad ID.
	_, err = c.LicenseKeys.Rotate(ctx, demoKeyID(5))
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	readOnly, _ := client(t, srv, polartest.DemoReadOnlyToken)
	_, err = readOnly.LicenseKeys.Rotate(ctx, polartest.DemoLicenseKeyID)
	wantAPIError(t, err, http.StatusForbidden, "insufficient_scope")
	_, err = public.LicenseKeys.Rotate(ctx, polartest.DemoLicenseKeyID)
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
	_, err = c.LicenseKeys.Rotate(ctx, "0e8c1a3a-1b2c-1d5e-8f90-123456789abc")
	wantValidation(t, err, "path.id", "uuid_version")
	mia, _ := client(t, srv, polartest.DemoPlainMemberToken)
	if r, err := mia.LicenseKeys.Rotate(ctx, demoKeyID(5)); err != nil || r.Key == miasKey {
		t.Errorf("Mia rotates her key: %+v, %v", r, err)
	}
}

func TestLicenseKeysValidate(t *testing.T) {
	clk := newClock()
	srv := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithClock(clk.Now))
	c, tp := client(t, srv, "")
	alice, _ := client(t, srv, polartest.DemoCustomerToken)
	org := polartest.DemoOrganizationID
	clk.Advance(time.Minute)

	v, err := c.LicenseKeys.Validate(ctx, &polar.LicenseKeyValidate{Key: polartest.DemoLicenseKey, OrganizationID: org})
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.ValidatedLicenseKey](t, tp.body())
	if v.ID != polartest.DemoLicenseKeyID || v.Validations != 43 || !v.LastValidatedAt.Equal(clk.Now()) || v.Activation != nil || v.Subscription != nil || contains(tp.body(), "subscription_id") || !contains(tp.body(), `"activation":null`) {
		t.Errorf("validated: %+v", v)
	}
	v, err = c.LicenseKeys.Validate(ctx, &polar.LicenseKeyValidate{Key: polartest.DemoLicenseKey, OrganizationID: org,
		ActivationID: demoActivationID(2), BenefitID: demoBenefitID(6), CustomerID: polartest.DemoCustomerID})
	if err != nil || v.Activation == nil || v.Activation.ID != demoActivationID(2) || v.Activation.Label != "Laptop 2" || v.Validations != 44 {
		t.Fatalf("with every check: %+v, %v", v, err)
	}
	strict[polar.ValidatedLicenseKey](t, tp.body())
	if k, _ := alice.LicenseKeys.Get(ctx, polartest.DemoLicenseKeyID); k.Validations != 44 || !k.LastValidatedAt.Equal(clk.Now()) {
		t.Errorf("the validations did not stick: %d at %v", k.Validations, k.LastValidatedAt)
	}

	// Usage: the last use, then none left.
	v, err = c.LicenseKeys.Validate(ctx, &polar.LicenseKeyValidate{Key: polartest.DemoUsageLicenseKey, OrganizationID: org, IncrementUsage: 1})
	if err != nil || v.Usage != 100 {
		t.Fatalf("last use: %+v, %v", v, err)
	}
	_, err = c.LicenseKeys.Validate(ctx, &polar.LicenseKeyValidate{Key: polartest.DemoUsageLicenseKey, OrganizationID: org, IncrementUsage: 1})
	if apiErr := wantAPIError(t, err, http.StatusBadRequest, "BadRequest"); apiErr.Detail != "License key only has 0 more usages." {
		t.Errorf("usage exhausted: %q", apiErr.Detail)
	}
	if v, err := c.LicenseKeys.Validate(ctx, &polar.LicenseKeyValidate{Key: polartest.DemoUsageLicenseKey, OrganizationID: org}); err != nil || v.Usage != 100 || v.Validations != 2 {
		t.Errorf("validation without increment: %+v, %v", v, err)
	}
	if k, _ := alice.LicenseKeys.Get(ctx, demoKeyID(2)); k.Usage != 100 {
		t.Errorf("usage after the refusal: %d", k.Usage)
	}

	// Refusals, each with Polar's detail.
	for _, tc := range []struct {
		name   string
		body   polar.LicenseKeyValidate
		detail string
	}{
		{"unknown key", polar.LicenseKeyValidate{Key: "NOPE"}, "Not found"},
		{"another organization", polar.LicenseKeyValidate{Key: polartest.DemoLicenseKey, OrganizationID: polartest.DemoOtherOrganizationID}, "Not found"},
		{"revoked", polar.LicenseKeyValidate{Key: revokedKey}, "License key is no longer active."},
		{"unknown activation", polar.LicenseKeyValidate{Key: polartest.DemoLicenseKey, ActivationID: polartest.UUID("nope")}, "Not found"},
		{"another key's activation", polar.LicenseKeyValidate{Key: polartest.DemoUsageLicenseKey, ActivationID: demoActivationID(1)}, "Not found"},
		{"another benefit", polar.LicenseKeyValidate{Key: polartest.DemoLicenseKey, BenefitID: demoBenefitID(1)}, "License key does not match given benefit."},
		{"another customer", polar.LicenseKeyValidate{Key: polartest.DemoLicenseKey, CustomerID: polartest.DemoOtherCustomerID}, "License key does not match given user."},
	} {
		if tc.body.OrganizationID == "" {
			tc.body.OrganizationID = org
		}
		_, err := c.LicenseKeys.Validate(ctx, &tc.body)
		if apiErr := wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound"); apiErr.Detail != tc.detail || !errors.Is(err, polar.ErrResourceNotFound) {
			t.Errorf("%s: %q, want %q", tc.name, apiErr.Detail, tc.detail)
		}
	}

	// Expiry follows the server's clock.
	if _, err := c.LicenseKeys.Validate(ctx, &polar.LicenseKeyValidate{Key: expiringKey, OrganizationID: org}); err != nil {
		t.Fatalf("before expiry: %v", err)
	}
	clk.Advance(24 * time.Hour)
	_, err = c.LicenseKeys.Validate(ctx, &polar.LicenseKeyValidate{Key: expiringKey, OrganizationID: org})
	if apiErr := wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound"); apiErr.Detail != "License key has expired." {
		t.Errorf("expired: %q", apiErr.Detail)
	}
}

func TestLicenseKeysValidateVersion2027(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithClock(newClock().Now))
	c, tp := client(t, srv, "", polar.WithAPIVersion("2027-01"))
	v, err := c.LicenseKeys.Validate(ctx, &polar.LicenseKeyValidate{Key: polartest.DemoLicenseKey, OrganizationID: polartest.DemoOrganizationID})
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.ValidatedLicenseKey](t, tp.body())
	if v.SubscriptionID == nil || *v.SubscriptionID != polartest.DemoSubscriptionID || v.Subscription == nil ||
		v.Subscription.Status != polar.SubscriptionStatusActive || v.OrderID != nil || v.Order != nil || !contains(tp.body(), `"order":null`) {
		t.Errorf("2027-01: %+v\n%s", v, tp.body())
	}
	// A key that no grant holds has neither.
	if _, err := c.LicenseKeys.Validate(ctx, &polar.LicenseKeyValidate{Key: expiringKey, OrganizationID: polartest.DemoOrganizationID}); err != nil {
		t.Fatal(err)
	}
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(tp.body(), &fields)
	for _, f := range []string{"subscription_id", "subscription", "order_id", "order"} {
		if string(fields[f]) != "null" {
			t.Errorf("%s = %s, want null", f, fields[f])
		}
	}
}

func TestLicenseKeysActivation(t *testing.T) {
	clk := newClock()
	srv := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithFixture(keyFixture()), polartest.WithClock(clk.Now))
	c, tp := client(t, srv, "")
	alice, _ := client(t, srv, polartest.DemoCustomerToken)
	org := polartest.DemoOrganizationID

	// All three activations are taken.
	_, err := c.LicenseKeys.Activate(ctx, &polar.LicenseKeyActivate{Key: polartest.DemoLicenseKey, OrganizationID: org, Label: "Desktop"})
	if apiErr := wantAPIError(t, err, http.StatusForbidden, "NotPermitted"); apiErr.Detail != "License key activation limit already reached" {
		t.Errorf("at the limit: %q", apiErr.Detail)
	}
	// Free one, then take it.
	if err := c.LicenseKeys.Deactivate(ctx, &polar.LicenseKeyDeactivate{Key: polartest.DemoLicenseKey, OrganizationID: org, ActivationID: demoActivationID(1)}); err != nil {
		t.Fatal(err)
	}
	if len(tp.body()) != 0 {
		t.Errorf("deactivate answered a body: %s", tp.body())
	}
	if k, _ := alice.LicenseKeys.Get(ctx, polartest.DemoLicenseKeyID); len(k.Activations) != 2 || k.Activations[0].ID != demoActivationID(2) {
		t.Fatalf("after deactivation: %+v", k.Activations)
	}
	err = c.LicenseKeys.Deactivate(ctx, &polar.LicenseKeyDeactivate{Key: polartest.DemoLicenseKey, OrganizationID: org, ActivationID: demoActivationID(1)})
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")

	a, err := c.LicenseKeys.Activate(ctx, &polar.LicenseKeyActivate{Key: polartest.DemoLicenseKey, OrganizationID: org, Label: "Desktop",
		Conditions: map[string]any{"major": 2, "edition": "pro"}, Meta: map[string]any{"hostname": "ws-1", "cores": 8, "arm": false}})
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.LicenseKeyActivationWithKey](t, tp.body())
	if a.Label != "Desktop" || a.LicenseKeyID != polartest.DemoLicenseKeyID || a.Meta["hostname"] != "ws-1" || a.Meta["cores"] != 8.0 || a.Meta["arm"] != false ||
		!a.CreatedAt.Equal(clk.Now()) || a.LicenseKey.ID != polartest.DemoLicenseKeyID || a.LicenseKey.Key != polartest.DemoLicenseKey {
		t.Errorf("activation: %+v", a)
	}
	k, _ := alice.LicenseKeys.Get(ctx, polartest.DemoLicenseKeyID)
	if len(k.Activations) != 3 || k.Activations[2].ID != a.ID || k.Activations[2].Meta["cores"] != 8.0 {
		t.Errorf("after activation: %+v", k.Activations)
	}
	_, err = c.LicenseKeys.Activate(ctx, &polar.LicenseKeyActivate{Key: polartest.DemoLicenseKey, OrganizationID: org, Label: "Fourth"})
	wantAPIError(t, err, http.StatusForbidden, "NotPermitted")

	// The activation's conditions bind its validations; 2 equals 2.0.
	validate := func(conditions map[string]any) error {
		_, err := c.LicenseKeys.Validate(ctx, &polar.LicenseKeyValidate{Key: polartest.DemoLicenseKey, OrganizationID: org, ActivationID: a.ID, Conditions: conditions})
		return err
	}
	if err := validate(map[string]any{"major": 2, "edition": "pro"}); err != nil {
		t.Errorf("matching conditions: %v", err)
	}
	if err := validate(map[string]any{"major": 2.0, "edition": "pro"}); err != nil {
		t.Errorf("2.0 for 2: %v", err)
	}
	for _, cond := range []map[string]any{nil, {"major": 3, "edition": "pro"}, {"major": 2}, {"major": 2, "edition": "pro", "extra": true}} {
		err := validate(cond)
		if apiErr := wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound"); apiErr.Detail != "License key does not match required conditions" {
			t.Errorf("conditions %v: %q", cond, apiErr.Detail)
		}
	}
	// An activation without conditions takes any.
	if _, err := c.LicenseKeys.Validate(ctx, &polar.LicenseKeyValidate{Key: polartest.DemoLicenseKey, OrganizationID: org, ActivationID: demoActivationID(2), Conditions: map[string]any{"x": 1}}); err != nil {
		t.Errorf("activation without conditions: %v", err)
	}
	// Deactivation frees the activation, and forgets it.
	if err := c.LicenseKeys.Deactivate(ctx, &polar.LicenseKeyDeactivate{Key: polartest.DemoLicenseKey, OrganizationID: org, ActivationID: a.ID}); err != nil {
		t.Fatal(err)
	}
	err = validate(map[string]any{"major": 2, "edition": "pro"})
	if apiErr := wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound"); apiErr.Detail != "Not found" {
		t.Errorf("validation against a freed activation: %q", apiErr.Detail)
	}

	// Keys that cannot be activated.
	for _, tc := range []struct {
		key, detail string
	}{
		{revokedKey, "License key is no longer active. This license key can not be activated."},
		{"NO-ACTIVATIONS", "This license key does not support activations. Use the /validate endpoint instead to check license validity."},
		{"DISABLED-KEY", "License key is no longer active. This license key can not be activated."},
	} {
		_, err := c.LicenseKeys.Activate(ctx, &polar.LicenseKeyActivate{Key: tc.key, OrganizationID: org, Label: "x"})
		if apiErr := wantAPIError(t, err, http.StatusForbidden, "NotPermitted"); apiErr.Detail != tc.detail || !errors.Is(err, polar.ErrNotPermitted) {
			t.Errorf("%s: %q", tc.key, apiErr.Detail)
		}
	}
	if _, err := c.LicenseKeys.Activate(ctx, &polar.LicenseKeyActivate{Key: expiringKey, OrganizationID: org, Label: "x"}); err != nil {
		t.Errorf("before expiry: %v", err)
	}
	clk.Advance(25 * time.Hour)
	_, err = c.LicenseKeys.Activate(ctx, &polar.LicenseKeyActivate{Key: expiringKey, OrganizationID: org, Label: "y"})
	if apiErr := wantAPIError(t, err, http.StatusForbidden, "NotPermitted"); apiErr.Detail != "License key has expired." {
		t.Errorf("expired: %q", apiErr.Detail)
	}
	for _, body := range []polar.LicenseKeyActivate{
		{Key: "NOPE", OrganizationID: org, Label: "x"},
		{Key: polartest.DemoUsageLicenseKey, OrganizationID: polartest.DemoOtherOrganizationID, Label: "x"},
	} {
		_, err := c.LicenseKeys.Activate(ctx, &body)
		wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	}
	for _, body := range []polar.LicenseKeyDeactivate{
		{Key: "NOPE", OrganizationID: org, ActivationID: demoActivationID(2)},
		{Key: polartest.DemoUsageLicenseKey, OrganizationID: org, ActivationID: demoActivationID(2)},
		{Key: polartest.DemoLicenseKey, OrganizationID: polartest.DemoOtherOrganizationID, ActivationID: demoActivationID(2)},
	} {
		err := c.LicenseKeys.Deactivate(ctx, &body)
		wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	}
}

func TestLicenseKeysPublicValidation(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	org := polartest.DemoOrganizationID
	for _, tc := range []struct {
		op, body, want string
	}{
		{"validate", `{}`, `[{"loc":["body","key"],"type":"missing","input":{}},{"loc":["body","organization_id"],"type":"missing","input":{}}]`},
		{"validate", `{"key":1,"organization_id":"x"}`, `"loc":["body","key"],"type":"string_type","input":1}`},
		{"validate", `{"key":"k","organization_id":"0e8c1a3a-1b2c-1d5e-8f90-123456789abc"}`, `"loc":["body","organization_id"],"type":"uuid_version"`},
		{"validate", `{"key":"k","organization_id":"` + org + `","increment_usage":-1}`, `{"loc":["body","increment_usage"],"type":"greater_than_equal","input":-1}`},
		{"validate", `{"key":"k","organization_id":"` + org + `","increment_usage":1.5}`, `"loc":["body","increment_usage"],"type":"int_from_float"`},
		{"validate", `{"key":"k","organization_id":"` + org + `","activation_id":"nope"}`, `"loc":["body","activation_id"]`},
		{"validate", `{"key":"k","organization_id":"` + org + `","conditions":[1]}`, `{"loc":["body","conditions"],"type":"dict_type","input":[1]}`},
		{"validate", `{"key":"k","organization_id":"` + org + `","conditions":{"a":{}}}`, `{"loc":["body","conditions","a"],"type":"string_type","input":{}}`},
		{"activate", `{"key":"k","organization_id":"` + org + `"}`, `[{"loc":["body","label"],"type":"missing"`},
		{"activate", `{"key":"k","organization_id":"` + org + `","label":"x","meta":{"` + strings.Repeat("k", 41) + `":1}}`, `"loc":["body","meta","` + strings.Repeat("k", 41) + `","[key]"],"type":"string_too_long"`},
		{"activate", `{"key":"k","organization_id":"` + org + `","label":"x","meta":{"a":""}}`, `{"loc":["body","meta","a"],"type":"string_too_short","input":""}`},
		{"activate", `{"key":"k","organization_id":"` + org + `","label":"x","meta":{"a":"` + strings.Repeat("v", 501) + `"}}`, `"type":"string_too_long"`},
		{"deactivate", `{"key":"k","organization_id":"` + org + `"}`, `{"loc":["body","activation_id"],"type":"missing"`},
		{"deactivate", `"k"`, `"loc":["body"],`},
		{"deactivate", ``, `"loc":["body"],`},
	} {
		status, _, b := raw(t, srv, http.MethodPost, licenseKeysPath+tc.op, "", stringsReader(tc.body), "Content-Type", "application/json")
		if status != http.StatusUnprocessableEntity || decodeError(t, b).Error != "RequestValidationError" || !contains(withoutMsgs(b), tc.want) {
			t.Errorf("%s %s: %d %s\nwant %s", tc.op, tc.body, status, b, tc.want)
		}
	}
	meta := map[string]any{}
	for i := range 51 {
		meta[fmt.Sprint(i)] = i
	}
	c, _ := client(t, srv, "")
	_, err := c.LicenseKeys.Activate(ctx, &polar.LicenseKeyActivate{Key: polartest.DemoUsageLicenseKey, OrganizationID: org, Label: "x", Meta: meta})
	wantValidation(t, err, "body.meta", "too_long")
}

// TestLicenseKeysPublicTokens checks that the public operations need no
// token, take a valid one, and refuse one that is sent but unknown or
// expired, before routing.
func TestLicenseKeysPublicTokens(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	body := `{"key":"` + polartest.DemoLicenseKey + `","organization_id":"` + polartest.DemoOrganizationID + `"}`
	deactivate := `{"key":"` + polartest.DemoLicenseKey + `","organization_id":"` + polartest.DemoOrganizationID + `","activation_id":"` + demoActivationID(1) + `"}`
	for _, tc := range []struct {
		op, body, token string
		status          int
	}{
		{"validate", body, "", http.StatusOK},
		{"validate", body, polartest.DemoCustomerToken, http.StatusOK},
		{"validate", body, polartest.DemoOtherCustomerToken, http.StatusOK},
		{"validate", body, "polar_cst_unknown", http.StatusUnauthorized},
		{"validate", body, polartest.DemoExpiredToken, http.StatusUnauthorized},
		{"activate", body, "polar_cst_unknown", http.StatusUnauthorized},
		{"deactivate", deactivate, "polar_cst_unknown", http.StatusUnauthorized},
		{"deactivate", deactivate, "", http.StatusNoContent},
	} {
		status, hdr, b := raw(t, srv, http.MethodPost, licenseKeysPath+tc.op, tc.token, stringsReader(tc.body), "Content-Type", "application/json")
		if status != tc.status {
			t.Errorf("%s with token %q: %d %s, want %d", tc.op, tc.token, status, b, tc.status)
			continue
		}
		if status == http.StatusUnauthorized && (decodeError(t, b).Error != "invalid_token" || hdr.Get("WWW-Authenticate") == "") {
			t.Errorf("%s with token %q: %s %v", tc.op, tc.token, b, hdr)
		}
	}
	// The unknown tokens reached no handler: the two validations did not
	// count, nor did the refused deactivation free the activation.
	if n := srv.Calls("customer_portal:license_keys:validate"); n != 3 {
		t.Errorf("validate reached its handler %d times, want 3", n)
	}
	alice, _ := client(t, srv, polartest.DemoCustomerToken)
	if k, _ := alice.LicenseKeys.Get(ctx, polartest.DemoLicenseKeyID); k.Validations != 45 || len(k.Activations) != 2 {
		t.Errorf("after the calls: %d validations, %d activations", k.Validations, len(k.Activations))
	}
}

// TestLicenseKeysRateLimits checks that validate, activate and
// deactivate count in the license-key zone: a fourth call in a second
// blocks the caller on the whole API for 60 s.
func TestLicenseKeysRateLimits(t *testing.T) {
	clk := newClock()
	srv := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithPolarRateLimits(), polartest.WithClock(clk.Now))
	c, _ := client(t, srv, "")
	org := polartest.DemoOrganizationID
	validate := func() error {
		_, err := c.LicenseKeys.Validate(ctx, &polar.LicenseKeyValidate{Key: polartest.DemoUsageLicenseKey, OrganizationID: org})
		return err
	}
	if err := validate(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.LicenseKeys.Activate(ctx, &polar.LicenseKeyActivate{Key: polartest.DemoUsageLicenseKey, OrganizationID: org, Label: "x"}); err != nil {
		t.Fatal(err)
	}
	err := c.LicenseKeys.Deactivate(ctx, &polar.LicenseKeyDeactivate{Key: polartest.DemoUsageLicenseKey, OrganizationID: org, ActivationID: demoActivationID(1)})
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	err = validate()
	var rle *polar.RateLimitError
	if !errors.As(err, &rle) || rle.RetryAfter != 60*time.Second {
		t.Fatalf("fourth call in a second: %v, want a 60 s block", err)
	}
	// Blocked on every operation, the next second too.
	clk.Advance(time.Second)
	if err := validate(); !errors.As(err, &rle) || rle.RetryAfter != 59*time.Second {
		t.Errorf("a second later: %v", err)
	}
	// Another caller is not.
	alice, _ := client(t, srv, polartest.DemoCustomerToken)
	if _, err := alice.LicenseKeys.List(ctx, nil); err != nil {
		t.Errorf("another caller: %v", err)
	}
	clk.Advance(60 * time.Second)
	if err := validate(); err != nil {
		t.Errorf("after the block: %v", err)
	}
	// The portal's other operations are not in the zone.
	for i := range 10 {
		if _, err := alice.LicenseKeys.Get(ctx, polartest.DemoLicenseKeyID); err != nil {
			t.Fatalf("get %d: %v", i, err)
		}
	}
}

// TestLicenseKeysValidateUsageBound: Polar stores usage as a 32-bit
// integer, so a key without a usage limit counts up to 2^31-1 and an
// increment past that is refused, the count left as it was: it never
// wraps around.
func TestLicenseKeysValidateUsageBound(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithFixture(keyFixture()))
	c, _ := client(t, srv, "")
	validate := func(n int64) (*polar.ValidatedLicenseKey, error) {
		return c.LicenseKeys.Validate(ctx, &polar.LicenseKeyValidate{Key: "NO-ACTIVATIONS", OrganizationID: polartest.DemoOrganizationID, IncrementUsage: n})
	}
	for _, n := range []int64{math.MaxInt64, math.MaxInt32 + 1} {
		_, err := validate(n)
		wantValidation(t, err, "body.increment_usage", "less_than_equal")
	}
	if v, err := validate(math.MaxInt32 - 1); err != nil || v.Usage != math.MaxInt32-1 {
		t.Fatalf("up to the bound: %+v, %v", v, err)
	}
	_, err := validate(2)
	wantValidation(t, err, "body.increment_usage", "less_than_equal")
	if v, err := validate(1); err != nil || v.Usage != math.MaxInt32 || v.Validations != 2 {
		t.Fatalf("the last one: %+v, %v", v, err)
	}
	_, err = validate(1)
	wantValidation(t, err, "body.increment_usage", "less_than_equal")
	if v, err := validate(0); err != nil || v.Usage != math.MaxInt32 || v.Validations != 3 {
		t.Errorf("after the refusals: %+v, %v", v, err)
	}
}
