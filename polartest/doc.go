// Package polartest is a stateful fake of Polar's Customer Portal API for
// tests: an in-process server on the loopback interface that answers
// every operation of package polar as Polar does, with its status codes,
// error bodies, headers, pagination, authentication and (optionally) rate
// limits, from data the test seeds.
//
//	srv := polartest.NewTestServer(t, polartest.WithDemo())
//	portal := srv.Client(polartest.DemoCustomerToken)
//	page, err := portal.Orders.List(ctx, nil)
//
// # Data
//
// The server stores the SDK's own model types (polar.CustomerOrder,
// polar.CustomerSubscription, ...) and answers with json.Marshal of them,
// so answers decode exactly into what the SDK expects. Seed it with a
// Fixture (WithFixture, Server.Seed), built with the New... helpers or by
// hand, or with the Demo data set (WithDemo), which comes with tokens and
// IDs as exported constants (DemoCustomerToken, DemoOrderID, ...).
//
// # Behaviour
//
//   - Routing: one route per operation the polar package implements, on the path
//     as the API document writes it. A path that differs by its trailing
//     slash is redirected (307) to the other form, as Polar does; a path no
//     operation serves is 404 {"detail":"Not Found"}, a method it does not
//     serve 405.
//   - Every answer echoes Polar-Version (ServerDefaultAPIVersion when the request
//     sends none) and carries Cache-Control: private, no-store. An unknown
//     version is 404 {"detail":"Not Found"} on every path.
//   - Authentication: customer and member session tokens with scopes, and
//     organization tokens (customer-sessions:create only); see Token. A
//     bearer token that is unknown or expired is 401 invalid_token, on the
//     public operations too; a missing token, or one of the wrong kind, is
//     401 Unauthorized (with WWW-Authenticate); a missing scope 403
//     insufficient_scope. A member who is neither owner nor billing
//     manager gets 403 NotPermitted on the billing operations (orders,
//     wallets, payment methods, customer updates, seat changes,
//     subscription changes); the members operations take only a member
//     session of a team's owner or billing manager. A customer only ever
//     sees their own objects: another customer's are 404
//     ResourceNotFound.
//   - Validation: requests are read into package polar's own request and
//     option types. Path IDs that are not version-4 UUIDs, bad query values
//     and bad bodies (missing or unknown fields, values of the wrong type,
//     after pydantic's lax conversions) are 422 RequestValidationError
//     with Polar's loc and type for each problem (msg is a short text, not
//     Polar's). What Polar's services check beyond the schema (an unknown
//     customer, a tax ID that does not fit, a rule of a team, ...) is 422
//     PolarRequestValidationError, in the same shape. Page and limit of 0
//     or less are 422, a limit over 100 is
//     clamped and a page past the last is empty, however large. A POST,
//     PUT or PATCH without Content-Length is 411 LengthRequired, one over
//     10 MiB 413.
//   - Rate limits as Polar's with WithPolarRateLimits, counted per customer or
//     member; failures, latency and dropped connections with
//     Server.InjectFault (Close drops the requests waiting in a latency
//     fault rather than waiting for them).
//
// Every operation the polar package implements is served.
//
// The source is laid out for adding services: see the comment at the top
// of routes.go.
package polartest
