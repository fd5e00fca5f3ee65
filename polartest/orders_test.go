package polartest_test

import (
	"errors"
	"math"
	"net/http"
	"slices"
	"testing"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

const (
	pendingOrder2  = "00000005-0000-4000-8000-000000000076" // a renewal in dunning
	pendingOrder3  = "00000005-0000-4000-8000-000000000126" // a renewal in dunning
	freeOrder      = "00000005-0000-4000-8000-000000000005" // paid, API Usage: nothing to pay
	voidOrder      = "00000005-0000-4000-8000-000000000249"
	draftOrder     = "00000005-0000-4000-8000-000000000250"
	proMonthlyID   = "00000002-0000-4000-8000-000000000001"
	ebookID        = "00000002-0000-4000-8000-000000000005"
	canceledSubID  = "00000006-0000-4000-8000-000000000004"
	ordersListPath = "/v1/customer-portal/orders/"
)

func TestOrdersList(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, tp := client(t, srv, polartest.DemoCustomerToken)

	page, err := c.Orders.List(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.Page[polar.CustomerOrder]](t, tp.body())
	if len(page.Items) != 10 || page.Pagination != (polar.Pagination{TotalCount: polartest.DemoOrderCount, MaxPage: 25}) {
		t.Fatalf("first page: %d items, %+v", len(page.Items), page.Pagination)
	}
	if page.Items[0].ID != polartest.DemoOrderID {
		t.Errorf("newest order first: got %s", page.Items[0].ID)
	}
	for i := 1; i < len(page.Items); i++ {
		if page.Items[i].CreatedAt.After(page.Items[i-1].CreatedAt) {
			t.Errorf("default sorting is not -created_at at item %d", i)
		}
	}
	if p := page.Items[0].Product; p == nil || p.Name != "Pro Monthly" || p.Organization.Slug != "acme" || len(p.Prices) != 1 {
		t.Errorf("order's product not filled in: %+v", p)
	}

	// Pages are windows; the last one is short.
	last, err := c.Orders.List(ctx, &polar.OrderListOptions{ListOptions: polar.ListOptions{Page: 3, Limit: 100}})
	if err != nil || len(last.Items) != 50 || last.Pagination.MaxPage != 3 {
		t.Fatalf("page 3 of 100: %v items, %v", len(last.Items), err)
	}
	beyond, err := c.Orders.List(ctx, &polar.OrderListOptions{ListOptions: polar.ListOptions{Page: 9, Limit: 100}})
	if err != nil || len(beyond.Items) != 0 || beyond.Pagination.TotalCount != 250 {
		t.Fatalf("page past the end: %+v, %v", beyond, err)
	}

	var ids []string
	for o, err := range c.Orders.All(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, o.ID)
	}
	slices.Sort(ids)
	if len(slices.Compact(ids)) != polartest.DemoOrderCount {
		t.Errorf("All yielded %d distinct orders", len(ids))
	}

	// Another customer sees only their own.
	bob, _ := client(t, srv, polartest.DemoOtherCustomerToken)
	bp, err := bob.Orders.List(ctx, nil)
	if err != nil || bp.Pagination.TotalCount != 3 {
		t.Fatalf("Bob's orders: %+v, %v", bp, err)
	}
}

// allOrders lists every order o selects, 100 to a page.
func allOrders(t *testing.T, c *polar.Client, o polar.OrderListOptions) []polar.CustomerOrder {
	t.Helper()
	o.Limit = 100
	var out []polar.CustomerOrder
	for order, err := range c.Orders.All(ctx, &o) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, order)
	}
	return out
}

func TestOrdersListFiltersAndSorting(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, _ := client(t, srv, polartest.DemoCustomerToken)
	list := func(o polar.OrderListOptions) []polar.CustomerOrder {
		t.Helper()
		return allOrders(t, c, o)
	}
	byProduct := list(polar.OrderListOptions{ProductID: []string{proMonthlyID, ebookID}})
	if len(byProduct) != 100 {
		t.Errorf("two products: %d orders, want 100", len(byProduct))
	}
	for _, o := range byProduct {
		if *o.ProductID != proMonthlyID && *o.ProductID != ebookID {
			t.Fatalf("product filter let %s through", *o.ProductID)
		}
	}
	oneTime := list(polar.OrderListOptions{ProductBillingType: []polar.ProductBillingType{polar.ProductBillingTypeOneTime}})
	recurring := list(polar.OrderListOptions{ProductBillingType: []polar.ProductBillingType{polar.ProductBillingTypeRecurring}})
	if len(oneTime) != 100 || len(recurring) != 150 {
		t.Errorf("billing types: %d one-time, %d recurring", len(oneTime), len(recurring))
	}
	// 45 renewals of the active Pro Monthly (the other 5 are of the
	// past_due one), 50 of the canceled Pro Yearly.
	bySub := list(polar.OrderListOptions{SubscriptionID: []string{polartest.DemoSubscriptionID, canceledSubID}})
	if len(bySub) != 95 {
		t.Errorf("two subscriptions: %d orders", len(bySub))
	}
	if q := list(polar.OrderListOptions{Query: "e-BOOK"}); len(q) != 50 {
		t.Errorf("query e-BOOK: %d orders", len(q))
	}
	if q := list(polar.OrderListOptions{Query: "pro "}); len(q) != 100 {
		t.Errorf("query \"pro \": %d orders, want the 50 Pro Monthly and 50 Pro Yearly", len(q))
	}
}

// TestOrdersListQueryIsProductName: Polar's orders query matches the
// product's name only (Product.name.icontains in its customer order
// service), not the organization's name its parameter's description
// speaks of, nor the order's description.
func TestOrdersListQueryIsProductName(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, _ := client(t, srv, polartest.DemoCustomerToken)
	for q, want := range map[string]int{"acme software": 0, "acme": 0, "desktop app": 50, "APP": 50} {
		p, err := c.Orders.List(ctx, &polar.OrderListOptions{Query: q})
		if err != nil || p.Pagination.TotalCount != want {
			t.Errorf("query %q: %+v, %v; want %d orders", q, p.Pagination, err, want)
		}
	}
	// An order described otherwise than its product is found by the
	// product's name only.
	o := polartest.NewOrder(polartest.DemoCustomerID, polartest.Demo().Products[4], polartest.DemoTime) // E-book
	o.Description = "Gift for Bob"
	if err := srv.Seed(&polartest.Fixture{Orders: []polar.CustomerOrder{o}}); err != nil {
		t.Fatal(err)
	}
	if p, err := c.Orders.List(ctx, &polar.OrderListOptions{Query: "gift"}); err != nil || p.Pagination.TotalCount != 0 {
		t.Errorf("query by description: %+v, %v; want none", p.Pagination, err)
	}
	if p, err := c.Orders.List(ctx, &polar.OrderListOptions{Query: "e-book"}); err != nil || p.Pagination.TotalCount != 51 {
		t.Errorf("query e-book with the gift: %+v, %v; want the 50 and the gift", p.Pagination, err)
	}
}

func TestOrdersListSortingAndErrors(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, _ := client(t, srv, polartest.DemoCustomerToken)
	list := func(o polar.OrderListOptions) []polar.CustomerOrder {
		t.Helper()
		return allOrders(t, c, o)
	}

	asc := list(polar.OrderListOptions{Sorting: []polar.CustomerOrderSortProperty{polar.CustomerOrderSortPropertyAmount, polar.CustomerOrderSortPropertyCreatedAtDesc}})
	if !slices.IsSortedFunc(asc, func(a, b polar.CustomerOrder) int { return int(a.NetAmount - b.NetAmount) }) {
		t.Error("sorting=amount is not ascending")
	}
	desc := list(polar.OrderListOptions{Sorting: []polar.CustomerOrderSortProperty{polar.CustomerOrderSortPropertyNetAmountDesc}})
	if desc[0].NetAmount < desc[len(desc)-1].NetAmount {
		t.Error("sorting=-net_amount is not descending")
	}

	_, err := c.Orders.List(ctx, &polar.OrderListOptions{Sorting: []polar.CustomerOrderSortProperty{"-nope"}})
	wantValidation(t, err, "query.sorting.0", "enum")
	_, err = c.Orders.List(ctx, &polar.OrderListOptions{ProductID: []string{"x"}, ProductBillingType: []polar.ProductBillingType{"monthly"}})
	wantValidation(t, err, "query.product_id.0", "uuid_parsing")
	wantValidation(t, err, "query.product_billing_type.0", "enum")
}

func TestPaginationLimits(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	tok := polartest.DemoCustomerToken
	status, _, b := raw(t, srv, http.MethodGet, ordersListPath+"?limit=1000", tok, nil)
	page := strict[polar.Page[polar.CustomerOrder]](t, b)
	if status != http.StatusOK || len(page.Items) != 100 || page.Pagination.MaxPage != 3 {
		t.Errorf("limit=1000: %d, %d items, %+v; want clamped to 100", status, len(page.Items), page.Pagination)
	}
	for _, q := range []string{"?page=0", "?limit=0", "?limit=-5", "?page=abc"} {
		status, _, b := raw(t, srv, http.MethodGet, ordersListPath+q, tok, nil)
		e := decodeError(t, b)
		if status != http.StatusUnprocessableEntity || e.Error != "RequestValidationError" {
			t.Errorf("%s: %d %s", q, status, b)
		}
	}
	status, _, b = raw(t, srv, http.MethodGet, ordersListPath+"?page=0&limit=0", tok, nil)
	if status != http.StatusUnprocessableEntity || string(withoutMsgs(decodeError(t, b).Detail)) != `[{"loc":["query","page"],"type":"greater_than","input":"0"},{"loc":["query","limit"],"type":"greater_than","input":"0"}]` {
		t.Errorf("page=0&limit=0: %d %s", status, b)
	}
}

func TestOrdersGet(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, tp := client(t, srv, polartest.DemoCustomerToken)
	o, err := c.Orders.Get(ctx, polartest.DemoOrderID)
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.CustomerOrder](t, tp.body())
	if o.ID != polartest.DemoOrderID || o.Status != polar.OrderStatusPaid || o.BillingName == nil || o.Subscription == nil || o.Subscription.ID != polartest.DemoSubscriptionID {
		t.Errorf("order: %+v", o)
	}

	_, err = c.Orders.Get(ctx, polartest.DemoOtherCustomerOrderID)
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	if !errors.Is(err, polar.ErrResourceNotFound) {
		t.Error("another customer's order is not ErrResourceNotFound")
	}
	_, err = c.Orders.Get(ctx, polartest.UUID("no such order"))
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	_, err = c.Orders.Get(ctx, "not-a-uuid")
	wantValidation(t, err, "path.id", "uuid_parsing")
	_, err = c.Orders.Get(ctx, "0e8c1a3a-1b2c-1d5e-8f90-123456789abc")
	wantValidation(t, err, "path.id", "uuid_version")
}

func TestOrdersUpdate(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, tp := client(t, srv, polartest.DemoCustomerToken)
	o, err := c.Orders.Update(ctx, polartest.DemoOrderID, &polar.CustomerOrderUpdate{BillingName: polar.Set("ACME Inc.")})
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.CustomerOrder](t, tp.body())
	if *o.BillingName != "ACME Inc." || o.BillingAddress == nil || o.ModifiedAt == nil {
		t.Errorf("set name: %v, address %v", *o.BillingName, o.BillingAddress)
	}
	o, err = c.Orders.Update(ctx, polartest.DemoOrderID, &polar.CustomerOrderUpdate{BillingAddress: polar.Null[polar.AddressInput]()})
	if err != nil || o.BillingAddress != nil || *o.BillingName != "ACME Inc." {
		t.Fatalf("clear address: %+v, %v", o, err)
	}
	got, _ := c.Orders.Get(ctx, polartest.DemoOrderID)
	if got.BillingAddress != nil || *got.BillingName != "ACME Inc." {
		t.Error("the update did not stick")
	}
	o, err = c.Orders.Update(ctx, polartest.DemoOrderID, &polar.CustomerOrderUpdate{
		BillingName:    polar.Null[string](),
		BillingAddress: polar.Set(polar.AddressInput{Line1: new("1 Main St"), City: new("Lyon"), Country: "FR"}),
	})
	if err != nil || o.BillingName != nil || *o.BillingAddress.City != "Lyon" {
		t.Fatalf("clear name, set address: %+v, %v", o, err)
	}

	// Country and state of an existing address cannot change.
	_, err = c.Orders.Update(ctx, polartest.DemoOrderID, &polar.CustomerOrderUpdate{BillingAddress: polar.Set(polar.AddressInput{Country: "DE"})})
	wantValidation(t, err, "body.billing_address.country", "value_error")
	_, err = c.Orders.Update(ctx, polartest.DemoOtherCustomerOrderID, &polar.CustomerOrderUpdate{BillingName: polar.Set("X")})
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")

	path := ordersListPath + polartest.DemoOrderID
	for body, loc := range map[string]string{
		`{"billing_name": 5}`:                        `["body","billing_name"]`,
		`{"billing_address": {"city": "X"}}`:         `["body","billing_address","country"]`,
		`{"billing_address": "Paris"}`:               `["body","billing_address"]`,
		`[1]`:                                        `["body"]`,
		`{"billing_name": `:                          `["body",`,
		`{"billing_address": {"country": "France"}}`: `["body","billing_address","country"]`,
	} {
		status, _, b := raw(t, srv, http.MethodPatch, path, polartest.DemoCustomerToken, stringsReader(body), "Content-Type", "application/json")
		if status != http.StatusUnprocessableEntity || !contains(b, `"loc":`+loc) {
			t.Errorf("PATCH %s: %d %s", body, status, b)
		}
	}
}

// TestOrdersInvoice: Polar generates an invoice asynchronously (its
// trigger_invoice_generation enqueues a job), refusing only draft and
// void orders, so a pending order is eligible; until the job has run,
// GET invoice is 404 InvoiceDoesNotExist ("No invoice exists for order
// {id}.").
func TestOrdersInvoice(t *testing.T) {
	clk := newClock()
	srv := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithClock(clk.Now))
	c, tp := client(t, srv, polartest.DemoCustomerToken)
	_, err := c.Orders.Invoice(ctx, polartest.DemoOrderID)
	e := wantAPIError(t, err, http.StatusNotFound, "InvoiceDoesNotExist")
	if !errors.Is(err, polar.ErrInvoiceDoesNotExist) || errors.Is(err, polar.ErrResourceNotFound) {
		t.Errorf("missing invoice: %v", err)
	}
	if want := "No invoice exists for order " + polartest.DemoOrderID + "."; e.Detail != want {
		t.Errorf("detail %q, want %q", e.Detail, want)
	}
	for range 2 { // repeating is harmless
		if err := c.Orders.GenerateInvoice(ctx, polartest.DemoOrderID); err != nil {
			t.Fatal(err)
		}
		if string(tp.body()) != "null" {
			t.Errorf("generate_invoice body %q, want null", tp.body())
		}
	}
	// Queued, not generated yet.
	_, err = c.Orders.Invoice(ctx, polartest.DemoOrderID)
	wantAPIError(t, err, http.StatusNotFound, "InvoiceDoesNotExist")
	if o, _ := c.Orders.Get(ctx, polartest.DemoOrderID); o.IsInvoiceGenerated {
		t.Error("is_invoice_generated is true before the generation ran")
	}
	clk.Advance(polartest.DefaultInvoiceDelay - time.Microsecond)
	_, err = c.Orders.Invoice(ctx, polartest.DemoOrderID)
	wantAPIError(t, err, http.StatusNotFound, "InvoiceDoesNotExist")
	clk.Advance(time.Microsecond)
	inv, err := c.Orders.Invoice(ctx, polartest.DemoOrderID)
	if err != nil || inv.URL == "" {
		t.Fatalf("invoice after generation: %+v, %v", inv, err)
	}
	strict[polar.CustomerOrderInvoice](t, tp.body())
	if o, _ := c.Orders.Get(ctx, polartest.DemoOrderID); !o.IsInvoiceGenerated {
		t.Error("is_invoice_generated is still false")
	}

	// A pending order with billing details is eligible; draft and void
	// orders are not, and the 409 names the order and its status.
	if err := c.Orders.GenerateInvoice(ctx, polartest.DemoPendingOrderID); err != nil {
		t.Errorf("pending order: %v", err)
	}
	for id, status := range map[string]string{draftOrder: "draft", voidOrder: "void"} {
		err = c.Orders.GenerateInvoice(ctx, id)
		e := wantAPIError(t, err, http.StatusConflict, "OrderNotEligibleForInvoice")
		if want := "Order " + id + " is not eligible for invoice generation (current status: " + status + ")."; e.Detail != want {
			t.Errorf("detail %q, want %q", e.Detail, want)
		}
	}
	err = c.Orders.GenerateInvoice(ctx, polartest.DemoUnbilledOrderID)
	wantAPIError(t, err, http.StatusUnprocessableEntity, "MissingInvoiceBillingDetails")
	err = c.Orders.GenerateInvoice(ctx, polartest.DemoOtherCustomerOrderID)
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	_, err = c.Orders.Invoice(ctx, polartest.DemoOtherCustomerOrderID)
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
}

// TestOrdersInvoicePolling runs the path the SDK documents: generate,
// then poll Invoice while it fails with ErrInvoiceDoesNotExist, the
// server's clock moving on between the polls; WithInvoiceDelay sets how
// many polls it takes, and 0 has the invoice on the first.
func TestOrdersInvoicePolling(t *testing.T) {
	for _, tc := range []struct {
		delay time.Duration
		polls int
	}{{0, 1}, {3 * time.Second, 4}} {
		clk := newClock()
		srv := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithClock(clk.Now), polartest.WithInvoiceDelay(tc.delay))
		c, _ := client(t, srv, polartest.DemoCustomerToken)
		if err := c.Orders.GenerateInvoice(ctx, polartest.DemoOrderID); err != nil {
			t.Fatal(err)
		}
		polls := 0
		for {
			polls++
			inv, err := c.Orders.Invoice(ctx, polartest.DemoOrderID)
			if err == nil {
				if inv.URL == "" {
					t.Error("an invoice without a URL")
				}
				break
			}
			if !errors.Is(err, polar.ErrInvoiceDoesNotExist) || polls > 10 {
				t.Fatalf("delay %v, poll %d: %v", tc.delay, polls, err)
			}
			clk.Advance(time.Second)
		}
		if polls != tc.polls {
			t.Errorf("delay %v: %d polls, want %d", tc.delay, polls, tc.polls)
		}
	}
}

func TestOrdersReceipt(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithReceiptPolls(3))
	c, tp := client(t, srv, polartest.DemoCustomerToken)
	for i := range 3 {
		if _, err := c.Orders.Receipt(ctx, polartest.DemoOrderID); !errors.Is(err, polar.ErrNotReady) {
			t.Fatalf("poll %d: %v, want ErrNotReady", i+1, err)
		}
	}
	r, err := c.Orders.Receipt(ctx, polartest.DemoOrderID)
	if err != nil || r.URL == "" {
		t.Fatalf("receipt after the polls: %+v, %v", r, err)
	}
	strict[polar.CustomerOrderReceipt](t, tp.body())
	_, err = c.Orders.Receipt(ctx, polartest.DemoPendingOrderID)
	e := wantAPIError(t, err, http.StatusNotFound, "ReceiptNotAllocated")
	if want := "No receipt allocated for order " + polartest.DemoPendingOrderID + "."; e.Detail != want {
		t.Errorf("detail %q, want %q", e.Detail, want)
	}
	_, err = c.Orders.Receipt(ctx, polartest.DemoOtherCustomerOrderID)
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
}

func TestOrdersPayments(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, tp := client(t, srv, polartest.DemoCustomerToken)

	st, err := c.Orders.PaymentStatus(ctx, polartest.DemoPendingOrderID)
	if err != nil || st.Status != "failed" || st.Error == nil {
		t.Fatalf("status of an order in dunning: %+v, %v", st, err)
	}
	strict[polar.CustomerOrderPaymentStatus](t, tp.body())
	if st, _ := c.Orders.PaymentStatus(ctx, polartest.DemoOrderID); st.Status != "succeeded" {
		t.Errorf("status of a paid order: %+v", st)
	}

	declined := &polar.CustomerOrderConfirmPayment{PaymentMethodID: polartest.DemoDeclinedPaymentMethodID}
	for i := range 5 {
		res, err := c.Orders.ConfirmRetryPayment(ctx, polartest.DemoPendingOrderID, declined)
		if err != nil || res.Status != "failed" || res.Error == nil {
			t.Fatalf("retry %d with a declined card: %+v, %v", i+1, res, err)
		}
		strict[polar.CustomerOrderPaymentConfirmation](t, tp.body())
	}
	_, err = c.Orders.ConfirmRetryPayment(ctx, polartest.DemoPendingOrderID, declined)
	e := wantAPIError(t, err, http.StatusTooManyRequests, "ManualRetryLimitExceeded")
	var rle *polar.RateLimitError
	if errors.As(err, &rle) || !errors.Is(err, polar.ErrManualRetryLimitExceeded) {
		t.Errorf("the sixth retry: %v, want ManualRetryLimitExceeded and no rate limiting", err)
	}
	if want := "Maximum number of manual payment retry attempts has been reached for order " + polartest.DemoPendingOrderID + "."; e.Detail != want {
		t.Errorf("detail %q, want %q", e.Detail, want)
	}

	res, err := c.Orders.ConfirmRetryPayment(ctx, pendingOrder2, &polar.CustomerOrderConfirmPayment{
		PaymentMethodID: polartest.DemoPaymentMethodID, PaymentProcessor: new(polar.PaymentProcessorStripe)})
	if err != nil || res.Status != "succeeded" {
		t.Fatalf("retry with a good card: %+v, %v", res, err)
	}
	if o, _ := c.Orders.Get(ctx, pendingOrder2); o.Status != polar.OrderStatusPaid || !o.Paid {
		t.Errorf("order after a successful retry: %s, paid %v", o.Status, o.Paid)
	}
	if st, _ := c.Orders.PaymentStatus(ctx, pendingOrder2); st.Status != "succeeded" || st.Error != nil {
		t.Errorf("status after a successful retry: %+v", st)
	}
	_, err = c.Orders.ConfirmRetryPayment(ctx, pendingOrder2, &polar.CustomerOrderConfirmPayment{PaymentMethodID: polartest.DemoPaymentMethodID})
	wantAPIError(t, err, http.StatusUnprocessableEntity, "OrderNotEligibleForRetry")

	res, err = c.Orders.ConfirmRetryPayment(ctx, pendingOrder3, &polar.CustomerOrderConfirmPayment{ConfirmationTokenID: "ctoken_requires_action"})
	if err != nil || res.Status != "requires_action" || res.ClientSecret == nil {
		t.Fatalf("retry needing an action: %+v, %v", res, err)
	}
	// Nothing is charged until the customer acts: the latest payment is
	// still the failed one.
	if st, _ := c.Orders.PaymentStatus(ctx, pendingOrder3); st.Status != "failed" {
		t.Errorf("status while an action is required: %+v", st)
	}
	_, err = c.Orders.ConfirmRetryPayment(ctx, pendingOrder3, &polar.CustomerOrderConfirmPayment{ConfirmationTokenID: "ctoken_ok"})
	e = wantAPIError(t, err, http.StatusConflict, "PaymentAlreadyInProgress")
	if want := "Payment for order " + pendingOrder3 + " is already in progress"; e.Detail != want {
		t.Errorf("detail %q, want %q", e.Detail, want)
	}

	_, err = c.Orders.ConfirmRetryPayment(ctx, polartest.DemoOtherCustomerOrderID, declined)
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	_, err = c.Orders.PaymentStatus(ctx, polartest.DemoOtherCustomerOrderID)
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
}

// TestOrdersConfirmRetryPaymentEligibility: Polar's process_retry_payment
// refuses with 422 OrderNotEligibleForRetry ("Order {id} is not eligible
// for payment retry.") an order that is not pending, has no
// next_payment_attempt_at or belongs to no subscription, before it reads
// the body; then the body needs exactly one of confirmation_token_id and
// payment_method_id (422 PaymentRetryValidationError), and a payment
// method of the customer's.
func TestOrdersConfirmRetryPaymentEligibility(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, _ := client(t, srv, polartest.DemoCustomerToken)

	// Demo's eligible order is a pending renewal in dunning.
	o, err := c.Orders.Get(ctx, polartest.DemoPendingOrderID)
	if err != nil || o.Status != polar.OrderStatusPending || o.SubscriptionID == nil || o.NextPaymentAttemptAt == nil ||
		o.Subscription == nil || o.Subscription.Status != polar.SubscriptionStatusPastDue || o.BillingReason != polar.OrderBillingReasonSubscriptionCycle {
		t.Fatalf("DemoPendingOrderID: %+v, %v", o, err)
	}
	// Demo's one-time pending order is not in dunning.
	one, err := c.Orders.Get(ctx, polartest.DemoOneTimePendingOrderID)
	if err != nil || one.Status != polar.OrderStatusPending || one.SubscriptionID != nil || one.NextPaymentAttemptAt != nil {
		t.Fatalf("DemoOneTimePendingOrderID: %+v, %v", one, err)
	}

	// A pending renewal without a next attempt.
	sub := polartest.DemoSubscriptionID
	noAttempt := polartest.NewOrder(polartest.DemoCustomerID, polartest.Demo().Products[0], polartest.DemoTime)
	noAttempt.Status, noAttempt.Paid, noAttempt.SubscriptionID = polar.OrderStatusPending, false, &sub
	if err := srv.Seed(&polartest.Fixture{Orders: []polar.CustomerOrder{noAttempt}}); err != nil {
		t.Fatal(err)
	}

	good := &polar.CustomerOrderConfirmPayment{PaymentMethodID: polartest.DemoPaymentMethodID}
	for name, id := range map[string]string{
		"one-time pending": polartest.DemoOneTimePendingOrderID, "no next attempt": noAttempt.ID,
		"paid": polartest.DemoOrderID, "void": voidOrder, "draft": draftOrder,
	} {
		for _, body := range []*polar.CustomerOrderConfirmPayment{good, {}} {
			_, err := c.Orders.ConfirmRetryPayment(ctx, id, body)
			e := wantAPIError(t, err, http.StatusUnprocessableEntity, "OrderNotEligibleForRetry")
			if want := "Order " + id + " is not eligible for payment retry."; e.Detail != want {
				t.Errorf("%s: detail %q, want %q", name, e.Detail, want)
			}
		}
	}

	// The body of an eligible order.
	for body, want := range map[*polar.CustomerOrderConfirmPayment]string{
		{}: "Either confirmation_token_id or payment_method_id must be provided",
		{ConfirmationTokenID: "ctoken_ok", PaymentMethodID: polartest.DemoPaymentMethodID}: "Only one of confirmation_token_id or payment_method_id can be provided",
		{PaymentMethodID: "00000011-0000-4000-8000-000000000006"}:                          "Payment method does not belong to customer", // Bob's
	} {
		_, err := c.Orders.ConfirmRetryPayment(ctx, polartest.DemoPendingOrderID, body)
		if e := wantAPIError(t, err, http.StatusUnprocessableEntity, "PaymentRetryValidationError"); e.Detail != want {
			t.Errorf("%+v: detail %q, want %q", body, e.Detail, want)
		}
	}
	if res, err := c.Orders.ConfirmRetryPayment(ctx, polartest.DemoPendingOrderID, good); err != nil || res.Status != "succeeded" {
		t.Errorf("the eligible order: %+v, %v", res, err)
	}
}

// TestOrdersPaymentStatus: Polar's payment-status endpoint answers
// no_payment when the order has no payment, and otherwise the status of
// its latest payment, one of Polar's PaymentStatus (pending, succeeded,
// failed).
func TestOrdersPaymentStatus(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, _ := client(t, srv, polartest.DemoCustomerToken)
	for id, want := range map[string]polar.OrderPaymentStatus{
		freeOrder:                           "no_payment",
		draftOrder:                          "no_payment",
		voidOrder:                           "no_payment",
		polartest.DemoOneTimePendingOrderID: "pending",
		polartest.DemoOrderID:               "succeeded",
		polartest.DemoPendingOrderID:        "failed",
	} {
		st, err := c.Orders.PaymentStatus(ctx, id)
		if err != nil || st.Status != want || (st.Error != nil) != (want == "failed") {
			t.Errorf("order %s: %+v, %v; want %s", id, st, err, want)
		}
	}
	if o, _ := c.Orders.Get(ctx, freeOrder); o.TotalAmount != 0 || !o.Paid {
		t.Errorf("the free order: %+v", o)
	}
	seen := map[string]int{}
	for o, err := range c.Orders.All(ctx, &polar.OrderListOptions{ListOptions: polar.ListOptions{Limit: 100}}) {
		if err != nil {
			t.Fatal(err)
		}
		st, err := c.Orders.PaymentStatus(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		seen[string(st.Status)]++
	}
	for _, s := range []string{"no_payment", "pending", "succeeded", "failed"} {
		if seen[s] == 0 {
			t.Errorf("no Demo order's payment is %s", s)
		}
		delete(seen, s)
	}
	if len(seen) > 0 {
		t.Errorf("statuses Polar's enum does not list: %v", seen)
	}
}

// TestOrdersUpdateCountryAndState: Polar's order update reports every
// field it refuses, one PolarRequestValidationError item each ("Country
// cannot be changed", "State cannot be changed").
func TestOrdersUpdateCountryAndState(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	owner, _ := client(t, srv, polartest.DemoMemberToken)
	_, err := owner.Orders.Update(ctx, polartest.DemoTeamOrderID, &polar.CustomerOrderUpdate{
		BillingAddress: polar.Set(polar.AddressInput{Country: "CA", State: new("CA-QC")}),
	})
	wantAPIError(t, err, http.StatusUnprocessableEntity, "PolarRequestValidationError")
	if !errors.Is(err, polar.ErrPolarRequestValidationError) {
		t.Errorf("%v is not ErrPolarRequestValidationError", err)
	}
	var ve *polar.ValidationError
	if !errors.As(err, &ve) || len(ve.Errors) != 2 {
		t.Fatalf("want two items: %v", err)
	}
	for i, want := range []struct{ loc, msg string }{
		{"body.billing_address.country", "Country cannot be changed"},
		{"body.billing_address.state", "State cannot be changed"},
	} {
		if d := ve.Errors[i]; d.Msg != want.msg || d.Type != "value_error" {
			t.Errorf("item %d: %+v, want %s", i, d, want.msg)
		}
		wantValidation(t, err, want.loc, "value_error")
	}
	// The same country with another state: one item.
	_, err = owner.Orders.Update(ctx, polartest.DemoTeamOrderID, &polar.CustomerOrderUpdate{
		BillingAddress: polar.Set(polar.AddressInput{Country: "US", State: new("US-NY")}),
	})
	if !errors.As(err, &ve) || len(ve.Errors) != 1 || ve.Errors[0].Msg != "State cannot be changed" {
		t.Errorf("another state: %v", err)
	}
	if o, _ := owner.Orders.Get(ctx, polartest.DemoTeamOrderID); *o.BillingAddress.State != "US-CA" {
		t.Errorf("the refused update changed the order: %+v", o.BillingAddress)
	}
}

// TestPaginationHugePage: a page past the last one is empty, however
// large its number (Polar's page has no upper bound), and never wraps
// around to real items or fails the handler.
func TestPaginationHugePage(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, _ := client(t, srv, polartest.DemoCustomerToken)
	for _, page := range []int{4, 1 << 57, 1<<62 + 1, math.MaxInt} {
		p, err := c.Orders.List(ctx, &polar.OrderListOptions{ListOptions: polar.ListOptions{Page: page, Limit: 100}})
		if err != nil {
			t.Errorf("page %d: %v", page, err)
			continue
		}
		if len(p.Items) != 0 || p.Pagination.TotalCount != polartest.DemoOrderCount || p.Pagination.MaxPage != 3 {
			t.Errorf("page %d: %d items, %+v; want an empty page of 250 in 3", page, len(p.Items), p.Pagination)
		}
	}
	// Integers past int64, which Polar reads too: an empty page, and a
	// limit clamped to 100.
	tok := polartest.DemoCustomerToken
	status, _, b := raw(t, srv, http.MethodGet, ordersListPath+"?page=99999999999999999999999", tok, nil)
	if p := strict[polar.Page[polar.CustomerOrder]](t, b); status != http.StatusOK || len(p.Items) != 0 || p.Pagination.MaxPage != 25 {
		t.Errorf("page past int64: %d %+v", status, p.Pagination)
	}
	status, _, b = raw(t, srv, http.MethodGet, ordersListPath+"?limit=99999999999999999999999", tok, nil)
	if p := strict[polar.Page[polar.CustomerOrder]](t, b); status != http.StatusOK || len(p.Items) != 100 || p.Pagination.MaxPage != 3 {
		t.Errorf("limit past int64: %d, %d items, %+v", status, len(p.Items), p.Pagination)
	}
}
