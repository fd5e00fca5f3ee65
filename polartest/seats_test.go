package polartest_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

const (
	seatsPath     = "/v1/customer-portal/seats"
	claimedPath   = "/v1/customer-portal/seats/subscriptions"
	carolToken    = "polar_cst_test_carol"
	ownerSeatID   = "00000012-0000-4000-8000-000000000001" // Olivia's, claimed
	miaSeatID     = "00000012-0000-4000-8000-000000000002" // Mia's, claimed
	pendingSeatID = "00000012-0000-4000-8000-000000000003" // new.hire@, pending
	revokedSeatID = "00000012-0000-4000-8000-000000000004"
	carolSubID    = "00000006-0000-4000-8000-000000000011"
)

// seedCarol adds a customer session of Carol, whose organization
// (umbrella) has no seat-based pricing.
func seedCarol(t *testing.T, srv *polartest.Server) {
	t.Helper()
	err := srv.Seed(&polartest.Fixture{Tokens: []polartest.Token{
		{Token: carolToken, Kind: polartest.TokenKindCustomerSession, CustomerID: polartest.DemoOtherOrganizationCustomerID},
	}})
	if err != nil {
		t.Fatal(err)
	}
}

// teamSeats lists the seats of Globex's subscription.
func teamSeats(t *testing.T, srv *polartest.Server) *polar.SeatsList {
	t.Helper()
	c, _ := client(t, srv, polartest.DemoTeamCustomerToken)
	l, err := c.Seats.List(ctx, &polar.SeatListOptions{SubscriptionID: polartest.DemoTeamSubscriptionID})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func seatByID(l *polar.SeatsList, id string) *polar.CustomerSeat {
	for i := range l.Seats {
		if l.Seats[i].ID == id {
			return &l.Seats[i]
		}
	}
	return nil
}

func TestSeatsList(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	seedCarol(t, srv)

	// The team's customer session, its owner and even a plain member read
	// the seats.
	for _, tok := range []string{polartest.DemoTeamCustomerToken, polartest.DemoMemberToken, polartest.DemoPlainMemberToken} {
		c, tp := client(t, srv, tok)
		l, err := c.Seats.List(ctx, &polar.SeatListOptions{SubscriptionID: polartest.DemoTeamSubscriptionID})
		if err != nil {
			t.Fatalf("%s: %v", tok, err)
		}
		strict[polar.SeatsList](t, tp.body())
		if len(l.Seats) != 4 || l.TotalSeats != 5 || l.AvailableSeats != 2 {
			t.Fatalf("%s: %d seats, %d of %d available", tok, len(l.Seats), l.AvailableSeats, l.TotalSeats)
		}
	}
	l := teamSeats(t, srv)
	owner := seatByID(l, ownerSeatID)
	if owner.Status != polar.SeatStatusClaimed || owner.Member == nil || owner.Member.Email != "olivia@globex.example" ||
		*owner.MemberID != polartest.DemoOwnerMemberID || *owner.CustomerID != polartest.DemoTeamID || owner.ClaimedAt == nil ||
		*owner.CustomerEmail != "olivia@globex.example" || *owner.SubscriptionID != polartest.DemoTeamSubscriptionID || owner.OrderID != nil {
		t.Errorf("Olivia's seat: %+v", owner)
	}
	if p := seatByID(l, pendingSeatID); p.Status != polar.SeatStatusPending || *p.CustomerEmail != "new.hire@globex.example" || p.InvitationTokenExpiresAt == nil {
		t.Errorf("pending seat: %+v", p)
	}
	if r := seatByID(l, revokedSeatID); r.Status != polar.SeatStatusRevoked || r.RevokedAt == nil || r.MemberID != nil || r.CustomerID != nil || r.CustomerEmail != nil {
		t.Errorf("revoked seat: %+v", r)
	}

	c, tp := client(t, srv, polartest.DemoTeamCustomerToken)
	// The subscription's order is seat-based too: no seat of its own.
	ol, err := c.Seats.List(ctx, &polar.SeatListOptions{OrderID: polartest.DemoTeamOrderID})
	if err != nil || len(ol.Seats) != 0 || ol.TotalSeats != 5 || ol.AvailableSeats != 5 {
		t.Errorf("the team's order: %+v, %v", ol, err)
	}
	strict[polar.SeatsList](t, tp.body())
	if !contains(tp.body(), `"seats":[]`) {
		t.Errorf("no seats is an empty list: %s", tp.body())
	}
	// A subscription that is not seat-based has none.
	alice, _ := client(t, srv, polartest.DemoCustomerToken)
	al, err := alice.Seats.List(ctx, &polar.SeatListOptions{SubscriptionID: polartest.DemoSubscriptionID})
	if err != nil || len(al.Seats) != 0 || al.TotalSeats != 0 || al.AvailableSeats != 0 {
		t.Errorf("Alice's subscription: %+v, %v", al, err)
	}
	al, err = alice.Seats.List(ctx, &polar.SeatListOptions{OrderID: polartest.DemoOrderID})
	if err != nil || al.TotalSeats != 0 {
		t.Errorf("Alice's order: %+v, %v", al, err)
	}

	// Others' subscriptions and orders.
	for _, o := range []polar.SeatListOptions{
		{SubscriptionID: polartest.DemoTeamSubscriptionID}, {OrderID: polartest.DemoTeamOrderID},
		{SubscriptionID: polartest.UUID("nothing")}, {OrderID: polartest.UUID("nothing")},
	} {
		_, err := alice.Seats.List(ctx, &o)
		apiErr := wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
		if want := map[bool]string{true: "Subscription not found", false: "Order not found"}[o.SubscriptionID != ""]; apiErr.Detail != want {
			t.Errorf("%+v: detail %q, want %q", o, apiErr.Detail, want)
		}
	}
	// An organization without seat-based pricing.
	carol, _ := client(t, srv, carolToken)
	_, err = carol.Seats.List(ctx, &polar.SeatListOptions{SubscriptionID: carolSubID})
	if apiErr := wantAPIError(t, err, http.StatusForbidden, "FeatureNotEnabled"); apiErr.Detail != "Seat-based pricing is not enabled for this organization" {
		t.Errorf("detail %q", apiErr.Detail)
	}

	// Neither filter: Polar's 400.
	_, err = c.Seats.List(ctx, nil)
	if apiErr := wantAPIError(t, err, http.StatusBadRequest, "BadRequest"); apiErr.Detail != "Either subscription_id or order_id must be provided" {
		t.Errorf("detail %q", apiErr.Detail)
	}
	_, err = c.Seats.List(ctx, &polar.SeatListOptions{SubscriptionID: "nope"})
	wantValidation(t, err, "query.subscription_id", "uuid_parsing")
	_, err = c.Seats.List(ctx, &polar.SeatListOptions{OrderID: "6ba7b810-9dad-11d1-80b4-00c04fd430c8"})
	wantValidation(t, err, "query.order_id", "uuid_version")
	status, _, b := raw(t, srv, http.MethodGet, seatsPath+"?subscription_id=x&order_id=y", polartest.DemoTeamCustomerToken, nil)
	if status != http.StatusUnprocessableEntity || strings.Count(string(b), `"uuid_parsing"`) != 2 {
		t.Errorf("two bad IDs: %d %s", status, b)
	}

	// No token, a bad token.
	anon, _ := client(t, srv, "")
	_, err = anon.Seats.List(ctx, &polar.SeatListOptions{SubscriptionID: polartest.DemoTeamSubscriptionID})
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
	expired, _ := client(t, srv, polartest.DemoExpiredToken)
	_, err = expired.Seats.List(ctx, &polar.SeatListOptions{SubscriptionID: polartest.DemoTeamSubscriptionID})
	wantAPIError(t, err, http.StatusUnauthorized, "invalid_token")
	org, _ := client(t, srv, polartest.DemoOrganizationToken)
	_, err = org.Seats.List(ctx, &polar.SeatListOptions{SubscriptionID: polartest.DemoTeamSubscriptionID})
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
}

func TestSeatsAssignMemberModel(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	owner, tp := client(t, srv, polartest.DemoMemberToken)

	// A new email address: a member is added and the revoked seat reused.
	s, err := owner.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: polartest.DemoTeamSubscriptionID, Email: "Dev@Globex.example"})
	if err != nil {
		t.Fatal(err)
	}
	if tp.status != http.StatusOK {
		t.Errorf("status %d", tp.status)
	}
	strict[polar.CustomerSeat](t, tp.body())
	if s.ID != revokedSeatID || s.Status != polar.SeatStatusPending || *s.Email != "Dev@globex.example" || *s.CustomerEmail != "Dev@globex.example" ||
		*s.CustomerID != polartest.DemoTeamID || s.Member == nil || *s.MemberID != s.Member.ID || s.Member.Role != polar.MemberRoleMember ||
		s.RevokedAt != nil || s.ClaimedAt != nil || s.InvitationTokenExpiresAt == nil || !s.InvitationTokenExpiresAt.Equal(s.ModifiedAt.Add(polartest.SeatInvitationTTL)) ||
		len(s.SeatMetadata) != 0 || s.SeatMetadata == nil {
		t.Errorf("assigned: %+v", s)
	}
	if m, ok := teamMembers(t, srv)[s.Member.ID]; !ok || m.Email != "Dev@globex.example" {
		t.Errorf("no member for the new seat: %+v", m)
	}
	l := teamSeats(t, srv)
	if len(l.Seats) != 4 || l.AvailableSeats != 1 || seatByID(l, revokedSeatID).Status != polar.SeatStatusPending {
		t.Fatalf("after the first assignment: %d seats, %d available", len(l.Seats), l.AvailableSeats)
	}

	// By member ID, claimed at once, with metadata: a new seat.
	s, err = owner.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: polartest.DemoTeamSubscriptionID, MemberID: polartest.DemoBillingManagerMemberID,
		ImmediateClaim: true, Metadata: map[string]any{"team": "finance", "level": 2}})
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.CustomerSeat](t, tp.body())
	if s.ID == revokedSeatID || s.Status != polar.SeatStatusClaimed || s.ClaimedAt == nil || s.InvitationTokenExpiresAt != nil ||
		*s.Email != "bill@globex.example" || s.SeatMetadata["team"] != "finance" || !contains(tp.body(), `"level":2`) {
		t.Errorf("claimed at once: %+v", s)
	}
	l = teamSeats(t, srv)
	if len(l.Seats) != 5 || l.AvailableSeats != 0 {
		t.Fatalf("after the second assignment: %d seats, %d available", len(l.Seats), l.AvailableSeats)
	}
	// The billing manager now has a claimed subscription.
	bm, _ := client(t, srv, polartest.DemoBillingManagerToken)
	if p, err := bm.Seats.ListClaimedSubscriptions(ctx, nil); err != nil || len(p.Items) != 1 || p.Items[0].ID != polartest.DemoTeamSubscriptionID {
		t.Errorf("Bill's claimed subscriptions: %+v, %v", p, err)
	}

	// Full.
	_, err = owner.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: polartest.DemoTeamSubscriptionID, Email: "late@globex.example"})
	if apiErr := wantAPIError(t, err, http.StatusBadRequest, "SeatNotAvailable"); apiErr.Detail != "No available seats for "+polartest.DemoTeamSubscriptionID {
		t.Errorf("detail %q", apiErr.Detail)
	}
	// Revoking frees one.
	if _, err := owner.Seats.Revoke(ctx, pendingSeatID); err != nil {
		t.Fatal(err)
	}
	// Already holding a seat (by email, case-insensitively, or by member).
	for _, a := range []polar.CustomerSeatAssign{
		{Email: "OLIVIA@globex.example"}, {MemberID: polartest.DemoPlainMemberID}, {ExternalMemberID: "globex-olivia"},
	} {
		a.SubscriptionID = polartest.DemoTeamSubscriptionID
		_, err = owner.Seats.Assign(ctx, &a)
		if apiErr := wantAPIError(t, err, http.StatusBadRequest, "SeatAlreadyAssigned"); !strings.HasPrefix(apiErr.Detail, "Seat already assigned to customer ") {
			t.Errorf("detail %q", apiErr.Detail)
		}
	}
	// Members that are not found, or do not match.
	_, err = owner.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: polartest.DemoTeamSubscriptionID, MemberID: polartest.UUID("nobody")})
	if apiErr := wantAPIError(t, err, http.StatusNotFound, "MemberNotFound"); apiErr.Detail != "Member not found: "+polartest.UUID("nobody") {
		t.Errorf("detail %q", apiErr.Detail)
	}
	_, err = owner.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: polartest.DemoTeamSubscriptionID, ExternalMemberID: "ghost"})
	wantAPIError(t, err, http.StatusNotFound, "MemberNotFound")
	_, err = owner.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: polartest.DemoTeamSubscriptionID, ExternalMemberID: "globex-olivia", Email: "someone@globex.example"})
	if apiErr := wantAPIError(t, err, http.StatusBadRequest, "MemberEmailMismatch"); apiErr.Detail != "Member with external_member_id 'globex-olivia' exists but has a different email than 'someone@globex.example'" {
		t.Errorf("detail %q", apiErr.Detail)
	}
	_, err = owner.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: polartest.DemoTeamSubscriptionID, CustomerID: polartest.UUID("nobody")})
	wantAPIError(t, err, http.StatusBadRequest, "InvalidSeatAssignmentRequest")
	if n := len(teamMembers(t, srv)); n != 4 {
		t.Errorf("refused assignments added members: %d", n)
	}

	// An external member ID with an email address: the member is made and
	// linked.
	s, err = owner.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: polartest.DemoTeamSubscriptionID, ExternalMemberID: "globex-zoe", Email: "zoe@globex.example"})
	if err != nil || s.Member == nil || s.Member.ExternalID == nil || *s.Member.ExternalID != "globex-zoe" || s.ID != pendingSeatID {
		t.Fatalf("external member ID with email: %+v, %v", s, err)
	}
	_, err = owner.Seats.Revoke(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Now found by the external ID alone.
	s, err = owner.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: polartest.DemoTeamSubscriptionID, ExternalMemberID: "globex-zoe"})
	if err != nil || *s.Email != "zoe@globex.example" {
		t.Fatalf("external member ID alone: %+v, %v", s, err)
	}
	_, _ = owner.Seats.Revoke(ctx, s.ID)
	// A customer of the organization, by ID: their email address makes a
	// member of the team.
	s, err = owner.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: polartest.DemoTeamSubscriptionID, CustomerID: polartest.DemoCustomerID})
	if err != nil || *s.Email != "alice@example.com" || *s.CustomerID != polartest.DemoTeamID || s.Member.CustomerID != polartest.DemoTeamID {
		t.Fatalf("by customer ID: %+v, %v", s, err)
	}
}

func TestSeatsAssignErrors(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	owner, _ := client(t, srv, polartest.DemoMemberToken)
	sub := polartest.DemoTeamSubscriptionID

	// Who may: the team's customer and billing managers; not plain members
	// nor a read-only session.
	team, _ := client(t, srv, polartest.DemoTeamCustomerToken)
	if s, err := team.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: sub, Email: "cust@globex.example"}); err != nil || s.Status != polar.SeatStatusPending {
		t.Fatalf("the team's customer session: %+v, %v", s, err)
	}
	plain, _ := client(t, srv, polartest.DemoPlainMemberToken)
	_, err := plain.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: sub, Email: "x@globex.example"})
	wantAPIError(t, err, http.StatusForbidden, "NotPermitted")
	anon, _ := client(t, srv, "")
	_, err = anon.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: sub, Email: "x@globex.example"})
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
	ro, _ := client(t, srv, polartest.DemoReadOnlyToken)
	_, err = ro.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: polartest.DemoSubscriptionID, Email: "x@example.com"})
	wantAPIError(t, err, http.StatusForbidden, "insufficient_scope")

	// Others' subscriptions and orders.
	alice, _ := client(t, srv, polartest.DemoCustomerToken)
	_, err = alice.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: sub, Email: "x@example.com"})
	if apiErr := wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound"); apiErr.Detail != "Subscription not found" {
		t.Errorf("detail %q", apiErr.Detail)
	}
	_, err = alice.Seats.Assign(ctx, &polar.CustomerSeatAssign{OrderID: polartest.DemoTeamOrderID, Email: "x@example.com"})
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	_, err = alice.Seats.Assign(ctx, &polar.CustomerSeatAssign{CheckoutID: polartest.UUID("checkout"), Email: "x@example.com"})
	if apiErr := wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound"); apiErr.Detail != "No subscription or order found for this checkout" {
		t.Errorf("detail %q", apiErr.Detail)
	}
	// Alice's own subscription has no seats; her pending order is unpaid.
	_, err = alice.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: polartest.DemoSubscriptionID, Email: "x@example.com"})
	wantAPIError(t, err, http.StatusBadRequest, "SeatNotAvailable")
	_, err = alice.Seats.Assign(ctx, &polar.CustomerSeatAssign{OrderID: polartest.DemoPendingOrderID, Email: "x@example.com"})
	if apiErr := wantAPIError(t, err, http.StatusBadRequest, "SeatNotAvailable"); apiErr.Detail != "Order must be paid before assigning seats" {
		t.Errorf("detail %q", apiErr.Detail)
	}
	seedCarol(t, srv)
	carol, _ := client(t, srv, carolToken)
	_, err = carol.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: carolSubID, Email: "x@example.com"})
	wantAPIError(t, err, http.StatusForbidden, "FeatureNotEnabled")

	// The model's checks, each a 422 at ["body"].
	for name, a := range map[string]polar.CustomerSeatAssign{
		"Exactly one of subscription_id, order_id, or checkout_id must be provided":                       {Email: "x@globex.example"},
		"Exactly one of subscription_id, order_id, or checkout_id must be provided ":                      {SubscriptionID: sub, OrderID: polartest.DemoTeamOrderID, Email: "x@globex.example"},
		"At least one of email, external_customer_id, customer_id, external_member_id, or member_id must": {SubscriptionID: sub},
		"Cannot combine external_customer_id/customer_id with external_member_id/member_id":               {SubscriptionID: sub, CustomerID: polartest.DemoCustomerID, MemberID: polartest.DemoPlainMemberID},
		"Cannot provide both external_member_id and member_id":                                            {SubscriptionID: sub, ExternalMemberID: "a", MemberID: polartest.DemoPlainMemberID},
		"Exactly one of email, external_customer_id, or customer_id must be provided":                     {SubscriptionID: sub, CustomerID: polartest.DemoCustomerID, Email: "x@globex.example"},
		"Cannot combine member_id with email":                                                             {SubscriptionID: sub, MemberID: polartest.DemoPlainMemberID, Email: "x@globex.example"},
	} {
		_, err := owner.Seats.Assign(ctx, &a)
		wantValidation(t, err, "body", "value_error")
		if !strings.Contains(err.Error(), "Value error, "+strings.TrimSpace(name)) {
			t.Errorf("%+v: %v", a, err)
		}
	}
	// Fields.
	_, err = owner.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: "nope", Email: "x@globex.example"})
	wantValidation(t, err, "body.subscription_id", "uuid_parsing")
	_, err = owner.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: sub, Email: "no-at-sign"})
	wantValidation(t, err, "body.email", "value_error")
	big := map[string]any{}
	for i := range 11 {
		big[fmt.Sprint("k", i)] = i
	}
	_, err = owner.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: sub, Email: "x@globex.example", Metadata: big})
	wantValidation(t, err, "body.metadata", "value_error")
	_, err = owner.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: sub, Email: "x@globex.example", Metadata: map[string]any{"note": strings.Repeat("é", 200)}})
	wantValidation(t, err, "body.metadata", "value_error")
	for body, want := range map[string]string{
		`{"subscription_id": 42, "email": "x@globex.example"}`:                                        `"type":"string_type","input":42`,
		`{"subscription_id": "` + sub + `", "email": "x@globex.example", "immediate_claim": "maybe"}`: `"type":"bool_parsing"`,
		`{"subscription_id": "` + sub + `", "email": "x@globex.example", "immediate_claim": null}`:    `"type":"bool_type"`,
		`{"subscription_id": "` + sub + `", "email": "x@globex.example", "metadata": []}`:             `"type":"dict_type"`,
		`{"subscription_id": "` + sub + `", "external_customer_id": 7}`:                               `"type":"string_type"`,
		`{"subscription_id": "` + sub + `", "member_id": "x", "order_id": "y"}`:                       `"loc":["body","order_id"]`,
		``:   `"loc":["body"],"msg":"Field required","type":"missing"`,
		`{}`: `"msg":"Value error, Exactly one of subscription_id, order_id, or checkout_id must be provided","type":"value_error","input":{},"ctx":{"error":{}}`,
	} {
		status, _, b := raw(t, srv, http.MethodPost, seatsPath, polartest.DemoMemberToken, stringsReader(body))
		if status != http.StatusUnprocessableEntity || !contains(b, `"error":"RequestValidationError"`) || !contains(b, want) {
			t.Errorf("%s: %d %s", body, status, b)
		}
	}
	// A lax boolean is read.
	status, _, b := raw(t, srv, http.MethodPost, seatsPath, polartest.DemoMemberToken,
		stringsReader(`{"subscription_id": "`+sub+`", "email": "lax@globex.example", "immediate_claim": "yes", "metadata": {"n": 1.50}}`))
	if s := strict[polar.CustomerSeat](t, b); status != http.StatusOK || s.Status != polar.SeatStatusClaimed || !contains(b, `"seat_metadata":{"n":1.50}`) {
		t.Errorf("immediate_claim \"yes\": %d %s", status, b)
	}
	if l := teamSeats(t, srv); len(l.Seats) != 5 || l.AvailableSeats != 0 {
		t.Errorf("seats after the refused assignments: %d, %d available", len(l.Seats), l.AvailableSeats)
	}
}

// legacyFixture is an organization without the member model, whose
// customer Wayne Corp bought a seat-based subscription (2 seats) and a
// one-time order of 3 seats (with a checkout), and whose customer Dana
// exists already.
const (
	wayneToken = "polar_cst_test_wayne"
	danaToken  = "polar_cst_test_dana"
)

var (
	legacyOrgID   = polartest.UUID("organization:wayne")
	wayneID       = polartest.UUID("customer:wayne")
	danaID        = polartest.UUID("customer:dana")
	wayneSubID    = polartest.UUID("subscription:wayne")
	wayneOrderID  = polartest.UUID("order:wayne")
	wayneCheckout = polartest.UUID("checkout:wayne")
	wayneProdID   = polartest.UUID("product:wayne")
)

func seedLegacy(t *testing.T, srv *polartest.Server) {
	t.Helper()
	org := polartest.NewOrganization("wayne-soft", "Wayne Software")
	org.ID = legacyOrgID
	prod := polartest.NewProduct(org.ID, "Seats", 1000, polar.RecurringIntervalMonth)
	prod.ID = wayneProdID
	prod.Prices = polar.PriceList{&polar.ProductPriceSeatBased{PriceCommon: polar.PriceCommon{
		ID: polartest.UUID("price:wayne"), CreatedAt: prod.CreatedAt, Source: polar.ProductPriceSourceCatalog, PriceCurrency: "usd", ProductID: prod.ID,
	}, SeatTiers: polar.ProductPriceSeatTiers{Tiers: []polar.ProductPriceSeatTier{{MinSeats: 1, PricePerSeat: 1000}}, MinimumSeats: 1}}}
	oneTime := polartest.NewProduct(org.ID, "Seats forever", 5000, "")
	wayne := polartest.NewTeam(org.ID, "it@wayne.example", "Wayne Corp")
	wayne.ID = wayneID
	dana := polartest.NewCustomer(org.ID, "dana@wayne.example", "Dana")
	dana.ID = danaID
	dana.ExternalID = new("dana-ext")
	sub := polar.CustomerSubscription{CustomerOrderSubscription: polar.CustomerOrderSubscription{
		ID: wayneSubID, CreatedAt: polartest.DemoTime.AddDate(0, -1, 0), Amount: 2000, Currency: "usd",
		RecurringInterval: polar.RecurringIntervalMonth, RecurringIntervalCount: 1, Status: polar.SubscriptionStatusActive,
		CurrentPeriodStart: polartest.DemoTime.AddDate(0, 0, -5), CurrentPeriodEnd: polartest.DemoTime.AddDate(0, 0, 25),
		CustomerID: wayne.ID, ProductID: prod.ID, Seats: new(int64(2)),
	}, Meters: []polar.CustomerSubscriptionMeter{}}
	order := polartest.NewOrder(wayne.ID, oneTime, polartest.DemoTime.AddDate(0, 0, -2))
	order.ID, order.Seats, order.CheckoutID = wayneOrderID, new(int64(3)), new(wayneCheckout)
	err := srv.Seed(&polartest.Fixture{
		Organizations: []polar.CustomerOrganization{org},
		Products:      []polar.CustomerProduct{prod, oneTime},
		Customers:     []polartest.CustomerRecord{wayne, dana},
		Subscriptions: []polar.CustomerSubscription{sub},
		Orders:        []polar.CustomerOrder{order},
		Tokens: []polartest.Token{
			{Token: wayneToken, Kind: polartest.TokenKindCustomerSession, CustomerID: wayne.ID},
			{Token: danaToken, Kind: polartest.TokenKindCustomerSession, CustomerID: dana.ID},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSeatsAssignLegacyModel(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	seedLegacy(t, srv)
	wayne, tp := client(t, srv, wayneToken)

	// An existing customer, by email: the seat is theirs.
	s, err := wayne.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: wayneSubID, Email: "DANA@wayne.example", ImmediateClaim: true})
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.CustomerSeat](t, tp.body())
	if *s.CustomerID != danaID || *s.Email != "dana@wayne.example" || s.Status != polar.SeatStatusClaimed || s.Member == nil || s.Member.CustomerID != wayneID {
		t.Errorf("Dana's seat: %+v", s)
	}
	// Dana sees the subscription she claimed a seat of; Wayne does not.
	dana, dtp := client(t, srv, danaToken)
	p, err := dana.Seats.ListClaimedSubscriptions(ctx, nil)
	if err != nil || len(p.Items) != 1 || p.Items[0].ID != wayneSubID || p.Items[0].CustomerID != wayneID || p.Items[0].Product.Name != "Seats" {
		t.Fatalf("Dana's claimed subscriptions: %+v, %v", p, err)
	}
	strict[polar.Page[polar.CustomerSubscription]](t, dtp.body())
	if p, err := wayne.Seats.ListClaimedSubscriptions(ctx, nil); err != nil || len(p.Items) != 0 || p.Pagination.TotalCount != 0 {
		t.Errorf("Wayne's claimed subscriptions: %+v, %v", p, err)
	}
	// Dana holds one already.
	_, err = wayne.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: wayneSubID, ExternalCustomerID: "dana-ext"})
	if apiErr := wantAPIError(t, err, http.StatusBadRequest, "SeatAlreadyAssigned"); apiErr.Detail != "Seat already assigned to customer dana-ext" {
		t.Errorf("detail %q", apiErr.Detail)
	}
	_, err = wayne.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: wayneSubID, ExternalCustomerID: "nobody"})
	if apiErr := wantAPIError(t, err, http.StatusNotFound, "CustomerNotFound"); apiErr.Detail != "Customer not found: nobody" {
		t.Errorf("detail %q", apiErr.Detail)
	}
	// A new email address makes a customer.
	s, err = wayne.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: wayneSubID, Email: "new@wayne.example", Metadata: map[string]any{"desk": "B2"}})
	if err != nil || s.CustomerID == nil || *s.CustomerID == danaID || *s.CustomerID == wayneID || s.Status != polar.SeatStatusPending || s.SeatMetadata["desk"] != "B2" {
		t.Fatalf("new customer: %+v, %v", s, err)
	}
	// Two seats of two: full.
	_, err = wayne.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: wayneSubID, CustomerID: danaID})
	wantAPIError(t, err, http.StatusBadRequest, "SeatNotAvailable")

	// The one-time order, through its checkout.
	s, err = wayne.Seats.Assign(ctx, &polar.CustomerSeatAssign{CheckoutID: wayneCheckout, CustomerID: danaID})
	if err != nil || s.OrderID == nil || *s.OrderID != wayneOrderID || s.SubscriptionID != nil {
		t.Fatalf("through the checkout: %+v, %v", s, err)
	}
	l, err := wayne.Seats.List(ctx, &polar.SeatListOptions{OrderID: wayneOrderID})
	if err != nil || len(l.Seats) != 1 || l.TotalSeats != 3 || l.AvailableSeats != 2 {
		t.Errorf("the order's seats: %+v, %v", l, err)
	}
	// Order seats are not subscriptions: Dana's claimed list is unchanged.
	if p, _ := dana.Seats.ListClaimedSubscriptions(ctx, nil); p.Pagination.TotalCount != 1 {
		t.Errorf("claimed subscriptions after an order seat: %+v", p)
	}
}

func TestSeatsRevoke(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	bm, tp := client(t, srv, polartest.DemoBillingManagerToken)

	s, err := bm.Seats.Revoke(ctx, miaSeatID)
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.CustomerSeat](t, tp.body())
	if s.Status != polar.SeatStatusRevoked || s.RevokedAt == nil || s.MemberID != nil || s.Member != nil || s.CustomerID != nil ||
		s.Email != nil || s.CustomerEmail != nil || s.ModifiedAt == nil || s.ClaimedAt == nil {
		t.Errorf("revoked: %+v", s)
	}
	l := teamSeats(t, srv)
	if l.AvailableSeats != 3 || seatByID(l, miaSeatID).Status != polar.SeatStatusRevoked {
		t.Errorf("after revoking: %d available", l.AvailableSeats)
	}
	// Mia no longer has a claimed subscription.
	mia, _ := client(t, srv, polartest.DemoPlainMemberToken)
	if p, err := mia.Seats.ListClaimedSubscriptions(ctx, nil); err != nil || len(p.Items) != 0 {
		t.Errorf("Mia's claimed subscriptions: %+v, %v", p, err)
	}
	// Revoking again answers the seat as it is.
	again, err := bm.Seats.Revoke(ctx, miaSeatID)
	if err != nil || again.Status != polar.SeatStatusRevoked || !again.RevokedAt.Equal(*s.RevokedAt) {
		t.Errorf("revoked twice: %+v, %v", again, err)
	}
	if l := teamSeats(t, srv); l.AvailableSeats != 3 {
		t.Errorf("revoking twice freed %d", l.AvailableSeats)
	}

	// Who may, and whose.
	_, err = mia.Seats.Revoke(ctx, ownerSeatID)
	wantAPIError(t, err, http.StatusForbidden, "NotPermitted")
	alice, _ := client(t, srv, polartest.DemoCustomerToken)
	for _, id := range []string{ownerSeatID, polartest.UUID("no seat")} {
		_, err = alice.Seats.Revoke(ctx, id)
		if apiErr := wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound"); apiErr.Detail != "Seat not found" {
			t.Errorf("detail %q", apiErr.Detail)
		}
	}
	_, err = bm.Seats.Revoke(ctx, "nope")
	wantValidation(t, err, "path.seat_id", "uuid_parsing")
	_, err = bm.Seats.Revoke(ctx, "6ba7b810-9dad-11d1-80b4-00c04fd430c8")
	wantValidation(t, err, "path.seat_id", "uuid_version")
	anon, _ := client(t, srv, "")
	_, err = anon.Seats.Revoke(ctx, ownerSeatID)
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
	if s := seatByID(teamSeats(t, srv), ownerSeatID); s.Status != polar.SeatStatusClaimed {
		t.Errorf("refused revocations changed Olivia's seat: %+v", s)
	}
}

func TestSeatsResendInvitation(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	owner, tp := client(t, srv, polartest.DemoMemberToken)

	before := seatByID(teamSeats(t, srv), pendingSeatID)
	s, err := owner.Seats.ResendInvitation(ctx, pendingSeatID)
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.CustomerSeat](t, tp.body())
	if s.Status != polar.SeatStatusPending || jsonString(s) != jsonString(before) {
		t.Errorf("resent: %+v, was %+v", s, before)
	}
	// A newly assigned seat can be resent too.
	n, err := owner.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: polartest.DemoTeamSubscriptionID, Email: "invitee@globex.example"})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := owner.Seats.ResendInvitation(ctx, n.ID); err != nil || *r.Email != "invitee@globex.example" {
		t.Errorf("resend a new seat: %+v, %v", r, err)
	}

	// Only pending seats.
	for _, id := range []string{ownerSeatID, n.ID} {
		if id == n.ID {
			if _, err := owner.Seats.Revoke(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		_, err = owner.Seats.ResendInvitation(ctx, id)
		if apiErr := wantAPIError(t, err, http.StatusBadRequest, "SeatNotPending"); apiErr.Detail != "Seat is not in pending status" {
			t.Errorf("detail %q", apiErr.Detail)
		}
	}
	// Who may, and whose.
	plain, _ := client(t, srv, polartest.DemoPlainMemberToken)
	_, err = plain.Seats.ResendInvitation(ctx, pendingSeatID)
	wantAPIError(t, err, http.StatusForbidden, "NotPermitted")
	bob, _ := client(t, srv, polartest.DemoOtherCustomerToken)
	_, err = bob.Seats.ResendInvitation(ctx, pendingSeatID)
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	_, err = owner.Seats.ResendInvitation(ctx, "x")
	wantValidation(t, err, "path.seat_id", "uuid_parsing")
	anon, _ := client(t, srv, "")
	_, err = anon.Seats.ResendInvitation(ctx, pendingSeatID)
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
}

func TestSeatsListClaimedSubscriptions(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())

	for tok, want := range map[string]int{
		polartest.DemoMemberToken:         1, // Olivia's claimed seat
		polartest.DemoPlainMemberToken:    1, // Mia's
		polartest.DemoBillingManagerToken: 0, // Bill's was revoked
		polartest.DemoTeamCustomerToken:   1, // the team is the seats' customer
		polartest.DemoCustomerToken:       0,
		polartest.DemoReadOnlyToken:       0,
	} {
		c, tp := client(t, srv, tok)
		p, err := c.Seats.ListClaimedSubscriptions(ctx, nil)
		if err != nil {
			t.Fatalf("%s: %v", tok, err)
		}
		strict[polar.Page[polar.CustomerSubscription]](t, tp.body())
		if len(p.Items) != want || p.Pagination != (polar.Pagination{TotalCount: want, MaxPage: want}) {
			t.Errorf("%s: %+v", tok, p)
		}
		if want == 1 {
			if s := p.Items[0]; s.ID != polartest.DemoTeamSubscriptionID || *s.Seats != 5 || s.Product.Name != "Team Seats" || s.Product.Organization.Slug != "acme" {
				t.Errorf("%s: %+v", tok, s)
			}
		}
	}

	// A pending seat does not count until it is claimed.
	seedLegacy(t, srv)
	wayne, _ := client(t, srv, wayneToken)
	if _, err := wayne.Seats.Assign(ctx, &polar.CustomerSeatAssign{SubscriptionID: wayneSubID, CustomerID: danaID}); err != nil {
		t.Fatal(err)
	}
	dana, _ := client(t, srv, danaToken)
	if p, err := dana.Seats.ListClaimedSubscriptions(ctx, nil); err != nil || len(p.Items) != 0 {
		t.Errorf("nothing claimed yet: %+v, %v", p, err)
	}

	// Pagination.
	mia, _ := client(t, srv, polartest.DemoPlainMemberToken)
	p, err := mia.Seats.ListClaimedSubscriptions(ctx, &polar.ClaimedSubscriptionListOptions{ListOptions: polar.ListOptions{Page: 2, Limit: 1}})
	if err != nil || len(p.Items) != 0 || p.Pagination.TotalCount != 1 {
		t.Errorf("page 2: %+v, %v", p, err)
	}
	var n int
	for _, err := range mia.Seats.AllClaimedSubscriptions(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 1 {
		t.Errorf("All: %d", n)
	}
	for _, q := range []string{"?limit=0", "?page=0"} {
		status, _, b := raw(t, srv, http.MethodGet, claimedPath+q, polartest.DemoPlainMemberToken, nil)
		if status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d %s", q, status, b)
		}
	}
	status, _, b := raw(t, srv, http.MethodGet, claimedPath+"?limit=500", polartest.DemoPlainMemberToken, nil)
	if status != http.StatusOK || strict[polar.Page[polar.CustomerSubscription]](t, b).Pagination.MaxPage != 1 {
		t.Errorf("limit=500: %d %s", status, b)
	}
	anon, _ := client(t, srv, "")
	_, err = anon.Seats.ListClaimedSubscriptions(ctx, nil)
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
}
