package polartest

// Downloadables: the files the customer may download (a member sees only their own).
//
// Not implemented yet: every operation answers 501 after the access check.
// To implement one, replace notImplemented by its handler (see orders.go).
var downloadablesRoutes = routes{
	"customer_portal:downloadables:list": {portalRead, notImplemented},
}
