package polar

import "context"

// A contractCall calls one operation, by its operationId, with realistic
// arguments, for the contract test against an OpenAPI mock server.
type contractCall struct {
	id   string
	call func(ctx context.Context, c *Client) error
}
