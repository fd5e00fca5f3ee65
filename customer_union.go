package polar

import "time"

// Customer is a customer of an organization, as a created customer session
// carries it, discriminated by type. Its variants are *CustomerIndividual,
// *CustomerTeam, and *CustomerUnknown for a customer type this SDK does not
// know. Use a type switch:
//
//	switch c := s.Customer.(type) {
//	case *polar.CustomerIndividual:
//		fmt.Println(c.Email)
//	case *polar.CustomerTeam:
//		fmt.Println("team", c.ID)
//	}
//
// Common reaches the fields every customer has without a type switch.
type Customer interface {
	// Common returns the fields every customer has; nil for
	// *CustomerUnknown, whose Raw holds them.
	Common() *CustomerCommon
	isCustomer()
}

var customerUnion = newUnion("Customer", []string{"type"}, "",
	func(u UnknownVariant) Customer { return &CustomerUnknown{u} },
	is[Customer, CustomerIndividual]("individual"),
	is[Customer, CustomerTeam]("team"),
)

// CustomerUnknown is a Customer whose type this SDK does not know. It
// keeps the raw JSON, which it marshals back unchanged.
type CustomerUnknown struct{ UnknownVariant }

func (*CustomerUnknown) isCustomer() {}

// Common returns nil: the customer's fields are in Raw.
func (*CustomerUnknown) Common() *CustomerCommon { return nil }

// CustomerCommon holds the fields every kind of customer has. CustomerIndividual,
// CustomerTeam and LicenseKeyCustomer embed it.
type CustomerCommon struct {
	// ID is the ID of the customer.
	ID string `json:"id"`
	// CreatedAt is the creation time of the customer.
	CreatedAt time.Time `json:"created_at"`
	// ModifiedAt is the time of the last modification, if any.
	ModifiedAt *time.Time `json:"modified_at"`
	// Metadata holds the organization's key-value data about the customer:
	// strings, numbers (float64 once decoded) and booleans.
	Metadata map[string]any `json:"metadata"`
	// ExternalID is the ID of the customer in the organization's own
	// system, if set; it is unique within the organization and cannot
	// change once set.
	ExternalID *string `json:"external_id,omitempty"`
	// EmailVerified reports whether the customer's email address is
	// verified, which happens when they sign in to the portal by email.
	EmailVerified bool `json:"email_verified"`
	// Name is the name of the customer, if known.
	Name *string `json:"name"`
	// BillingName is the name on the customer's invoices, if set apart
	// from Name.
	BillingName *string `json:"billing_name"`
	// BillingAddress is the customer's billing address, if known.
	BillingAddress *Address `json:"billing_address"`
	// TaxID is the customer's tax ID and its format; nil if unknown.
	TaxID *TaxID `json:"tax_id"`
	// Locale is the customer's preferred locale, such as "en" or "fr-CA",
	// if known.
	Locale *string `json:"locale,omitempty"`
	// OrganizationID is the ID of the organization the customer belongs
	// to.
	OrganizationID string `json:"organization_id"`
	// DefaultPaymentMethodID is the ID of the customer's default payment
	// method, if any.
	DefaultPaymentMethodID *string `json:"default_payment_method_id,omitempty"`
	// DeletedAt is when the customer was deleted, if it was.
	DeletedAt *time.Time `json:"deleted_at"`
	// FirstUserEventAt is the time of the first event ingested for the
	// customer, nil if none was; it can precede CreatedAt.
	FirstUserEventAt *time.Time `json:"first_user_event_at"`
	// AvatarURL is the customer's avatar, if any.
	AvatarURL *string `json:"avatar_url"`
}

// CustomerIndividual is a customer who is a single person.
type CustomerIndividual struct {
	CustomerCommon
	// Email is the customer's email address, unique within the
	// organization.
	Email string `json:"email"`
}

// CustomerTeam is a team customer, which can have several members.
type CustomerTeam struct {
	CustomerCommon
	// Email is the team's email address, if it has one.
	Email *string `json:"email"`
}

// Common returns c: every kind of customer has it through its embedded
// CustomerCommon.
func (c *CustomerCommon) Common() *CustomerCommon { return c }

func (*CustomerIndividual) isCustomer() {}
func (*CustomerTeam) isCustomer()       {}

// MarshalJSON writes the customer with its type.
func (c CustomerIndividual) MarshalJSON() ([]byte, error) {
	type plain CustomerIndividual
	return marshalAs[CustomerIndividual](customerUnion, plain(c))
}

// MarshalJSON writes the customer with its type.
func (c CustomerTeam) MarshalJSON() ([]byte, error) {
	type plain CustomerTeam
	return marshalAs[CustomerTeam](customerUnion, plain(c))
}
