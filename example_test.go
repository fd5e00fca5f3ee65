package polar_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/internal/fixtures"
)

// A backend keeps one base client and derives a client per customer
// session; All walks every page lazily.
func Example() {
	srv := fixtures.NewOrdersServer() // stands in for https://api.polar.sh
	defer srv.Close()

	base, err := polar.NewClient("", polar.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	portal := base.WithToken("polar_cst_customer-session-token")

	ctx := context.Background()
	for order, err := range portal.Orders.All(ctx, &polar.OrderListOptions{ListOptions: polar.ListOptions{Limit: 3}}) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Println(order.CreatedAt.Format("2006-01-02"), order.Status, order.TotalAmount, order.Currency)
	}
	// Output:
	// 2026-09-14 paid 15480 usd
	// 2026-08-14 paid 15480 usd
	// 2026-07-30 paid 3480 usd
	// 2026-07-14 refunded 15480 usd
	// 2026-06-02 pending 3480 usd
}

// Errors carry the API's error name; errors.Is matches the sentinels.
func ExampleAPIError() {
	srv := fixtures.NewOrdersServer()
	defer srv.Close()
	client, _ := polar.NewClient("polar_cst_token", polar.WithBaseURL(srv.URL))

	_, err := client.Orders.Get(context.Background(), "00000000-0000-4000-8000-000000000000")
	var apiErr *polar.APIError
	switch {
	case errors.Is(err, polar.ErrResourceNotFound) && errors.As(err, &apiErr):
		fmt.Println(apiErr.StatusCode, apiErr.Name, apiErr.Detail)
	case err != nil:
		fmt.Println("unexpected:", err)
	}
	// Output: 404 ResourceNotFound Order not found.
}

// A product's prices mix current and legacy prices; a type switch tells
// them apart, and a price type added by Polar later arrives as an Unknown
// variant instead of an error.
func ExamplePrice() {
	body, err := os.ReadFile("testdata/order_future.json") // as a newer server sends it
	if err != nil {
		panic(err)
	}
	var order polar.CustomerOrder
	if err := json.Unmarshal(body, &order); err != nil {
		panic(err)
	}
	for _, price := range order.Product.Prices {
		switch p := price.(type) {
		case *polar.ProductPriceFixed:
			fmt.Println("fixed", p.PriceAmount, p.PriceCurrency)
		case *polar.ProductPriceMeteredUnit:
			fmt.Println("metered", p.UnitAmount, "per", p.Meter.Name)
		case *polar.ProductPriceUnknown:
			fmt.Println("unknown price type", p.Type)
		case *polar.LegacyRecurringProductPriceUnknown:
			fmt.Println("unknown legacy price type", p.Type)
		default:
			fmt.Printf("%T\n", p)
		}
	}
	// Output:
	// fixed 12900 usd
	// unknown price type usage_blocks
	// unknown legacy price type free
	// metered 0.5 per API calls
}

// PATCH bodies tell "leave as is" (the zero value), "set" and "clear"
// apart.
func ExampleNullable() {
	body := polar.CustomerOrderUpdate{
		BillingName:    polar.Set("ACME Inc."),
		BillingAddress: polar.Null[polar.AddressInput](),
	}
	b, _ := json.Marshal(body)
	fmt.Println(string(b))
	b, _ = json.Marshal(polar.CustomerOrderUpdate{})
	fmt.Println(string(b))
	// Output:
	// {"billing_name":"ACME Inc.","billing_address":null}
	// {}
}

// A backend mints a customer session with its organization token, then
// calls the portal with the session's token, on the same client and pool.
func ExampleSessionsService_Create() {
	session, err := os.ReadFile("testdata/customer_session_individual.json")
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux() // stands in for https://api.polar.sh
	mux.HandleFunc("POST /v1/customer-sessions/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("create:", r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		w.Write(session)
	})
	mux.HandleFunc("GET /v1/customer-portal/orders/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("list:", r.Header.Get("Authorization")[:17]+"...")
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"items":[],"pagination":{"total_count":0,"max_page":0}}`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	ctx := context.Background()
	base, err := polar.NewClient("", polar.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	admin := base.WithToken("polar_oat_organization-token")
	s, err := admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: "5d8f1e2a-7c4b-4a9e-8f3d-2b1c0a9e8d7f"})
	if err != nil {
		panic(err)
	}
	portal := base.WithToken(s.Token)
	page, err := portal.Orders.List(ctx, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(page.Items), "orders")
	// Output:
	// create: Bearer polar_oat_organization-token
	// list: Bearer polar_cst_...
	// 0 orders
}
