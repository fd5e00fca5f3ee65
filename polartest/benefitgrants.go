package polartest

// Benefit grants: the customer's granted benefits (a member sees only their own).
//
// Not implemented yet: every operation answers 501 after the access check.
// To implement one, replace notImplemented by its handler (see orders.go).
var benefitGrantsRoutes = routes{
	"customer_portal:benefit-grants:list":   {portalRead, notImplemented},
	"customer_portal:benefit-grants:get":    {portalRead, notImplemented},
	"customer_portal:benefit-grants:update": {portalWrite, notImplemented},
}
