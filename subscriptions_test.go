package polar

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const subscriptionID = "c41e8b2d-6f7a-4d39-8e05-b2a9c7d1f364"

// wantMinimalSubscription is testdata/subscription_minimal.json decoded:
// every nullable field null, every optional field absent.
func wantMinimalSubscription() CustomerSubscription {
	const org = "3f0c1a52-8b7d-4e21-9c4a-6d2e8f1b7a30"
	return CustomerSubscription{
		CustomerOrderSubscription: CustomerOrderSubscription{
			CreatedAt:              rfc3339("2025-12-01T09:00:00Z"),
			ID:                     "486ee7a6-e60f-4088-99e7-4633d6ae52e1",
			Amount:                 0,
			Currency:               "eur",
			RecurringInterval:      RecurringIntervalYear,
			RecurringIntervalCount: 1,
			Status:                 SubscriptionStatusIncomplete,
			CurrentPeriodStart:     rfc3339("2025-12-01T09:00:00Z"),
			CurrentPeriodEnd:       rfc3339("2026-12-01T09:00:00Z"),
			CustomerID:             "5d8f1e2a-7c4b-4a9e-8f3d-2b1c0a9e8d7f",
			ProductID:              "95ec1883-3cf9-453a-b39e-e589a9755f59",
		},
		Product: CustomerSubscriptionProduct{CustomerProduct: CustomerProduct{
			ID:                     "95ec1883-3cf9-453a-b39e-e589a9755f59",
			CreatedAt:              rfc3339("2025-12-01T09:00:00Z"),
			Name:                   "Acme Basic",
			Visibility:             ProductVisibilityPrivate,
			RecurringInterval:      ptr(RecurringIntervalYear),
			RecurringIntervalCount: ptr[int64](1),
			IsRecurring:            true,
			IsArchived:             true,
			OrganizationID:         org,
			Prices:                 PriceList{},
			Benefits:               []BenefitPublic{},
			Medias:                 []ProductMediaFile{},
		},
			Organization: CustomerOrganization{
				BenefitSubscriberOrganization: BenefitSubscriberOrganization{
					CreatedAt:         rfc3339("2025-11-03T08:15:42.118204Z"),
					ID:                org,
					Name:              "Acme Inc.",
					Slug:              "acme",
					ProrationBehavior: SubscriptionProrationBehaviorInvoice,
				},
				CustomerPortalSettings: OrganizationCustomerPortalSettings{
					Usage:        CustomerPortalUsageSettings{Show: false},
					Subscription: CustomerPortalSubscriptionSettings{},
				},
			},
		},
		Prices: PriceList{},
		Meters: []CustomerSubscriptionMeter{},
	}
}

// wantFullSubscription is testdata/subscription.json decoded: every
// nullable and optional field set. Its product is the product of
// order.json (checked by TestPriceVariants), and so are its prices.
func wantFullSubscription(t *testing.T) CustomerSubscription {
	o := decodeFixture[CustomerOrder](t, "order.json")
	return CustomerSubscription{
		CustomerOrderSubscription: CustomerOrderSubscription{
			CreatedAt:                   rfc3339("2026-06-30T10:22:31.482913Z"),
			ModifiedAt:                  rfc3339p("2026-09-20T08:00:00Z"),
			ID:                          subscriptionID,
			Amount:                      12900,
			Currency:                    "usd",
			RecurringInterval:           RecurringIntervalMonth,
			RecurringIntervalCount:      1,
			Status:                      SubscriptionStatusPastDue,
			CurrentPeriodStart:          rfc3339("2026-09-14T10:22:31.482913Z"),
			CurrentPeriodEnd:            rfc3339("2026-10-14T10:22:31.482913Z"),
			CurrentMeterPeriodStart:     rfc3339p("2026-09-14T10:22:31.482913Z"),
			CurrentMeterPeriodEnd:       rfc3339p("2026-09-21T10:22:31.482913Z"),
			TrialStart:                  rfc3339p("2026-06-30T10:22:31Z"),
			TrialEnd:                    rfc3339p("2026-07-14T10:22:31Z"),
			CancelAtPeriodEnd:           true,
			CanceledAt:                  rfc3339p("2026-09-02T18:40:00Z"),
			StartedAt:                   rfc3339p("2026-06-30T10:22:31Z"),
			EndsAt:                      rfc3339p("2026-10-14T10:22:31.482913Z"),
			EndedAt:                     rfc3339p("2026-10-14T10:22:31.482913Z"),
			PastDueAt:                   rfc3339p("2026-09-14T10:25:00Z"),
			PauseAtPeriodEnd:            true,
			PausedAt:                    rfc3339p("2026-08-01T00:00:00Z"),
			ResumesAt:                   rfc3339p("2026-08-15T00:00:00Z"),
			CustomerID:                  "5d8f1e2a-7c4b-4a9e-8f3d-2b1c0a9e8d7f",
			ProductID:                   "9a7e4c21-5b3d-4f8e-a1c6-0d2b7e9f4a13",
			DiscountID:                  ptr("b7d9d4f5-26ce-4b1e-9a3d-4ac0e7c8d9fb"),
			CheckoutID:                  ptr("f90231ff-e492-4fae-8cde-158de250e840"),
			Seats:                       ptr[int64](12),
			CustomerCancellationReason:  ptr(CustomerCancellationReasonTooExpensive),
			CustomerCancellationComment: ptr("Budget freeze until Q1."),
			Units:                       ptr[int64](250),
		},
		Product: CustomerSubscriptionProduct(*o.Product),
		Prices:  o.Product.Prices,
		Meters: []CustomerSubscriptionMeter{
			{
				CreatedAt:     rfc3339("2026-07-14T10:22:31.482913Z"),
				ModifiedAt:    rfc3339p("2026-09-20T08:00:00Z"),
				ID:            "c6158466-8b0f-41fa-b853-d5d9adb21a5d",
				ConsumedUnits: 1250.75,
				CreditedUnits: 1000,
				Amount:        12538,
				MeterID:       "e2b7a9c4-1d3f-4a86-9b5e-7c0f2d8a6e19",
				Meter: Meter{
					CreatedAt: rfc3339("2026-01-05T12:00:00Z"),
					ID:        "e2b7a9c4-1d3f-4a86-9b5e-7c0f2d8a6e19",
					Name:      "API calls",
				},
			},
			{
				CreatedAt:     rfc3339("2026-07-14T10:22:31.482913Z"),
				ID:            "e9ef206e-77fc-491e-afbf-d6b346d248f6",
				ConsumedUnits: 123456789012.5,
				MeterID:       "6b1f3e8d-9a2c-4c57-b04e-3e8d1a7f5c92",
				Meter: Meter{
					CreatedAt:  rfc3339("2026-01-05T12:00:00Z"),
					ModifiedAt: rfc3339p("2026-03-01T09:30:00.25Z"),
					ID:         "6b1f3e8d-9a2c-4c57-b04e-3e8d1a7f5c92",
					Name:       "LLM tokens",
				},
			},
		},
		PendingUpdate: &PendingSubscriptionUpdate{
			CreatedAt:  rfc3339("2026-09-20T08:00:00Z"),
			ModifiedAt: rfc3339p("2026-09-21T08:00:00.5Z"),
			ID:         "565f28ac-d634-4f6e-8fea-45e0ba6e75be",
			AppliesAt:  rfc3339("2026-10-14T10:22:31.482913Z"),
			ProductID:  ptr("b40e37eb-4c0c-42cb-b220-07fde945b162"),
			Seats:      ptr[int64](15),
			Units:      ptr[int64](400),
		},
	}
}

func TestSubscriptionsList(t *testing.T) {
	minimal := string(fixture("subscription_minimal.json"))
	for _, tc := range []struct {
		name string
		opts *SubscriptionListOptions
		want url.Values
	}{
		{"nil options", nil, url.Values{}},
		{"every filter, active", &SubscriptionListOptions{
			ListOptions: ListOptions{Page: 2, Limit: 50},
			ProductID:   []string{"p1", "p2"},
			Active:      new(true),
			Query:       "pro plan",
			Sorting:     []CustomerSubscriptionSortProperty{CustomerSubscriptionSortPropertyStartedAtDesc, CustomerSubscriptionSortPropertyOrganization},
		}, url.Values{
			"page": {"2"}, "limit": {"50"}, "product_id": {"p1", "p2"}, "active": {"true"},
			"query": {"pro plan"}, "sorting": {"-started_at", "organization"},
		}},
		{"canceled only", &SubscriptionListOptions{Active: new(false), ProductID: []string{"p1"}},
			url.Values{"active": {"false"}, "product_id": {"p1"}}},
		{"active unset", &SubscriptionListOptions{Sorting: []CustomerSubscriptionSortProperty{CustomerSubscriptionSortPropertyAmount}},
			url.Values{"sorting": {"amount"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newRecorder(t, jsonAnswer(200, `{"items":[`+minimal+`],"pagination":{"total_count":11,"max_page":2}}`))
			c := newTestClient(t, srv, testToken)
			page, err := c.Subscriptions.List(bg(), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			want := &Page[CustomerSubscription]{
				Items:      []CustomerSubscription{wantMinimalSubscription()},
				Pagination: Pagination{TotalCount: 11, MaxPage: 2},
			}
			if diff := cmp.Diff(want, page); diff != "" {
				t.Errorf("page (-want +got):\n%s", diff)
			}
			checkListRequest(t, srv.requests()[0], "/v1/customer-portal/subscriptions/", tc.want)
		})
	}
}

func TestSubscriptionsAll(t *testing.T) {
	page := string(fixture("subscriptions_page.json"))
	srv := newRecorder(t, jsonAnswer(200, page))
	c := newTestClient(t, srv, testToken)
	var ids []string
	for s, err := range c.Subscriptions.All(bg(), &SubscriptionListOptions{Active: new(true)}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s.ID)
	}
	if diff := cmp.Diff([]string{"6b59dbce-0f1a-498a-9b38-c71df55b5ea2", "e45796d1-bef5-4d08-a46b-9f26f0f91a5b"}, ids); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	if got := srv.requests()[0].RequestURI; got != "/v1/customer-portal/subscriptions/?active=true&limit=100&page=1" {
		t.Errorf("RequestURI = %q", got)
	}
}

func TestSubscriptionsGet(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, string(fixture("subscription.json"))))
	c := newTestClient(t, srv, testToken)
	s, err := c.Subscriptions.Get(bg(), subscriptionID)
	if err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	if r.Method != "GET" || r.RequestURI != "/v1/customer-portal/subscriptions/"+subscriptionID || len(r.Body) != 0 {
		t.Fatalf("request %s %s %q", r.Method, r.RequestURI, r.Body)
	}
	checkCommonHeaders(t, r, true)
	want := wantFullSubscription(t)
	if diff := cmp.Diff(&want, s); diff != "" {
		t.Errorf("subscription (-want +got):\n%s", diff)
	}
}

// TestSubscriptionsUpdateShapes sends each shape of CustomerSubscriptionUpdate,
// as a pointer and as a value, and checks the exact body.
func TestSubscriptionsUpdateShapes(t *testing.T) {
	resumes := rfc3339("2026-12-01T00:00:00Z")
	for _, tc := range []struct {
		name string
		body CustomerSubscriptionUpdate
		want string
	}{
		{"product", CustomerSubscriptionUpdateProduct{ProductID: testUUID}, `{"product_id":"` + testUUID + `"}`},
		{"seats", CustomerSubscriptionUpdateSeats{Seats: 12}, `{"seats":12}`},
		{"seats zero", CustomerSubscriptionUpdateSeats{}, `{"seats":0}`},
		{"units", CustomerSubscriptionUpdateUnits{Units: 400}, `{"units":400}`},
		{"cancel at period end", CustomerSubscriptionCancel{
			CancelAtPeriodEnd:   Set(true),
			CancellationReason:  Set(CustomerCancellationReasonTooExpensive),
			CancellationComment: Set("Budget freeze until Q1."),
		}, `{"cancel_at_period_end":true,"cancellation_reason":"too_expensive","cancellation_comment":"Budget freeze until Q1."}`},
		{"uncancel, clearing reason and comment", CustomerSubscriptionCancel{
			CancelAtPeriodEnd:   Set(false),
			CancellationReason:  Null[CustomerCancellationReason](),
			CancellationComment: Null[string](),
		}, `{"cancel_at_period_end":false,"cancellation_reason":null,"cancellation_comment":null}`},
		{"cancel, reason only", CustomerSubscriptionCancel{CancellationReason: Set(CustomerCancellationReasonUnused)},
			`{"cancellation_reason":"unused"}`},
		{"pause", CustomerSubscriptionPause{PauseAtPeriodEnd: true, ResumesAt: Set(resumes)},
			`{"pause_at_period_end":true,"resumes_at":"2026-12-01T00:00:00Z"}`},
		{"pause until resumed", CustomerSubscriptionPause{PauseAtPeriodEnd: true, ResumesAt: Null[time.Time]()},
			`{"pause_at_period_end":true,"resumes_at":null}`},
		{"take back a pause", CustomerSubscriptionPause{}, `{"pause_at_period_end":false}`},
		{"resume", CustomerSubscriptionResume{}, `{"resume":true}`},
		{"clear", CustomerSubscriptionUpdateClear{}, `{"pending_update":null}`},
	} {
		ptrBody := reflect.New(reflect.TypeOf(tc.body))
		ptrBody.Elem().Set(reflect.ValueOf(tc.body))
		for form, body := range map[string]CustomerSubscriptionUpdate{"value": tc.body, "pointer": ptrBody.Interface().(CustomerSubscriptionUpdate)} {
			t.Run(tc.name+" "+form, func(t *testing.T) {
				srv := newRecorder(t, jsonAnswer(200, string(fixture("subscription_minimal.json"))))
				c := newTestClient(t, srv, testToken)
				s, err := c.Subscriptions.Update(bg(), subscriptionID, body)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(wantMinimalSubscription(), *s); diff != "" {
					t.Errorf("result (-want +got):\n%s", diff)
				}
				r := srv.requests()[0]
				checkRequest(t, r, "PATCH", "/v1/customer-portal/subscriptions/"+subscriptionID, true)
				if string(r.Body) != tc.want {
					t.Errorf("body = %s, want %s", r.Body, tc.want)
				}
			})
		}
	}
}

func TestSubscriptionsUpdateNilBodies(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, `{}`))
	c := newTestClient(t, srv, testToken)
	for _, body := range []CustomerSubscriptionUpdate{
		nil,
		(*CustomerSubscriptionUpdateSeats)(nil),
		(*CustomerSubscriptionResume)(nil),
		(*CustomerSubscriptionUpdateClear)(nil),
	} {
		if _, err := c.Subscriptions.Update(bg(), subscriptionID, body); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%T: err = %v", body, err)
		}
	}
	if n := srv.count(); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

func TestSubscriptionsCancel(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, string(fixture("subscription_minimal.json"))))
	c := newTestClient(t, srv, testToken)
	s, err := c.Subscriptions.Cancel(bg(), subscriptionID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantMinimalSubscription(), *s); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	r := srv.requests()[0]
	if r.Method != "DELETE" || r.RequestURI != "/v1/customer-portal/subscriptions/"+subscriptionID || len(r.Body) != 0 {
		t.Fatalf("request %s %s %q", r.Method, r.RequestURI, r.Body)
	}
	checkCommonHeaders(t, r, true)
}

// TestSubscriptionsCancelRetriedAfterSuccess: the first DELETE canceled the
// subscription but its answer was lost (503); the retry is answered 403
// AlreadyCanceledSubscription, and the error says it answered attempt 2.
func TestSubscriptionsCancelRetriedAfterSuccess(t *testing.T) {
	srv := newRecorder(t, sequence(
		jsonAnswer(http.StatusServiceUnavailable, `{"detail":"upstream timed out"}`),
		jsonAnswer(http.StatusForbidden, `{"error":"AlreadyCanceledSubscription","detail":"This subscription is already canceled or will be at the end of the period."}`),
	))
	c := newTestClient(t, srv, testToken)
	s, err := c.Subscriptions.Cancel(bg(), subscriptionID)
	var apiErr *APIError
	if !errors.Is(err, ErrAlreadyCanceledSubscription) || !errors.As(err, &apiErr) || s != nil {
		t.Fatalf("Cancel = %v, %v", s, err)
	}
	if apiErr.Attempt != 2 || apiErr.StatusCode != http.StatusForbidden || apiErr.Method != "DELETE" ||
		apiErr.Path != "/v1/customer-portal/subscriptions/{id}" {
		t.Errorf("APIError = %+v, want a 403 of attempt 2", apiErr)
	}
	reqs := srv.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	for _, r := range reqs {
		if r.Method != "DELETE" || r.RequestURI != "/v1/customer-portal/subscriptions/"+subscriptionID {
			t.Errorf("request %s %s", r.Method, r.RequestURI)
		}
	}

	// Canceled before the call: the first attempt is answered 403.
	srv = newRecorder(t, jsonAnswer(http.StatusForbidden, `{"error":"AlreadyCanceledSubscription","detail":"Already canceled."}`))
	c = newTestClient(t, srv, testToken)
	_, err = c.Subscriptions.Cancel(bg(), subscriptionID)
	if !errors.Is(err, ErrAlreadyCanceledSubscription) || !errors.As(err, &apiErr) || apiErr.Attempt != 1 || srv.count() != 1 {
		t.Fatalf("err = %v (attempt %d), %d requests", err, apiErr.Attempt, srv.count())
	}
}

// TestSubscriptionsErrors checks that each documented error answer of the
// subscription operations yields its typed error, and is not retried.
func TestSubscriptionsErrors(t *testing.T) {
	update := func(c *Client) (any, error) {
		return c.Subscriptions.Update(bg(), subscriptionID, &CustomerSubscriptionUpdateProduct{ProductID: testUUID})
	}
	cancel := func(c *Client) (any, error) {
		return c.Subscriptions.Cancel(bg(), subscriptionID)
	}
	get := func(c *Client) (any, error) {
		return c.Subscriptions.Get(bg(), subscriptionID)
	}
	list := func(c *Client) (any, error) {
		return c.Subscriptions.List(bg(), &SubscriptionListOptions{ProductID: []string{"x"}})
	}
	const badID = `{"error":"RequestValidationError","detail":[{"loc":["path","id"],"msg":"Input should be a valid UUID","type":"uuid_parsing","input":"x"}]}`
	checkErrorCases(t, testToken, []errorCase{
		{name: "update payment failed", call: update, status: 402, body: `{"error":"PaymentFailed","detail":"Your card was declined."}`, want: ErrPaymentFailed},
		{name: "update already canceled", call: update, status: 403, body: `{"error":"AlreadyCanceledSubscription","detail":"Already canceled."}`, want: ErrAlreadyCanceledSubscription},
		{name: "update pause not allowed", call: update, status: 403, body: `{"error":"PauseResumeNotAllowed","detail":"Pausing is not enabled."}`, want: ErrPauseResumeNotAllowed},
		{name: "update not found", call: update, status: 404, body: `{"error":"ResourceNotFound","detail":"Not found"}`, want: ErrResourceNotFound},
		{name: "update payment method required", call: update, status: 409, body: `{"error":"PaymentMethodRequired","detail":"No payment method."}`, want: ErrPaymentMethodRequired},
		{name: "cancel already canceled", call: cancel, status: 403, body: `{"error":"AlreadyCanceledSubscription","detail":"Already canceled."}`, want: ErrAlreadyCanceledSubscription},
		{name: "cancel not found", call: cancel, status: 404, body: `{"error":"ResourceNotFound","detail":"Not found"}`, want: ErrResourceNotFound},
		{name: "get not found", call: get, status: 404, body: `{"error":"ResourceNotFound","detail":"Not found"}`, want: ErrResourceNotFound},
		{name: "list validation", call: list, status: 422, body: badID, validation: "uuid_parsing"},
		{name: "get validation", call: get, status: 422, body: badID, validation: "uuid_parsing"},
		{name: "update validation", call: update, status: 422, body: badID, validation: "uuid_parsing"},
		{name: "cancel validation", call: cancel, status: 422, body: badID, validation: "uuid_parsing"},
	})
}

// TestSubscriptionRoundTrip checks that decoding and re-encoding keeps every
// member the server sent.
func TestSubscriptionRoundTrip(t *testing.T) {
	t.Run("subscription.json", func(t *testing.T) { roundTrip[CustomerSubscription](t, "subscription.json") })
	t.Run("subscription_minimal.json", func(t *testing.T) { roundTrip[CustomerSubscription](t, "subscription_minimal.json") })
	t.Run("subscriptions_page.json", func(t *testing.T) {
		roundTrip[Page[CustomerSubscription]](t, "subscriptions_page.json")
	})
}

// TestSubscriptionPrices checks that a subscription's prices, like its
// product's, decode into their own variants, legacy ones included.
func TestSubscriptionPrices(t *testing.T) {
	s := decodeFixture[CustomerSubscription](t, "subscription.json")
	var got []string
	for _, p := range s.Prices {
		got = append(got, reflect.TypeOf(p).String())
	}
	want := []string{
		"*polar.ProductPriceFixed", "*polar.ProductPriceCustom", "*polar.ProductPriceSeatBased",
		"*polar.ProductPriceMeteredUnit", "*polar.ProductPriceUnitBased", "*polar.ProductPriceMeteredTiers",
		"*polar.LegacyRecurringProductPriceFixed", "*polar.LegacyRecurringProductPriceCustom",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("price types (-want +got):\n%s", diff)
	}
	p := decodeFixture[Page[CustomerSubscription]](t, "subscriptions_page.json")
	if _, ok := p.Items[0].Prices[0].(*ProductPriceSeatBased); !ok {
		t.Errorf("page item 0 price: %T", p.Items[0].Prices[0])
	}
	if pu := p.Items[0].PendingUpdate; pu == nil || pu.ProductID != nil || pu.Units != nil || pu.Seats == nil || *pu.Seats != 20 {
		t.Errorf("page item 0 pending update: %+v", pu)
	}
	if _, ok := p.Items[1].Prices[1].(*LegacyRecurringProductPriceCustom); !ok || p.Items[1].Status != SubscriptionStatusCanceled {
		t.Errorf("page item 1: %T, %q", p.Items[1].Prices[1], p.Items[1].Status)
	}
}

// TestSubscriptionUnknownsSurvive decodes a subscription from a newer
// server: unknown enum values, price types and fields must not fail the
// call; unknown prices keep their JSON, and what the SDK models re-encodes
// unchanged.
func TestSubscriptionUnknownsSurvive(t *testing.T) {
	in := fixture("subscription_future.json")
	srv := newRecorder(t, jsonAnswer(200, string(in)))
	c := newTestClient(t, srv, testToken)
	s, err := c.Subscriptions.Get(bg(), subscriptionID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if s.Status != "paused_pending" || *s.CustomerCancellationReason != "moved_away" || s.RecurringInterval != "fortnight" {
		t.Errorf("unknown enum values: status %q, reason %q, interval %q", s.Status, *s.CustomerCancellationReason, s.RecurringInterval)
	}
	var raw struct {
		Prices []json.RawMessage `json:"prices"`
	}
	if err := json.Unmarshal(in, &raw); err != nil {
		t.Fatal(err)
	}
	u, ok := s.Prices[1].(*ProductPriceUnknown)
	if !ok || u.Type != "usage_blocks" {
		t.Fatalf("price 1 = %#v, want a *ProductPriceUnknown of type usage_blocks", s.Prices[1])
	}
	if b, err := json.Marshal(u); err != nil || string(b) != string(compactJSON(t, raw.Prices[1])) {
		t.Errorf("unknown price re-encodes as %s, %v; want the raw JSON back", b, err)
	}
	lu, ok := s.Prices[2].(*LegacyRecurringProductPriceUnknown)
	if !ok || lu.Type != "free" {
		t.Fatalf("price 2 = %#v, want a *LegacyRecurringProductPriceUnknown of type free", s.Prices[2])
	}
	if b, err := json.Marshal(lu); err != nil || string(b) != string(compactJSON(t, raw.Prices[2])) {
		t.Errorf("unknown legacy price re-encodes as %s, %v; want the raw JSON back", b, err)
	}

	out, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	want := jsonMeaning(t, in)
	for _, path := range [][]any{
		{"billing_anchor"}, {"meter_credits"}, {"meters", 0, "rollover_units"}, {"pending_update", "billing_interval"},
	} {
		deleteJSONPath(t, want, path...)
	}
	if diff := cmp.Diff(want, jsonMeaning(t, out)); diff != "" {
		t.Errorf("re-encoded subscription differs from the fixture without its unknown fields (-want +got):\n%s", diff)
	}
}

// TestCustomerSubscriptionUpdateShapesMarshal checks every request shape on
// its own, zero values included: each writes exactly the members its
// schema has, and the constant ones once.
func TestCustomerSubscriptionUpdateShapesMarshal(t *testing.T) {
	for _, tc := range []struct {
		v    CustomerSubscriptionUpdate
		want string
	}{
		{CustomerSubscriptionUpdateProduct{}, `{"product_id":""}`},
		{CustomerSubscriptionUpdateSeats{}, `{"seats":0}`},
		{CustomerSubscriptionUpdateUnits{}, `{"units":0}`},
		{CustomerSubscriptionCancel{}, `{}`},
		{CustomerSubscriptionPause{}, `{"pause_at_period_end":false}`},
		{CustomerSubscriptionResume{}, `{"resume":true}`},
		{&CustomerSubscriptionResume{}, `{"resume":true}`},
		{CustomerSubscriptionUpdateClear{}, `{"pending_update":null}`},
		{&CustomerSubscriptionUpdateClear{}, `{"pending_update":null}`},
	} {
		b, err := json.Marshal(tc.v)
		if err != nil || string(b) != tc.want {
			t.Errorf("%T marshals to %s, %v; want %s", tc.v, b, err, tc.want)
		}
	}
}

// TestSubscriptionTypesShared: a subscription's product is an order's
// product under its own schema name, and converts both ways.
func TestSubscriptionTypesShared(t *testing.T) {
	o := decodeFixture[CustomerOrder](t, "order.json")
	p := CustomerSubscriptionProduct(*o.Product)
	back := CustomerOrderProduct(p)
	if diff := cmp.Diff(*o.Product, back); diff != "" {
		t.Errorf("conversion lost something:\n%s", diff)
	}
}

const testSubscriptionJSON = `{"id":"` + subscriptionID + `","created_at":"2026-01-01T00:00:00Z","current_period_start":"2026-01-01T00:00:00Z",
"current_period_end":"2026-02-01T00:00:00Z","status":"active","product":{"prices":[]},"prices":[],"meters":[],"pending_update":null}`

var _ = addOps(
	opSpec{id: "customer_portal:subscriptions:list", answer: `{"items":[` + testSubscriptionJSON + `],"pagination":{"total_count":1,"max_page":1}}`,
		call: func(ctx context.Context, c *Client, _ string) error {
			return onlyErr(c.Subscriptions.List(ctx, &SubscriptionListOptions{ProductID: []string{testUUID}, Active: new(true)}))
		},
		rows: []contractRow{
			{call: func(ctx context.Context, c *Client) error { return onlyErr(c.Subscriptions.List(ctx, nil)) }},
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Subscriptions.List(ctx, &SubscriptionListOptions{
					ListOptions: ListOptions{Page: 1, Limit: 20},
					ProductID:   []string{contractSubProduct, contractSubProd2},
					Active:      new(true),
					Query:       "Pro",
					Sorting:     []CustomerSubscriptionSortProperty{CustomerSubscriptionSortPropertyStartedAtDesc, CustomerSubscriptionSortPropertyAmount},
				}))
			}},
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Subscriptions.List(ctx, &SubscriptionListOptions{
					ProductID: []string{contractSubProduct},
					Active:    new(false),
					Sorting:   []CustomerSubscriptionSortProperty{CustomerSubscriptionSortPropertyStatus, CustomerSubscriptionSortPropertyProductDesc},
				}))
			}},
		},
	},
	opSpec{id: "customer_portal:subscriptions:get", answer: testSubscriptionJSON,
		call: func(ctx context.Context, c *Client, id string) error { return onlyErr(c.Subscriptions.Get(ctx, id)) },
		rows: []contractRow{{arg: contractSubID}},
	},
	opSpec{id: "customer_portal:subscriptions:update", answer: testSubscriptionJSON,
		call: func(ctx context.Context, c *Client, id string) error {
			return onlyErr(c.Subscriptions.Update(ctx, id, &CustomerSubscriptionUpdateSeats{Seats: 3}))
		},
		nilBody: func(ctx context.Context, c *Client) error { return onlyErr(c.Subscriptions.Update(ctx, testUUID, nil)) },
		rows: []contractRow{
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Subscriptions.Update(ctx, contractSubID, &CustomerSubscriptionUpdateProduct{ProductID: contractSubProduct}))
			}},
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Subscriptions.Update(ctx, contractSubID, &CustomerSubscriptionUpdateSeats{Seats: 12}))
			}},
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Subscriptions.Update(ctx, contractSubID, &CustomerSubscriptionUpdateUnits{Units: 400}))
			}},
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Subscriptions.Update(ctx, contractSubID, &CustomerSubscriptionCancel{
					CancelAtPeriodEnd:   Set(true),
					CancellationReason:  Set(CustomerCancellationReasonTooExpensive),
					CancellationComment: Set("Budget freeze until Q1."),
				}))
			}},
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Subscriptions.Update(ctx, contractSubID, &CustomerSubscriptionCancel{
					CancelAtPeriodEnd:   Set(false),
					CancellationReason:  Null[CustomerCancellationReason](),
					CancellationComment: Null[string](),
				}))
			}},
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Subscriptions.Update(ctx, contractSubID, &CustomerSubscriptionPause{
					PauseAtPeriodEnd: true, ResumesAt: Set(rfc3339("2026-12-01T00:00:00Z")),
				}))
			}},
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Subscriptions.Update(ctx, contractSubID, &CustomerSubscriptionPause{PauseAtPeriodEnd: true, ResumesAt: Null[time.Time]()}))
			}},
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Subscriptions.Update(ctx, contractSubID, &CustomerSubscriptionResume{}))
			}},
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Subscriptions.Update(ctx, contractSubID, &CustomerSubscriptionUpdateClear{}))
			}},
		},
		schemas: map[string]reflect.Type{
			"AlreadyCanceledSubscription":       apiErrorType,
			"CustomerSubscriptionCancel":        reflect.TypeFor[CustomerSubscriptionCancel](),
			"CustomerSubscriptionPause":         reflect.TypeFor[CustomerSubscriptionPause](),
			"CustomerSubscriptionResume":        reflect.TypeFor[CustomerSubscriptionResume](),
			"CustomerSubscriptionUpdate":        reflect.TypeFor[CustomerSubscriptionUpdate](),
			"CustomerSubscriptionUpdateClear":   reflect.TypeFor[CustomerSubscriptionUpdateClear](),
			"CustomerSubscriptionUpdateProduct": reflect.TypeFor[CustomerSubscriptionUpdateProduct](),
			"CustomerSubscriptionUpdateSeats":   reflect.TypeFor[CustomerSubscriptionUpdateSeats](),
			"CustomerSubscriptionUpdateUnits":   reflect.TypeFor[CustomerSubscriptionUpdateUnits](),
			"PauseResumeNotAllowed":             apiErrorType,
			"PaymentFailed":                     apiErrorType,
			"PaymentMethodRequired":             apiErrorType,
		},
	},
	opSpec{id: "customer_portal:subscriptions:cancel", answer: testSubscriptionJSON,
		call: func(ctx context.Context, c *Client, id string) error { return onlyErr(c.Subscriptions.Cancel(ctx, id)) },
		rows: []contractRow{{arg: contractSubID}},
	},
)

// Contract calls: every filter and every body shape, with realistic IDs.
const (
	contractSubID      = "0775af8e-e6f5-4c41-bc0a-897b9f4877c9"
	contractSubProduct = "03625e85-5be3-4ce1-bfda-ecc1631666bc"
	contractSubProd2   = "9a7e4c21-5b3d-4f8e-a1c6-0d2b7e9f4a13"
)
