package polartest

// Subscriptions: the customer's subscriptions; update and cancel are billing operations.
//
// Not implemented yet: every operation answers 501 after the access check.
// To implement one, replace notImplemented by its handler (see orders.go).
var subscriptionsRoutes = routes{
	"customer_portal:subscriptions:list":   {portalRead, notImplemented},
	"customer_portal:subscriptions:get":    {portalRead, notImplemented},
	"customer_portal:subscriptions:update": {billingWrite, notImplemented},
	"customer_portal:subscriptions:cancel": {billingWrite, notImplemented},
}
