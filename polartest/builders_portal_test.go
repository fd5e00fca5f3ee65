package polartest_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

var allBenefitTypes = []polar.BenefitType{
	polar.BenefitTypeCustom, polar.BenefitTypeDiscord, polar.BenefitTypeDownloadables, polar.BenefitTypeFeatureFlag,
	polar.BenefitTypeGitHubRepository, polar.BenefitTypeLicenseKeys, polar.BenefitTypeMeterCredit, polar.BenefitTypeSlackSharedChannel,
}

var allStatuses = []polar.SubscriptionStatus{
	polar.SubscriptionStatusActive, polar.SubscriptionStatusTrialing, polar.SubscriptionStatusPastDue,
	polar.SubscriptionStatusCanceled, polar.SubscriptionStatusUnpaid, polar.SubscriptionStatusPaused,
	polar.SubscriptionStatusIncomplete, polar.SubscriptionStatusIncompleteExpired,
}

// TestSeedBillingBuilders seeds a customer's subscriptions (one in every
// status), benefit grants (one of every type, one pending, one revoked),
// a license key with activations, a meter, a wallet and payment methods,
// all from the builders, and reads them back through the SDK: every
// answer decodes strictly and matches the API document's schema.
func TestSeedBillingBuilders(t *testing.T) {
	org := polartest.NewOrganization("kit", "Kit Inc")
	monthly := polartest.NewProduct(org.ID, "Monthly", 1200, polar.RecurringIntervalMonth)
	yearly := polartest.NewProduct(org.ID, "Yearly", 12000, polar.RecurringIntervalYear)
	cust := polartest.NewCustomer(org.ID, "fay@example.com", "Fay")
	start := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

	f := &polartest.Fixture{
		Organizations: []polar.CustomerOrganization{org},
		Products:      []polar.CustomerProduct{monthly, yearly},
		Customers:     []polartest.CustomerRecord{cust},
		Tokens:        []polartest.Token{{Token: "polar_cst_fay", Kind: polartest.TokenKindCustomerSession, CustomerID: cust.ID}},
	}
	for i, st := range allStatuses {
		f.Subscriptions = append(f.Subscriptions, polartest.NewSubscription(cust.ID, monthly, st, start.AddDate(0, 0, -i)))
	}
	yearSub := polartest.NewSubscription(cust.ID, yearly, polar.SubscriptionStatusActive, start)
	f.Subscriptions = append(f.Subscriptions, yearSub)

	var licenseBenefit string
	for _, typ := range allBenefitTypes {
		g := polartest.NewBenefitGrant(org, cust.ID, typ, "Benefit "+string(typ), start)
		g.Common().SubscriptionID = new(f.Subscriptions[0].ID)
		if typ == polar.BenefitTypeLicenseKeys {
			licenseBenefit = g.Common().BenefitID
		}
		f.BenefitGrants = append(f.BenefitGrants, g)
	}
	pending := polartest.NewBenefitGrant(org, cust.ID, polar.BenefitTypeDiscord, "Second Discord role", start)
	pending.Common().IsGranted, pending.Common().GrantedAt = false, nil
	revoked := polartest.NewBenefitGrant(org, cust.ID, polar.BenefitTypeFeatureFlag, "Old flag", start)
	revoked.Common().IsGranted, revoked.Common().IsRevoked, revoked.Common().RevokedAt = false, true, new(start)
	f.BenefitGrants = append(f.BenefitGrants, pending, revoked)

	key := polartest.NewLicenseKey(cust, licenseBenefit, "KIT-0001-ABCD", "Laptop", "Desktop")
	f.LicenseKeys = []polar.LicenseKeyWithActivations{key}
	f.Meters = []polar.CustomerMeter{polartest.NewMeter(cust.ID, "API calls", 12.5, 100)}
	f.Wallets = []polar.CustomerWallet{polartest.NewWallet(cust.ID, "usd", 2500)}
	f.PaymentMethods = []polar.CustomerPaymentMethod{polartest.NewCard(cust.ID, "visa", "4242"), polartest.NewPaymentMethod(cust.ID, "sepa_debit")}

	srv := polartest.NewTestServer(t, polartest.WithFixture(f))
	c, tp := client(t, srv, "polar_cst_fay")

	// Subscriptions: every status but the two incomplete ones is listed.
	subs, err := c.Subscriptions.List(ctx, &polar.SubscriptionListOptions{ListOptions: polar.ListOptions{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.Page[polar.CustomerSubscription]](t, tp.body())
	listed := map[polar.SubscriptionStatus]int{}
	for _, s := range subs.Items {
		listed[s.Status]++
		if s.Product.ID == "" || s.Product.Organization.ID != org.ID || len(s.Prices) == 0 {
			t.Errorf("subscription %s: product and prices not filled in: %+v", s.ID, s.Product)
		}
	}
	for _, st := range allStatuses {
		want := 1
		switch st {
		case polar.SubscriptionStatusActive:
			want = 2
		case polar.SubscriptionStatusIncomplete, polar.SubscriptionStatusIncompleteExpired:
			want = 0
		}
		if listed[st] != want {
			t.Errorf("%d subscriptions in status %s listed, want %d", listed[st], st, want)
		}
	}
	got, err := c.Subscriptions.Get(ctx, f.Subscriptions[6].ID) // incomplete
	if err != nil || got.Status != polar.SubscriptionStatusIncomplete || got.StartedAt != nil {
		t.Errorf("incomplete subscription: %+v, %v", got, err)
	}
	strict[polar.CustomerSubscription](t, tp.body())
	if y, err := c.Subscriptions.Get(ctx, yearSub.ID); err != nil || !y.CurrentPeriodEnd.Equal(start.AddDate(1, 0, 0)) || y.Amount != 12000 {
		t.Errorf("yearly subscription: %+v, %v", y, err)
	}

	// Grants: the revoked one is hidden, the pending one listed.
	grants, err := c.BenefitGrants.List(ctx, &polar.BenefitGrantListOptions{ListOptions: polar.ListOptions{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	strict[map[string]any](t, tp.body())
	var types []string
	for _, g := range grants.Items {
		if g.Common().ID == revoked.Common().ID {
			t.Error("the revoked grant is listed")
		}
		types = append(types, strings.TrimPrefix(reflect.TypeOf(g).Elem().Name(), "CustomerBenefitGrant"))
	}
	if len(grants.Items) != 9 {
		t.Errorf("%d grants listed (%v), want 8 types and the pending one", len(grants.Items), types)
	}
	ent, err := polar.GetEntitlements(ctx, c.Subscriptions, c.BenefitGrants)
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range allBenefitTypes {
		if n := len(ent.BenefitsOfType(typ)); n != 1 {
			t.Errorf("%d granted grants of type %s, want 1", n, typ)
		}
	}
	if p := ent.PendingGrants(); len(p) != 1 || p[0].Common().ID != pending.Common().ID {
		t.Errorf("pending grants: %v", p)
	}
	if !ent.HasProduct(monthly.ID) || !ent.HasProduct(yearly.ID) {
		t.Error("the active subscriptions give no product")
	}

	// The license key, with its activations.
	k, err := c.LicenseKeys.Get(ctx, key.ID)
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.LicenseKeyWithActivations](t, tp.body())
	if len(k.Activations) != 2 || k.Activations[0].Label != "Laptop" || *k.LimitActivations != 3 || k.DisplayKey != "****-ABCD" || k.Customer.ID != cust.ID {
		t.Errorf("license key: %+v", k)
	}
	v, err := c.LicenseKeys.Validate(ctx, &polar.LicenseKeyValidate{Key: key.Key, OrganizationID: org.ID, ActivationID: key.Activations[1].ID})
	if err != nil || v.Activation == nil || v.Activation.Label != "Desktop" {
		t.Errorf("validating against an activation: %+v, %v", v, err)
	}

	// Meter, wallet, payment methods.
	meters, err := c.Meters.List(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.Page[polar.CustomerMeter]](t, tp.body())
	if len(meters.Items) != 1 || meters.Items[0].Balance != 87.5 || meters.Items[0].Meter.Name != "API calls" {
		t.Errorf("meters: %+v", meters.Items)
	}
	wallets, err := c.Wallets.List(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.Page[polar.CustomerWallet]](t, tp.body())
	if len(wallets.Items) != 1 || wallets.Items[0].Balance != 2500 {
		t.Errorf("wallets: %+v", wallets.Items)
	}
	pms, err := c.Customers.ListPaymentMethods(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	strict[map[string]any](t, tp.body())
	var kinds []string
	for _, pm := range pms.Items {
		kinds = append(kinds, reflect.TypeOf(pm).Elem().Name())
	}
	slices.Sort(kinds)
	if !slices.Equal(kinds, []string{"PaymentMethodCard", "PaymentMethodGeneric"}) {
		t.Errorf("payment methods: %v", kinds)
	}
}

// TestBuildersDeriveIDs: the same arguments give the same IDs, different
// ones different IDs, and an unknown benefit type no grant.
func TestBuildersDeriveIDs(t *testing.T) {
	org := polartest.NewOrganization("kit", "Kit Inc")
	p := polartest.NewProduct(org.ID, "Monthly", 1200, polar.RecurringIntervalMonth)
	cust := polartest.NewCustomer(org.ID, "fay@example.com", "Fay")
	day := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

	ids := map[string]string{}
	seen := func(what, id string) {
		t.Helper()
		if id == "" {
			t.Errorf("%s has no ID", what)
		}
		if prev, ok := ids[id]; ok {
			t.Errorf("%s has the ID of %s", what, prev)
		}
		ids[id] = what
	}
	a := polartest.NewSubscription(cust.ID, p, polar.SubscriptionStatusActive, day)
	if b := polartest.NewSubscription(cust.ID, p, polar.SubscriptionStatusActive, day); !reflect.DeepEqual(a, b) {
		t.Error("two calls with the same arguments differ")
	}
	seen("subscription", a.ID)
	seen("subscription of the next day", polartest.NewSubscription(cust.ID, p, polar.SubscriptionStatusActive, day.AddDate(0, 0, 1)).ID)
	for _, typ := range allBenefitTypes {
		seen("grant of "+string(typ), polartest.NewBenefitGrant(org, cust.ID, typ, string(typ), day).Common().ID)
	}
	g1 := polartest.NewBenefitGrant(org, cust.ID, polar.BenefitTypeCustom, "Support", day)
	g2 := polartest.NewBenefitGrant(org, "someone-else", polar.BenefitTypeCustom, "Support", day)
	if g1.Common().BenefitID != g2.Common().BenefitID || g1.Common().ID == g2.Common().ID {
		t.Error("grants of one benefit to two customers: want one benefit ID, two grant IDs")
	}
	seen("license key", polartest.NewLicenseKey(cust, "b", "K-1").ID)
	seen("meter", polartest.NewMeter(cust.ID, "API calls", 0, 0).ID)
	seen("wallet", polartest.NewWallet(cust.ID, "usd", 0).ID)
	seen("card", polartest.NewCard(cust.ID, "visa", "4242").ID)
	seen("other card", polartest.NewCard(cust.ID, "visa", "0002").ID)
	seen("sepa", polartest.NewPaymentMethod(cust.ID, "sepa_debit").ID)

	if k := polartest.NewLicenseKey(cust, "b", "K", "1", "2", "3", "4", "5"); *k.LimitActivations != 5 || k.DisplayKey != "K" {
		t.Errorf("a key with 5 activations: limit %d, display %q", *k.LimitActivations, k.DisplayKey)
	}

	unknown := polartest.NewBenefitGrant(org, cust.ID, "quantum", "Q", day)
	if unknown != nil {
		t.Fatalf("a grant of an unknown type: %T", unknown)
	}
	srv := polartest.NewTestServer(t)
	if err := srv.Seed(&polartest.Fixture{BenefitGrants: []polar.CustomerBenefitGrant{unknown}}); err == nil {
		t.Error("seeding a nil grant succeeded")
	}
}
