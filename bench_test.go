package polar

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The benchmarks in this file compare the SDK's request path with what a
// competent engineer would write by hand against the same test server and
// decode into the same structs. See BENCHMARKS.md.

const (
	benchToken   = "polar_cst_Yq3RkTz8vXb2N4mWc7LpE1aGd9Hs5JfU0oKi6QeB"
	benchOrderID = "6f1c2b7e-93d4-4a0e-8c51-2d7a9e4b0f13"
	benchAPIVer  = "2026-10"
)

// benchEnv is the one test server shared by every benchmark, its payloads
// (precomputed once) and the values they were marshalled from.
type benchEnv struct {
	srv       *httptest.Server
	order     *CustomerOrder
	page      *Page[CustomerOrder]
	orderJSON []byte
	pageJSON  []byte
	conns     atomic.Int64 // connections accepted
}

var (
	benchOnce  sync.Once
	benchState *benchEnv
	benchErr   error
)

// benchSetup starts the shared server on first use. It is never closed:
// it lives as long as the test binary.
func benchSetup(tb testing.TB) *benchEnv {
	tb.Helper()
	benchOnce.Do(func() { benchState, benchErr = newBenchEnv() })
	if benchErr != nil {
		tb.Fatal(benchErr)
	}
	return benchState
}

func newBenchEnv() (*benchEnv, error) {
	e := &benchEnv{order: benchOrder(0)}
	e.page = &Page[CustomerOrder]{
		Items:      make([]CustomerOrder, 100),
		Pagination: Pagination{TotalCount: 100, MaxPage: 1},
	}
	for i := range e.page.Items {
		e.page.Items[i] = *benchOrder(i)
	}
	var err error
	if e.orderJSON, err = json.Marshal(e.order); err != nil {
		return nil, err
	}
	if e.pageJSON, err = json.Marshal(e.page); err != nil {
		return nil, err
	}
	orderLen := strconv.Itoa(len(e.orderJSON))
	pageLen := strconv.Itoa(len(e.pageJSON))
	reply := func(w http.ResponseWriter, r *http.Request, body []byte, length string) {
		if r.Header.Get("Authorization") != "Bearer "+benchToken {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		h := w.Header()
		h["Content-Type"] = []string{"application/json"}
		h["Polar-Version"] = []string{benchAPIVer}
		h["Content-Length"] = []string{length}
		w.Write(body)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/customer-portal/orders/{$}", func(w http.ResponseWriter, r *http.Request) {
		reply(w, r, e.pageJSON, pageLen)
	})
	mux.HandleFunc("GET /v1/customer-portal/orders/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") != benchOrderID {
			http.NotFound(w, r)
			return
		}
		reply(w, r, e.orderJSON, orderLen)
	})
	e.srv = httptest.NewUnstartedServer(mux)
	e.srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			e.conns.Add(1)
		}
	}
	e.srv.Start()
	return e, nil
}

// benchOrder returns a fully populated order: a subscription renewal of a
// product with seven prices (two of them legacy), benefits, media, the
// organization, three line items and a billing address.
func benchOrder(i int) *CustomerOrder {
	t0 := time.Date(2026, 3, 14, 9, 26, 53, 589793000, time.UTC).Add(time.Duration(i) * time.Hour)
	t := func(d time.Duration) *time.Time { return ptr(t0.Add(d)) }
	id := benchOrderID
	if i > 0 {
		id = fmt.Sprintf("6f1c2b7e-93d4-4a0e-8c51-%012x", i)
	}
	const (
		productID = "1a9e4c2d-7b3f-4e85-a06d-5c8f2e1b9d47"
		orgID     = "c3d8a1f5-2e6b-4977-8f40-b1a2c9e7d356"
		meterID   = "9e0b7a43-1c6d-4f28-b5e3-8a2d4f6c1e90"
		subID     = "4b7d9e21-6a3c-4f58-9d02-e7c1b5a8f364"
	)
	meter := ProductPriceMeter{ID: meterID, Name: "API calls", Unit: MeterUnitCustom, CustomLabel: ptr("call"), CustomMultiplier: ptr[int64](1000)}
	prices := []Price{
		&ProductPriceFixed{PriceCommon: PriceCommon{CreatedAt: t0.Add(-400 * time.Hour), ModifiedAt: t(-300 * time.Hour), ID: "p-fixed-0001", Source: ProductPriceSourceCatalog, PriceCurrency: "usd", TaxBehavior: ptr(TaxBehaviorOptionExclusive), ProductID: productID}, PriceAmount: 2900},
		&ProductPriceCustom{PriceCommon: PriceCommon{CreatedAt: t0.Add(-400 * time.Hour), ID: "p-custom-0002", Source: ProductPriceSourceCatalog, PriceCurrency: "usd", ProductID: productID}, MinimumAmount: 500, MaximumAmount: ptr[int64](100000), PresetAmount: ptr[int64](2500)},
		&ProductPriceSeatBased{PriceCommon: PriceCommon{CreatedAt: t0.Add(-380 * time.Hour), ID: "p-seat-0003", Source: ProductPriceSourceCatalog, PriceCurrency: "usd", TaxBehavior: ptr(TaxBehaviorOptionInclusive), ProductID: productID}, SeatTiers: ProductPriceSeatTiers{
			SeatTierType: ptr(SeatTierTypeGraduated),
			Tiers:        []ProductPriceSeatTier{{MinSeats: 1, MaxSeats: ptr[int64](10), PricePerSeat: 1200}, {MinSeats: 11, MaxSeats: ptr[int64](50), PricePerSeat: 1000}, {MinSeats: 51, PricePerSeat: 800}},
			MinimumSeats: 1,
		}},
		&ProductPriceMeteredUnit{PriceCommon: PriceCommon{CreatedAt: t0.Add(-360 * time.Hour), ID: "p-metered-0004", Source: ProductPriceSourceCatalog, PriceCurrency: "usd", ProductID: productID}, UnitAmount: "0.05", CapAmount: ptr[int64](50000), MeterID: meterID, Meter: meter},
		&ProductPriceUnitBased{PriceCommon: PriceCommon{CreatedAt: t0.Add(-350 * time.Hour), ID: "p-unit-0005", Source: ProductPriceSourceAdHoc, PriceCurrency: "usd", ProductID: productID},
			Tiers:        Tiers{Type: TierTypeVolume, Tiers: []Tier{{Bound: ptr[int64](100), UnitAmount: "150"}, {UnitAmount: "120"}}},
			MinimumUnits: ptr[int64](1), MaximumUnits: ptr[int64](1000),
			UnitLabel: map[string]map[string]string{"en": {"one": "seat", "other": "seats"}, "de": {"one": "Platz", "other": "Plätze"}},
		},
		&LegacyRecurringProductPriceFixed{PriceCommon: PriceCommon{CreatedAt: t0.Add(-9000 * time.Hour), ModifiedAt: t(-8000 * time.Hour), ID: "p-legacy-fixed-0006", Source: ProductPriceSourceCatalog, PriceCurrency: "usd", IsArchived: true, ProductID: productID}, RecurringInterval: RecurringIntervalMonth, PriceAmount: 1900},
		&LegacyRecurringProductPriceCustom{PriceCommon: PriceCommon{CreatedAt: t0.Add(-9000 * time.Hour), ID: "p-legacy-custom-0007", Source: ProductPriceSourceCatalog, PriceCurrency: "usd", IsArchived: true, ProductID: productID}, RecurringInterval: RecurringIntervalYear, MinimumAmount: 1000, PresetAmount: ptr[int64](19000)},
	}
	return &CustomerOrder{
		ID:                   id,
		CreatedAt:            t0,
		ModifiedAt:           t(2 * time.Minute),
		Status:               OrderStatusPaid,
		Paid:                 true,
		SubtotalAmount:       4100,
		DiscountAmount:       410,
		NetAmount:            3690,
		TaxAmount:            738,
		TotalAmount:          4428,
		AppliedBalanceAmount: -120,
		DueAmount:            0,
		RefundedAmount:       0,
		RefundedTaxAmount:    0,
		Currency:             "usd",
		BillingReason:        OrderBillingReasonSubscriptionCycle,
		BillingName:          ptr("Ada Lovelace Analytical Engines Ltd."),
		BillingAddress: &Address{
			Line1:      ptr("12 St James's Square"),
			Line2:      ptr("Floor 3, Suite 301"),
			PostalCode: ptr("SW1Y 4LB"),
			City:       ptr("London"),
			State:      ptr("England"),
			Country:    "GB",
		},
		InvoiceNumber:        ptr("POLAR-2F1A-" + strconv.Itoa(1000+i)),
		IsInvoiceGenerated:   true,
		ReceiptNumber:        ptr("R-2F1A-" + strconv.Itoa(1000+i)),
		Seats:                ptr[int64](5),
		CustomerID:           "0d2e6f8a-5b1c-4d37-9e84-a3f7c2b6e015",
		ProductID:            ptr(productID),
		DiscountID:           ptr("7c4a1e9b-2d5f-4836-b0e7-f1a6d3c8b249"),
		SubscriptionID:       ptr(subID),
		CheckoutID:           ptr("e5b9c3a7-8f2d-41e6-a7c0-4d1b9f5e2a68"),
		NextPaymentAttemptAt: t(30 * 24 * time.Hour),
		Product: &CustomerOrderProduct{CustomerProduct: CustomerProduct{
			ID:                     productID,
			CreatedAt:              t0.Add(-9000 * time.Hour),
			ModifiedAt:             t(-300 * time.Hour),
			TrialInterval:          ptr(TrialIntervalDay),
			TrialIntervalCount:     ptr[int64](14),
			Name:                   "Analytics Pro (Team)",
			Description:            ptr("Dashboards, alerts and API access for the whole team.\n\n**Includes** priority support."),
			Visibility:             ProductVisibilityPublic,
			RecurringInterval:      ptr(RecurringIntervalMonth),
			RecurringIntervalCount: ptr[int64](1),
			MeterInterval:          ptr(RecurringIntervalMonth),
			MeterIntervalCount:     ptr[int64](1),
			IsRecurring:            true,
			OrganizationID:         orgID,
			Prices:                 prices,
			Benefits: []BenefitPublic{
				{ID: "b-license-0001", CreatedAt: t0.Add(-9000 * time.Hour), ModifiedAt: t(-500 * time.Hour), Type: BenefitTypeLicenseKeys, Description: "License key for the desktop app", Selectable: true, Deletable: true, OrganizationID: orgID},
				{ID: "b-discord-0002", CreatedAt: t0.Add(-8000 * time.Hour), Type: BenefitTypeDiscord, Description: "Access to the #pro Discord channel", Selectable: true, Deletable: true, OrganizationID: orgID},
				{ID: "b-credit-0003", CreatedAt: t0.Add(-700 * time.Hour), Type: BenefitTypeMeterCredit, Description: "10,000 API calls a month", Selectable: true, OrganizationID: orgID},
			},
			Medias: []ProductMediaFile{{
				FileCommon: FileCommon{
					ID: "m-0001", OrganizationID: orgID, Name: "hero.png", Path: orgID + "/product_media/hero.png", MIMEType: "image/png", Size: 482113,
					StorageVersion: ptr("v1"), ChecksumEtag: ptr("\"5d41402abc4b2a76b9719d911017c592\""), ChecksumSHA256Base64: ptr("LCa0a2j/xo/5m0U8HTBBNBNCLXBkg7+g+YpeiGJm564="),
					ChecksumSHA256Hex: ptr("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"), LastModifiedAt: t(-9000 * time.Hour), Version: ptr("3"),
					IsUploaded: true, SizeReadable: "470.8 KB",
				},
				Service: "product_media", CreatedAt: t0.Add(-9000 * time.Hour),
				PublicURL: "https://polar-public-files.s3.amazonaws.com/" + orgID + "/product_media/hero.png",
			}},
		},
			Organization: CustomerOrganization{
				BenefitSubscriberOrganization: BenefitSubscriberOrganization{
					CreatedAt:            t0.Add(-20000 * time.Hour),
					ModifiedAt:           t(-100 * time.Hour),
					ID:                   orgID,
					Name:                 "Acme Analytics",
					Slug:                 "acme-analytics",
					AvatarURL:            ptr("https://avatars.githubusercontent.com/u/105373340?v=4"),
					ProrationBehavior:    SubscriptionProrationBehaviorProrate,
					AllowCustomerUpdates: true,
				},
				CustomerPortalSettings: OrganizationCustomerPortalSettings{
					Usage:        CustomerPortalUsageSettings{Show: true},
					Subscription: CustomerPortalSubscriptionSettings{UpdateSeats: true, UpdatePlan: true, Pause: ptr(false), UpdateUnits: ptr(true)},
					Customer:     &CustomerPortalCustomerSettings{AllowEmailChange: ptr(true)},
				},
				OrganizationFeatures: &CustomerOrganizationFeatureSettings{MemberModelEnabled: ptr(true), CheckoutLocalizationEnabled: ptr(false)},
			},
		},
		Subscription: &CustomerOrderSubscription{
			CreatedAt:                   t0.Add(-2000 * time.Hour),
			ModifiedAt:                  t(time.Minute),
			ID:                          subID,
			Amount:                      4100,
			Currency:                    "usd",
			RecurringInterval:           RecurringIntervalMonth,
			RecurringIntervalCount:      1,
			Status:                      SubscriptionStatusActive,
			CurrentPeriodStart:          t0,
			CurrentPeriodEnd:            t0.AddDate(0, 1, 0),
			CurrentMeterPeriodStart:     ptr(t0),
			CurrentMeterPeriodEnd:       ptr(t0.AddDate(0, 1, 0)),
			TrialStart:                  t(-2000 * time.Hour),
			TrialEnd:                    t(-1664 * time.Hour),
			CancelAtPeriodEnd:           false,
			StartedAt:                   t(-2000 * time.Hour),
			CustomerID:                  "0d2e6f8a-5b1c-4d37-9e84-a3f7c2b6e015",
			ProductID:                   productID,
			DiscountID:                  ptr("7c4a1e9b-2d5f-4836-b0e7-f1a6d3c8b249"),
			CheckoutID:                  ptr("e5b9c3a7-8f2d-41e6-a7c0-4d1b9f5e2a68"),
			Seats:                       ptr[int64](5),
			CustomerCancellationReason:  ptr(CustomerCancellationReasonTooExpensive),
			CustomerCancellationComment: ptr("Reconsidered after the discount."),
			Units:                       ptr[int64](3),
		},
		Items: []OrderItem{
			{CreatedAt: t0, ModifiedAt: t(time.Minute), ID: "i-0001", Label: "Analytics Pro (Team) — 5 seats", Amount: 3000, TaxAmount: 540, ProductPriceID: ptr("p-seat-0003"), StartTimestamp: ptr(t0), EndTimestamp: ptr(t0.AddDate(0, 1, 0))},
			{CreatedAt: t0, ID: "i-0002", Label: "API calls (12,400 × $0.05 / 1,000)", Amount: 620, TaxAmount: 112, ProductPriceID: ptr("p-metered-0004"), StartTimestamp: t(-30 * 24 * time.Hour), EndTimestamp: ptr(t0)},
			{CreatedAt: t0, ID: "i-0003", Label: "Remaining time on 2 seats after 14 March 2026", Amount: 480, TaxAmount: 86, Proration: true, ProductPriceID: ptr("p-seat-0003")},
		},
		Description:         "Analytics Pro (Team)",
		RefundableAmount:    3690,
		RefundableTaxAmount: 738,
		Units:               ptr[int64](3),
	}
}

// benchRaw is the hand-written baseline: net/http with a tuned transport,
// the headers the SDK sends, io.ReadAll and json.Unmarshal.
type benchRaw struct {
	hc  *http.Client
	ua  string
	ver string
}

func newBenchRaw() *benchRaw {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &benchRaw{
		hc:  &http.Client{Transport: t, Timeout: 30 * time.Second},
		ua:  "polar-go/" + Version + " (" + runtime.Version() + ")",
		ver: benchAPIVer,
	}
}

func (r *benchRaw) get(ctx context.Context, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+benchToken)
	req.Header.Set("Polar-Version", r.ver)
	req.Header.Set("User-Agent", r.ua)
	req.Header.Set("Accept", "application/json")
	resp, err := r.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
	}
	return json.Unmarshal(body, v)
}

func benchSDK(tb testing.TB, e *benchEnv) *Client {
	tb.Helper()
	c, err := NewClient(benchToken, WithBaseURL(e.srv.URL), WithoutRateLimits())
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func BenchmarkOrdersGet(b *testing.B) {
	e := benchSetup(b)
	ctx := context.Background()
	url := e.srv.URL + ordersPath + benchOrderID
	b.Run("raw", func(b *testing.B) {
		raw := newBenchRaw()
		b.ReportAllocs()
		for b.Loop() {
			var o CustomerOrder
			if err := raw.get(ctx, url, &o); err != nil {
				b.Fatal(err)
			}
			if o.ID != benchOrderID {
				b.Fatalf("got order %q", o.ID)
			}
		}
	})
	b.Run("sdk", func(b *testing.B) {
		c := benchSDK(b, e)
		b.ReportAllocs()
		for b.Loop() {
			o, err := c.Orders.Get(ctx, benchOrderID)
			if err != nil {
				b.Fatal(err)
			}
			if o.ID != benchOrderID {
				b.Fatalf("got order %q", o.ID)
			}
		}
	})
	// The cost of a middleware that only passes the request on.
	b.Run("sdk+middleware", func(b *testing.B) {
		pass := func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			return next(req)
		}
		c, err := NewClient(benchToken, WithBaseURL(e.srv.URL), WithoutRateLimits(), WithMiddleware(pass))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			o, err := c.Orders.Get(ctx, benchOrderID)
			if err != nil {
				b.Fatal(err)
			}
			if o.ID != benchOrderID {
				b.Fatalf("got order %q", o.ID)
			}
		}
	})
}

func BenchmarkOrdersList100(b *testing.B) {
	e := benchSetup(b)
	ctx := context.Background()
	url := e.srv.URL + ordersPath
	b.Run("raw", func(b *testing.B) {
		raw := newBenchRaw()
		b.ReportAllocs()
		for b.Loop() {
			var p Page[CustomerOrder]
			if err := raw.get(ctx, url, &p); err != nil {
				b.Fatal(err)
			}
			if len(p.Items) != 100 {
				b.Fatalf("got %d orders", len(p.Items))
			}
		}
	})
	b.Run("sdk", func(b *testing.B) {
		c := benchSDK(b, e)
		b.ReportAllocs()
		for b.Loop() {
			p, err := c.Orders.List(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			if len(p.Items) != 100 {
				b.Fatalf("got %d orders", len(p.Items))
			}
		}
	})
}

var benchSinkClient *Client

// BenchmarkWithToken derives a per-customer client from a base client with
// the default options (rate limiter included), as a backend would per
// incoming request.
func BenchmarkWithToken(b *testing.B) {
	base, err := NewClient("")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		c := base.WithToken(benchToken)
		if c == base || c.Orders == nil {
			b.Fatal("WithToken returned an incomplete client")
		}
		benchSinkClient = c
	}
}

var benchSinkPrices PriceList

func BenchmarkDecodePrices(b *testing.B) {
	e := benchSetup(b)
	raw, err := json.Marshal(e.order.Product.Prices)
	if err != nil {
		b.Fatal(err)
	}
	want := len(e.order.Product.Prices)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		var prices PriceList
		if err := prices.UnmarshalJSON(raw); err != nil {
			b.Fatal(err)
		}
		if len(prices) != want {
			b.Fatalf("got %d prices, want %d", len(prices), want)
		}
		benchSinkPrices = prices
	}
}

var benchSinkURL string

func BenchmarkListQuery(b *testing.B) {
	e := benchSetup(b)
	c := benchSDK(b, e)
	opts := &OrderListOptions{
		ListOptions:        ListOptions{Page: 2, Limit: 50},
		ProductID:          []string{"1a9e4c2d-7b3f-4e85-a06d-5c8f2e1b9d47", "2b8f5d3e-8c4a-4f96-b17e-6d9a3f2c0e58"},
		ProductBillingType: []ProductBillingType{ProductBillingTypeRecurring},
		Query:              "analytics pro",
		Sorting:            []CustomerOrderSortProperty{CustomerOrderSortPropertyCreatedAtDesc, CustomerOrderSortPropertyAmount},
	}
	b.ReportAllocs()
	for b.Loop() {
		u, err := c.buildURL(ordersList.op, "", opts)
		if err != nil {
			b.Fatal(err)
		}
		benchSinkURL = u
	}
}

// TestBenchmarkBaselineEquivalent checks that the baseline and the SDK
// decode the benchmark payloads into equal values, equal to the values the
// payloads were made from, so that the benchmarks compare like with like.
func TestBenchmarkBaselineEquivalent(t *testing.T) {
	e := benchSetup(t)
	ctx := context.Background()
	raw := newBenchRaw()
	c := benchSDK(t, e)

	var rawOrder CustomerOrder
	if err := raw.get(ctx, e.srv.URL+ordersPath+benchOrderID, &rawOrder); err != nil {
		t.Fatal(err)
	}
	sdkOrder, err := c.Orders.Get(ctx, benchOrderID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&rawOrder, sdkOrder); diff != "" {
		t.Errorf("Orders.Get: raw and SDK differ (-raw +sdk):\n%s", diff)
	}
	if diff := cmp.Diff(e.order, sdkOrder); diff != "" {
		t.Errorf("Orders.Get: payload does not round-trip (-sent +decoded):\n%s", diff)
	}
	if n := len(sdkOrder.Product.Prices); n != 7 {
		t.Errorf("decoded %d prices, want 7", n)
	}
	if _, ok := sdkOrder.Product.Prices[5].(*LegacyRecurringProductPriceFixed); !ok {
		t.Errorf("price 5 decoded as %T, want *LegacyRecurringProductPriceFixed", sdkOrder.Product.Prices[5])
	}

	var rawPage Page[CustomerOrder]
	if err := raw.get(ctx, e.srv.URL+ordersPath, &rawPage); err != nil {
		t.Fatal(err)
	}
	sdkPage, err := c.Orders.List(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(sdkPage.Items) != 100 || sdkPage.Pagination.TotalCount != 100 {
		t.Errorf("Orders.List: got %d items, total %d; want 100, 100", len(sdkPage.Items), sdkPage.Pagination.TotalCount)
	}
	if !cmp.Equal(&rawPage, sdkPage) {
		t.Errorf("Orders.List: raw and SDK differ (-raw +sdk):\n%s", cmp.Diff(&rawPage, sdkPage))
	}
	if !cmp.Equal(e.page, sdkPage) {
		t.Errorf("Orders.List: payload does not round-trip (-sent +decoded):\n%s", cmp.Diff(e.page, sdkPage))
	}
}
