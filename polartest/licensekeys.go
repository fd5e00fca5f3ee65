package polartest

// License keys: the customer's keys, and the token-free validate, activate and deactivate (rate-limit zone license_keys).
//
// Not implemented yet: every operation answers 501 after the access check.
// To implement one, replace notImplemented by its handler (see orders.go).
var licenseKeysRoutes = routes{
	"customer_portal:license_keys:list":       {portalRead, notImplemented},
	"customer_portal:license_keys:get":        {portalRead, notImplemented},
	"customer_portal:license_keys:rotate":     {portalWrite, notImplemented},
	"customer_portal:license_keys:validate":   {public, notImplemented},
	"customer_portal:license_keys:activate":   {public, notImplemented},
	"customer_portal:license_keys:deactivate": {public, notImplemented},
}
