package polar_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

// demoBenefitID and demoSubID are the IDs of the Demo data set's benefit
// n and subscription n (polartest.Demo documents the form).
func demoBenefitID(n int) string { return fmt.Sprintf("00000014-0000-4000-8000-%012d", n) }
func demoSubID(n int) string     { return fmt.Sprintf("00000006-0000-4000-8000-%012d", n) }

func entitlements(t *testing.T, c *polar.Client) *polar.Entitlements {
	t.Helper()
	ent, err := polar.GetEntitlements(t.Context(), c.Subscriptions, c.BenefitGrants)
	if err != nil {
		t.Fatal(err)
	}
	return ent
}

func subIDs(subs []polar.CustomerSubscription) []string {
	var ids []string
	for _, s := range subs {
		ids = append(ids, s.ID)
	}
	slices.Sort(ids)
	return ids
}

func grantBenefitIDs(grants []polar.CustomerBenefitGrant) []string {
	var ids []string
	for _, g := range grants {
		ids = append(ids, g.Common().BenefitID)
	}
	slices.Sort(ids)
	return ids
}

// TestEntitlementsDemoSubscriptions reads Alice's subscriptions, one in
// every status: only the active and trialing ones (and her active Storage
// Pack) are active; the portal does not list the incomplete ones.
func TestEntitlementsDemoSubscriptions(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	ent := entitlements(t, srv.Client(polartest.DemoCustomerToken))

	wantActive := map[polar.SubscriptionStatus]bool{
		polar.SubscriptionStatusActive: true, polar.SubscriptionStatusTrialing: true,
		polar.SubscriptionStatusPastDue: false, polar.SubscriptionStatusCanceled: false,
		polar.SubscriptionStatusUnpaid: false, polar.SubscriptionStatusPaused: false,
	}
	listed := map[polar.SubscriptionStatus]bool{}
	active := subIDs(ent.ActiveSubscriptions())
	for _, s := range ent.Subscriptions() {
		listed[s.Status] = true
		want, ok := wantActive[s.Status]
		if !ok {
			t.Errorf("subscription %s listed with status %s", s.ID, s.Status)
			continue
		}
		if got := slices.Contains(active, s.ID); got != want {
			t.Errorf("subscription %s (%s): active %v, want %v", s.ID, s.Status, got, want)
		}
	}
	for st := range wantActive {
		if !listed[st] {
			t.Errorf("no subscription in status %s listed", st)
		}
	}
	if want := []string{demoSubID(1), demoSubID(2), polartest.DemoUnitSubscriptionID}; !slices.Equal(active, want) {
		t.Errorf("ActiveSubscriptions = %v, want %v", active, want)
	}
	if got := len(ent.Subscriptions()); got != 7 {
		t.Errorf("%d subscriptions listed, want 7 (8 statuses and Storage Pack, less the 2 incomplete)", got)
	}
}

// TestEntitlementsHasProductByStatus gives every subscription of Alice
// one status in turn: HasProduct is true for active and trialing only.
func TestEntitlementsHasProductByStatus(t *testing.T) {
	statuses := map[polar.SubscriptionStatus]bool{
		polar.SubscriptionStatusActive: true, polar.SubscriptionStatusTrialing: true,
		polar.SubscriptionStatusPastDue: false, polar.SubscriptionStatusCanceled: false,
		polar.SubscriptionStatusUnpaid: false, polar.SubscriptionStatusPaused: false,
		polar.SubscriptionStatusIncomplete: false, polar.SubscriptionStatusIncompleteExpired: false,
	}
	for st, want := range statuses {
		t.Run(string(st), func(t *testing.T) {
			f := polartest.Demo()
			products, alices := map[string]bool{}, 0
			for i := range f.Subscriptions {
				if s := &f.Subscriptions[i]; s.CustomerID == polartest.DemoCustomerID {
					s.Status = st
					products[s.ProductID] = true
					if s.StartedAt != nil { // the portal lists started subscriptions only
						alices++
					}
				}
			}
			srv := polartest.NewTestServer(t, polartest.WithFixture(f))
			ent := entitlements(t, srv.Client(polartest.DemoCustomerToken))
			if len(products) < 3 {
				t.Fatalf("Alice subscribes to %d products in Demo, want 3 or more", len(products))
			}
			for p := range products {
				if got := ent.HasProduct(p); got != want {
					t.Errorf("HasProduct(%s) = %v, want %v", p, got, want)
				}
			}
			wantN := 0
			if want {
				wantN = alices
			}
			if got := len(ent.ActiveSubscriptions()); got != wantN {
				t.Errorf("%d active subscriptions, want %d", got, wantN)
			}
		})
	}
}

// TestEntitlementsDemoGrants reads Alice's grants, one of every benefit
// type, all granted.
func TestEntitlementsDemoGrants(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	ent := entitlements(t, srv.Client(polartest.DemoCustomerToken))

	types := []polar.BenefitType{
		polar.BenefitTypeCustom, polar.BenefitTypeDiscord, polar.BenefitTypeDownloadables, polar.BenefitTypeFeatureFlag,
		polar.BenefitTypeGitHubRepository, polar.BenefitTypeLicenseKeys, polar.BenefitTypeMeterCredit, polar.BenefitTypeSlackSharedChannel,
	}
	for i, typ := range types {
		id := demoBenefitID(i + 1)
		if !ent.HasBenefit(id) {
			t.Errorf("HasBenefit(%s) = false for Alice's %s grant", id, typ)
		}
		g, ok := ent.Benefit(id)
		if !ok || g.Common().BenefitID != id || g.Common().CustomerID != polartest.DemoCustomerID {
			t.Errorf("Benefit(%s) = %v, %v", id, g, ok)
		}
		of := ent.BenefitsOfType(typ)
		if len(of) != 1 || of[0].Common().BenefitID != id {
			t.Errorf("BenefitsOfType(%s) = %v, want the grant of benefit %s", typ, grantBenefitIDs(of), id)
		}
	}
	if _, ok := ent.BenefitsOfType(polar.BenefitTypeLicenseKeys)[0].(*polar.CustomerBenefitGrantLicenseKeys); !ok {
		t.Error("BenefitsOfType(license_keys) does not return the typed grant")
	}
	if got := len(ent.Grants()); got != 8 {
		t.Errorf("%d grants, want 8", got)
	}
	if p := ent.PendingGrants(); len(p) != 0 {
		t.Errorf("pending grants %v, want none", grantBenefitIDs(p))
	}
	if ent.HasBenefit(demoBenefitID(99)) || ent.HasBenefit("") || ent.HasProduct("") {
		t.Error("an unknown benefit or product is entitled")
	}
}

// TestEntitlementsPendingGrant disconnects Alice's Discord account: the
// grant is listed but no longer granted, so it gives no access and is
// pending.
func TestEntitlementsPendingGrant(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	portal := srv.Client(polartest.DemoCustomerToken)
	discord := demoBenefitID(2)
	g, ok := entitlements(t, portal).Benefit(discord)
	if !ok {
		t.Fatal("Alice's Discord benefit is not granted in Demo")
	}
	if _, err := portal.BenefitGrants.Update(t.Context(), g.Common().ID, &polar.CustomerBenefitGrantDiscordUpdate{}); err != nil {
		t.Fatal(err)
	}

	ent := entitlements(t, portal)
	if ent.HasBenefit(discord) {
		t.Error("HasBenefit is true for a grant that is not granted")
	}
	if len(ent.BenefitsOfType(polar.BenefitTypeDiscord)) != 0 {
		t.Error("BenefitsOfType(discord) lists a grant that is not granted")
	}
	pending := ent.PendingGrants()
	if len(pending) != 1 || pending[0].Common().BenefitID != discord || pending[0].Common().Error == nil {
		t.Errorf("pending grants %v, want the Discord grant with its error", grantBenefitIDs(pending))
	}
	if got := len(ent.Grants()); got != 7 {
		t.Errorf("%d grants, want 7", got)
	}
}

// TestEntitlementsRevokedGrant revokes Alice's feature flag grant: the
// portal no longer lists it, and it is neither granted nor pending.
func TestEntitlementsRevokedGrant(t *testing.T) {
	f := polartest.Demo()
	flag := demoBenefitID(4)
	for _, g := range f.BenefitGrants {
		if c := g.Common(); c.BenefitID == flag && c.CustomerID == polartest.DemoCustomerID {
			c.IsGranted, c.IsRevoked, c.RevokedAt = false, true, new(polartest.DemoTime)
		}
	}
	srv := polartest.NewTestServer(t, polartest.WithFixture(f))
	ent := entitlements(t, srv.Client(polartest.DemoCustomerToken))
	if ent.HasBenefit(flag) || len(ent.BenefitsOfType(polar.BenefitTypeFeatureFlag)) != 0 {
		t.Error("a revoked grant gives access")
	}
	if len(ent.PendingGrants()) != 0 || len(ent.Grants()) != 7 {
		t.Errorf("grants %v, pending %v; want the 7 others granted", grantBenefitIDs(ent.Grants()), grantBenefitIDs(ent.PendingGrants()))
	}
}

// TestEntitlementsMemberSessions: a member sees only their own grants and
// the team's subscriptions.
func TestEntitlementsMemberSessions(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	licenseKey := demoBenefitID(6)

	var teamProduct string
	for _, s := range polartest.Demo().Subscriptions {
		if s.ID == polartest.DemoTeamSubscriptionID {
			teamProduct = s.ProductID
		}
	}
	for _, tc := range []struct {
		token      string
		hasLicense bool
		grants     int
	}{
		{polartest.DemoPlainMemberToken, true, 1},  // Mia holds a license key
		{polartest.DemoMemberToken, false, 0},      // the owner holds none
		{polartest.DemoTeamCustomerToken, true, 1}, // the team sees its members' grants
	} {
		ent := entitlements(t, srv.Client(tc.token))
		if got := ent.HasBenefit(licenseKey); got != tc.hasLicense {
			t.Errorf("%s: HasBenefit(license key) = %v, want %v", tc.token, got, tc.hasLicense)
		}
		if got := len(ent.Grants()); got != tc.grants {
			t.Errorf("%s: %d grants, want %d", tc.token, got, tc.grants)
		}
		if !ent.HasProduct(teamProduct) {
			t.Errorf("%s: HasProduct(Team Seats) = false, want the team's subscription", tc.token)
		}
		if got := subIDs(ent.ActiveSubscriptions()); !slices.Equal(got, []string{polartest.DemoTeamSubscriptionID}) {
			t.Errorf("%s: active subscriptions %v, want the team's", tc.token, got)
		}
	}

	// Bob, another customer of acme, has his own Pro Monthly and no grant.
	bob := entitlements(t, srv.Client(polartest.DemoOtherCustomerToken))
	if got := subIDs(bob.ActiveSubscriptions()); !slices.Equal(got, []string{demoSubID(10)}) || len(bob.Grants()) != 0 {
		t.Errorf("Bob: active subscriptions %v, grants %v", got, grantBenefitIDs(bob.Grants()))
	}
}

// TestEntitlementsErrors: a failed walk is the error; nothing is sent
// for bad arguments.
func TestEntitlementsErrors(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	expired := srv.Client(polartest.DemoExpiredToken)
	ent, err := polar.GetEntitlements(t.Context(), expired.Subscriptions, expired.BenefitGrants)
	var apiErr *polar.APIError
	if ent != nil || !errors.Is(err, polar.ErrInvalidToken) || !errors.As(err, &apiErr) || apiErr.StatusCode != 401 {
		t.Errorf("expired token: %v, %v; want a 401 invalid_token", ent, err)
	}

	portal := srv.Client(polartest.DemoCustomerToken)
	lists := func() int {
		return srv.Calls("customer_portal:subscriptions:list") + srv.Calls("customer_portal:benefit-grants:list")
	}
	before := lists()
	var nilCtx context.Context
	for name, call := range map[string]func() (*polar.Entitlements, error){
		"nil subs": func() (*polar.Entitlements, error) {
			return polar.GetEntitlements(t.Context(), nil, portal.BenefitGrants)
		},
		"nil grants": func() (*polar.Entitlements, error) {
			return polar.GetEntitlements(t.Context(), portal.Subscriptions, nil)
		},
		"nil ctx": func() (*polar.Entitlements, error) {
			return polar.GetEntitlements(nilCtx, portal.Subscriptions, portal.BenefitGrants)
		},
	} {
		if ent, err := call(); ent != nil || !errors.Is(err, polar.ErrInvalidArgument) {
			t.Errorf("%s: %v, %v; want ErrInvalidArgument", name, ent, err)
		}
	}
	cache := polar.NewEntitlementsCache(time.Minute, 1)
	if ent, err := cache.Get(nilCtx, "alice", portal.Subscriptions, portal.BenefitGrants); ent != nil || !errors.Is(err, polar.ErrInvalidArgument) {
		t.Errorf("cache, nil ctx: %v, %v; want ErrInvalidArgument", ent, err)
	}
	if ent, err := cache.Get(t.Context(), "alice", nil, portal.BenefitGrants); ent != nil || !errors.Is(err, polar.ErrInvalidArgument) {
		t.Errorf("cache, nil subs: %v, %v; want ErrInvalidArgument", ent, err)
	}
	if n := lists() - before; n != 0 {
		t.Errorf("%d requests sent for bad arguments", n)
	}

	// A failure on the server after the first page.
	srv.InjectFault(polartest.Fault{Operation: "customer_portal:benefit-grants:list", Status: 503, Times: 0})
	if _, err := polar.GetEntitlements(t.Context(), portal.Subscriptions, portal.BenefitGrants); !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
		t.Errorf("503 on benefit grants: %v", err)
	}
}

// Stubs of the two services, over fixed lists.
type stubSubs struct {
	polar.SubscriptionsService
	all func(ctx context.Context) iter.Seq2[polar.CustomerSubscription, error]
}

func (s stubSubs) All(ctx context.Context, _ *polar.SubscriptionListOptions) iter.Seq2[polar.CustomerSubscription, error] {
	return s.all(ctx)
}

type stubGrants struct {
	polar.BenefitGrantsService
	all func(ctx context.Context) iter.Seq2[polar.CustomerBenefitGrant, error]
}

func (s stubGrants) All(ctx context.Context, _ *polar.BenefitGrantListOptions) iter.Seq2[polar.CustomerBenefitGrant, error] {
	return s.all(ctx)
}

func fixedSubs(subs ...polar.CustomerSubscription) stubSubs {
	return stubSubs{all: func(context.Context) iter.Seq2[polar.CustomerSubscription, error] { return polartest.Seq(subs, nil) }}
}

func fixedGrants(grants ...polar.CustomerBenefitGrant) stubGrants {
	return stubGrants{all: func(context.Context) iter.Seq2[polar.CustomerBenefitGrant, error] { return polartest.Seq(grants, nil) }}
}

func sub(id, product string, st polar.SubscriptionStatus) polar.CustomerSubscription {
	return polar.CustomerSubscription{CustomerOrderSubscription: polar.CustomerOrderSubscription{ID: id, ProductID: product, Status: st}}
}

func flagGrant(id, benefit string, set func(*polar.CustomerBenefitGrantCommon)) polar.CustomerBenefitGrant {
	g := &polar.CustomerBenefitGrantFeatureFlag{CustomerBenefitGrantCommon: polar.CustomerBenefitGrantCommon{ID: id, BenefitID: benefit}}
	set(&g.CustomerBenefitGrantCommon)
	return g
}

// TestEntitlementsGrantRules checks the grant rules on states the portal
// does not list (a revoked grant that says it is granted) and on grants
// that set one of the two fields only, as a stub may.
func TestEntitlementsGrantRules(t *testing.T) {
	now := time.Now()
	grants := fixedGrants(
		flagGrant("g1", "granted-flag", func(c *polar.CustomerBenefitGrantCommon) { c.IsGranted = true }),
		flagGrant("g2", "granted-at", func(c *polar.CustomerBenefitGrantCommon) { c.GrantedAt = &now }),
		flagGrant("g3", "revoked-at", func(c *polar.CustomerBenefitGrantCommon) { c.IsGranted, c.GrantedAt, c.RevokedAt = true, &now, &now }),
		flagGrant("g4", "revoked-flag", func(c *polar.CustomerBenefitGrantCommon) { c.IsGranted, c.IsRevoked = true, true }),
		flagGrant("g5", "pending", func(*polar.CustomerBenefitGrantCommon) {}),
		nil,                                      // skipped
		(*polar.CustomerBenefitGrantCustom)(nil), // skipped, no panic
		// A second grant of a benefit already granted: listed once more.
		flagGrant("g6", "granted-flag", func(c *polar.CustomerBenefitGrantCommon) { c.IsGranted = true }),
		flagGrant("g1", "granted-flag", func(c *polar.CustomerBenefitGrantCommon) { c.IsGranted = true }), // seen twice in one walk
		&polar.CustomerBenefitGrantUnknown{UnknownVariant: polar.UnknownVariant{Type: "quantum_entanglement",
			Raw: json.RawMessage(`{"id":"g7","benefit_id":"future","is_granted":true,"is_revoked":false,"benefit":{"type":"quantum_entanglement"}}`)}},
		&polar.CustomerBenefitGrantUnknown{UnknownVariant: polar.UnknownVariant{Type: "x", Raw: json.RawMessage(`not json`)}},
	)
	ent, err := polar.GetEntitlements(t.Context(), fixedSubs(), grants)
	if err != nil {
		t.Fatal(err)
	}
	for benefit, want := range map[string]bool{"granted-flag": true, "granted-at": true, "revoked-at": false, "revoked-flag": false, "pending": false, "future": true} {
		if got := ent.HasBenefit(benefit); got != want {
			t.Errorf("HasBenefit(%s) = %v, want %v", benefit, got, want)
		}
	}
	if g, _ := ent.Benefit("granted-flag"); g == nil || g.Common().ID != "g1" {
		t.Errorf("Benefit(granted-flag) = %v, want the first grant g1", g)
	}
	if got := len(ent.BenefitsOfType(polar.BenefitTypeFeatureFlag)); got != 3 {
		t.Errorf("%d granted feature flags, want 3 (g1, g2, g6)", got)
	}
	if got := len(ent.BenefitsOfType("quantum_entanglement")); got != 1 {
		t.Errorf("%d grants of the unknown type, want 1", got)
	}
	var pending []string
	for _, g := range ent.PendingGrants() {
		if c := g.Common(); c != nil {
			pending = append(pending, c.ID)
		} else {
			pending = append(pending, "unreadable")
		}
	}
	if want := []string{"g5", "unreadable"}; !slices.Equal(pending, want) {
		t.Errorf("pending %v, want %v", pending, want)
	}
}

// TestEntitlementsSubscriptionRules: a subscription listed twice counts
// once; a canceled-at-period-end one is active while its status says so.
func TestEntitlementsSubscriptionRules(t *testing.T) {
	ending := sub("s2", "p2", polar.SubscriptionStatusActive)
	ending.CancelAtPeriodEnd = true
	ent, err := polar.GetEntitlements(t.Context(), fixedSubs(
		sub("s1", "p1", polar.SubscriptionStatusActive), sub("s1", "p1", polar.SubscriptionStatusActive),
		ending, sub("s3", "p3", polar.SubscriptionStatusPastDue), sub("s4", "p4", "some_new_status"),
		sub("s5", "p1", polar.SubscriptionStatusCanceled),
	), fixedGrants())
	if err != nil {
		t.Fatal(err)
	}
	if got := subIDs(ent.Subscriptions()); !slices.Equal(got, []string{"s1", "s2", "s3", "s4", "s5"}) {
		t.Errorf("Subscriptions = %v", got)
	}
	if got := subIDs(ent.ActiveSubscriptions()); !slices.Equal(got, []string{"s1", "s2"}) {
		t.Errorf("ActiveSubscriptions = %v", got)
	}
	for p, want := range map[string]bool{"p1": true, "p2": true, "p3": false, "p4": false} {
		if got := ent.HasProduct(p); got != want {
			t.Errorf("HasProduct(%s) = %v, want %v", p, got, want)
		}
	}
	// The returned slices are copies: changing them changes nothing.
	ent.ActiveSubscriptions()[0].Status = polar.SubscriptionStatusCanceled
	ent.Subscriptions()[0].ID = "changed"
	if ent.ActiveSubscriptions()[0].Status != polar.SubscriptionStatusActive || ent.Subscriptions()[0].ID != "s1" {
		t.Error("a returned slice shares the Entitlements' memory")
	}
}

// TestEntitlementsNil: a nil *Entitlements answers false and nil.
func TestEntitlementsNil(t *testing.T) {
	var ent *polar.Entitlements
	_, ok := ent.Benefit("b")
	if ent.HasProduct("p") || ent.HasBenefit("b") || ok || ent.Grants() != nil || ent.PendingGrants() != nil ||
		ent.BenefitsOfType(polar.BenefitTypeCustom) != nil || ent.ActiveSubscriptions() != nil || ent.Subscriptions() != nil || !ent.FetchedAt().IsZero() {
		t.Error("a nil *Entitlements answers something")
	}
}

// TestEntitlementsConcurrentWalks: each walk waits until the other has
// started, which only two concurrent walks get past (serial walks
// deadlock, which synctest reports); then the grants walk fails after an
// item and the subscriptions walk, still running, is cancelled, and the
// error returned is the grants' one.
func TestEntitlementsConcurrentWalks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		subsStarted, grantsStarted := make(chan struct{}), make(chan struct{})
		var subsCanceled atomic.Bool
		boom := errors.New("page 2 failed")
		subs := stubSubs{all: func(ctx context.Context) iter.Seq2[polar.CustomerSubscription, error] {
			return func(yield func(polar.CustomerSubscription, error) bool) {
				close(subsStarted)
				<-grantsStarted
				if !yield(sub("s1", "p1", polar.SubscriptionStatusActive), nil) {
					return
				}
				<-ctx.Done() // the next page never comes: only a cancel ends it
				subsCanceled.Store(true)
				yield(polar.CustomerSubscription{}, ctx.Err())
			}
		}}
		grants := stubGrants{all: func(ctx context.Context) iter.Seq2[polar.CustomerBenefitGrant, error] {
			return func(yield func(polar.CustomerBenefitGrant, error) bool) {
				close(grantsStarted)
				<-subsStarted
				for g, err := range polartest.Seq([]polar.CustomerBenefitGrant{flagGrant("g1", "b1", func(c *polar.CustomerBenefitGrantCommon) { c.IsGranted = true })}, boom) {
					if !yield(g, err) {
						return
					}
				}
			}
		}}
		ent, err := polar.GetEntitlements(t.Context(), subs, grants)
		if ent != nil || !errors.Is(err, boom) {
			t.Errorf("GetEntitlements = %v, %v; want the grants' error", ent, err)
		}
		if !subsCanceled.Load() {
			t.Error("the subscriptions walk was not cancelled")
		}
	})
}

// countingServices are stubs that count their walks of each list; a walk
// waits on gate when it is not nil, and fails with fail() when it is set.
type countingServices struct {
	subs, grants atomic.Int32
	gate         chan struct{}
	fail         func() error
}

func (c *countingServices) services(product string) (polar.SubscriptionsService, polar.BenefitGrantsService) {
	s := stubSubs{all: func(ctx context.Context) iter.Seq2[polar.CustomerSubscription, error] {
		c.subs.Add(1)
		if c.gate != nil {
			select {
			case <-c.gate:
			case <-ctx.Done():
				return polartest.Seq[polar.CustomerSubscription](nil, ctx.Err())
			}
		}
		var err error
		if c.fail != nil {
			err = c.fail()
		}
		return polartest.Seq([]polar.CustomerSubscription{sub("s-"+product, product, polar.SubscriptionStatusActive)}, err)
	}}
	g := stubGrants{all: func(context.Context) iter.Seq2[polar.CustomerBenefitGrant, error] {
		c.grants.Add(1)
		return polartest.Seq[polar.CustomerBenefitGrant](nil, nil)
	}}
	return s, g
}

func TestEntitlementsCacheTTL(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var c countingServices
		subs, grants := c.services("p1")
		cache := polar.NewEntitlementsCache(time.Minute, 0)
		first, err := cache.Get(t.Context(), "alice", subs, grants)
		if err != nil || !first.HasProduct("p1") {
			t.Fatal(first, err)
		}
		time.Sleep(59 * time.Second)
		again, err := cache.Get(t.Context(), "alice", subs, grants)
		if err != nil || again != first || c.subs.Load() != 1 || c.grants.Load() != 1 {
			t.Errorf("within the TTL: %p %v, %d+%d walks; want the kept value, 1+1", again, err, c.subs.Load(), c.grants.Load())
		}
		time.Sleep(time.Second)
		fresh, err := cache.Get(t.Context(), "alice", subs, grants)
		if err != nil || fresh == first || c.subs.Load() != 2 {
			t.Errorf("after the TTL: %v, %d walks; want a new load", err, c.subs.Load())
		}
		if !fresh.FetchedAt().Equal(first.FetchedAt().Add(time.Minute)) {
			t.Errorf("FetchedAt %v, want a minute after %v", fresh.FetchedAt(), first.FetchedAt())
		}
		// Another key is another entry.
		if _, err := cache.Get(t.Context(), "bob", subs, grants); err != nil || c.subs.Load() != 3 {
			t.Errorf("another key: %v, %d walks; want a load", err, c.subs.Load())
		}
	})
}

func TestEntitlementsCacheNoTTL(t *testing.T) {
	var c countingServices
	subs, grants := c.services("p1")
	cache := polar.NewEntitlementsCache(0, 10)
	for range 3 {
		if _, err := cache.Get(t.Context(), "alice", subs, grants); err != nil {
			t.Fatal(err)
		}
	}
	if c.subs.Load() != 3 {
		t.Errorf("%d walks with no TTL, want 3", c.subs.Load())
	}
}

// TestEntitlementsCacheSharedLoad: 100 concurrent Gets of a key make one
// load, and all get its value.
func TestEntitlementsCacheSharedLoad(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := countingServices{gate: make(chan struct{})}
		subs, grants := c.services("p1")
		cache := polar.NewEntitlementsCache(time.Minute, 0)
		results := make([]*polar.Entitlements, 100)
		var wg sync.WaitGroup
		for i := range results {
			wg.Go(func() {
				ent, err := cache.Get(t.Context(), "alice", subs, grants)
				if err != nil {
					t.Error(err)
				}
				results[i] = ent
			})
		}
		synctest.Wait() // one load waits at the gate, the others for it
		close(c.gate)
		wg.Wait()
		if c.subs.Load() != 1 || c.grants.Load() != 1 {
			t.Errorf("%d+%d walks for 100 concurrent Gets, want 1+1", c.subs.Load(), c.grants.Load())
		}
		for i, r := range results {
			if r == nil || r != results[0] {
				t.Fatalf("Get %d got %p, want the shared %p", i, r, results[0])
			}
		}
	})
}

// TestEntitlementsCacheCancel: a waiting Get whose context ends returns
// at once and the load goes on; when the loading Get's context ends, a
// waiting Get loads for itself.
func TestEntitlementsCacheCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := countingServices{gate: make(chan struct{})}
		subs, grants := c.services("p1")
		cache := polar.NewEntitlementsCache(time.Minute, 0)

		leaderCtx, cancelLeader := context.WithCancel(t.Context())
		leader := make(chan error, 1)
		go func() { _, err := cache.Get(leaderCtx, "alice", subs, grants); leader <- err }()
		synctest.Wait()

		waiterCtx, cancelWaiter := context.WithCancel(t.Context())
		waiter := make(chan error, 1)
		go func() { _, err := cache.Get(waiterCtx, "alice", subs, grants); waiter <- err }()
		patient := make(chan *polar.Entitlements, 1)
		go func() {
			ent, err := cache.Get(t.Context(), "alice", subs, grants)
			if err != nil {
				t.Error(err)
			}
			patient <- ent
		}()
		synctest.Wait()
		cancelWaiter()
		if err := <-waiter; !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled waiter: %v", err)
		}
		if c.subs.Load() != 1 {
			t.Fatalf("%d loads, want 1", c.subs.Load())
		}

		cancelLeader()
		if err := <-leader; !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled leader: %v", err)
		}
		synctest.Wait() // the patient Get starts its own load, at the gate
		if c.subs.Load() != 2 {
			t.Errorf("%d loads, want a second one for the waiter left", c.subs.Load())
		}
		close(c.gate)
		if ent := <-patient; !ent.HasProduct("p1") {
			t.Error("the waiter left got no entitlements")
		}
		if _, err := cache.Get(t.Context(), "alice", subs, grants); err != nil || c.subs.Load() != 2 {
			t.Errorf("the second load was not kept: %v, %d loads", err, c.subs.Load())
		}
	})
}

// TestEntitlementsCacheErrors: a failed load is not kept.
func TestEntitlementsCacheErrors(t *testing.T) {
	boom := errors.New("boom")
	var failures atomic.Int32
	failures.Store(1)
	c := countingServices{fail: func() error {
		if failures.Add(-1) >= 0 {
			return boom
		}
		return nil
	}}
	subs, grants := c.services("p1")
	cache := polar.NewEntitlementsCache(time.Minute, 0)
	if ent, err := cache.Get(t.Context(), "alice", subs, grants); ent != nil || !errors.Is(err, boom) {
		t.Fatalf("first Get: %v, %v; want the error", ent, err)
	}
	if ent, err := cache.Get(t.Context(), "alice", subs, grants); err != nil || !ent.HasProduct("p1") || c.subs.Load() != 2 {
		t.Errorf("second Get: %v, %v, %d loads; want a new, successful load", ent, err, c.subs.Load())
	}
}

// TestEntitlementsCacheBound: a cache of 2 keeps the 2 newest entries.
func TestEntitlementsCacheBound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var c countingServices
		subs, grants := c.services("p1")
		cache := polar.NewEntitlementsCache(time.Minute, 2)
		get := func(key string) {
			t.Helper()
			if _, err := cache.Get(t.Context(), key, subs, grants); err != nil {
				t.Fatal(err)
			}
		}
		get("a")
		time.Sleep(time.Second)
		get("b")
		get("a") // kept: no load
		get("c") // evicts a, the oldest
		if n := c.subs.Load(); n != 3 {
			t.Fatalf("%d loads, want 3", n)
		}
		get("b")
		get("c")
		if n := c.subs.Load(); n != 3 {
			t.Errorf("%d loads, want b and c kept", n)
		}
		get("a")
		if n := c.subs.Load(); n != 4 {
			t.Errorf("%d loads, want a evicted", n)
		}
	})
}

// TestEntitlementsCacheForget: Forget drops an entry, and the result of a
// load in progress, which may predate the change that Forget reports.
func TestEntitlementsCacheForget(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var c countingServices
		subs, grants := c.services("p1")
		cache := polar.NewEntitlementsCache(time.Minute, 0)
		get := func() {
			t.Helper()
			if _, err := cache.Get(t.Context(), "alice", subs, grants); err != nil {
				t.Fatal(err)
			}
		}
		get()
		cache.Forget("alice")
		cache.Forget("nobody")
		get()
		if n := c.subs.Load(); n != 2 {
			t.Fatalf("%d loads, want 2: Forget drops the entry", n)
		}

		cache.Forget("alice")
		c.gate = make(chan struct{})
		done := make(chan struct{})
		go func() { get(); close(done) }()
		synctest.Wait() // loading, at the gate
		cache.Forget("alice")
		close(c.gate)
		<-done
		c.gate = nil
		get()
		if n := c.subs.Load(); n != 4 {
			t.Errorf("%d loads, want 4: the load Forget overtook is not kept", n)
		}
		get()
		if n := c.subs.Load(); n != 4 {
			t.Errorf("%d loads, want 4: the next load is kept", n)
		}
	})
}

// TestEntitlementsCacheOnFake: a cache in front of the fake server walks
// each list once per TTL, and keys apart two customers.
func TestEntitlementsCacheOnFake(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	cache := polar.NewEntitlementsCache(time.Minute, 100)
	alice, bob := srv.Client(polartest.DemoCustomerToken), srv.Client(polartest.DemoOtherCustomerToken)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			a, err := cache.Get(t.Context(), polartest.DemoCustomerID, alice.Subscriptions, alice.BenefitGrants)
			if err != nil || len(a.Grants()) != 8 {
				t.Errorf("Alice: %v, %d grants", err, len(a.Grants()))
			}
			b, err := cache.Get(t.Context(), polartest.DemoOtherCustomerID, bob.Subscriptions, bob.BenefitGrants)
			if err != nil || len(b.Grants()) != 0 {
				t.Errorf("Bob: %v, %d grants", err, len(b.Grants()))
			}
		})
	}
	wg.Wait()
	if n := srv.Calls("customer_portal:subscriptions:list"); n != 2 {
		t.Errorf("%d subscription lists for 2 customers, want 2", n)
	}
	if n := srv.Calls("customer_portal:benefit-grants:list"); n != 2 {
		t.Errorf("%d benefit-grant lists for 2 customers, want 2", n)
	}
}

// A backend gates a feature on a benefit, and shows what a customer
// subscribes to. Here polartest's fake server and its Demo data stand in
// for Polar: Alice has a subscription in every status and a grant of
// every benefit type.
func ExampleGetEntitlements() {
	srv := polartest.NewServer(polartest.WithDemo())
	defer srv.Close()
	portal := srv.Client(polartest.DemoCustomerToken) // a customer session of Alice

	ent, err := polar.GetEntitlements(context.Background(), portal.Subscriptions, portal.BenefitGrants)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	for _, s := range ent.ActiveSubscriptions() {
		fmt.Println("subscribed:", s.Product.Name, s.Status)
	}
	for _, g := range ent.BenefitsOfType(polar.BenefitTypeFeatureFlag) {
		flag := g.(*polar.CustomerBenefitGrantFeatureFlag)
		fmt.Println("feature:", flag.Benefit.Description, ent.HasBenefit(flag.BenefitID))
	}
	fmt.Println("pending:", len(ent.PendingGrants()))
	// Output:
	// subscribed: Pro Monthly active
	// subscribed: Pro Yearly trialing
	// subscribed: Storage Pack active
	// feature: Beta features true
	// pending: 0
}

// One cache in front of every customer's entitlements: the lists are
// walked once a minute per customer, however many requests ask.
func ExampleEntitlementsCache() {
	srv := polartest.NewServer(polartest.WithDemo())
	defer srv.Close()
	cache := polar.NewEntitlementsCache(time.Minute, 10000)
	proFeatures := "00000014-0000-4000-8000-000000000004" // Demo's feature flag benefit

	for range 3 { // three requests of Alice's
		portal := srv.Client(polartest.DemoCustomerToken)
		ent, err := cache.Get(context.Background(), polartest.DemoCustomerID, portal.Subscriptions, portal.BenefitGrants)
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Println("pro features:", ent.HasBenefit(proFeatures))
	}
	fmt.Println("subscription lists:", srv.Calls("customer_portal:subscriptions:list"))
	// Output:
	// pro features: true
	// pro features: true
	// pro features: true
	// subscription lists: 1
}
