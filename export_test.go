package polar

import "context"

// Test-only exports for the external tests of package polar_test, which
// may import packages (polartest) that import this one.

// ContractCallForTest is one row of the contract test (contract_test.go):
// a call of the operation ID with one shape of arguments, described by
// Name.
type ContractCallForTest struct {
	ID, Name string
	Call     func(ctx context.Context, c *Client) error
}

// ContractCallsForTest returns the contract rows of every opSpec
// (operations_test.go), by operationId: they cover every registered
// operation.
var ContractCallsForTest = func() []ContractCallForTest {
	var out []ContractCallForTest
	for _, r := range allContractCalls() {
		out = append(out, ContractCallForTest{ID: r.id, Name: r.name, Call: r.call})
	}
	return out
}
