package stubbing

import (
	"context"
	"errors"

	polar "github.com/polarportal/polar-go"
)

// ErrUpgradeRequired is what Gate returns when the customer lacks the
// benefit.
var ErrUpgradeRequired = errors.New("upgrade required")

// Gate lets a request through when the customer whose session token is
// sessionToken has the benefit benefitID, as a backend's middleware for a
// paid feature does; it returns ErrUpgradeRequired otherwise.
func Gate(ctx context.Context, base *polar.Client, sessionToken, benefitID string) error {
	portal := base.WithToken(sessionToken)
	ent, err := polar.GetEntitlements(ctx, portal.Subscriptions, portal.BenefitGrants)
	if err != nil {
		return err
	}
	if !ent.HasBenefit(benefitID) {
		return ErrUpgradeRequired
	}
	return nil
}
