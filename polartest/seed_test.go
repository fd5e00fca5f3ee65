package polartest_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

func TestDemoIsDeterministic(t *testing.T) {
	a, err := json.Marshal(polartest.Demo())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(polartest.Demo())
	if string(a) != string(b) {
		t.Fatal("two calls of Demo differ")
	}
	if !reflect.DeepEqual(polartest.Demo(), polartest.Demo()) {
		t.Fatal("two calls of Demo are not deeply equal")
	}

	// Two servers answer alike, IDs and created sessions included.
	answer := func() string {
		srv := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithClock(func() time.Time { return polartest.DemoTime }))
		var out strings.Builder
		admin, tp := client(t, srv, polartest.DemoOrganizationToken)
		if _, err := admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: polartest.DemoCustomerID}); err != nil {
			t.Fatal(err)
		}
		out.Write(tp.body())
		c, tp := client(t, srv, polartest.DemoCustomerToken)
		if _, err := c.Orders.List(ctx, &polar.OrderListOptions{ListOptions: polar.ListOptions{Limit: 100, Page: 2}}); err != nil {
			t.Fatal(err)
		}
		out.Write(tp.body())
		return out.String()
	}
	if first, second := answer(), answer(); first != second {
		t.Error("two servers seeded with Demo answer differently")
	}
}

func TestDemoContents(t *testing.T) {
	f := polartest.Demo()
	if len(f.Customers) < 3 || len(f.Members) < 3 || len(f.Seats) == 0 || len(f.Meters) == 0 ||
		len(f.Wallets) == 0 || len(f.PaymentMethods) == 0 || len(f.Downloadables) == 0 {
		t.Errorf("Demo lacks data: %d customers, %d members, %d seats, %d meters, %d wallets, %d payment methods, %d downloadables",
			len(f.Customers), len(f.Members), len(f.Seats), len(f.Meters), len(f.Wallets), len(f.PaymentMethods), len(f.Downloadables))
	}
	alice := 0
	for _, o := range f.Orders {
		if o.CustomerID == polartest.DemoCustomerID {
			alice++
		}
	}
	if alice != polartest.DemoOrderCount {
		t.Errorf("Alice has %d orders", alice)
	}
	statuses := map[polar.SubscriptionStatus]bool{}
	for _, s := range f.Subscriptions {
		if s.CustomerID == polartest.DemoCustomerID {
			statuses[s.Status] = true
		}
	}
	if len(statuses) != 8 {
		t.Errorf("Alice's subscriptions cover %d statuses, want all 8", len(statuses))
	}
	types := map[string]bool{}
	for _, g := range f.BenefitGrants {
		types[strings.TrimPrefix(reflect.TypeOf(g).Elem().Name(), "CustomerBenefitGrant")] = true
	}
	if len(types) != 8 {
		t.Errorf("benefit grants cover %d types, want 8: %v", len(types), types)
	}
	nearLimit := false
	for _, k := range f.LicenseKeys {
		if k.LimitActivations != nil && int64(len(k.Activations)) == *k.LimitActivations {
			nearLimit = true
		}
	}
	if !nearLimit {
		t.Error("no license key at its activation limit")
	}
}

// TestDemoStrictDecoding decodes every seeded object through the SDK's
// types with unknown fields refused: the fake sends only what the SDK
// describes.
func TestDemoStrictDecoding(t *testing.T) {
	f := polartest.Demo()
	for _, o := range f.Orders[:20] {
		b, _ := json.Marshal(o)
		strict[polar.CustomerOrder](t, b)
	}
	for _, s := range f.Subscriptions {
		b, _ := json.Marshal(s)
		strict[polar.CustomerSubscription](t, b)
	}
	for _, k := range f.LicenseKeys {
		b, _ := json.Marshal(k)
		strict[polar.LicenseKeyWithActivations](t, b)
	}
	for _, m := range f.Meters {
		b, _ := json.Marshal(m)
		strict[polar.CustomerMeter](t, b)
	}
	for _, s := range f.Seats {
		b, _ := json.Marshal(s)
		strict[polar.CustomerSeat](t, b)
	}
	for _, d := range f.Downloadables {
		b, _ := json.Marshal(d.Downloadable)
		strict[polar.Downloadable](t, b)
	}
	// Grants carry their benefit's type, which the SDK's union reads.
	for _, g := range f.BenefitGrants {
		b, _ := json.Marshal(g)
		var probe struct {
			Benefit struct{ Type polar.BenefitType } `json:"benefit"`
		}
		if err := json.Unmarshal(b, &probe); err != nil || probe.Benefit.Type == "" {
			t.Errorf("grant %T has no benefit type: %s", g, b)
		}
	}
}

func TestSeedWithBuilders(t *testing.T) {
	org := polartest.NewOrganization("tiny", "Tiny Co")
	product := polartest.NewProduct(org.ID, "Widget", 999, "")
	cust := polartest.NewCustomer(org.ID, "dana@example.com", "Dana")
	other := polartest.NewCustomer(org.ID, "eve@example.com", "Eve")
	day := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	f := &polartest.Fixture{
		Organizations: []polar.CustomerOrganization{org},
		Products:      []polar.CustomerProduct{product},
		Customers:     []polartest.CustomerRecord{cust, other},
		Orders: []polar.CustomerOrder{
			polartest.NewOrder(cust.ID, product, day),
			polartest.NewOrder(cust.ID, product, day.AddDate(0, 0, 1)),
			polartest.NewOrder(other.ID, product, day),
		},
		Tokens: []polartest.Token{{Token: "polar_cst_dana", Kind: polartest.TokenKindCustomerSession, CustomerID: cust.ID}},
	}
	srv := polartest.NewTestServer(t, polartest.WithFixture(f))
	c, tp := client(t, srv, "polar_cst_dana")
	page, err := c.Orders.List(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.Page[polar.CustomerOrder]](t, tp.body())
	if page.Pagination.TotalCount != 2 || page.Items[0].Product == nil || page.Items[0].Product.Organization.Slug != "tiny" ||
		!page.Items[0].CreatedAt.Equal(day.AddDate(0, 0, 1)) {
		t.Errorf("Dana's orders: %+v", page)
	}

	// Seed adds to a running server, all or nothing.
	eveTok := polartest.Token{Token: "polar_cst_eve", Kind: polartest.TokenKindCustomerSession, CustomerID: other.ID}
	bad := &polartest.Fixture{
		Tokens: []polartest.Token{eveTok},
		Orders: []polar.CustomerOrder{polartest.NewOrder("no-such-customer", product, day)},
	}
	if err := srv.Seed(bad); err == nil || !strings.Contains(err.Error(), "no customer") {
		t.Errorf("seeding an order of nobody: %v", err)
	}
	if status, _, _ := raw(t, srv, http.MethodGet, "/v1/customer-portal/customers/me", "polar_cst_eve", nil); status != http.StatusUnauthorized {
		t.Errorf("a failed Seed added its token: %d", status)
	}
	if err := srv.Seed(&polartest.Fixture{Tokens: []polartest.Token{eveTok}}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Seed(&polartest.Fixture{Customers: []polartest.CustomerRecord{cust}}); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("seeding a customer twice: %v", err)
	}
	eve, _ := client(t, srv, "polar_cst_eve")
	if p, err := eve.Orders.List(ctx, nil); err != nil || p.Pagination.TotalCount != 1 {
		t.Errorf("Eve's orders: %+v, %v", p, err)
	}

	defer func() {
		if recover() == nil {
			t.Error("NewServer with a broken fixture did not panic")
		}
	}()
	polartest.NewServer(polartest.WithFixture(bad))
}
