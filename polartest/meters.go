package polartest

// Meters: the customer's usage meters.
//
// Not implemented yet: every operation answers 501 after the access check.
// To implement one, replace notImplemented by its handler (see orders.go).
var metersRoutes = routes{
	"customer_portal:customer_meters:list": {portalRead, notImplemented},
	"customer_portal:customer_meters:get":  {portalRead, notImplemented},
}
