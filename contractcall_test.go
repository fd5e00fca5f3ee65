package polar

import "context"

// A contractCall calls one operation with realistic arguments, for the
// contract test that checks each request against an independent OpenAPI
// mock server.
type contractCall struct {
	id   string
	call func(ctx context.Context, c *Client) error
}
