package stubbing

import (
	"context"
	"errors"
	"iter"
	"testing"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

// The two lists Gate reads, stubbed: polartest.Seq turns a slice, and the
// error a walk ends with, into what an All method returns.
type stubSubscriptions struct {
	polar.SubscriptionsService
	subs []polar.CustomerSubscription
}

func (s stubSubscriptions) All(context.Context, *polar.SubscriptionListOptions) iter.Seq2[polar.CustomerSubscription, error] {
	return polartest.Seq(s.subs, nil)
}

type stubGrants struct {
	polar.BenefitGrantsService
	grants []polar.CustomerBenefitGrant
	err    error
}

func (s stubGrants) All(context.Context, *polar.BenefitGrantListOptions) iter.Seq2[polar.CustomerBenefitGrant, error] {
	return polartest.Seq(s.grants, s.err)
}

func TestGate(t *testing.T) {
	granted := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	grant := func(benefitID string, revoked bool) polar.CustomerBenefitGrant {
		g := &polar.CustomerBenefitGrantFeatureFlag{CustomerBenefitGrantCommon: polar.CustomerBenefitGrantCommon{
			ID: "g-" + benefitID, BenefitID: benefitID, GrantedAt: &granted, IsGranted: true,
		}}
		if revoked {
			g.RevokedAt, g.IsRevoked = &granted, true
		}
		return g
	}
	boom := errors.New("page 2: connection reset")
	for _, tc := range []struct {
		name   string
		grants stubGrants
		want   error
	}{
		{"granted", stubGrants{grants: []polar.CustomerBenefitGrant{grant("beta", false)}}, nil},
		{"another benefit", stubGrants{grants: []polar.CustomerBenefitGrant{grant("support", false)}}, ErrUpgradeRequired},
		{"revoked", stubGrants{grants: []polar.CustomerBenefitGrant{grant("beta", true)}}, ErrUpgradeRequired},
		{"walk fails", stubGrants{grants: []polar.CustomerBenefitGrant{grant("beta", false)}, err: boom}, boom},
	} {
		base, err := polar.NewClient("") // no request is ever sent
		if err != nil {
			t.Fatal(err)
		}
		base.Subscriptions = stubSubscriptions{}
		base.BenefitGrants = tc.grants
		if err := Gate(context.Background(), base, "polar_cst_any", "beta"); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("%s: Gate = %v, want %v", tc.name, err, tc.want)
		}
	}
}
