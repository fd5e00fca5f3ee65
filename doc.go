// Package polar is a client for Polar's Customer Portal API: the orders,
// subscriptions, benefit grants, license keys, meters, wallets, payment
// methods, team members and seats that a signed-in customer can see and
// manage. It is the API behind Polar's hosted customer portal; a backend
// uses it to build its own portal, or to check what a customer is
// entitled to.
//
// # Clients and tokens
//
// Create one [Client] per process with [NewClient] and derive a client per
// customer from it with [Client.WithToken]; all of them share one
// connection pool, one retrying transport and one rate limiter, and
// deriving one costs a few small allocations:
//
//	base, err := polar.NewClient("") // no token: shared by every customer
//	...
//	portal := base.WithToken(customerSessionToken)
//	order, err := portal.Orders.Get(ctx, orderID)
//
// The token is a customer session token (polar_cst_...) or a member
// session token (polar_mst_...). A backend mints them with an organization
// access token and [SessionsService.Create]; [NewSessions] does so once
// per customer, shares the mint among concurrent callers and renews the
// session before it expires:
//
//	sessions, err := polar.NewSessions(base.WithToken(orgToken))
//	...
//	portal, err := sessions.ForCustomer(ctx, customerID) // per incoming request
//
// A few operations need no token: [OrganizationsService.Get] and the
// license-key validation, activation and deactivation of
// [LicenseKeysService]; package github.com/polarportal/polar-go/license
// builds the checks of a desktop app or command-line tool on them.
//
// [WithEnvironment] selects [Sandbox]; [WithBaseURL] points the client at
// another server, such as the fake of package polartest. Each
// [Option] is checked by NewClient, which reports a bad one as an error.
//
// The API is grouped in services, the fields of Client: Orders,
// Customers, Members, Seats, Subscriptions, Wallets, Meters,
// Organizations, Downloadables, BenefitGrants, LicenseKeys and Sessions.
// Every service is an interface ([OrdersService], ...), so that code
// using the client can be tested with a stand-in.
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
//
// To read the status, headers or raw body of an answer, pass a context
// made by [WithResponse].
//
// # Iteration
//
// A List method returns one [Page] and its [Pagination] (total count and
// last page); the All method of the same service is an iterator
// (iter.Seq2) over every item of every page, fetched as the loop goes:
//
//	for order, err := range portal.Orders.All(ctx, nil) {
//		if err != nil {
//			return err
//		}
//		...
//	}
//
// Breaking out of the loop stops the walk. [WithPrefetch] makes All fetch
// pages ahead, concurrently, so a long walk takes about as long as the
// rate limit allows. A walk that runs while items are being created
// drops the items a creation shifts onto a page already read, so no item
// is yielded twice.
//
// # Errors
//
// An answer with an error status is an [*APIError] with the status, the
// error name Polar sends and its detail; a 422 is also a
// [*ValidationError] with each problem's location. errors.Is matches an
// error against the sentinel of its name, such as [ErrResourceNotFound]
// or [ErrNotPermitted]; errors.As gives the details:
//
//	_, err := portal.Orders.Get(ctx, id)
//	var apiErr *polar.APIError
//	switch {
//	case errors.Is(err, polar.ErrResourceNotFound):
//		// another customer's order, or none
//	case errors.As(err, &apiErr):
//		log.Print(apiErr.StatusCode, apiErr.Name)
//	}
//
// Arguments the server would refuse (an empty ID, a path segment that is
// not one) are refused before sending, with an error that matches
// [ErrInvalidArgument]. [IsTransient] tells the errors that a later retry
// may mend (connection failures, timeouts, 502 to 504, rate limits) from
// those it will not.
//
// # Retries and rate limits
//
// A GET or DELETE is retried after connection errors, rate-limit 429s
// and 502, 503 and 504 answers, with exponential backoff that honours
// Retry-After; a POST or PATCH only when the server cannot have acted on
// it. [RetryPolicy] gives the details. [WithRetryPolicy] tunes it,
// [WithoutRetries] turns it off and [WithTimeout] bounds each attempt.
// [WithMiddleware] runs code around every attempt, for metrics or
// tracing; the request's context tells its [OperationID] and [Attempt].
//
// Before sending, a client-side [Limiter] keeps each token within Polar's
// limits ([DefaultRateLimits] of the environment), so a busy process
// waits instead of collecting 429 answers. [WithRateLimits] changes the
// limits, [WithoutRateLimits] turns the limiter off, and [WithLimiter]
// installs another one, such as the Redis-backed limiter of the module
// github.com/polarportal/polar-go/redislimit, shared by every replica of
// a service. A limit that cannot be kept before the context's deadline is
// a [*RateLimitError], which matches [ErrRateLimited].
//
// # Unions
//
// A field or result that the API document declares as one of several
// schemas is a Go interface, with one pointer type per variant: prices
// ([Price]), benefit grants ([CustomerBenefitGrant]), payment methods
// ([CustomerPaymentMethod]) and the session's customer ([Customer]). A type
// switch tells them apart. A variant that Polar adds after this version
// decodes as the Unknown variant (such as [CustomerBenefitGrantUnknown]),
// which keeps its discriminator and raw JSON ([UnknownVariant]), rather
// than failing the call.
//
// # Updates
//
// The fields of a PATCH body have three states: left out, set to a value
// and cleared. A [Nullable] field is left out when it is zero, set by
// [Set] and cleared (sent as JSON null) by [Null]:
//
//	portal.Orders.Update(ctx, id, &polar.CustomerOrderUpdate{
//		BillingName:    polar.Set("ACME Inc."),
//		BillingAddress: polar.Null[polar.AddressInput](),
//	})
//
// Fields that the API cannot clear are plain pointers, left out when nil.
//
// # Testing
//
// Package github.com/polarportal/polar-go/polartest is a stateful fake of
// the API, served on the loopback interface, that answers every operation
// as Polar does, with its status codes, error bodies, pagination,
// authentication and (optionally) rate limits. Its Demo data set comes with
// tokens and IDs as constants:
//
//	srv := polartest.NewTestServer(t, polartest.WithDemo())
//	portal := srv.Client(polartest.DemoCustomerToken)
//
// Code that takes a service interface can instead be given a stub: a
// struct that embeds the interface and overrides the methods the test
// calls; polartest.Seq makes the iterator of a stubbed All method.
package polar
