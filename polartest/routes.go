package polartest

import (
	"maps"
)

// The route table: one route per operationId the polar package declares. Each
// service file declares its routes in a routes value (ordersRoutes in
// orders.go, ...), and allRoutes merges them. NewServer panics when an
// operation has no route, and TestRouteTable checks that none is missing
// or extra.
//
// Adding a service's handlers
//
// Each service has one file (orders.go, subscriptions.go, ...) holding its
// route table, a routes value named after the service (ordersRoutes) that
// maps each operationId to its access rule and its handler, and
// everything its handlers need. To implement an operation:
//
//  1. In the service's file, give the operation a route: its access
//     rule (public, portalRead, portalWrite, billingRead, billingWrite,
//     teamAdmin, organization; see auth.go), which the server checks
//     before the handler runs, and its handler, func(c *call) error. The handler runs with the store locked; c.who is the
//     caller (nil on public operations called without a token), c.now
//     the server's clock.
//  2. Read the request into the SDK's own types (bind.go): c.pathUUID("id",
//     false) for a path ID; c.bindQuery(&opts, rules...) for the query,
//     opts being the operation's options struct of package polar (its url
//     tags name the parameters; uuidParams, enumParam and sortParam check
//     values); c.decode(&req) for a body, req being the operation's
//     request type (required fields, unknown fields and types follow its
//     json tags), or c.decodeUnion for a union without a discriminator;
//     then c.checkUUID, c.checkEnum and c.checkEmail for what Polar checks
//     beyond the type. Problems are recorded; return c.err() once
//     everything is read, so that one 422 lists them all.
//  3. Find objects with a store method in the service's file (see
//     st.order in orders.go), built on owned(table, id,
//     c.who.customerID(), ownerFunc) so that other customers' objects are
//     ResourceNotFound; filter lists with table.where, sort them with
//     sortItems and answer paginate(items, page).
//  4. Answer with c.ok(v), c.reply(status, v) or c.noContent(), v being
//     the SDK's type, or return domainError(status, name, detail),
//     notFound(), notPermitted(), invalid(msg, input, loc...) or
//     validationError(problem(type, input, loc...)) (errors.go, bind.go).
//  5. Test it in <service>_test.go (package polartest_test) through a
//     *polar.Client from Server.Client, decoding raw answers strictly
//     with client() and strict() of helpers_test.go, including the
//     error cases: no token, another customer's object (404), bad IDs
//     and bodies (422).
//
// The store's tables (store.go) already hold every service's objects, as
// Fixture does, and Demo (demo.go) seeds them. Behaviour particular to
// one operation (such as the receipt's 202 polls) is state in the store
// row (orderState) and, when tests must tune it, an Option in server.go.
// NewServer panics when an operation of the polar package has no route,
// so a newly declared operation needs a route before any test passes.

// A route is how the server serves one operation: who may call it, and
// the handler that answers.
type route struct {
	access access
	handle handler
}

// routes maps operationIds to their routes.
type routes map[string]route

// A handler answers one request. It runs with the store locked. It writes
// a successful answer with c.reply (or c.ok, c.noContent) and
// returns nil, or returns the error to answer with: one built by
// domainError, notFound, notPermitted or a validation helper.
type handler func(c *call) error

// allRoutes is the route table: every service's routes.
func allRoutes() routes {
	all := routes{}
	for _, rs := range []routes{
		benefitGrantsRoutes,
		customersRoutes,
		downloadablesRoutes,
		licenseKeysRoutes,
		membersRoutes,
		metersRoutes,
		ordersRoutes,
		organizationsRoutes,
		seatsRoutes,
		sessionsRoutes,
		subscriptionsRoutes,
		walletsRoutes,
	} {
		for id := range rs {
			if _, dup := all[id]; dup {
				panic("polartest: two routes for " + id)
			}
		}
		maps.Copy(all, rs)
	}
	return all
}
