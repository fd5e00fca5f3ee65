package polartest_test

import (
	"errors"
	"math"
	"net/http"
	"slices"
	"testing"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

const (
	pendingOrder2  = "00000005-0000-4000-8000-000000000012" // pending, in dunning
	pendingOrder3  = "00000005-0000-4000-8000-000000000062" // pending, in dunning
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

func TestOrdersListFiltersAndSorting(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, _ := client(t, srv, polartest.DemoCustomerToken)
	list := func(o polar.OrderListOptions) []polar.CustomerOrder {
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
	bySub := list(polar.OrderListOptions{SubscriptionID: []string{polartest.DemoSubscriptionID, canceledSubID}})
	if len(bySub) != 100 {
		t.Errorf("two subscriptions: %d orders", len(bySub))
	}
	if q := list(polar.OrderListOptions{Query: "e-BOOK"}); len(q) != 50 {
		t.Errorf("query e-BOOK: %d orders", len(q))
	}
	if q := list(polar.OrderListOptions{Query: "acme software"}); len(q) != 250 {
		t.Errorf("query by organization name: %d orders", len(q))
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

func TestOrdersInvoice(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, tp := client(t, srv, polartest.DemoCustomerToken)
	_, err := c.Orders.Invoice(ctx, polartest.DemoOrderID)
	wantAPIError(t, err, http.StatusNotFound, "InvoiceDoesNotExist")
	if !errors.Is(err, polar.ErrInvoiceDoesNotExist) || errors.Is(err, polar.ErrResourceNotFound) {
		t.Errorf("missing invoice: %v", err)
	}
	for range 2 { // repeating is harmless
		if err := c.Orders.GenerateInvoice(ctx, polartest.DemoOrderID); err != nil {
			t.Fatal(err)
		}
		if string(tp.body()) != "null" {
			t.Errorf("generate_invoice body %q, want null", tp.body())
		}
	}
	inv, err := c.Orders.Invoice(ctx, polartest.DemoOrderID)
	if err != nil || inv.URL == "" {
		t.Fatalf("invoice after generation: %+v, %v", inv, err)
	}
	strict[polar.CustomerOrderInvoice](t, tp.body())
	if o, _ := c.Orders.Get(ctx, polartest.DemoOrderID); !o.IsInvoiceGenerated {
		t.Error("is_invoice_generated is still false")
	}

	err = c.Orders.GenerateInvoice(ctx, polartest.DemoPendingOrderID)
	wantAPIError(t, err, http.StatusConflict, "OrderNotEligibleForInvoice")
	err = c.Orders.GenerateInvoice(ctx, polartest.DemoUnbilledOrderID)
	wantAPIError(t, err, http.StatusUnprocessableEntity, "MissingInvoiceBillingDetails")
	err = c.Orders.GenerateInvoice(ctx, polartest.DemoOtherCustomerOrderID)
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	_, err = c.Orders.Invoice(ctx, polartest.DemoOtherCustomerOrderID)
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
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
	wantAPIError(t, err, http.StatusNotFound, "ReceiptNotAllocated")
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
	wantAPIError(t, err, http.StatusTooManyRequests, "ManualRetryLimitExceeded")
	var rle *polar.RateLimitError
	if errors.As(err, &rle) || !errors.Is(err, polar.ErrManualRetryLimitExceeded) {
		t.Errorf("the sixth retry: %v, want ManualRetryLimitExceeded and no rate limiting", err)
	}

	res, err := c.Orders.ConfirmRetryPayment(ctx, pendingOrder2, &polar.CustomerOrderConfirmPayment{
		PaymentMethodID: polartest.DemoPaymentMethodID, PaymentProcessor: new(polar.PaymentProcessorStripe)})
	if err != nil || res.Status != "succeeded" {
		t.Fatalf("retry with a good card: %+v, %v", res, err)
	}
	if o, _ := c.Orders.Get(ctx, pendingOrder2); o.Status != polar.OrderStatusPaid || !o.Paid {
		t.Errorf("order after a successful retry: %s, paid %v", o.Status, o.Paid)
	}
	_, err = c.Orders.ConfirmRetryPayment(ctx, pendingOrder2, &polar.CustomerOrderConfirmPayment{PaymentMethodID: polartest.DemoPaymentMethodID})
	wantAPIError(t, err, http.StatusUnprocessableEntity, "OrderNotEligibleForRetry")

	res, err = c.Orders.ConfirmRetryPayment(ctx, pendingOrder3, &polar.CustomerOrderConfirmPayment{ConfirmationTokenID: "ctoken_requires_action"})
	if err != nil || res.Status != "requires_action" || res.ClientSecret == nil {
		t.Fatalf("retry needing an action: %+v, %v", res, err)
	}
	_, err = c.Orders.ConfirmRetryPayment(ctx, pendingOrder3, &polar.CustomerOrderConfirmPayment{ConfirmationTokenID: "ctoken_ok"})
	wantAPIError(t, err, http.StatusConflict, "PaymentAlreadyInProgress")

	_, err = c.Orders.ConfirmRetryPayment(ctx, pendingOrder3, &polar.CustomerOrderConfirmPayment{})
	wantAPIError(t, err, http.StatusUnprocessableEntity, "PaymentRetryValidationError")
	_, err = c.Orders.ConfirmRetryPayment(ctx, polartest.DemoOtherCustomerOrderID, declined)
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	_, err = c.Orders.PaymentStatus(ctx, polartest.DemoOtherCustomerOrderID)
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
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
