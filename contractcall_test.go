package polar

import "context"

// contractCall is one call of one operation for the contract test, which
// sends it to a mock server that validates requests against the OpenAPI
// document. Each service's test file lists its calls in a variable of its
// own.
type contractCall struct {
	id   string // the operationId
	call func(ctx context.Context, c *Client) error
}
