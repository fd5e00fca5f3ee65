package polar

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const orderID = "0b3ac9a4-3d1b-4c3e-9d0f-6f1c2a7e8b90"

const testOrderJSON = `{
  "id": "0b3ac9a4-3d1b-4c3e-9d0f-6f1c2a7e8b90",
  "created_at": "2026-03-01T10:00:00Z",
  "modified_at": null,
  "status": "paid",
  "paid": true,
  "subtotal_amount": 1000, "discount_amount": 0, "net_amount": 1000, "tax_amount": 200,
  "total_amount": 1200, "applied_balance_amount": 0, "due_amount": 0,
  "refunded_amount": 0, "refunded_tax_amount": 0,
  "currency": "usd",
  "billing_reason": "purchase",
  "billing_name": "Ada Lovelace",
  "billing_address": {"country": "GB", "city": "London"},
  "invoice_number": "INV-0001",
  "is_invoice_generated": false,
  "receipt_number": null,
  "customer_id": "5d8f1e2a-7c4b-4a9e-8f3d-2b1c0a9e8d7f",
  "product_id": null, "discount_id": null, "subscription_id": null, "checkout_id": null,
  "product": null, "subscription": null,
  "items": [{"created_at": "2026-03-01T10:00:00Z", "modified_at": null,
    "id": "7e6d5c4b-3a29-4817-9f6e-5d4c3b2a1908", "label": "Pro plan", "amount": 1000,
    "tax_amount": 200, "proration": false, "product_price_id": null,
    "start_timestamp": null, "end_timestamp": null}],
  "description": "Pro plan",
  "refundable_amount": 1000, "refundable_tax_amount": 200,
  "units": null
}`

func TestOrdersList(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, `{"items":[`+testOrderJSON+`],"pagination":{"total_count":1,"max_page":1}}`))
	c := newTestClient(t, srv, testToken)

	page, err := c.Orders.List(bg(), &OrderListOptions{
		ListOptions:        ListOptions{Page: 2, Limit: 50},
		ProductID:          []string{"p1", "p2"},
		ProductBillingType: []ProductBillingType{ProductBillingTypeRecurring},
		SubscriptionID:     []string{"s1"},
		Query:              "pro plan",
		Sorting:            []CustomerOrderSortProperty{CustomerOrderSortPropertyCreatedAtDesc, CustomerOrderSortPropertyAmount},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || page.Items[0].ID != orderID || page.Pagination != (Pagination{TotalCount: 1, MaxPage: 1}) {
		t.Fatalf("page = %+v", page)
	}
	r := srv.requests()[0]
	u, _ := url.Parse(r.RequestURI)
	if r.Method != "GET" || u.Path != "/v1/customer-portal/orders/" {
		t.Fatalf("request %s %s", r.Method, r.RequestURI)
	}
	want := url.Values{
		"page": {"2"}, "limit": {"50"}, "product_id": {"p1", "p2"},
		"product_billing_type": {"recurring"}, "subscription_id": {"s1"},
		"query": {"pro plan"}, "sorting": {"-created_at", "amount"},
	}
	if diff := cmp.Diff(want, u.Query()); diff != "" {
		t.Errorf("query (-want +got):\n%s", diff)
	}
	checkCommonHeaders(t, r, true)
}

func TestOrdersListNilOptionsSendsNoQuery(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, `{"items":[],"pagination":{"total_count":0,"max_page":0}}`))
	c := newTestClient(t, srv, testToken)
	if _, err := c.Orders.List(bg(), nil); err != nil {
		t.Fatal(err)
	}
	if got := srv.requests()[0].RequestURI; got != "/v1/customer-portal/orders/" {
		t.Fatalf("RequestURI = %q", got)
	}
}

// checkCommonHeaders checks the headers every request carries.
func checkCommonHeaders(t *testing.T, r recorded, wantAuth bool) {
	t.Helper()
	if got := r.Header.Get("Polar-Version"); got != DefaultAPIVersion {
		t.Errorf("Polar-Version = %q", got)
	}
	if got := r.Header.Get("User-Agent"); !strings.HasPrefix(got, "polar-go/"+Version+" (go") {
		t.Errorf("User-Agent = %q", got)
	}
	if got := r.Header.Get("Accept"); got != "application/json" {
		t.Errorf("Accept = %q", got)
	}
	auth, has := r.Header["Authorization"]
	switch {
	case wantAuth && (!has || auth[0] != "Bearer "+testToken):
		t.Errorf("Authorization = %q, want the bearer token", auth)
	case !wantAuth && has:
		t.Errorf("Authorization sent: %q", auth)
	}
	if r.Method == "POST" || r.Method == "PATCH" {
		if got := r.Header.Get("Content-Type"); got != "application/json" {
			t.Errorf("Content-Type = %q", got)
		}
		if r.Header.Get("Content-Length") == "" || len(r.TE) != 0 {
			t.Errorf("%s without Content-Length (Transfer-Encoding %q)", r.Method, r.TE)
		}
		if r.Length != int64(len(r.Body)) {
			t.Errorf("Content-Length %d for a body of %d bytes", r.Length, len(r.Body))
		}
	}
}

func TestOrdersGet(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, testOrderJSON))
	c := newTestClient(t, srv, testToken)
	o, err := c.Orders.Get(bg(), orderID)
	if err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	checkRequest(t, r, "GET", "/v1/customer-portal/orders/"+orderID, true)
	if len(r.Body) != 0 {
		t.Errorf("GET sent a body %q", r.Body)
	}
	if o.ID != orderID || o.Status != OrderStatusPaid || !o.Paid || o.TotalAmount != 1200 ||
		o.BillingAddress == nil || o.BillingAddress.Country != CountryGB || *o.BillingName != "Ada Lovelace" ||
		o.ModifiedAt != nil || o.Product != nil || len(o.Items) != 1 || o.Items[0].Amount != 1000 ||
		!o.CreatedAt.Equal(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)) {
		t.Fatalf("decoded order = %+v", o)
	}
}

func TestOrdersUpdateThreeStates(t *testing.T) {
	addr := AddressInput{Line1: ptr("1 Main St"), City: ptr("Paris"), Country: CountryFR}
	for _, tc := range []struct {
		name string
		body CustomerOrderUpdate
		want string
	}{
		{"leave", CustomerOrderUpdate{}, `{}`},
		{"set", CustomerOrderUpdate{BillingName: Set("ACME"), BillingAddress: Set(addr)},
			`{"billing_name":"ACME","billing_address":{"line1":"1 Main St","city":"Paris","country":"FR"}}`},
		{"clear", CustomerOrderUpdate{BillingName: Null[string](), BillingAddress: Null[AddressInput]()},
			`{"billing_name":null,"billing_address":null}`},
		{"mixed", CustomerOrderUpdate{BillingName: Set("ACME")}, `{"billing_name":"ACME"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newRecorder(t, jsonAnswer(200, testOrderJSON))
			c := newTestClient(t, srv, testToken)
			o, err := c.Orders.Update(bg(), orderID, &tc.body)
			if err != nil {
				t.Fatal(err)
			}
			if o.ID != orderID {
				t.Fatalf("decoded %+v", o)
			}
			r := srv.requests()[0]
			checkRequest(t, r, "PATCH", "/v1/customer-portal/orders/"+orderID, true)
			if !jsonEqual(t, r.Body, []byte(tc.want)) {
				t.Fatalf("body = %s, want %s", r.Body, tc.want)
			}
		})
	}
}

func TestOrdersGenerateInvoice(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(http.StatusAccepted, `null`))
	c := newTestClient(t, srv, testToken)
	if err := c.Orders.GenerateInvoice(bg(), orderID); err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	if r.Method != "POST" || r.RequestURI != "/v1/customer-portal/orders/"+orderID+"/invoice" {
		t.Fatalf("request %s %s", r.Method, r.RequestURI)
	}
	if got := r.Header.Get("Content-Length"); got != "0" || len(r.TE) != 0 {
		t.Fatalf("body-less POST: Content-Length %q, Transfer-Encoding %q", got, r.TE)
	}
	checkCommonHeaders(t, r, true)
}

func TestOrdersInvoice(t *testing.T) {
	srv := newRecorder(t, sequence(
		jsonAnswer(404, `{"error":"InvoiceDoesNotExist","detail":"Invoice does not exist."}`),
		jsonAnswer(404, `{"error":"ResourceNotFound","detail":"Not found"}`),
		jsonAnswer(200, `{"url":"https://files.example/invoice.pdf"}`),
	))
	c := newTestClient(t, srv, testToken)

	_, err := c.Orders.Invoice(bg(), orderID)
	if !errors.Is(err, ErrInvoiceDoesNotExist) || errors.Is(err, ErrResourceNotFound) {
		t.Fatalf("before generation: %v", err)
	}
	_, err = c.Orders.Invoice(bg(), orderID)
	if !errors.Is(err, ErrResourceNotFound) || errors.Is(err, ErrInvoiceDoesNotExist) {
		t.Fatalf("missing order: %v", err)
	}
	inv, err := c.Orders.Invoice(bg(), orderID)
	if err != nil || inv.URL != "https://files.example/invoice.pdf" {
		t.Fatalf("invoice = %+v, %v", inv, err)
	}
	for _, r := range srv.requests() {
		if r.Method != "GET" || r.RequestURI != "/v1/customer-portal/orders/"+orderID+"/invoice" {
			t.Fatalf("request %s %s", r.Method, r.RequestURI)
		}
		checkCommonHeaders(t, r, true)
	}
	if n := srv.count(); n != 3 {
		t.Fatalf("%d requests, want 3 (404s are not retried)", n)
	}
}

func TestOrdersReceipt(t *testing.T) {
	srv := newRecorder(t, sequence(
		func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusAccepted) },
		jsonAnswer(200, `{"url":"https://files.example/receipt.pdf"}`),
	))
	c := newTestClient(t, srv, testToken)
	rc, err := c.Orders.Receipt(bg(), orderID)
	if !errors.Is(err, ErrNotReady) || rc != nil {
		t.Fatalf("while rendering: %+v, %v", rc, err)
	}
	rc, err = c.Orders.Receipt(bg(), orderID)
	if err != nil || rc.URL != "https://files.example/receipt.pdf" {
		t.Fatalf("receipt = %+v, %v", rc, err)
	}
	r := srv.requests()[0]
	checkRequest(t, r, "GET", "/v1/customer-portal/orders/"+orderID+"/receipt", true)
}

func TestOrdersPaymentStatus(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, `{"status":"failed","error":"card_declined"}`))
	c := newTestClient(t, srv, testToken)
	ps, err := c.Orders.PaymentStatus(bg(), orderID)
	if err != nil {
		t.Fatal(err)
	}
	if ps.Status != "failed" || ps.Error == nil || *ps.Error != "card_declined" {
		t.Fatalf("status = %+v", ps)
	}
	r := srv.requests()[0]
	checkRequest(t, r, "GET", "/v1/customer-portal/orders/"+orderID+"/payment-status", true)
}

func TestOrdersConfirmRetryPayment(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, `{"status":"requires_action","client_secret":"pi_secret","error":null}`))
	c := newTestClient(t, srv, testToken)
	pm := "3f2e1d0c-9b8a-4765-8432-10fedcba9876"
	res, err := c.Orders.ConfirmRetryPayment(bg(), orderID, &CustomerOrderConfirmPayment{PaymentMethodID: pm})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != OrderPaymentStatusRequiresAction || res.ClientSecret == nil || *res.ClientSecret != "pi_secret" || res.Error != nil {
		t.Fatalf("result = %+v", res)
	}
	r := srv.requests()[0]
	checkRequest(t, r, "POST", "/v1/customer-portal/orders/"+orderID+"/confirm-payment", true)
	if !jsonEqual(t, r.Body, []byte(`{"payment_method_id":"`+pm+`"}`)) {
		t.Fatalf("body = %s", r.Body)
	}
}

func TestOrdersConfirmRetryPaymentLimitIsNotRetried(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(429, `{"error":"ManualRetryLimitExceeded","detail":"Too many retries."}`))
	c := newTestClient(t, srv, testToken)
	_, err := c.Orders.ConfirmRetryPayment(bg(), orderID, &CustomerOrderConfirmPayment{ConfirmationTokenID: "ctoken_1"})
	var rle *RateLimitError
	if !errors.Is(err, ErrManualRetryLimitExceeded) || errors.As(err, &rle) || errors.Is(err, ErrRateLimited) {
		t.Fatalf("err = %v", err)
	}
	if n := srv.count(); n != 1 {
		t.Fatalf("%d attempts, want 1", n)
	}
}

// TestOrdersArgumentsCheckedBeforeSending makes sure bad arguments never
// reach the network.
func TestOrdersArgumentsCheckedBeforeSending(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, `{}`))
	c := newTestClient(t, srv, testToken)
	calls := map[string]func() error{
		"nil context":      func() error { var ctx context.Context; _, err := c.Orders.Get(ctx, orderID); return err },
		"empty id":         func() error { _, err := c.Orders.Get(bg(), ""); return err },
		"dot id":           func() error { _, err := c.Orders.Get(bg(), "."); return err },
		"dot-dot id":       func() error { _, err := c.Orders.Receipt(bg(), ".."); return err },
		"empty id invoice": func() error { return c.Orders.GenerateInvoice(bg(), "") },
		"nil update body":  func() error { _, err := c.Orders.Update(bg(), orderID, nil); return err },
		"nil confirm body": func() error { _, err := c.Orders.ConfirmRetryPayment(bg(), orderID, nil); return err },
		"limit over 100": func() error {
			_, err := c.Orders.List(bg(), &OrderListOptions{ListOptions: ListOptions{Limit: 101}})
			return err
		},
		"negative limit": func() error {
			_, err := c.Orders.List(bg(), &OrderListOptions{ListOptions: ListOptions{Limit: -1}})
			return err
		},
		"negative page": func() error {
			_, err := c.Orders.List(bg(), &OrderListOptions{ListOptions: ListOptions{Page: -1}})
			return err
		},
		"all with bad page": func() error {
			return firstErr(c.Orders.All(bg(), &OrderListOptions{ListOptions: ListOptions{Page: -3}}))
		},
	}
	for name, call := range calls {
		if err := call(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if n := srv.count(); n != 0 {
		t.Fatalf("%d requests sent for invalid arguments", n)
	}
}

func TestOrdersPathEscaping(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, testOrderJSON))
	c := newTestClient(t, srv, testToken)
	for id, want := range map[string]string{
		"a?c=d#e": "/v1/customer-portal/orders/a%3Fc=d%23e",
		"x y":     "/v1/customer-portal/orders/x%20y",
		"%41":     "/v1/customer-portal/orders/%2541",
		"...":     "/v1/customer-portal/orders/...",
	} {
		before := srv.count()
		if _, err := c.Orders.Get(bg(), id); err != nil {
			t.Fatalf("%q: %v", id, err)
		}
		if got := srv.requests()[before].RequestURI; got != want {
			t.Errorf("id %q reached %q, want %q", id, got, want)
		}
	}
}

// TestPathArgumentsCannotReachOtherEndpoints: servers such as Starlette
// decode %2F before routing, so an ID with a separator or a dot segment,
// as sent or once decoded, would reach another endpoint. Such IDs are
// refused before sending, and the error names the argument.
func TestPathArgumentsCannotReachOtherEndpoints(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, testOrderJSON))
	c := newTestClient(t, srv, testToken)
	for _, id := range []string{
		"a/invoice", "../", "x/../../subscriptions/", `a\b`, orderID + "/receipt",
		".", "..", "%2e", "%2E%2e", "a%2Finvoice", "a%5Cb", "%252e%252e",
	} {
		_, err := c.Orders.Get(bg(), id)
		if !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "id ") {
			t.Errorf("%q: err = %v, want an invalid-argument error naming id", id, err)
		}
	}
	if n := srv.count(); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

func ptr[T any](v T) *T { return &v }

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("invalid JSON %s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("invalid JSON %s: %v", b, err)
	}
	return cmp.Equal(x, y)
}

// firstErr ranges over seq and returns its first error.
func firstErr[T any](seq func(func(T, error) bool)) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

// Path parameters of the contract rows are version-4 UUIDs, as the API
// requires. Prism does not check this: it ignores the document's "uuid4"
// format, so a wrong ID would pass there unnoticed.
const (
	contractOrderID        = "e5ed00a2-214d-432e-be2e-7a0d2fa4080c"
	contractProductID      = "00d56403-04f2-46f5-abe1-f86f508cef5f"
	contractProductID2     = "03625e85-5be3-4ce1-bfda-ecc1631666bc"
	contractSubscriptionID = "6dfd0b69-3958-470c-ad00-a2182b8cb617"
	contractSubscription2  = "0775af8e-e6f5-4c41-bc0a-897b9f4877c9"
	contractPaymentMethod  = "cf80b28c-dda9-49a1-aea7-fa492cfa6c4d"
)

var _ = addOps(
	opSpec{id: "customer_portal:orders:list", answer: `{"items":[],"pagination":{"total_count":0,"max_page":0}}`,
		call: func(ctx context.Context, c *Client, _ string) error {
			return onlyErr(c.Orders.List(ctx, &OrderListOptions{ProductID: []string{testUUID}}))
		},
		rows: []contractRow{
			{name: "no options", call: func(ctx context.Context, c *Client) error { return onlyErr(c.Orders.List(ctx, nil)) }},
			{name: "every filter once", call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Orders.List(ctx, &OrderListOptions{
					ListOptions:        ListOptions{Page: 2, Limit: 25},
					ProductID:          []string{contractProductID},
					ProductBillingType: []ProductBillingType{ProductBillingTypeRecurring},
					SubscriptionID:     []string{contractSubscriptionID},
					Query:              "Pro plan",
					Sorting:            []CustomerOrderSortProperty{CustomerOrderSortPropertyCreatedAtDesc, CustomerOrderSortPropertyAmount},
				}))
			}},
			{name: "filters with two values", call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Orders.List(ctx, &OrderListOptions{
					ListOptions:        ListOptions{Limit: MaxLimit},
					ProductID:          []string{contractProductID, contractProductID2},
					ProductBillingType: []ProductBillingType{ProductBillingTypeOneTime, ProductBillingTypeRecurring},
					SubscriptionID:     []string{contractSubscriptionID, contractSubscription2},
					Sorting:            []CustomerOrderSortProperty{CustomerOrderSortPropertyProduct, CustomerOrderSortPropertySubscriptionDesc},
				}))
			}},
		},
		schemas: map[string]reflect.Type{
			"CustomerOrder":               reflect.TypeFor[CustomerOrder](),
			"CustomerOrderProduct":        reflect.TypeFor[CustomerOrderProduct](),
			"CustomerOrderSubscription":   reflect.TypeFor[CustomerOrderSubscription](),
			"ListResource_CustomerOrder_": reflect.TypeFor[Page[CustomerOrder]](),
			"OrderItemSchema":             reflect.TypeFor[OrderItem](),
		},
	},
	opSpec{id: "customer_portal:orders:get", answer: testOrderJSON,
		call: func(ctx context.Context, c *Client, id string) error { return onlyErr(c.Orders.Get(ctx, id)) },
		rows: []contractRow{{arg: contractOrderID}},
	},
	opSpec{id: "customer_portal:orders:update", answer: testOrderJSON,
		call: func(ctx context.Context, c *Client, id string) error {
			return onlyErr(c.Orders.Update(ctx, id, &CustomerOrderUpdate{BillingName: Set("ACME")}))
		},
		nilBody: func(ctx context.Context, c *Client) error { return onlyErr(c.Orders.Update(ctx, testUUID, nil)) },
		rows: []contractRow{
			{name: "set name and full address", call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Orders.Update(ctx, contractOrderID, &CustomerOrderUpdate{
					BillingName: Set("ACME Inc."),
					BillingAddress: Set(AddressInput{
						Line1: ptr("12 rue de la Paix"), Line2: ptr("Bâtiment B"), PostalCode: ptr("75002"),
						City: ptr("Paris"), State: ptr("FR-75"), Country: CountryFR,
					}),
				}))
			}},
			{name: "address with country only", call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Orders.Update(ctx, contractOrderID, &CustomerOrderUpdate{
					BillingAddress: Set(AddressInput{Country: CountryFR}),
				}))
			}},
			{name: "set name, clear address", call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Orders.Update(ctx, contractOrderID, &CustomerOrderUpdate{
					BillingName:    Set("Jane Doe"),
					BillingAddress: Null[AddressInput](),
				}))
			}},
			{name: "clear both", call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Orders.Update(ctx, contractOrderID, &CustomerOrderUpdate{
					BillingName:    Null[string](),
					BillingAddress: Null[AddressInput](),
				}))
			}},
			{name: "empty body", call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Orders.Update(ctx, contractOrderID, &CustomerOrderUpdate{}))
			}},
		},
		schemas: map[string]reflect.Type{"CustomerOrderUpdate": reflect.TypeFor[CustomerOrderUpdate]()},
	},
	opSpec{id: "customer_portal:orders:generate_invoice", status: http.StatusAccepted, answer: "null",
		call: func(ctx context.Context, c *Client, id string) error { return c.Orders.GenerateInvoice(ctx, id) },
		rows: []contractRow{{arg: contractOrderID}},
		schemas: map[string]reflect.Type{
			"MissingInvoiceBillingDetails": apiErrorType,
			"OrderNotEligibleForInvoice":   apiErrorType,
		},
	},
	opSpec{id: "customer_portal:orders:invoice", answer: `{"url":"https://example.com/i.pdf"}`,
		call:    func(ctx context.Context, c *Client, id string) error { return onlyErr(c.Orders.Invoice(ctx, id)) },
		rows:    []contractRow{{arg: contractOrderID}},
		schemas: map[string]reflect.Type{"CustomerOrderInvoice": reflect.TypeFor[CustomerOrderInvoice]()},
	},
	opSpec{id: "customer_portal:orders:receipt", answer: `{"url":"https://example.com/r.pdf"}`,
		call:    func(ctx context.Context, c *Client, id string) error { return onlyErr(c.Orders.Receipt(ctx, id)) },
		rows:    []contractRow{{arg: contractOrderID}},
		schemas: map[string]reflect.Type{"CustomerOrderReceipt": reflect.TypeFor[CustomerOrderReceipt]()},
	},
	opSpec{id: "customer_portal:orders:get_payment_status", answer: `{"status":"succeeded"}`,
		call:    func(ctx context.Context, c *Client, id string) error { return onlyErr(c.Orders.PaymentStatus(ctx, id)) },
		rows:    []contractRow{{arg: contractOrderID}},
		schemas: map[string]reflect.Type{"CustomerOrderPaymentStatus": reflect.TypeFor[CustomerOrderPaymentStatus]()},
	},
	opSpec{id: "customer_portal:orders:confirm_retry_payment", answer: `{"status":"succeeded"}`,
		call: func(ctx context.Context, c *Client, id string) error {
			return onlyErr(c.Orders.ConfirmRetryPayment(ctx, id, &CustomerOrderConfirmPayment{PaymentMethodID: testUUID}))
		},
		nilBody: func(ctx context.Context, c *Client) error {
			return onlyErr(c.Orders.ConfirmRetryPayment(ctx, testUUID, nil))
		},
		rows: []contractRow{
			{name: "saved payment method", call: func(ctx context.Context, c *Client) error {
				processor := PaymentProcessorStripe
				return onlyErr(c.Orders.ConfirmRetryPayment(ctx, contractOrderID, &CustomerOrderConfirmPayment{
					PaymentMethodID:  contractPaymentMethod,
					PaymentProcessor: &processor,
				}))
			}},
			{name: "confirmation token", call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Orders.ConfirmRetryPayment(ctx, contractOrderID, &CustomerOrderConfirmPayment{
					ConfirmationTokenID: "ctoken_1QkXyZ2eZvKYlo2C8aBcDeFg",
				}))
			}},
		},
		schemas: map[string]reflect.Type{
			"CustomerOrderConfirmPayment":      reflect.TypeFor[CustomerOrderConfirmPayment](),
			"CustomerOrderPaymentConfirmation": reflect.TypeFor[CustomerOrderPaymentConfirmation](),
			"ManualRetryLimitExceeded":         apiErrorType,
			"OrderNotEligibleForRetry":         apiErrorType,
			"PaymentAlreadyInProgress":         apiErrorType,
		},
	},
)
