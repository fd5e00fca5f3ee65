package polar

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// wantOrganizationData is testdata/organization.json decoded. Its first
// product is the product of order.json (checked by TestPriceVariants).
func wantOrganizationData(t *testing.T) *CustomerOrganizationData {
	const org = "3f0c1a52-8b7d-4e21-9c4a-6d2e8f1b7a30"
	pro := decodeFixture[CustomerOrder](t, "order.json").Product
	metered := pro.CustomerProduct
	metered.ID, metered.Name = "a081e4f3-5b74-4b6c-b879-a98dee4803e5", "Acme Metered"
	metered.MeterInterval, metered.MeterIntervalCount = ptr(RecurringIntervalWeek), ptr[int64](2)
	metered.TrialInterval, metered.TrialIntervalCount = ptr(TrialIntervalMonth), ptr[int64](1)
	metered.Prices = PriceList{pro.Prices[3], pro.Prices[5]}
	metered.Benefits = []BenefitPublic{pro.Benefits[1]}
	metered.Medias = []ProductMediaFile{}
	return &CustomerOrganizationData{
		Organization: CustomerOrganization{
			BenefitSubscriberOrganization: BenefitSubscriberOrganization{
				CreatedAt:            rfc3339("2025-11-03T08:15:42.118204Z"),
				ModifiedAt:           rfc3339p("2026-08-21T16:02:09Z"),
				ID:                   org,
				Name:                 "Acme Inc.",
				Slug:                 "acme",
				AvatarURL:            ptr("https://uploads.polar.sh/avatars/acme.png"),
				ProrationBehavior:    SubscriptionProrationBehaviorProrate,
				AllowCustomerUpdates: true,
			},
			CustomerPortalSettings: OrganizationCustomerPortalSettings{
				Usage: CustomerPortalUsageSettings{Show: true},
				Subscription: CustomerPortalSubscriptionSettings{
					UpdateSeats: true, UpdatePlan: true, Pause: new(false), UpdateUnits: new(true),
				},
				Customer: &CustomerPortalCustomerSettings{AllowEmailChange: new(true)},
			},
			OrganizationFeatures: &CustomerOrganizationFeatureSettings{
				MemberModelEnabled: new(false), CheckoutLocalizationEnabled: new(true),
			},
		},
		Products: []CustomerProduct{
			pro.CustomerProduct,
			metered,
			{
				ID:             "eb214187-4cb9-4f6e-af04-c691869d8ab4",
				CreatedAt:      rfc3339("2026-04-01T00:00:00Z"),
				Name:           "Acme Handbook",
				Visibility:     ProductVisibilityPublic,
				OrganizationID: org,
				Prices: PriceList{&ProductPriceFixed{
					PriceCommon: PriceCommon{
						CreatedAt:     rfc3339("2026-04-01T00:00:00Z"),
						ID:            "a31dd22b-9967-4d11-bda8-be7e9733cca8",
						Source:        ProductPriceSourceCatalog,
						PriceCurrency: "usd",
						ProductID:     "eb214187-4cb9-4f6e-af04-c691869d8ab4",
					},
					PriceAmount: 2900,
				}},
				Benefits: []BenefitPublic{},
				Medias:   []ProductMediaFile{},
			},
		},
	}
}

func TestOrganizationsGet(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, string(fixture("organization.json"))))
	c := newTestClient(t, srv, testToken)
	o, err := c.Organizations.Get(bg(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantOrganizationData(t), o); diff != "" {
		t.Errorf("organization (-want +got):\n%s", diff)
	}
	r := srv.requests()[0]
	if r.Method != "GET" || r.RequestURI != "/v1/customer-portal/organizations/acme" || len(r.Body) != 0 {
		t.Fatalf("request %s %s %q", r.Method, r.RequestURI, r.Body)
	}
	checkCommonHeaders(t, r, false) // public: the client's token is not sent
}

// TestOrganizationsGetWithoutToken: the operation is public, so a client
// made without a token can call it, and sends no Authorization header.
func TestOrganizationsGetWithoutToken(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, string(fixture("organization_minimal.json"))))
	c, err := NewClient("", WithBaseURL(srv.URL), WithoutRetries(), WithoutRateLimits())
	if err != nil {
		t.Fatal(err)
	}
	o, err := c.Organizations.Get(bg(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	want := &CustomerOrganizationData{
		Organization: CustomerOrganization{
			BenefitSubscriberOrganization: BenefitSubscriberOrganization{
				CreatedAt:         rfc3339("2025-11-03T08:15:42.118204Z"),
				ID:                "3f0c1a52-8b7d-4e21-9c4a-6d2e8f1b7a30",
				Name:              "Acme Inc.",
				Slug:              "acme",
				ProrationBehavior: SubscriptionProrationBehaviorInvoice,
			},
		},
		Products: []CustomerProduct{},
	}
	if diff := cmp.Diff(want, o); diff != "" {
		t.Errorf("organization (-want +got):\n%s", diff)
	}
	r := srv.requests()[0]
	if _, sent := r.Header["Authorization"]; sent || r.RequestURI != "/v1/customer-portal/organizations/acme" {
		t.Fatalf("request %s with Authorization %q", r.RequestURI, r.Header["Authorization"])
	}
	checkCommonHeaders(t, r, false)

	// A client derived with WithToken("") is tokenless too.
	if _, err := c.WithToken(testToken).WithToken("").Organizations.Get(bg(), "acme"); err != nil {
		t.Fatal(err)
	}
	if _, sent := srv.requests()[1].Header["Authorization"]; sent {
		t.Error("Authorization sent by a tokenless child client")
	}
}

func TestOrganizationsSlugEscaping(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, string(fixture("organization_minimal.json"))))
	c := newTestClient(t, srv, "")
	for slug, want := range map[string]string{
		"acme-inc": "/v1/customer-portal/organizations/acme-inc",
		"a b?c#d":  "/v1/customer-portal/organizations/a%20b%3Fc%23d",
		"café":     "/v1/customer-portal/organizations/caf%C3%A9",
	} {
		before := srv.count()
		if _, err := c.Organizations.Get(bg(), slug); err != nil {
			t.Fatalf("%q: %v", slug, err)
		}
		if got := srv.requests()[before].RequestURI; got != want {
			t.Errorf("slug %q reached %q, want %q", slug, got, want)
		}
	}
	for _, slug := range []string{"", ".", "..", "acme/../orders", "%2e%2e"} {
		if _, err := c.Organizations.Get(bg(), slug); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("slug %q: err = %v", slug, err)
		}
	}
}

func TestOrganizationsErrors(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(404, `{"error":"ResourceNotFound","detail":"Organization not found."}`))
	c := newTestClient(t, srv, "")
	if _, err := c.Organizations.Get(bg(), "nope"); !errors.Is(err, ErrResourceNotFound) {
		t.Errorf("404: %v", err)
	}
	srv = newRecorder(t, jsonAnswer(422, `{"error":"RequestValidationError","detail":[{"loc":["path","slug"],"msg":"String should have at most 64 characters","type":"string_too_long"}]}`))
	c = newTestClient(t, srv, "")
	var ve *ValidationError
	if _, err := c.Organizations.Get(bg(), "acme"); !errors.As(err, &ve) || ve.Errors[0].Loc[1] != "slug" {
		t.Errorf("422: %v", err)
	}
}

func TestOrganizationRoundTrip(t *testing.T) {
	roundTrip[CustomerOrganizationData](t, "organization.json")
	roundTrip[CustomerOrganizationData](t, "organization_minimal.json")
}

// TestOrganizationUnknownsSurvive decodes an organization from a newer
// server: unknown enum values, price types and fields must not fail the
// call, and what the SDK models re-encodes unchanged.
func TestOrganizationUnknownsSurvive(t *testing.T) {
	in := fixture("organization_future.json")
	srv := newRecorder(t, jsonAnswer(200, string(in)))
	c := newTestClient(t, srv, "")
	o, err := c.Organizations.Get(bg(), "acme")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	p := o.Products[0]
	if o.Organization.ProrationBehavior != "credit_next_invoice" || p.Visibility != "unlisted" ||
		*p.RecurringInterval != "fortnight" || p.Benefits[0].Type != "webhook" {
		t.Errorf("unknown enum values: %q %q %q %q", o.Organization.ProrationBehavior, p.Visibility, *p.RecurringInterval, p.Benefits[0].Type)
	}
	var raw struct {
		Products []struct {
			Prices []json.RawMessage `json:"prices"`
		} `json:"products"`
	}
	if err := json.Unmarshal(in, &raw); err != nil {
		t.Fatal(err)
	}
	u, ok := p.Prices[0].(*ProductPriceUnknown)
	if !ok || u.Type != "usage_blocks" {
		t.Fatalf("price 0 = %#v, want a *ProductPriceUnknown of type usage_blocks", p.Prices[0])
	}
	if b, err := json.Marshal(u); err != nil || string(b) != string(compactJSON(t, raw.Products[0].Prices[0])) {
		t.Errorf("unknown price re-encodes as %s, %v; want the raw JSON back", b, err)
	}
	if u, ok := p.Prices[1].(*LegacyRecurringProductPriceUnknown); !ok || u.Type != "free" {
		t.Errorf("price 1 = %#v, want a *LegacyRecurringProductPriceUnknown", p.Prices[1])
	}
	if f, ok := p.Prices[2].(*ProductPriceFixed); !ok || f.PriceAmount != 2900 {
		t.Errorf("price 2 = %#v, want a *ProductPriceFixed despite its extra field", p.Prices[2])
	}

	out, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	want := jsonMeaning(t, in)
	for _, path := range [][]any{
		{"storefront_enabled"},
		{"organization", "theme"},
		{"organization", "customer_portal_settings", "subscription", "change_billing_interval"},
		{"organization", "organization_features", "wallets_enabled"},
		{"products", 0, "tags"},
		{"products", 0, "benefits", 0, "properties"},
		{"products", 0, "prices", 2, "credits_included"},
	} {
		deleteJSONPath(t, want, path...)
	}
	if diff := cmp.Diff(want, jsonMeaning(t, out)); diff != "" {
		t.Errorf("re-encoded organization differs from the fixture without its unknown fields (-want +got):\n%s", diff)
	}
}

var _ = addOps(
	opSpec{id: "customer_portal:organizations:get", answer: `{"organization":{"id":"` + testUUID + `","slug":"acme"},"products":[]}`,
		call: func(ctx context.Context, c *Client, slug string) error {
			return onlyErr(c.Organizations.Get(ctx, slug))
		},
		rows: []contractRow{{arg: "acme"}},
		schemas: map[string]reflect.Type{
			"CustomerOrganizationData": reflect.TypeFor[CustomerOrganizationData](),
			"CustomerProduct":          reflect.TypeFor[CustomerProduct](),
		},
	},
)
