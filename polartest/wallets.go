package polartest

// Wallets: the customer's wallets, billing operations.
//
// Not implemented yet: every operation answers 501 after the access check.
// To implement one, replace notImplemented by its handler (see orders.go).
var walletsRoutes = routes{
	"customer_portal:wallets:list": {billingRead, notImplemented},
	"customer_portal:wallets:get":  {billingRead, notImplemented},
}
