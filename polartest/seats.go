package polartest

// Seats: the seats of seat-based subscriptions and orders; assigning, revoking and resending are billing operations.
//
// Not implemented yet: every operation answers 501 after the access check.
// To implement one, replace notImplemented by its handler (see orders.go).
var seatsRoutes = routes{
	"customer_portal:seats:list_seats":                 {portalRead, notImplemented},
	"customer_portal:seats:assign_seat":                {billingWrite, notImplemented},
	"customer_portal:seats:revoke_seat":                {billingWrite, notImplemented},
	"customer_portal:seats:resend_invitation":          {billingWrite, notImplemented},
	"customer_portal:seats:list_claimed_subscriptions": {portalRead, notImplemented},
}
