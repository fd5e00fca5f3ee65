package polartest

import (
	"maps"
	"net/http"
)

// The route table: one route per operationId of polar.Operations(). Each
// service file declares its routes in a routes value (ordersRoutes in
// orders.go, ...), and allRoutes merges them. NewServer panics when an
// operation has no route, and TestRouteTable checks that none is missing
// or extra.

// A route is how the server serves one operation: who may call it, and
// the handler that answers.
type route struct {
	access access
	handle handler
}

// routes maps operationIds to their routes.
type routes map[string]route

// A handler answers one request. It runs with the store locked. It writes
// a successful answer with c.reply (or c.ok, c.accepted, c.noContent) and
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

// notImplemented is the handler of an operation nobody has written yet:
// 501 with a JSON body naming it.
func notImplemented(c *call) error {
	return domainError(http.StatusNotImplemented, "NotImplemented",
		"polartest: "+c.op.ID+" is not implemented yet")
}
