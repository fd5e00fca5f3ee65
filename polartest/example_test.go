package polartest_test

import (
	"context"
	"errors"
	"fmt"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

func ExampleNewServer() {
	srv := polartest.NewServer(polartest.WithDemo())
	defer srv.Close()
	ctx := context.Background()

	// A backend mints a session with its organization token...
	admin := srv.Client(polartest.DemoOrganizationToken)
	s, err := admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: polartest.DemoCustomerID})
	if err != nil {
		panic(err)
	}
	// ...and calls the portal with the session's token.
	portal := admin.WithToken(s.Token)
	page, err := portal.Orders.List(ctx, &polar.OrderListOptions{ListOptions: polar.ListOptions{Limit: 20}})
	if err != nil {
		panic(err)
	}
	fmt.Println(page.Pagination.TotalCount, "orders in", page.Pagination.MaxPage, "pages")
	fmt.Println("newest:", page.Items[0].ID == polartest.DemoOrderID, page.Items[0].Description)

	_, err = portal.Orders.Get(ctx, polartest.DemoOtherCustomerOrderID)
	fmt.Println("another customer's order:", errors.Is(err, polar.ErrResourceNotFound))

	srv.FailNext(1, 503)
	_, err = srv.Client(polartest.DemoCustomerToken, polar.WithoutRetries()).Customers.Get(ctx)
	var apiErr *polar.APIError
	fmt.Println("injected:", errors.As(err, &apiErr) && apiErr.StatusCode == 503)
	// Output:
	// 250 orders in 13 pages
	// newest: true Pro Monthly
	// another customer's order: true
	// injected: true
}
