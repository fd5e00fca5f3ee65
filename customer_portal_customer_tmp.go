package polar

// Placeholders for types that customers.go defines, so that this branch
// compiles on its own. This file is deleted when the branches are merged.

// CustomerPortalCustomer is a placeholder for the type of customers.go.
type CustomerPortalCustomer struct {
	ID string `json:"id"`
}

// CustomerPortalOAuthAccount is a placeholder for the type of customers.go.
type CustomerPortalOAuthAccount struct {
	AccountID       string  `json:"account_id"`
	AccountUsername *string `json:"account_username"`
}

// CustomerType is a placeholder for the type of customers.go.
type CustomerType string

// TaxIDFormat is a placeholder for the type of customers.go.
type TaxIDFormat string
