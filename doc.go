// Package polar is a client for Polar's Customer Portal API: the orders,
// subscriptions, benefit grants, license keys, meters, wallets, payment
// methods, team members and seats that a signed-in customer can see and
// manage.
//
// Create one Client per process and derive a per-customer client from it
// with WithToken; all of them share one connection pool, one retrying
// transport and one rate limiter:
//
//	base, err := polar.NewClient("")
//	...
//	portal := base.WithToken(customerSessionToken)
//	for order, err := range portal.Orders.All(ctx, nil) {
//		...
//	}
//
// Every service is an interface (OrdersService, ...) so that code using the
// client can be tested with a stand-in.
//
// # Results
//
// A method that answers one resource returns a pointer to it (*T), nil
// when the error is not. A union result (CustomerBenefitGrant,
// CustomerPaymentMethodCreateResponse) is an interface whose variants are
// pointers, such as *CustomerBenefitGrantDiscord.
//
// Many resources come by value: a List method returns one *Page[T] whose
// Items are []T, and an All method yields each item as a T, a copy the
// caller may keep; it stops after yielding the first error. Seats.List is the one list that
// is not paginated: its *SeatsList holds every seat, as []CustomerSeat.
//
// A method whose answer has no body returns only an error.
package polar
