// Package stubbing shows how code that uses a *polar.Client is tested
// without any server: the test replaces the one service the code calls
// (here Client.Orders) with a stub that implements only the methods it
// needs. See stubbing_test.go, and gate_test.go for stubs of All with
// polartest.Seq.
package stubbing

import (
	"context"
	"errors"
	"fmt"
	"strings"

	polar "github.com/polarportal/polar-go"
)

// OrderLine describes the order id of the customer whose session token
// is sessionToken, for a page of a backend: its product, amount and
// state. An order the customer does not have is described, not an error.
//
// base is the backend's one client; the customer's client is derived from
// it with WithToken, per request.
func OrderLine(ctx context.Context, base *polar.Client, sessionToken, id string) (string, error) {
	portal := base.WithToken(sessionToken)
	o, err := portal.Orders.Get(ctx, id)
	switch {
	case errors.Is(err, polar.ErrResourceNotFound):
		return "no such order", nil
	case err != nil:
		return "", fmt.Errorf("order %s: %w", id, err)
	}
	state := string(o.Status)
	if !o.Paid && o.NextPaymentAttemptAt != nil {
		state += ", next payment attempt " + o.NextPaymentAttemptAt.Format("2006-01-02")
	}
	return fmt.Sprintf("%s: %d.%02d %s (%s)", o.Description, o.TotalAmount/100, o.TotalAmount%100, strings.ToUpper(o.Currency), state), nil
}
