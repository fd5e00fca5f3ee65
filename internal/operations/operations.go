// Package operations lists the operations of the Customer Portal API that
// package polar implements, for the tools of this module that route or
// record calls: the fake server of package polartest and the polarportal
// command. Package polar fills the list while it initializes, one entry
// per operation it declares; any importer of this package also imports
// polar, so the list is complete before its first read.
package operations

import (
	"reflect"
	"slices"
	"strings"
)

// An Operation is one call of the API as package polar declares it.
type Operation struct {
	// ID is the OpenAPI operationId, such as "customer_portal:orders:get".
	ID string
	// Method is the HTTP method.
	Method string
	// Path is the path as the API document writes it, trailing slash
	// included, such as /v1/customer-portal/orders/{id}.
	Path string
	// Param names the path parameter, or is "" without one.
	Param string
	// Public operations are sent without a token.
	Public bool
	// Zone is the rate-limit zone the operation counts in besides "api",
	// or "". Its values are those of polar.Zone.
	Zone string
	// Query is the options struct the query string is encoded from, and
	// Body the type of the request body; nil for none.
	Query, Body reflect.Type
}

// all is kept sorted by ID, so that All copies without sorting.
var all []Operation

// Register adds op. It panics on an empty or repeated ID: both are
// mistakes of package polar, caught by its first test.
func Register(op Operation) {
	i, found := slices.BinarySearchFunc(all, op.ID, func(o Operation, id string) int { return strings.Compare(o.ID, id) })
	if found || op.ID == "" {
		panic("operations: operation registered twice or without ID: " + op.ID)
	}
	all = slices.Insert(all, i, op)
}

// All returns every operation, sorted by ID. The slice is the caller's.
func All() []Operation { return slices.Clone(all) }
