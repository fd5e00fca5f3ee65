package polar

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	portalSeatID         = "2ade1136-c6c7-40af-95f8-e064a70b02bf"
	portalSubscriptionID = "c8353605-9afb-4065-8550-c7d0cd73ca79"
	portalOrderID        = "84697091-020d-41f8-8084-48edb87984ea"
	portalCheckoutID     = "90b4b034-c607-4cbc-93ad-20216d9da01d"
)

func wantSeatsList(t *testing.T) *SeatsList {
	return &SeatsList{
		Seats: []CustomerSeat{
			{
				CreatedAt:                rfc3339("2026-09-01T10:00:00Z"),
				ID:                       portalSeatID,
				SubscriptionID:           ptr(portalSubscriptionID),
				Status:                   SeatStatusPending,
				CustomerEmail:            ptr("grace@example.com"),
				InvitationTokenExpiresAt: ptr(rfc3339("2026-09-08T10:00:00Z")),
			},
			{
				CreatedAt:      rfc3339("2026-08-01T10:00:00Z"),
				ModifiedAt:     ptr(rfc3339("2026-08-02T11:12:13.141516Z")),
				ID:             "e188e49f-19b5-4acf-865e-c9b135208e24",
				SubscriptionID: ptr(portalSubscriptionID),
				Status:         SeatStatusClaimed,
				CustomerID:     ptr("0329d50d-5e1e-4146-beca-deaefca17441"),
				MemberID:       ptr(portalMemberID),
				Member: &Member{
					ID:         portalMemberID,
					CreatedAt:  rfc3339("2026-04-01T00:00:00Z"),
					CustomerID: "0329d50d-5e1e-4146-beca-deaefca17441",
					Email:      "mary@example.com",
					Name:       ptr("Mary Somerville"),
					ExternalID: ptr("usr_1337"),
					Role:       MemberRoleMember,
				},
				Email:        ptr("mary@example.com"),
				ClaimedAt:    ptr(rfc3339("2026-08-02T11:12:13.141516Z")),
				SeatMetadata: map[string]any{"department": "research", "cost_center": 42.0, "tags": []any{"a", "b"}, "remote": true},
			},
			{
				CreatedAt:  rfc3339("2026-07-01T10:00:00Z"),
				ModifiedAt: ptr(rfc3339("2026-07-15T10:00:00Z")),
				ID:         "0acc6d72-c2ca-49d1-b02b-f5bdeea20990",
				OrderID:    ptr(portalOrderID),
				Status:     SeatStatusRevoked,
				CustomerID: ptr("a7a79c39-56ba-4121-a734-86c12979185b"),
				Member: &Member{
					ID:         "cf499766-daa1-457d-9e98-bb8c206c19b7",
					CreatedAt:  rfc3339("2026-01-05T12:00:00Z"),
					ModifiedAt: ptr(rfc3339("2026-01-06T12:00:00Z")),
					CustomerID: "a7a79c39-56ba-4121-a734-86c12979185b",
					Email:      "ada@example.com",
					Role:       MemberRoleOwner,
				},
				CustomerEmail: ptr("ada@example.com"),
				ClaimedAt:     ptr(rfc3339("2026-07-02T10:00:00Z")),
				RevokedAt:     ptr(rfc3339("2026-07-15T10:00:00Z")),
				SeatMetadata:  map[string]any{},
			},
		},
		AvailableSeats: 2,
		TotalSeats:     5,
	}
}

func wantSeat(t *testing.T) *CustomerSeat {
	return &CustomerSeat{
		CreatedAt:                rfc3339("2026-09-01T10:00:00Z"),
		ID:                       portalSeatID,
		SubscriptionID:           ptr(portalSubscriptionID),
		Status:                   SeatStatusPending,
		CustomerID:               ptr("0329d50d-5e1e-4146-beca-deaefca17441"),
		Email:                    ptr("grace@example.com"),
		CustomerEmail:            ptr("grace@example.com"),
		InvitationTokenExpiresAt: ptr(rfc3339("2026-09-08T10:00:00Z")),
		SeatMetadata:             map[string]any{"team": "compilers"},
	}
}

func TestSeatsList(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, string(fixture("seats_list.json"))))
	c := newTestClient(t, srv, testToken)
	got, err := c.Seats.List(bg(), &SeatListOptions{SubscriptionID: portalSubscriptionID})
	if err != nil {
		t.Fatal(err)
	}
	checkRequest(t, srv.requests()[0], "GET", "/v1/customer-portal/seats?subscription_id="+portalSubscriptionID, true)
	if diff := cmp.Diff(wantSeatsList(t), got); diff != "" {
		t.Errorf("seats (-want +got):\n%s", diff)
	}

	for _, tc := range []struct {
		opts *SeatListOptions
		want url.Values
	}{
		{nil, url.Values{}},
		{&SeatListOptions{}, url.Values{}},
		{&SeatListOptions{OrderID: portalOrderID}, url.Values{"order_id": {portalOrderID}}},
		{&SeatListOptions{SubscriptionID: portalSubscriptionID, OrderID: portalOrderID},
			url.Values{"subscription_id": {portalSubscriptionID}, "order_id": {portalOrderID}}},
	} {
		before := srv.count()
		if _, err := c.Seats.List(bg(), tc.opts); err != nil {
			t.Fatal(err)
		}
		r := srv.requests()[before]
		u, _ := url.Parse(r.RequestURI)
		if u.Path != "/v1/customer-portal/seats" {
			t.Fatalf("path %s", u.Path)
		}
		if diff := cmp.Diff(tc.want, u.Query()); diff != "" {
			t.Errorf("%+v: query (-want +got):\n%s", tc.opts, diff)
		}
	}
}

func TestSeatsAssign(t *testing.T) {
	for _, tc := range []struct {
		name string
		body CustomerSeatAssign
		want string
	}{
		{"subscription, email", CustomerSeatAssign{SubscriptionID: portalSubscriptionID, Email: "grace@example.com"},
			`{"subscription_id":"` + portalSubscriptionID + `","email":"grace@example.com"}`},
		{"order, customer, immediate claim", CustomerSeatAssign{OrderID: portalOrderID, CustomerID: portalCustomerID, ImmediateClaim: true},
			`{"order_id":"` + portalOrderID + `","customer_id":"` + portalCustomerID + `","immediate_claim":true}`},
		{"checkout, external customer, metadata", CustomerSeatAssign{
			CheckoutID: portalCheckoutID, ExternalCustomerID: "cus_ext_42",
			Metadata: map[string]any{"department": "research", "level": 3},
		}, `{"checkout_id":"` + portalCheckoutID + `","external_customer_id":"cus_ext_42","metadata":{"department":"research","level":3}}`},
		{"subscription, member", CustomerSeatAssign{SubscriptionID: portalSubscriptionID, MemberID: portalMemberID},
			`{"subscription_id":"` + portalSubscriptionID + `","member_id":"` + portalMemberID + `"}`},
		{"subscription, external member with email", CustomerSeatAssign{SubscriptionID: portalSubscriptionID, ExternalMemberID: "usr_1337", Email: "mary@example.com"},
			`{"subscription_id":"` + portalSubscriptionID + `","email":"mary@example.com","external_member_id":"usr_1337"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newRecorder(t, jsonAnswer(200, string(fixture("seat.json"))))
			c := newTestClient(t, srv, testToken)
			got, err := c.Seats.Assign(bg(), &tc.body)
			if err != nil {
				t.Fatal(err)
			}
			r := srv.requests()[0]
			checkRequest(t, r, "POST", "/v1/customer-portal/seats", true)
			checkBody(t, r, tc.want)
			if diff := cmp.Diff(wantSeat(t), got); diff != "" {
				t.Errorf("seat (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSeatsRevoke(t *testing.T) {
	revoked := `{"created_at":"2026-09-01T10:00:00Z","modified_at":"2026-09-02T10:00:00Z","id":"` + portalSeatID + `",
		"subscription_id":"` + portalSubscriptionID + `","order_id":null,"status":"revoked","customer_id":null,"member_id":null,
		"member":null,"email":null,"customer_email":null,"invitation_token_expires_at":null,"claimed_at":null,
		"revoked_at":"2026-09-02T10:00:00Z","seat_metadata":null}`
	srv := newRecorder(t, jsonAnswer(200, revoked))
	c := newTestClient(t, srv, testToken)
	got, err := c.Seats.Revoke(bg(), portalSeatID)
	if err != nil {
		t.Fatal(err)
	}
	checkRequest(t, srv.requests()[0], "DELETE", "/v1/customer-portal/seats/"+portalSeatID, true)
	want := &CustomerSeat{
		CreatedAt:      rfc3339("2026-09-01T10:00:00Z"),
		ModifiedAt:     ptr(rfc3339("2026-09-02T10:00:00Z")),
		ID:             portalSeatID,
		SubscriptionID: ptr(portalSubscriptionID),
		Status:         SeatStatusRevoked,
		RevokedAt:      ptr(rfc3339("2026-09-02T10:00:00Z")),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("seat (-want +got):\n%s", diff)
	}
}

func TestSeatsResendInvitation(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, string(fixture("seat.json"))))
	c := newTestClient(t, srv, testToken)
	got, err := c.Seats.ResendInvitation(bg(), portalSeatID)
	if err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	checkRequest(t, r, "POST", "/v1/customer-portal/seats/"+portalSeatID+"/resend", true)
	if len(r.Body) != 0 || r.Header.Get("Content-Length") != "0" {
		t.Errorf("body %q, Content-Length %q; want an empty body", r.Body, r.Header.Get("Content-Length"))
	}
	if diff := cmp.Diff(wantSeat(t), got); diff != "" {
		t.Errorf("seat (-want +got):\n%s", diff)
	}
}

// TestSeatsErrors checks that the errors the document lists without a
// schema become *APIError values with their status, with or without a
// body.
func TestSeatsErrors(t *testing.T) {
	list := func(c *Client) (any, error) {
		return c.Seats.List(bg(), &SeatListOptions{SubscriptionID: portalSubscriptionID})
	}
	assign := func(c *Client) (any, error) {
		return c.Seats.Assign(bg(), &CustomerSeatAssign{SubscriptionID: portalSubscriptionID, Email: "a@example.com"})
	}
	revoke := func(c *Client) (any, error) { return c.Seats.Revoke(bg(), portalSeatID) }
	resend := func(c *Client) (any, error) { return c.Seats.ResendInvitation(bg(), portalSeatID) }
	checkErrorCases(t, testToken, []errorCase{
		{name: "list: no token", call: list, status: 401},
		{name: "list: seat-based pricing not enabled", call: list, status: 403, body: `{"error":"NotPermitted","detail":"Seat-based pricing is not enabled."}`, detail: "Seat-based pricing is not enabled."},
		{name: "list: subscription not found", call: list, status: 404, body: `{"error":"ResourceNotFound","detail":"Subscription not found"}`, detail: "Subscription not found"},
		{name: "assign: no seat available", call: assign, status: 400, body: `{"error":"BadRequest","detail":"No available seats"}`, detail: "No available seats"},
		{name: "assign: already has a seat, no body", call: assign, status: 400},
		{name: "assign: not permitted", call: assign, status: 403, body: `{"detail":"Not permitted"}`, detail: "Not permitted"},
		{name: "revoke: seat not found", call: revoke, status: 404},
		{name: "revoke: unauthorized", call: revoke, status: 401, body: `{"error":"Unauthorized","detail":"Authentication required"}`, detail: "Authentication required"},
		{name: "resend: seat already claimed", call: resend, status: 400, body: `{"error":"BadRequest","detail":"Seat is not pending"}`, detail: "Seat is not pending"},
		{name: "resend: not permitted", call: resend, status: 403},
	})
}

func TestSeatsRoundTrip(t *testing.T) {
	roundTripAnswer[*SeatsList](t, seatsList.op, "seats_list.json")
	roundTripAnswer[*CustomerSeat](t, seatsAssign.op, "seat.json")
}

func TestSeatFromNewerServer(t *testing.T) {
	in := `{"created_at":"2026-09-01T10:00:00Z","modified_at":null,"id":"` + portalSeatID + `","subscription_id":null,
		"order_id":null,"status":"suspended","customer_id":null,"member_id":null,
		"member":{"id":"` + portalMemberID + `","created_at":"2026-04-01T00:00:00Z","modified_at":null,"customer_id":"` + portalCustomerID + `",
		"email":"m@example.com","name":null,"external_id":null,"role":"auditor","avatar_url":"https://example.com/a.png"},
		"email":null,"customer_email":null,"invitation_token_expires_at":null,"claimed_at":null,"revoked_at":null,
		"seat_metadata":null,"suspended_at":"2026-09-03T10:00:00Z"}`
	s, err := decodeResult[*CustomerSeat](seatsRevoke.op, []byte(in))
	if err != nil || s.Status != "suspended" || s.Member.Role != "auditor" {
		t.Fatalf("%+v, %v", s, err)
	}
	out, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	want := jsonMeaning(t, []byte(in))
	deleteJSONPath(t, want, "suspended_at")
	deleteJSONPath(t, want, "member", "avatar_url")
	if diff := cmp.Diff(want, jsonMeaning(t, out)); diff != "" {
		t.Errorf("re-encoded (-want +got):\n%s", diff)
	}
}

func TestSeatsArgumentsCheckedBeforeSending(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, `{}`))
	c := newTestClient(t, srv, testToken)
	for name, call := range map[string]func() error{
		"nil assign":         func() error { _, err := c.Seats.Assign(bg(), nil); return err },
		"empty revoke id":    func() error { _, err := c.Seats.Revoke(bg(), ""); return err },
		"slash in resend id": func() error { _, err := c.Seats.ResendInvitation(bg(), portalSeatID+"/x"); return err },
		"encoded dot-dot id": func() error { _, err := c.Seats.Revoke(bg(), "%2e%2e"); return err },
	} {
		if err := call(); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := srv.count(); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

// TestPortalFixturesWellFormed keeps the fixtures of this file's services
// realistic: every ID a version-4 UUID, as the server's path validation
// demands.
func TestPortalFixturesWellFormed(t *testing.T) {
	for _, name := range []string{
		"customer.json", "customer_minimal.json", "customer_future.json", "payment_methods_page.json",
		"payment_method_created.json", "payment_method_requires_action.json", "email_update_verified.json",
		"members_page.json", "member.json", "seats_list.json", "seat.json",
	} {
		var doc any
		if err := json.Unmarshal(fixture(name), &doc); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		var walk func(path string, v any)
		walk = func(path string, v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, e := range v {
					if s, ok := e.(string); ok && (k == "id" || k == "customer_id" || k == "member_id" || k == "subscription_id" ||
						k == "order_id" || k == "default_payment_method_id") && !uuid4Pattern.MatchString(s) {
						t.Errorf("%s: %s.%s = %q is not a version-4 UUID", name, path, k, s)
					}
					walk(path+"."+k, e)
				}
			case []any:
				for _, e := range v {
					walk(path+"[]", e)
				}
			}
		}
		walk("", doc)
	}
}

// The Seats operations; their contract rows use realistic arguments,
// every filter and every way of naming a seat's source and holder.
var _ = addOps(
	opSpec{id: "customer_portal:seats:list_seats", answer: `{"seats":[],"available_seats":0,"total_seats":0}`,
		call: func(ctx context.Context, c *Client, _ string) error {
			return onlyErr(c.Seats.List(ctx, &SeatListOptions{SubscriptionID: testUUID}))
		},
		rows: []contractRow{
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Seats.List(ctx, &SeatListOptions{SubscriptionID: portalSubscriptionID}))
			}},
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Seats.List(ctx, &SeatListOptions{OrderID: portalOrderID}))
			}},
		},
		schemas: map[string]reflect.Type{
			"CustomerSeat": reflect.TypeFor[CustomerSeat](),
			"Member":       reflect.TypeFor[Member](),
			"SeatsList":    reflect.TypeFor[SeatsList](),
		},
	},
	opSpec{id: "customer_portal:seats:assign_seat", answer: `{"id":"` + portalSeatID + `"}`,
		call: func(ctx context.Context, c *Client, _ string) error {
			return onlyErr(c.Seats.Assign(ctx, &CustomerSeatAssign{SubscriptionID: testUUID, Email: "a@example.com"}))
		},
		nilBody: func(ctx context.Context, c *Client) error { return onlyErr(c.Seats.Assign(ctx, nil)) },
		rows: []contractRow{
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Seats.Assign(ctx, &CustomerSeatAssign{
					SubscriptionID: portalSubscriptionID, Email: "grace@example.com",
					Metadata: map[string]any{"department": "research"},
				}))
			}},
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Seats.Assign(ctx, &CustomerSeatAssign{OrderID: portalOrderID, CustomerID: portalCustomerID, ImmediateClaim: true}))
			}},
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Seats.Assign(ctx, &CustomerSeatAssign{CheckoutID: portalCheckoutID, ExternalCustomerID: "cus_ext_42"}))
			}},
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Seats.Assign(ctx, &CustomerSeatAssign{SubscriptionID: portalSubscriptionID, MemberID: portalMemberID}))
			}},
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Seats.Assign(ctx, &CustomerSeatAssign{SubscriptionID: portalSubscriptionID, ExternalMemberID: "usr_1337", Email: "mary@example.com"}))
			}},
		},
		schemas: map[string]reflect.Type{"CustomerSeatAssign": reflect.TypeFor[CustomerSeatAssign]()},
	},
	opSpec{id: "customer_portal:seats:revoke_seat", answer: `{"id":"` + portalSeatID + `"}`,
		call: func(ctx context.Context, c *Client, id string) error { return onlyErr(c.Seats.Revoke(ctx, id)) },
		rows: []contractRow{{arg: portalSeatID}},
	},
	opSpec{id: "customer_portal:seats:resend_invitation", answer: `{"id":"` + portalSeatID + `"}`,
		call: func(ctx context.Context, c *Client, id string) error {
			return onlyErr(c.Seats.ResendInvitation(ctx, id))
		},
		rows: []contractRow{{arg: portalSeatID}},
	},
	opSpec{id: "customer_portal:seats:list_claimed_subscriptions",
		answer: `{"items":[],"pagination":{"total_count":0,"max_page":0}}`,
		call: func(ctx context.Context, c *Client, _ string) error {
			return onlyErr(c.Seats.ListClaimedSubscriptions(ctx, &ClaimedSubscriptionListOptions{ListOptions: ListOptions{Limit: 10}}))
		},
		rows: []contractRow{
			{call: func(ctx context.Context, c *Client) error { return onlyErr(c.Seats.ListClaimedSubscriptions(ctx, nil)) }},
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Seats.ListClaimedSubscriptions(ctx, &ClaimedSubscriptionListOptions{ListOptions: ListOptions{Page: 2, Limit: 25}}))
			}},
		},
	},
)

func TestSeatsClaimedSubscriptions(t *testing.T) {
	page := fixture("subscriptions_page.json")
	srv := newRecorder(t, jsonAnswer(200, string(page)))
	c := newTestClient(t, srv, testToken)
	got, err := c.Seats.ListClaimedSubscriptions(bg(), &ClaimedSubscriptionListOptions{ListOptions: ListOptions{Page: 1, Limit: 50}})
	if err != nil {
		t.Fatal(err)
	}
	want := decodeFixture[Page[CustomerSubscription]](t, "subscriptions_page.json")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("page (-want +got):\n%s", diff)
	}
	checkRequest(t, srv.requests()[0], "GET", "/v1/customer-portal/seats/subscriptions?limit=50&page=1", true)

	var n int
	for _, err := range c.Seats.AllClaimedSubscriptions(bg(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != len(want.Items) {
		t.Errorf("All yielded %d subscriptions, want %d", n, len(want.Items))
	}
}
