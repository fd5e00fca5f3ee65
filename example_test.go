package polar_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

// A backend keeps one base client and derives a client per customer
// session; All walks every page lazily. Here polartest's fake server and
// its Demo data stand in for https://api.polar.sh; its clock stays at
// DemoTime, so that the dates printed are the same on every run.
func Example() {
	srv := polartest.NewServer(polartest.WithDemo(), polartest.WithClock(func() time.Time { return polartest.DemoTime }))
	defer srv.Close()

	base, err := polar.NewClient("", polar.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	portal := base.WithToken(polartest.DemoCustomerToken) // a customer session token

	ctx := context.Background()
	count := 0
	for order, err := range portal.Orders.All(ctx, nil) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		if count < 3 {
			fmt.Println(order.CreatedAt.Format("2006-01-02"), order.Status, order.TotalAmount, order.Currency, order.Description)
		}
		count++
	}
	fmt.Println(count, "orders")
	// Output:
	// 2026-07-31 paid 1800 usd Pro Monthly
	// 2026-07-30 pending 2280 usd E-book
	// 2026-07-29 paid 5880 usd Desktop App
	// 250 orders
}

// Errors carry the API's error name; errors.Is matches the sentinels. A
// customer sees only their own orders: another customer's is not found.
func ExampleAPIError() {
	srv := polartest.NewServer(polartest.WithDemo())
	defer srv.Close()
	client, _ := polar.NewClient(polartest.DemoCustomerToken, polar.WithBaseURL(srv.URL))

	_, err := client.Orders.Get(context.Background(), polartest.DemoOtherCustomerOrderID)
	var apiErr *polar.APIError
	switch {
	case errors.Is(err, polar.ErrResourceNotFound) && errors.As(err, &apiErr):
		fmt.Println(apiErr.StatusCode, apiErr.Name)
	case err != nil:
		fmt.Println("unexpected:", err)
	}
	// Output: 404 ResourceNotFound
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
// Here polartest's fake server and its Demo data stand in for
// https://api.polar.sh.
func ExampleSessionsService_Create() {
	srv := polartest.NewServer(polartest.WithDemo())
	defer srv.Close()

	ctx := context.Background()
	base, err := polar.NewClient("", polar.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	admin := base.WithToken(polartest.DemoOrganizationToken) // an organization access token
	s, err := admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: polartest.DemoCustomerID})
	if err != nil {
		panic(err)
	}
	fmt.Println("session:", s.Token[:10]+"...", s.ExpiresAt.Sub(s.CreatedAt))

	portal := base.WithToken(s.Token)
	page, err := portal.Orders.List(ctx, &polar.OrderListOptions{ListOptions: polar.ListOptions{Limit: 20}})
	if err != nil {
		panic(err)
	}
	fmt.Println(page.Pagination.TotalCount, "orders in", page.Pagination.MaxPage, "pages")
	// Output:
	// session: polar_mst_... 1h0m0s
	// 250 orders in 13 pages
}

// A middleware sees every attempt of every call, with its operation and
// attempt number, for metrics of the caller's own. It is given once, to
// the base client, and holds for every client derived with WithToken; a
// wrapper around a service would not. A call retried after a 503 passes
// through it twice.
func ExampleWithMiddleware() {
	srv := polartest.NewServer(polartest.WithDemo())
	defer srv.Close()

	observe := func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		resp, err := next(req)
		if err == nil {
			fmt.Println(polar.OperationID(req.Context()), "attempt", polar.Attempt(req.Context()), resp.StatusCode)
		}
		return resp, err
	}
	base := srv.Client("", polar.WithMiddleware(observe)) // polar.NewClient with the server's URL
	portal := base.WithToken(polartest.DemoCustomerToken)

	srv.InjectFault(polartest.Fault{Operation: polar.OpOrdersGet, Times: 1, Status: http.StatusServiceUnavailable})
	if _, err := portal.Orders.Get(context.Background(), polartest.DemoOrderID); err != nil {
		fmt.Println("error:", err)
	}
	// Output:
	// customer_portal:orders:get attempt 1 503
	// customer_portal:orders:get attempt 2 200
}

// A backend holds one organization token and serves many customers:
// Sessions mints each customer's session once, hands out a client bound to
// it for every incoming request, and renews it before it expires. Here
// polartest's fake server and its Demo data stand in for
// https://api.polar.sh.
func ExampleNewSessions() {
	srv := polartest.NewServer(polartest.WithDemo())
	defer srv.Close()

	ctx := context.Background()
	base, err := polar.NewClient("", polar.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	sessions, err := polar.NewSessions(base.WithToken(polartest.DemoOrganizationToken))
	if err != nil {
		panic(err)
	}

	for range 3 { // three requests of Alice
		portal, err := sessions.ForCustomer(ctx, polartest.DemoCustomerID)
		if err != nil {
			panic(err)
		}
		page, err := portal.Orders.List(ctx, &polar.OrderListOptions{ListOptions: polar.ListOptions{Limit: 1}})
		if err != nil {
			panic(err)
		}
		fmt.Println(page.Pagination.TotalCount, "orders")
	}

	// A member of a team signs in with their role.
	owner, err := sessions.ForMember(ctx, polartest.DemoTeamID, polartest.DemoOwnerMemberID)
	if err != nil {
		panic(err)
	}
	user, err := owner.Sessions.AuthenticatedUser(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println(user.Email, *user.Role)
	fmt.Println("sessions minted:", srv.Calls("customer-sessions:create"))
	// Output:
	// 250 orders
	// 250 orders
	// 250 orders
	// olivia@globex.example owner
	// sessions minted: 2
}
