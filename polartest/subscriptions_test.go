package polartest_test

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

// subDemoID is the ID of subscription n of the Demo data set: Alice's 1
// to 8 and 12, Globex's 9, Bob's 10, Carol's 11.
func subDemoID(n int) string { return fmt.Sprintf("00000006-0000-4000-8000-%012d", n) }

const (
	subProMonthlyID = "00000002-0000-4000-8000-000000000001"
	subProYearlyID  = "00000002-0000-4000-8000-000000000002"
	subEbookID      = "00000002-0000-4000-8000-000000000005"
	subLegacyID     = "00000002-0000-4000-8000-000000000007"
	subPrivateID    = "00000002-0000-4000-8000-000000000008"
	subUmbrellaID   = "00000002-0000-4000-8000-000000000009"
	subStorageID    = "00000002-0000-4000-8000-000000000010"
	subsPath        = "/v1/customer-portal/subscriptions/"
)

// subServer is a Demo server on a manual clock at DemoTime.
func subServer(t *testing.T) (*polartest.Server, *clock) {
	t.Helper()
	clk := newClock()
	return polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithClock(clk.Now)), clk
}

func subIDs(items []polar.CustomerSubscription) []string {
	ids := make([]string, len(items))
	for i, s := range items {
		ids[i] = s.ID
	}
	return ids
}

func subNumbers(ns ...int) []string {
	ids := make([]string, len(ns))
	for i, n := range ns {
		ids[i] = subDemoID(n)
	}
	return ids
}

func TestSubscriptionsList(t *testing.T) {
	srv, _ := subServer(t)
	c, tp := client(t, srv, polartest.DemoCustomerToken)
	page, err := c.Subscriptions.List(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.Page[polar.CustomerSubscription]](t, tp.body())
	// Started subscriptions only (not the two incomplete ones), the most
	// recently started first.
	if got, want := subIDs(page.Items), subNumbers(1, 2, 3, 4, 5, 6, 12); !slices.Equal(got, want) {
		t.Errorf("Alice's subscriptions: %v, want %v", got, want)
	}
	if page.Pagination != (polar.Pagination{TotalCount: 7, MaxPage: 1}) {
		t.Errorf("pagination %+v", page.Pagination)
	}
	first := page.Items[0]
	if first.Product.Name != "Pro Monthly" || first.Product.Organization.Slug != "acme" || len(first.Prices) != 1 ||
		first.PendingUpdate == nil || *first.PendingUpdate.ProductID != subProYearlyID {
		t.Errorf("first subscription: %+v", first)
	}

	p2, err := c.Subscriptions.List(ctx, &polar.SubscriptionListOptions{ListOptions: polar.ListOptions{Page: 2, Limit: 3}})
	if err != nil || !slices.Equal(subIDs(p2.Items), subNumbers(4, 5, 6)) || p2.Pagination.MaxPage != 3 {
		t.Fatalf("page 2 of 3: %v, %+v, %v", subIDs(p2.Items), p2.Pagination, err)
	}
	var all []string
	for s, err := range c.Subscriptions.All(ctx, &polar.SubscriptionListOptions{ListOptions: polar.ListOptions{Limit: 2}}) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, s.ID)
	}
	if len(all) != 7 {
		t.Errorf("All: %d subscriptions", len(all))
	}

	// Others see their own: Bob his one, every member of Globex the team's.
	for tok, want := range map[string]string{
		polartest.DemoOtherCustomerToken: subDemoID(10),
		polartest.DemoPlainMemberToken:   polartest.DemoTeamSubscriptionID,
		polartest.DemoTeamCustomerToken:  polartest.DemoTeamSubscriptionID,
	} {
		o, _ := client(t, srv, tok)
		p, err := o.Subscriptions.List(ctx, nil)
		if err != nil || !slices.Equal(subIDs(p.Items), []string{want}) {
			t.Errorf("%s: %v, %v; want %s", tok, subIDs(p.Items), err, want)
		}
	}
	anon, _ := client(t, srv, "")
	_, err = anon.Subscriptions.List(ctx, nil)
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
}

func TestSubscriptionsListFiltersAndSorting(t *testing.T) {
	srv, _ := subServer(t)
	c, _ := client(t, srv, polartest.DemoCustomerToken)
	list := func(o polar.SubscriptionListOptions) []string {
		t.Helper()
		p, err := c.Subscriptions.List(ctx, &o)
		if err != nil {
			t.Fatal(err)
		}
		return subIDs(p.Items)
	}
	for _, tc := range []struct {
		name string
		opts polar.SubscriptionListOptions
		want []string
	}{
		{"one product", polar.SubscriptionListOptions{ProductID: []string{subProMonthlyID}}, subNumbers(1, 3, 6)},
		{"two products", polar.SubscriptionListOptions{ProductID: []string{subProMonthlyID, subProYearlyID}}, subNumbers(1, 2, 3, 4, 6)},
		{"active", polar.SubscriptionListOptions{Active: new(true)}, subNumbers(1, 2, 12)},
		{"canceled", polar.SubscriptionListOptions{Active: new(false)}, subNumbers(4, 5)},
		{"query by product name", polar.SubscriptionListOptions{Query: "pro"}, subNumbers(1, 2, 3, 4, 6)},
		{"query, case ignored", polar.SubscriptionListOptions{Query: "STORAGE"}, subNumbers(12)},
		{"query does not match the organization", polar.SubscriptionListOptions{Query: "acme"}, []string{}},
		{"filters together", polar.SubscriptionListOptions{ProductID: []string{subProYearlyID}, Active: new(true)}, subNumbers(2)},
		{"amount", polar.SubscriptionListOptions{Sorting: []polar.CustomerSubscriptionSortProperty{polar.CustomerSubscriptionSortPropertyAmount}},
			subNumbers(5, 1, 3, 6, 12, 2, 4)},
		{"-amount then started_at", polar.SubscriptionListOptions{Sorting: []polar.CustomerSubscriptionSortProperty{
			polar.CustomerSubscriptionSortPropertyAmountDesc, polar.CustomerSubscriptionSortPropertyStartedAt}}, subNumbers(4, 2, 12, 6, 3, 1, 5)},
		{"status", polar.SubscriptionListOptions{Sorting: []polar.CustomerSubscriptionSortProperty{polar.CustomerSubscriptionSortPropertyStatus}},
			subNumbers(1, 12, 4, 3, 6, 2, 5)},
		{"product then -started_at", polar.SubscriptionListOptions{Sorting: []polar.CustomerSubscriptionSortProperty{
			polar.CustomerSubscriptionSortPropertyProduct, polar.CustomerSubscriptionSortPropertyStartedAtDesc}}, subNumbers(5, 1, 3, 6, 2, 4, 12)},
		{"organization", polar.SubscriptionListOptions{Sorting: []polar.CustomerSubscriptionSortProperty{
			polar.CustomerSubscriptionSortPropertyOrganizationDesc, polar.CustomerSubscriptionSortPropertyStartedAt}}, subNumbers(12, 6, 5, 4, 3, 2, 1)},
	} {
		if got := list(tc.opts); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}

	_, err := c.Subscriptions.List(ctx, &polar.SubscriptionListOptions{Sorting: []polar.CustomerSubscriptionSortProperty{"-created_at"}})
	wantValidation(t, err, "query.sorting.0", "enum")
	_, err = c.Subscriptions.List(ctx, &polar.SubscriptionListOptions{ProductID: []string{subProMonthlyID, "nope"}})
	wantValidation(t, err, "query.product_id.1", "uuid_parsing")
	_, err = c.Subscriptions.List(ctx, &polar.SubscriptionListOptions{ProductID: []string{"0e8c1a3a-1b2c-1d5e-8f90-123456789abc"}})
	wantValidation(t, err, "query.product_id.0", "uuid_version")
	for q, loc := range map[string]string{"?active=maybe": `["query","active"]`, "?limit=0": `["query","limit"]`, "?page=-1": `["query","page"]`} {
		status, _, b := raw(t, srv, http.MethodGet, subsPath+q, polartest.DemoCustomerToken, nil)
		if status != http.StatusUnprocessableEntity || !contains(b, `"loc":`+loc) {
			t.Errorf("%s: %d %s", q, status, b)
		}
	}
	status, _, b := raw(t, srv, http.MethodGet, subsPath+"?limit=500&active=1", polartest.DemoCustomerToken, nil)
	if p := strict[polar.Page[polar.CustomerSubscription]](t, b); status != http.StatusOK || len(p.Items) != 3 {
		t.Errorf("limit=500&active=1: %d, %d items", status, len(p.Items))
	}
}

func TestSubscriptionsGet(t *testing.T) {
	srv, _ := subServer(t)
	c, tp := client(t, srv, polartest.DemoCustomerToken)
	s, err := c.Subscriptions.Get(ctx, polartest.DemoSubscriptionID)
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.CustomerSubscription](t, tp.body())
	if s.Status != polar.SubscriptionStatusActive || s.ProductID != subProMonthlyID || s.Amount != 1500 || s.CustomerID != polartest.DemoCustomerID ||
		s.PendingUpdate == nil || !s.PendingUpdate.AppliesAt.Equal(s.CurrentPeriodEnd) {
		t.Errorf("subscription: %+v", s)
	}
	// Get finds an incomplete subscription that List leaves out.
	inc, err := c.Subscriptions.Get(ctx, subDemoID(7))
	if err != nil || inc.Status != polar.SubscriptionStatusIncomplete || inc.StartedAt != nil {
		t.Errorf("incomplete subscription: %+v, %v", inc, err)
	}
	metered, _ := c.Subscriptions.Get(ctx, subDemoID(5))
	if len(metered.Meters) != 1 || metered.Meters[0].ConsumedUnits != 1234.5 {
		t.Errorf("metered subscription's meters: %+v", metered.Meters)
	}
	units, err := c.Subscriptions.Get(ctx, polartest.DemoUnitSubscriptionID)
	if err != nil || units.Units == nil || *units.Units != 120 || units.Amount != 5500 {
		t.Errorf("unit-based subscription: %+v, %v", units, err)
	}
	m, _ := client(t, srv, polartest.DemoPlainMemberToken)
	team, err := m.Subscriptions.Get(ctx, polartest.DemoTeamSubscriptionID)
	if err != nil || team.Seats == nil || *team.Seats != 5 || team.Amount != 5000 {
		t.Errorf("a member reads the team's subscription: %+v, %v", team, err)
	}

	for _, id := range []string{polartest.DemoTeamSubscriptionID, subDemoID(10), subDemoID(11), polartest.UUID("no such subscription")} {
		_, err = c.Subscriptions.Get(ctx, id)
		wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
		if !errors.Is(err, polar.ErrResourceNotFound) {
			t.Errorf("%s: %v", id, err)
		}
	}
	_, err = c.Subscriptions.Get(ctx, "42")
	wantValidation(t, err, "path.id", "uuid_parsing")
	_, err = c.Subscriptions.Get(ctx, "0e8c1a3a-1b2c-1d5e-8f90-123456789abc")
	wantValidation(t, err, "path.id", "uuid_version")
	anon, _ := client(t, srv, "")
	_, err = anon.Subscriptions.Get(ctx, polartest.DemoSubscriptionID)
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
}

func TestSubscriptionsCancel(t *testing.T) {
	srv, clk := subServer(t)
	c, tp := client(t, srv, polartest.DemoCustomerToken)
	before, _ := c.Subscriptions.Get(ctx, polartest.DemoSubscriptionID)
	clk.Advance(time.Hour)
	s, err := c.Subscriptions.Cancel(ctx, polartest.DemoSubscriptionID)
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.CustomerSubscription](t, tp.body())
	now := polartest.DemoTime.Add(time.Hour)
	// Polar cancels at the end of the period: the subscription stays active
	// until then.
	if s.Status != polar.SubscriptionStatusActive || !s.CancelAtPeriodEnd || s.CanceledAt == nil || !s.CanceledAt.Equal(now) ||
		s.EndsAt == nil || !s.EndsAt.Equal(before.CurrentPeriodEnd) || s.EndedAt != nil || s.CustomerCancellationReason != nil ||
		s.ModifiedAt == nil || !s.ModifiedAt.Equal(now) {
		t.Errorf("canceled subscription: %+v", s)
	}
	got, _ := c.Subscriptions.Get(ctx, polartest.DemoSubscriptionID)
	if !got.CancelAtPeriodEnd || got.EndsAt == nil {
		t.Error("Get does not show the cancellation")
	}
	active, _ := c.Subscriptions.List(ctx, &polar.SubscriptionListOptions{Active: new(true)})
	if !slices.Contains(subIDs(active.Items), polartest.DemoSubscriptionID) {
		t.Error("a subscription canceled at the period end left the active ones")
	}
	if o, _ := c.Orders.Get(ctx, polartest.DemoOrderID); o.Subscription == nil || !o.Subscription.CancelAtPeriodEnd {
		t.Error("the order's subscription does not show the cancellation")
	}

	// Again: already canceled. Canceled, unpaid, paused and incomplete
	// subscriptions cannot be canceled either.
	for _, n := range []int{1, 4, 5, 6, 7} {
		_, err = c.Subscriptions.Cancel(ctx, subDemoID(n))
		apiErr := wantAPIError(t, err, http.StatusForbidden, "AlreadyCanceledSubscription")
		if !errors.Is(err, polar.ErrAlreadyCanceledSubscription) || apiErr.Attempt != 1 ||
			apiErr.Detail != "This subscription is already canceled or will be at the end of the period." {
			t.Errorf("subscription %d: %v", n, err)
		}
	}
	// A trialing and a past-due subscription can.
	for _, n := range []int{2, 3} {
		if s, err := c.Subscriptions.Cancel(ctx, subDemoID(n)); err != nil || !s.CancelAtPeriodEnd {
			t.Errorf("cancel subscription %d: %+v, %v", n, s, err)
		}
	}

	_, err = c.Subscriptions.Cancel(ctx, subDemoID(10))
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	_, err = c.Subscriptions.Cancel(ctx, "not-a-uuid")
	wantValidation(t, err, "path.id", "uuid_parsing")
	ro, _ := client(t, srv, polartest.DemoReadOnlyToken)
	_, err = ro.Subscriptions.Cancel(ctx, subDemoID(12))
	wantAPIError(t, err, http.StatusForbidden, "insufficient_scope")
	anon, _ := client(t, srv, "")
	_, err = anon.Subscriptions.Cancel(ctx, subDemoID(12))
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")

	// Team billing: a plain member may not, the billing manager may.
	plain, _ := client(t, srv, polartest.DemoPlainMemberToken)
	_, err = plain.Subscriptions.Cancel(ctx, polartest.DemoTeamSubscriptionID)
	wantAPIError(t, err, http.StatusForbidden, "NotPermitted")
	bm, _ := client(t, srv, polartest.DemoBillingManagerToken)
	if s, err := bm.Subscriptions.Cancel(ctx, polartest.DemoTeamSubscriptionID); err != nil || !s.CancelAtPeriodEnd {
		t.Errorf("billing manager cancels: %+v, %v", s, err)
	}
}

// subLostAnswer is a transport that loses the answer of the first request
// of method: the server serves it, the client sees a 502.
type subLostAnswer struct {
	method string
	lost   bool
}

func (l *subLostAnswer) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil || req.Method != l.method || l.lost {
		return resp, err
	}
	l.lost = true
	resp.Body.Close()
	return &http.Response{StatusCode: http.StatusBadGateway, Status: "502 Bad Gateway", Header: http.Header{},
		Body: http.NoBody, Request: req, ProtoMajor: 1, ProtoMinor: 1}, nil
}

// A retried DELETE whose first attempt canceled the subscription is
// answered 403 AlreadyCanceledSubscription with Attempt 2, as the SDK
// documents.
func TestSubscriptionsCancelRetried(t *testing.T) {
	srv, _ := subServer(t)
	c := srv.Client(polartest.DemoCustomerToken, polar.WithHTTPClient(&http.Client{Transport: &subLostAnswer{method: http.MethodDelete}}))
	_, err := c.Subscriptions.Cancel(ctx, polartest.DemoSubscriptionID)
	var apiErr *polar.APIError
	if !errors.Is(err, polar.ErrAlreadyCanceledSubscription) || !errors.As(err, &apiErr) || apiErr.Attempt != 2 {
		t.Fatalf("retried cancel: %v", err)
	}
	if s, _ := c.Subscriptions.Get(ctx, polartest.DemoSubscriptionID); !s.CancelAtPeriodEnd {
		t.Error("the first attempt did not cancel")
	}
	if n := srv.Calls("customer_portal:subscriptions:cancel"); n != 2 {
		t.Errorf("%d cancel requests served, want 2", n)
	}
}

func TestSubscriptionsUpdateCancel(t *testing.T) {
	srv, clk := subServer(t)
	c, tp := client(t, srv, polartest.DemoCustomerToken)
	s, err := c.Subscriptions.Update(ctx, polartest.DemoSubscriptionID, &polar.CustomerSubscriptionCancel{
		CancelAtPeriodEnd:   polar.Set(true),
		CancellationReason:  polar.Set(polar.CustomerCancellationReasonTooExpensive),
		CancellationComment: polar.Set("Budget freeze until Q1."),
	})
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.CustomerSubscription](t, tp.body())
	if !s.CancelAtPeriodEnd || s.CanceledAt == nil || !s.CanceledAt.Equal(polartest.DemoTime) || s.EndsAt == nil || !s.EndsAt.Equal(s.CurrentPeriodEnd) ||
		s.Status != polar.SubscriptionStatusActive || subDeref(s.CustomerCancellationReason) != polar.CustomerCancellationReasonTooExpensive ||
		subDeref(s.CustomerCancellationComment) != "Budget freeze until Q1." {
		t.Fatalf("canceled at period end: %+v", s)
	}
	_, err = c.Subscriptions.Update(ctx, polartest.DemoSubscriptionID, polar.CustomerSubscriptionCancel{CancelAtPeriodEnd: polar.Set(true)})
	wantAPIError(t, err, http.StatusForbidden, "AlreadyCanceledSubscription")
	_, err = c.Subscriptions.Cancel(ctx, polartest.DemoSubscriptionID)
	wantAPIError(t, err, http.StatusForbidden, "AlreadyCanceledSubscription")

	// A body without cancel_at_period_end changes nothing.
	clk.Advance(time.Minute)
	same, err := c.Subscriptions.Update(ctx, polartest.DemoSubscriptionID, &polar.CustomerSubscriptionCancel{CancellationReason: polar.Set(polar.CustomerCancellationReasonOther)})
	if err != nil || subDeref(same.CustomerCancellationReason) != polar.CustomerCancellationReasonTooExpensive || !same.ModifiedAt.Equal(polartest.DemoTime) {
		t.Errorf("a cancel body without cancel_at_period_end: %+v, %v", same, err)
	}

	// Uncancel.
	s, err = c.Subscriptions.Update(ctx, polartest.DemoSubscriptionID, &polar.CustomerSubscriptionCancel{CancelAtPeriodEnd: polar.Set(false)})
	if err != nil || s.CancelAtPeriodEnd || s.CanceledAt != nil || s.EndsAt != nil || s.CustomerCancellationReason != nil || s.CustomerCancellationComment != nil {
		t.Fatalf("uncanceled: %+v, %v", s, err)
	}
	if got, _ := c.Subscriptions.Get(ctx, polartest.DemoSubscriptionID); got.CancelAtPeriodEnd || got.CanceledAt != nil {
		t.Error("Get does not show the uncancel")
	}
	// Canceling works again after an uncancel, through DELETE too.
	if s, err := c.Subscriptions.Cancel(ctx, polartest.DemoSubscriptionID); err != nil || !s.CancelAtPeriodEnd || s.CustomerCancellationReason != nil {
		t.Errorf("cancel after uncancel: %+v, %v", s, err)
	}

	// Uncancelling what is not set to cancel: 400; what has ended: 410.
	_, err = c.Subscriptions.Update(ctx, subDemoID(12), &polar.CustomerSubscriptionCancel{CancelAtPeriodEnd: polar.Set(false)})
	wantAPIError(t, err, http.StatusBadRequest, "BadRequest")
	_, err = c.Subscriptions.Update(ctx, subDemoID(4), &polar.CustomerSubscriptionCancel{CancelAtPeriodEnd: polar.Set(false)})
	wantAPIError(t, err, http.StatusGone, "ResourceUnavailable")
	_, err = c.Subscriptions.Update(ctx, subDemoID(5), &polar.CustomerSubscriptionCancel{CancelAtPeriodEnd: polar.Set(true)})
	wantAPIError(t, err, http.StatusForbidden, "AlreadyCanceledSubscription")
	_, err = c.Subscriptions.Update(ctx, subDemoID(10), &polar.CustomerSubscriptionCancel{CancelAtPeriodEnd: polar.Set(true)})
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")

	// Uncancelling needs a payment method to charge.
	w := subSeed(t, srv, "nocard", func(f *polartest.Fixture) {
		f.Subscriptions[0].CancelAtPeriodEnd = true
		f.Subscriptions[0].CanceledAt = new(polartest.DemoTime.Add(-time.Hour))
		f.Subscriptions[0].EndsAt = new(f.Subscriptions[0].CurrentPeriodEnd)
	})
	_, err = w.client.Subscriptions.Update(ctx, w.subID, &polar.CustomerSubscriptionCancel{CancelAtPeriodEnd: polar.Set(false)})
	wantAPIError(t, err, http.StatusConflict, "PaymentMethodRequired")
	if !errors.Is(err, polar.ErrPaymentMethodRequired) || !strings.Contains(err.Error(), "Add a payment method before uncancelling this subscription.") {
		t.Errorf("uncancel without a payment method: %v", err)
	}
	if s, _ := w.client.Subscriptions.Get(ctx, w.subID); !s.CancelAtPeriodEnd {
		t.Error("a refused uncancel changed the subscription")
	}
}

func TestSubscriptionsUpdateProduct(t *testing.T) {
	srv, _ := subServer(t)
	c, tp := client(t, srv, polartest.DemoCustomerToken)

	// Pro Monthly to Pro Yearly, prorated: at once, a new yearly period,
	// and the pending update is dropped.
	s, err := c.Subscriptions.Update(ctx, polartest.DemoSubscriptionID, &polar.CustomerSubscriptionUpdateProduct{ProductID: subProYearlyID})
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.CustomerSubscription](t, tp.body())
	if s.ProductID != subProYearlyID || s.Product.ID != subProYearlyID || s.Product.Name != "Pro Yearly" || s.Amount != 15000 ||
		s.RecurringInterval != polar.RecurringIntervalYear || !s.CurrentPeriodStart.Equal(polartest.DemoTime) ||
		!s.CurrentPeriodEnd.Equal(polartest.DemoTime.AddDate(1, 0, 0)) || s.PendingUpdate != nil || len(s.Prices) != 1 {
		t.Fatalf("changed product: %+v", s)
	}
	if fp, ok := s.Prices[0].(*polar.ProductPriceFixed); !ok || fp.PriceAmount != 15000 {
		t.Errorf("prices: %#v", s.Prices)
	}
	got, _ := c.Subscriptions.Get(ctx, polartest.DemoSubscriptionID)
	if got.ProductID != subProYearlyID || got.Amount != 15000 {
		t.Error("Get does not show the product change")
	}
	yearly, _ := c.Subscriptions.List(ctx, &polar.SubscriptionListOptions{ProductID: []string{subProYearlyID}})
	if !slices.Equal(subIDs(yearly.Items), subNumbers(1, 2, 4)) {
		t.Errorf("List by product after the change: %v", subIDs(yearly.Items))
	}
	if o, _ := c.Orders.Get(ctx, polartest.DemoOrderID); o.Subscription.ProductID != subProYearlyID {
		t.Error("the order's subscription does not show the product change")
	}

	// A trialing subscription switching to a product without a trial starts
	// paying now.
	s, err = c.Subscriptions.Update(ctx, subDemoID(2), &polar.CustomerSubscriptionUpdateProduct{ProductID: subProMonthlyID})
	if err != nil || s.Status != polar.SubscriptionStatusActive || s.TrialEnd == nil || !s.TrialEnd.Equal(polartest.DemoTime) ||
		!s.CurrentPeriodEnd.Equal(polartest.DemoTime.AddDate(0, 1, 0)) || s.Amount != 1500 {
		t.Errorf("trial switched to Pro Monthly: %+v, %v", s, err)
	}

	for _, tc := range []struct {
		sub, product, msg string
	}{
		{subDemoID(3), subLegacyID, "Product is archived."},
		{subDemoID(3), subPrivateID, "Product visibility is not allowed."},
		{subDemoID(3), subStorageID, "Product visibility is not allowed."},
		{subDemoID(3), subEbookID, "Product is not recurring."},
		{subDemoID(3), subUmbrellaID, "Product does not exist."},
		{subDemoID(3), polartest.UUID("no such product"), "Product does not exist."},
		{polartest.DemoUnitSubscriptionID, subProMonthlyID, "Can't switch from a unit-based to a non-unit-based product."},
	} {
		_, err := c.Subscriptions.Update(ctx, tc.sub, &polar.CustomerSubscriptionUpdateProduct{ProductID: tc.product})
		wantValidation(t, err, "body.product_id", "value_error")
		if !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s to %s: %v, want %q", tc.sub, tc.product, err, tc.msg)
		}
	}
	team, _ := client(t, srv, polartest.DemoMemberToken)
	_, err = team.Subscriptions.Update(ctx, polartest.DemoTeamSubscriptionID, &polar.CustomerSubscriptionUpdateProduct{ProductID: subProMonthlyID})
	wantValidation(t, err, "body.product_id", "value_error")
	for _, n := range []int{4, 5} { // canceled, unpaid
		_, err = c.Subscriptions.Update(ctx, subDemoID(n), &polar.CustomerSubscriptionUpdateProduct{ProductID: subProMonthlyID})
		wantAPIError(t, err, http.StatusForbidden, "AlreadyCanceledSubscription")
	}
	if _, err := c.Subscriptions.Cancel(ctx, subDemoID(3)); err != nil {
		t.Fatal(err)
	}
	_, err = c.Subscriptions.Update(ctx, subDemoID(3), &polar.CustomerSubscriptionUpdateProduct{ProductID: subProYearlyID})
	wantAPIError(t, err, http.StatusForbidden, "AlreadyCanceledSubscription")
	_, err = c.Subscriptions.Update(ctx, subDemoID(10), &polar.CustomerSubscriptionUpdateProduct{ProductID: subProYearlyID})
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	plain, _ := client(t, srv, polartest.DemoPlainMemberToken)
	_, err = plain.Subscriptions.Update(ctx, polartest.DemoTeamSubscriptionID, &polar.CustomerSubscriptionUpdateProduct{ProductID: subProMonthlyID})
	wantAPIError(t, err, http.StatusForbidden, "NotPermitted")
}

func TestSubscriptionsUpdateProductRules(t *testing.T) {
	srv, _ := subServer(t)
	w := subSeed(t, srv, "rules", func(f *polartest.Fixture) {
		org := f.Organizations[0].ID
		legacy := polartest.NewProduct(org, "Legacy", 900, polar.RecurringIntervalMonth)
		//lint:ignore SA1019 a product that still carries a legacy price
		legacy.Prices = polar.PriceList{&polar.LegacyRecurringProductPriceFixed{PriceCommon: polar.PriceCommon{
			ID: polartest.UUID("legacy price"), Source: polar.ProductPriceSourceCatalog, PriceCurrency: "usd", ProductID: legacy.ID},
			RecurringInterval: polar.RecurringIntervalMonth, PriceAmount: 900}}
		custom := polartest.NewProduct(org, "Pay what you want", 0, polar.RecurringIntervalMonth)
		custom.Prices = polar.PriceList{&polar.ProductPriceCustom{PriceCommon: polar.PriceCommon{
			ID: polartest.UUID("custom price"), Source: polar.ProductPriceSourceCatalog, PriceCurrency: "usd", ProductID: custom.ID}}}
		euro := polartest.NewProduct(org, "Euro plan", 900, polar.RecurringIntervalMonth)
		euro.Prices[0].(*polar.ProductPriceFixed).PriceCurrency = "eur"
		f.Products = append(f.Products, legacy, custom, euro)
	})
	org := polartest.UUID("organization:rules")
	for name, msg := range map[string]string{
		"Legacy":            "Product has legacy recurring prices.",
		"Pay what you want": "Can't update to a product with custom prices.",
		"Euro plan":         "This product doesn't have a price for the subscription currency.",
	} {
		_, err := w.client.Subscriptions.Update(ctx, w.subID, &polar.CustomerSubscriptionUpdateProduct{ProductID: polartest.UUID("product:" + org + ":" + name)})
		wantValidation(t, err, "body.product_id", "value_error")
		if !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: %v, want %q", name, err, msg)
		}
	}

	// The organization's portal settings.
	noPlan := subSeed(t, srv, "noplan", func(f *polartest.Fixture) {
		f.Organizations[0].CustomerPortalSettings.Subscription.UpdatePlan = false
	})
	_, err := noPlan.client.Subscriptions.Update(ctx, noPlan.subID, &polar.CustomerSubscriptionUpdateProduct{ProductID: noPlan.premiumID})
	wantAPIError(t, err, http.StatusForbidden, "UpdateSubscriptionPlanNotAllowed")
}

func TestSubscriptionsUpdateProrationAndPayment(t *testing.T) {
	srv, clk := subServer(t)

	// next_period: the change waits for the end of the period.
	later := subSeed(t, srv, "later", func(f *polartest.Fixture) {
		f.Organizations[0].ProrationBehavior = polar.SubscriptionProrationBehaviorNextPeriod
	})
	s, err := later.client.Subscriptions.Update(ctx, later.subID, &polar.CustomerSubscriptionUpdateProduct{ProductID: later.premiumID})
	if err != nil || s.ProductID != later.basicID || s.Amount != 1000 || s.PendingUpdate == nil || subDeref(s.PendingUpdate.ProductID) != later.premiumID ||
		!s.PendingUpdate.AppliesAt.Equal(s.CurrentPeriodEnd) || s.PendingUpdate.Seats != nil || !s.PendingUpdate.CreatedAt.Equal(polartest.DemoTime) {
		t.Fatalf("scheduled product change: %+v, %v", s, err)
	}
	clk.Advance(time.Minute)
	s, err = later.client.Subscriptions.Update(ctx, later.subID, &polar.CustomerSubscriptionUpdateProduct{ProductID: later.basicID})
	if err != nil || subDeref(s.PendingUpdate.ProductID) != later.basicID || s.PendingUpdate.ModifiedAt == nil {
		t.Errorf("a second scheduled change replaces the first: %+v, %v", s.PendingUpdate, err)
	}
	s, err = later.client.Subscriptions.Update(ctx, later.subID, &polar.CustomerSubscriptionUpdateClear{})
	if err != nil || s.PendingUpdate != nil || s.ProductID != later.basicID {
		t.Fatalf("cleared: %+v, %v", s, err)
	}
	if got, _ := later.client.Subscriptions.Get(ctx, later.subID); got.PendingUpdate != nil {
		t.Error("Get still shows the pending update")
	}
	_, err = later.client.Subscriptions.Update(ctx, later.subID, polar.CustomerSubscriptionUpdateClear{})
	wantValidation(t, err, "body.pending_update", "value_error")

	// invoice: charged at once, with the customer's payment method.
	for _, tc := range []struct {
		card   string // last 4 digits, "" for none
		status int
		name   string
		detail string
	}{
		{"", http.StatusPaymentRequired, "PaymentFailed", "Payment failed with reason: missing_payment_method."},
		{"0002", http.StatusPaymentRequired, "PaymentFailed", "Payment failed with reason: card_error."},
		{"3155", http.StatusPaymentRequired, "PaymentActionRequired", ""},
		{"4242", http.StatusOK, "", ""},
	} {
		w := subSeed(t, srv, "invoice"+tc.card, func(f *polartest.Fixture) {
			f.Organizations[0].ProrationBehavior = polar.SubscriptionProrationBehaviorInvoice
			if tc.card != "" {
				subAddCard(f, tc.card)
			}
		})
		s, err := w.client.Subscriptions.Update(ctx, w.subID, &polar.CustomerSubscriptionUpdateProduct{ProductID: w.premiumID})
		if tc.status == http.StatusOK {
			if err != nil || s.ProductID != w.premiumID || s.Amount != 3000 || !s.CurrentPeriodStart.Equal(polartest.DemoTime.Add(-10*24*time.Hour)) {
				t.Errorf("invoiced upgrade with a good card: %+v, %v", s, err)
			}
			continue
		}
		apiErr := wantAPIError(t, err, tc.status, tc.name)
		if tc.detail != "" && apiErr.Detail != tc.detail {
			t.Errorf("card %q: detail %q", tc.card, apiErr.Detail)
		}
		if tc.name == "PaymentFailed" && !errors.Is(err, polar.ErrPaymentFailed) {
			t.Errorf("card %q: %v is not ErrPaymentFailed", tc.card, err)
		}
		if got, _ := w.client.Subscriptions.Get(ctx, w.subID); got.ProductID != w.basicID || got.Amount != 1000 {
			t.Errorf("card %q: a failed payment changed the subscription: %+v", tc.card, got)
		}
		// A downgrade charges nothing, so it needs no payment.
		if s, err := w.client.Subscriptions.Update(ctx, w.subID, &polar.CustomerSubscriptionUpdateProduct{ProductID: w.cheapID}); err != nil || s.Amount != 500 {
			t.Errorf("card %q: downgrade: %+v, %v", tc.card, s, err)
		}
	}

	// reset: a new period starts now, charged in full, a downgrade too.
	for card, wantErr := range map[string]bool{"0002": true, "4242": false} {
		w := subSeed(t, srv, "reset"+card, func(f *polartest.Fixture) {
			f.Organizations[0].ProrationBehavior = polar.SubscriptionProrationBehaviorReset
			subAddCard(f, card)
		})
		s, err := w.client.Subscriptions.Update(ctx, w.subID, &polar.CustomerSubscriptionUpdateProduct{ProductID: w.cheapID})
		if wantErr {
			wantAPIError(t, err, http.StatusPaymentRequired, "PaymentFailed")
			continue
		}
		if now := clk.Now(); err != nil || s.Amount != 500 || !s.CurrentPeriodStart.Equal(now) || !s.CurrentPeriodEnd.Equal(now.AddDate(0, 1, 0)) {
			t.Errorf("reset downgrade: %+v, %v", s, err)
		}
	}

	// prorate (the default) charges nothing now, so it needs no payment
	// method.
	pro := subSeed(t, srv, "prorate", nil)
	if s, err := pro.client.Subscriptions.Update(ctx, pro.subID, &polar.CustomerSubscriptionUpdateProduct{ProductID: pro.premiumID}); err != nil || s.Amount != 3000 {
		t.Errorf("prorated upgrade without a payment method: %+v, %v", s, err)
	}
}

func TestSubscriptionsUpdateSeats(t *testing.T) {
	srv, _ := subServer(t)
	owner, tp := client(t, srv, polartest.DemoMemberToken)
	s, err := owner.Subscriptions.Update(ctx, polartest.DemoTeamSubscriptionID, &polar.CustomerSubscriptionUpdateSeats{Seats: 8})
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.CustomerSubscription](t, tp.body())
	if subDeref(s.Seats) != 8 || s.Amount != 8000 {
		t.Errorf("8 seats: %v seats, amount %d", subDeref(s.Seats), s.Amount)
	}
	// Past 10 seats, every seat is at the second tier's rate (volume).
	bm, _ := client(t, srv, polartest.DemoBillingManagerToken)
	s, err = bm.Subscriptions.Update(ctx, polartest.DemoTeamSubscriptionID, polar.CustomerSubscriptionUpdateSeats{Seats: 12})
	if err != nil || subDeref(s.Seats) != 12 || s.Amount != 9600 {
		t.Errorf("12 seats: %+v, %v", s, err)
	}
	team, _ := client(t, srv, polartest.DemoTeamCustomerToken)
	got, _ := team.Subscriptions.Get(ctx, polartest.DemoTeamSubscriptionID)
	if subDeref(got.Seats) != 12 || got.Amount != 9600 {
		t.Error("Get does not show the seats")
	}
	// Asking for the current count changes nothing.
	if s, err := team.Subscriptions.Update(ctx, polartest.DemoTeamSubscriptionID, &polar.CustomerSubscriptionUpdateSeats{Seats: 12}); err != nil || subDeref(s.Seats) != 12 {
		t.Errorf("same count: %+v, %v", s, err)
	}

	for seats, want := range map[int64]struct{ name, detail string }{
		1:  {"BelowMinimumSeats", "Minimum 2 seats required."},
		51: {"AboveMaximumSeats", "Maximum 50 seats allowed."},
		2:  {"SeatsAlreadyAssigned", "Cannot decrease seats to 2. Currently 3 seats are assigned. Revoke seats first."},
	} {
		_, err := team.Subscriptions.Update(ctx, polartest.DemoTeamSubscriptionID, &polar.CustomerSubscriptionUpdateSeats{Seats: seats})
		if apiErr := wantAPIError(t, err, http.StatusBadRequest, want.name); apiErr.Detail != want.detail {
			t.Errorf("%d seats: %q", seats, apiErr.Detail)
		}
	}
	_, err = team.Subscriptions.Update(ctx, polartest.DemoTeamSubscriptionID, &polar.CustomerSubscriptionUpdateSeats{Seats: 0})
	wantValidation(t, err, "body.CustomerSubscriptionUpdateSeats.seats", "greater_than_equal")
	plain, _ := client(t, srv, polartest.DemoPlainMemberToken)
	_, err = plain.Subscriptions.Update(ctx, polartest.DemoTeamSubscriptionID, &polar.CustomerSubscriptionUpdateSeats{Seats: 6})
	wantAPIError(t, err, http.StatusForbidden, "NotPermitted")

	alice, _ := client(t, srv, polartest.DemoCustomerToken)
	_, err = alice.Subscriptions.Update(ctx, polartest.DemoSubscriptionID, &polar.CustomerSubscriptionUpdateSeats{Seats: 3})
	wantAPIError(t, err, http.StatusBadRequest, "NotASeatBasedSubscription")
	_, err = alice.Subscriptions.Update(ctx, polartest.DemoTeamSubscriptionID, &polar.CustomerSubscriptionUpdateSeats{Seats: 6})
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	_, err = alice.Subscriptions.Update(ctx, subDemoID(4), &polar.CustomerSubscriptionUpdateSeats{Seats: 3})
	wantAPIError(t, err, http.StatusForbidden, "AlreadyCanceledSubscription")

	// A numeric string is a number, as pydantic reads it.
	status, _, b := raw(t, srv, http.MethodPatch, subsPath+polartest.DemoTeamSubscriptionID, polartest.DemoTeamCustomerToken,
		stringsReader(`{"seats": "7"}`), "Content-Type", "application/json")
	if got := strict[polar.CustomerSubscription](t, b); status != http.StatusOK || subDeref(got.Seats) != 7 || got.Amount != 7000 {
		t.Errorf(`{"seats": "7"}: %d %s`, status, b)
	}

	noSeats := subSeed(t, srv, "noseats", func(f *polartest.Fixture) {
		f.Organizations[0].CustomerPortalSettings.Subscription.UpdateSeats = false
	})
	_, err = noSeats.client.Subscriptions.Update(ctx, noSeats.subID, &polar.CustomerSubscriptionUpdateSeats{Seats: 3})
	wantAPIError(t, err, http.StatusForbidden, "UpdateSubscriptionSeatsNotAllowed")
}

// subSeatPrice is a graduated seat price for product p: 10 USD for each
// of the first 5 seats, 5 USD for each seat after.
func subSeatPrice(p *polar.CustomerProduct) polar.PriceList {
	return polar.PriceList{&polar.ProductPriceSeatBased{
		PriceCommon: polar.PriceCommon{ID: polartest.UUID("seat price:" + p.ID), Source: polar.ProductPriceSourceCatalog, PriceCurrency: "usd", ProductID: p.ID},
		SeatTiers: polar.ProductPriceSeatTiers{SeatTierType: new(polar.SeatTierTypeGraduated), MinimumSeats: 1, Tiers: []polar.ProductPriceSeatTier{
			{MinSeats: 1, MaxSeats: new(int64(5)), PricePerSeat: 1000}, {MinSeats: 6, PricePerSeat: 500},
		}},
	}}
}

func TestSubscriptionsUpdateSeatsNextPeriod(t *testing.T) {
	srv, _ := subServer(t)
	w := subSeed(t, srv, "seatslater", func(f *polartest.Fixture) {
		f.Organizations[0].ProrationBehavior = polar.SubscriptionProrationBehaviorNextPeriod
		f.Products[0].Prices = subSeatPrice(&f.Products[0]) // Basic
		f.Products[1].Prices = subSeatPrice(&f.Products[1]) // Premium
		f.Subscriptions[0].Seats, f.Subscriptions[0].Amount = new(int64(3)), 3000
	})
	s, err := w.client.Subscriptions.Update(ctx, w.subID, &polar.CustomerSubscriptionUpdateSeats{Seats: 8})
	if err != nil || subDeref(s.Seats) != 3 || s.Amount != 3000 || s.PendingUpdate == nil || subDeref(s.PendingUpdate.Seats) != 8 || s.PendingUpdate.ProductID != nil {
		t.Fatalf("scheduled seats: %+v, %v", s, err)
	}
	// A scheduled product change joins the scheduled seat change.
	s, err = w.client.Subscriptions.Update(ctx, w.subID, &polar.CustomerSubscriptionUpdateProduct{ProductID: w.premiumID})
	if err != nil || s.ProductID != w.basicID || subDeref(s.PendingUpdate.ProductID) != w.premiumID || subDeref(s.PendingUpdate.Seats) != 8 {
		t.Fatalf("scheduled product and seats: %+v, %v", s.PendingUpdate, err)
	}
	// Asking for the current count drops the scheduled seat change only.
	s, err = w.client.Subscriptions.Update(ctx, w.subID, &polar.CustomerSubscriptionUpdateSeats{Seats: 3})
	if err != nil || s.PendingUpdate == nil || s.PendingUpdate.Seats != nil || subDeref(s.PendingUpdate.ProductID) != w.premiumID {
		t.Errorf("current count: %+v, %v", s.PendingUpdate, err)
	}
	// A seat-based subscription cannot move to a product without seats.
	_, err = w.client.Subscriptions.Update(ctx, w.subID, &polar.CustomerSubscriptionUpdateProduct{ProductID: w.cheapID})
	wantValidation(t, err, "body.product_id", "value_error")

	// Graduated tiers, applied at once: 5 seats at 10 USD, 3 at 5 USD.
	now := subSeed(t, srv, "seatsnow", func(f *polartest.Fixture) {
		f.Products[0].Prices = subSeatPrice(&f.Products[0])
		f.Subscriptions[0].Seats, f.Subscriptions[0].Amount = new(int64(3)), 3000
	})
	if s, err := now.client.Subscriptions.Update(ctx, now.subID, &polar.CustomerSubscriptionUpdateSeats{Seats: 8}); err != nil || s.Amount != 6500 || subDeref(s.Seats) != 8 {
		t.Errorf("graduated seats: %+v, %v", s, err)
	}
}

func TestSubscriptionsUpdateUnits(t *testing.T) {
	srv, _ := subServer(t)
	c, tp := client(t, srv, polartest.DemoCustomerToken)
	s, err := c.Subscriptions.Update(ctx, polartest.DemoUnitSubscriptionID, &polar.CustomerSubscriptionUpdateUnits{Units: 200})
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.CustomerSubscription](t, tp.body())
	// Graduated: 100 GB at 0.50 USD, 100 at 0.25 USD.
	if subDeref(s.Units) != 200 || s.Amount != 7500 {
		t.Errorf("200 units: %v units, amount %d", subDeref(s.Units), s.Amount)
	}
	if got, _ := c.Subscriptions.Get(ctx, polartest.DemoUnitSubscriptionID); subDeref(got.Units) != 200 || got.Amount != 7500 {
		t.Error("Get does not show the units")
	}
	s, err = c.Subscriptions.Update(ctx, polartest.DemoUnitSubscriptionID, polar.CustomerSubscriptionUpdateUnits{Units: 40})
	if err != nil || subDeref(s.Units) != 40 || s.Amount != 2000 {
		t.Errorf("40 units: %+v, %v", s, err)
	}
	for units, want := range map[int64]struct{ name, detail string }{
		5:    {"BelowMinimumUnits", "Minimum 10 units required."},
		1001: {"AboveMaximumUnits", "Maximum 1000 units allowed."},
	} {
		_, err := c.Subscriptions.Update(ctx, polartest.DemoUnitSubscriptionID, &polar.CustomerSubscriptionUpdateUnits{Units: units})
		if apiErr := wantAPIError(t, err, http.StatusBadRequest, want.name); apiErr.Detail != want.detail {
			t.Errorf("%d units: %q", units, apiErr.Detail)
		}
	}
	_, err = c.Subscriptions.Update(ctx, polartest.DemoSubscriptionID, &polar.CustomerSubscriptionUpdateUnits{Units: 20})
	wantAPIError(t, err, http.StatusBadRequest, "NotAUnitBasedSubscription")
	_, err = c.Subscriptions.Update(ctx, subDemoID(11), &polar.CustomerSubscriptionUpdateUnits{Units: 20})
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	status, _, b := raw(t, srv, http.MethodPatch, subsPath+polartest.DemoUnitSubscriptionID, polartest.DemoCustomerToken,
		stringsReader(`{"units": 12.5}`), "Content-Type", "application/json")
	if status != http.StatusUnprocessableEntity || !contains(b, `"loc":["body","CustomerSubscriptionUpdateUnits","units"]`) || !contains(b, `"type":"int_from_float","input":12.5`) {
		t.Errorf("fractional units: %d %s", status, b)
	}

	noUnits := subSeed(t, srv, "nounits", func(f *polartest.Fixture) {
		f.Organizations[0].CustomerPortalSettings.Subscription.UpdateUnits = new(false)
	})
	_, err = noUnits.client.Subscriptions.Update(ctx, noUnits.subID, &polar.CustomerSubscriptionUpdateUnits{Units: 3})
	wantAPIError(t, err, http.StatusForbidden, "UpdateSubscriptionUnitsNotAllowed")
}

func TestSubscriptionsPauseAndResume(t *testing.T) {
	srv, clk := subServer(t)
	c, tp := client(t, srv, polartest.DemoCustomerToken)
	sub, _ := c.Subscriptions.Get(ctx, polartest.DemoSubscriptionID)
	resumes := sub.CurrentPeriodEnd.AddDate(0, 2, 0)
	s, err := c.Subscriptions.Update(ctx, polartest.DemoSubscriptionID, &polar.CustomerSubscriptionPause{PauseAtPeriodEnd: true, ResumesAt: polar.Set(resumes)})
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.CustomerSubscription](t, tp.body())
	if !s.PauseAtPeriodEnd || s.ResumesAt == nil || !s.ResumesAt.Equal(resumes) || s.Status != polar.SubscriptionStatusActive || s.PausedAt != nil {
		t.Fatalf("pause at period end: %+v", s)
	}
	if got, _ := c.Subscriptions.Get(ctx, polartest.DemoSubscriptionID); !got.PauseAtPeriodEnd {
		t.Error("Get does not show the pause")
	}
	_, err = c.Subscriptions.Update(ctx, polartest.DemoSubscriptionID, &polar.CustomerSubscriptionPause{PauseAtPeriodEnd: true})
	wantAPIError(t, err, http.StatusConflict, "CannotPauseSubscription")
	// Taking the pause back.
	s, err = c.Subscriptions.Update(ctx, polartest.DemoSubscriptionID, &polar.CustomerSubscriptionPause{})
	if err != nil || s.PauseAtPeriodEnd || s.ResumesAt != nil {
		t.Fatalf("pause taken back: %+v, %v", s, err)
	}
	_, err = c.Subscriptions.Update(ctx, polartest.DemoSubscriptionID, &polar.CustomerSubscriptionPause{})
	wantAPIError(t, err, http.StatusConflict, "NoScheduledPause")
	// Until resumed.
	if s, err := c.Subscriptions.Update(ctx, polartest.DemoSubscriptionID, &polar.CustomerSubscriptionPause{PauseAtPeriodEnd: true, ResumesAt: polar.Null[time.Time]()}); err != nil ||
		!s.PauseAtPeriodEnd || s.ResumesAt != nil {
		t.Errorf("pause until resumed: %+v, %v", s, err)
	}
	// Canceling drops a scheduled pause.
	if s, err := c.Subscriptions.Cancel(ctx, polartest.DemoSubscriptionID); err != nil || s.PauseAtPeriodEnd {
		t.Errorf("cancel a subscription set to pause: %+v, %v", s, err)
	}

	// resumes_at must be after the period end, and in the future.
	_, err = c.Subscriptions.Update(ctx, polartest.DemoUnitSubscriptionID, &polar.CustomerSubscriptionPause{PauseAtPeriodEnd: true, ResumesAt: polar.Set(polartest.DemoTime.Add(time.Hour))})
	wantValidation(t, err, "body.resumes_at", "value_error")
	_, err = c.Subscriptions.Update(ctx, polartest.DemoUnitSubscriptionID, &polar.CustomerSubscriptionPause{PauseAtPeriodEnd: true, ResumesAt: polar.Set(polartest.DemoTime.Add(-time.Hour))})
	wantValidation(t, err, "body.CustomerSubscriptionPause.resumes_at", "datetime_future")
	for _, n := range []int{2, 3, 6} { // trialing, past due, paused
		_, err = c.Subscriptions.Update(ctx, subDemoID(n), &polar.CustomerSubscriptionPause{PauseAtPeriodEnd: true})
		wantAPIError(t, err, http.StatusConflict, "CannotPauseSubscription")
	}

	// Resume the paused subscription: active at once, a new period.
	clk.Advance(time.Hour)
	s, err = c.Subscriptions.Update(ctx, subDemoID(6), &polar.CustomerSubscriptionResume{})
	now := polartest.DemoTime.Add(time.Hour)
	if err != nil || s.Status != polar.SubscriptionStatusActive || s.PausedAt != nil || s.ResumesAt != nil ||
		!s.CurrentPeriodStart.Equal(now) || !s.CurrentPeriodEnd.Equal(now.AddDate(0, 1, 0)) {
		t.Fatalf("resumed: %+v, %v", s, err)
	}
	active, _ := c.Subscriptions.List(ctx, &polar.SubscriptionListOptions{Active: new(true)})
	if !slices.Contains(subIDs(active.Items), subDemoID(6)) {
		t.Error("List does not show the resumed subscription as active")
	}
	_, err = c.Subscriptions.Update(ctx, subDemoID(6), polar.CustomerSubscriptionResume{})
	wantAPIError(t, err, http.StatusConflict, "NotPausedSubscription")

	// Resuming needs a payment method to charge.
	w := subSeed(t, srv, "paused", func(f *polartest.Fixture) {
		f.Organizations[0].CustomerPortalSettings.Subscription.Pause = new(true)
		f.Subscriptions[0].Status = polar.SubscriptionStatusPaused
		f.Subscriptions[0].PausedAt = new(polartest.DemoTime.Add(-time.Hour))
	})
	_, err = w.client.Subscriptions.Update(ctx, w.subID, &polar.CustomerSubscriptionResume{})
	wantAPIError(t, err, http.StatusConflict, "PaymentMethodRequired")
	if got, _ := w.client.Subscriptions.Get(ctx, w.subID); got.Status != polar.SubscriptionStatusPaused {
		t.Error("a refused resume changed the subscription")
	}

	// Organizations that do not let customers pause: Carol's umbrella.
	if err := srv.Seed(&polartest.Fixture{Tokens: []polartest.Token{{Token: "polar_cst_test_carol", Kind: polartest.TokenKindCustomerSession, CustomerID: polartest.DemoOtherOrganizationCustomerID}}}); err != nil {
		t.Fatal(err)
	}
	carol, _ := client(t, srv, "polar_cst_test_carol")
	for _, body := range []polar.CustomerSubscriptionUpdate{&polar.CustomerSubscriptionPause{PauseAtPeriodEnd: true}, &polar.CustomerSubscriptionResume{}} {
		_, err = carol.Subscriptions.Update(ctx, subDemoID(11), body)
		wantAPIError(t, err, http.StatusForbidden, "PauseResumeNotAllowed")
		if !errors.Is(err, polar.ErrPauseResumeNotAllowed) {
			t.Errorf("%T: %v", body, err)
		}
	}
}

func TestSubscriptionsUpdateValidation(t *testing.T) {
	srv, _ := subServer(t)
	path := subsPath + polartest.DemoSubscriptionID
	patch := func(tok, path, body string) (int, []byte) {
		t.Helper()
		status, _, b := raw(t, srv, http.MethodPatch, path, tok, stringsReader(body), "Content-Type", "application/json")
		return status, b
	}
	for body, want := range map[string][]string{
		`{"foo": 1}`: {
			`"loc":["body","CustomerSubscriptionUpdateProduct","product_id"]`, `"type":"missing","input":{"foo":1}}`,
			`"loc":["body","CustomerSubscriptionCancel","foo"]`, `"type":"extra_forbidden","input":1}`,
			`["body","CustomerSubscriptionUpdateUnits","units"]`,
		},
		`{"product_id": "x"}`:                                 {`["body","CustomerSubscriptionUpdateProduct","product_id"]`, `"type":"uuid_parsing"`},
		`{"product_id": 5}`:                                   {`["body","CustomerSubscriptionUpdateProduct","product_id"]`, `"type":"string_type"`},
		`{"seats": "many"}`:                                   {`["body","CustomerSubscriptionUpdateSeats","seats"]`, `"type":"int_parsing"`},
		`{"seats": 3000000000}`:                               {`"type":"less_than_equal"`},
		`{"resume": false}`:                                   {`["body","CustomerSubscriptionResume","resume"]`, `"type":"literal_error","input":false`},
		`{"pending_update": 1}`:                               {`["body","CustomerSubscriptionUpdateClear","pending_update"]`, `"type":"none_required"`},
		`{"pause_at_period_end": "maybe"}`:                    {`["body","CustomerSubscriptionPause","pause_at_period_end"]`, `"type":"bool_parsing"`},
		`{"pause_at_period_end": true, "resumes_at": "soon"}`: {`["body","CustomerSubscriptionPause","resumes_at"]`, `"type":"datetime_parsing"`},
		`{"cancel_at_period_end": true, "cancellation_reason": "bored"}`: {`["body","CustomerSubscriptionCancel","cancellation_reason"]`, `"type":"enum"`},
		`{"cancel_at_period_end": [], "cancellation_comment": 7}`:        {`"type":"bool_type"`, `"type":"string_type"`},
		`{"product_id": "` + subProYearlyID + `", "seats": 3}`:           {`["body","CustomerSubscriptionUpdateProduct","seats"],`},
		`[1]`:        {`"loc":["body"]`},
		`{"seats": `: {`"type":"json_invalid"`},
		``:           {`"type":"missing"`},
	} {
		status, b := patch(polartest.DemoCustomerToken, path, body)
		if status != http.StatusUnprocessableEntity || !contains(b, `"error":"RequestValidationError"`) {
			t.Errorf("PATCH %s: %d %s", body, status, b)
			continue
		}
		for _, w := range want {
			if !contains(b, w) {
				t.Errorf("PATCH %s: %s lacks %s", body, b, w)
			}
		}
	}
	// A bad path ID and a bad body are reported together.
	status, b := patch(polartest.DemoCustomerToken, subsPath+"nope", `{"seats": 0}`)
	if status != http.StatusUnprocessableEntity || !contains(b, `["path","id"]`) || !contains(b, `"greater_than_equal"`) {
		t.Errorf("bad ID and body: %d %s", status, b)
	}
	// Validation comes before lookup: another customer's subscription
	// gets 422 for a bad body, 404 for a good one.
	status, _ = patch(polartest.DemoCustomerToken, subsPath+subDemoID(10), `{"seats": 0}`)
	if status != http.StatusUnprocessableEntity {
		t.Errorf("bad body on Bob's subscription: %d", status)
	}
	status, b = patch(polartest.DemoCustomerToken, subsPath+subDemoID(10), `{"cancel_at_period_end": true}`)
	if status != http.StatusNotFound || string(b) != `{"detail":"Not found","error":"ResourceNotFound"}` {
		t.Errorf("Bob's subscription: %d %s", status, b)
	}
	// An empty object is a cancel update that changes nothing.
	status, b = patch(polartest.DemoCustomerToken, path, `{}`)
	if s := strict[polar.CustomerSubscription](t, b); status != http.StatusOK || s.CancelAtPeriodEnd || s.ModifiedAt != nil {
		t.Errorf("{}: %d %s", status, b)
	}
	status, b = patch(polartest.DemoCustomerToken, path, `{"cancel_at_period_end": "yes", "cancellation_reason": null}`)
	if s := strict[polar.CustomerSubscription](t, b); status != http.StatusOK || !s.CancelAtPeriodEnd {
		t.Errorf(`"yes": %d %s`, status, b)
	}

	status, _, b = raw(t, srv, http.MethodPatch, path, polartest.DemoReadOnlyToken, stringsReader(`{}`), "Content-Type", "application/json")
	if status != http.StatusForbidden || decodeError(t, b).Error != "insufficient_scope" {
		t.Errorf("read-only token: %d %s", status, b)
	}
	anon, _ := client(t, srv, "")
	_, err := anon.Subscriptions.Update(ctx, polartest.DemoSubscriptionID, &polar.CustomerSubscriptionResume{})
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
}

// subWorld is a small organization seeded for one test: a customer (with
// no payment method unless the test adds one) with an active monthly
// subscription to Basic (10 USD), which could move to Premium (30 USD) or
// Cheap (5 USD).
type subWorld struct {
	client                             *polar.Client
	subID, basicID, premiumID, cheapID string
}

// subSeed seeds a subWorld named name into srv, after tune adjusts it.
func subSeed(t *testing.T, srv *polartest.Server, name string, tune func(*polartest.Fixture)) subWorld {
	t.Helper()
	org := polartest.NewOrganization(name, strings.ToUpper(name[:1])+name[1:]+" Inc.")
	basic := polartest.NewProduct(org.ID, "Basic", 1000, polar.RecurringIntervalMonth)
	premium := polartest.NewProduct(org.ID, "Premium", 3000, polar.RecurringIntervalMonth)
	cheap := polartest.NewProduct(org.ID, "Cheap", 500, polar.RecurringIntervalMonth)
	cust := polartest.NewCustomer(org.ID, "someone@"+name+".example", "Someone")
	start := polartest.DemoTime.Add(-10 * 24 * time.Hour)
	sub := polar.CustomerSubscription{CustomerOrderSubscription: polar.CustomerOrderSubscription{
		ID: polartest.UUID("subscription:" + name), CreatedAt: start, StartedAt: new(start), Status: polar.SubscriptionStatusActive,
		Amount: 1000, Currency: "usd", RecurringInterval: polar.RecurringIntervalMonth, RecurringIntervalCount: 1,
		CurrentPeriodStart: start, CurrentPeriodEnd: start.Add(30 * 24 * time.Hour), CustomerID: cust.ID, ProductID: basic.ID,
	}, Meters: []polar.CustomerSubscriptionMeter{}}
	tok := "polar_cst_test_" + name
	f := &polartest.Fixture{
		Organizations: []polar.CustomerOrganization{org},
		Products:      []polar.CustomerProduct{basic, premium, cheap},
		Customers:     []polartest.CustomerRecord{cust},
		Tokens:        []polartest.Token{{Token: tok, Kind: polartest.TokenKindCustomerSession, CustomerID: cust.ID}},
		Subscriptions: []polar.CustomerSubscription{sub},
	}
	if tune != nil {
		tune(f)
	}
	if err := srv.Seed(f); err != nil {
		t.Fatal(err)
	}
	c, _ := client(t, srv, tok)
	return subWorld{client: c, subID: sub.ID, basicID: basic.ID, premiumID: premium.ID, cheapID: cheap.ID}
}

// subAddCard gives the fixture's customer a card ending in last4, their
// default payment method.
func subAddCard(f *polartest.Fixture, last4 string) {
	cust := &f.Customers[0]
	id := polartest.UUID("card:" + cust.ID + ":" + last4)
	f.PaymentMethods = append(f.PaymentMethods, &polar.PaymentMethodCard{
		PaymentMethodCommon: polar.PaymentMethodCommon{ID: id, CreatedAt: polartest.DemoTime.Add(-time.Hour), Processor: polar.PaymentProcessorStripe, CustomerID: cust.ID},
		MethodMetadata:      polar.PaymentMethodCardMetadata{Brand: "visa", Last4: last4, ExpMonth: 12, ExpYear: 2030},
	})
	cust.DefaultPaymentMethodID = &id
}

func subDeref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
