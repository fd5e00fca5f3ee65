package polar

// Address is a billing address as stored by Polar.
type Address struct {
	// Line1 is the first line of the street address.
	Line1 *string `json:"line1,omitempty"`
	// Line2 is the second line of the street address.
	Line2 *string `json:"line2,omitempty"`
	// PostalCode is the postal or ZIP code.
	PostalCode *string `json:"postal_code,omitempty"`
	// City is the city or locality.
	City *string `json:"city,omitempty"`
	// State is the state, province or region, as an ISO 3166-2 subdivision
	// code where the country has them (such as US-NY).
	State *string `json:"state,omitempty"`
	// Country is the ISO 3166-1 alpha-2 country code.
	Country CountryAlpha2 `json:"country"`
}

// AddressInput is an address sent to the API: the same fields as Address,
// so one converts into the other (AddressInput(*order.BillingAddress)).
// Country and state cannot be changed on an existing order, and the API
// accepts fewer countries here (see CountryAlpha2).
type AddressInput Address
