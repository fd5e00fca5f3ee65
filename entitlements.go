package polar

import (
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Entitlements is what a customer may use at the time it was read: their
// subscriptions and the benefits granted to them, from one walk of
// Subscriptions.All and one of BenefitGrants.All (see GetEntitlements).
// It answers "may this customer use feature X?" without further calls.
//
// The rules it applies:
//
//   - Benefits decide access. A product's benefits (a feature flag, a
//     license key, a Discord role, ...) are granted and revoked by Polar
//     as the customer's subscriptions and orders change, after the
//     organization's grace period for a past_due subscription, and for
//     one-time purchases too. HasBenefit, Benefit and BenefitsOfType are
//     the answer to gate a feature on.
//   - A grant counts when it is granted (IsGranted, or GrantedAt set) and
//     not revoked (IsRevoked, or RevokedAt set): a revoked grant never
//     counts, whatever else it says. The portal does not list revoked
//     grants; one that a listing (or a stub) carries is left out.
//   - A grant that is listed but not granted is pending: Polar has not
//     delivered it yet, or cannot until the customer acts (connects a
//     Discord or GitHub account: its Error says what failed). It does not
//     count; PendingGrants lists such grants, for a page that asks the
//     customer to finish the setup.
//   - A subscription is active when its status is active or trialing, as
//     in the API's active filter. A subscription set to cancel at the end
//     of its period stays active until then. past_due (a renewal payment
//     failed and Polar is retrying it), unpaid, canceled, paused,
//     incomplete and incomplete_expired are not active: HasProduct is
//     false for them, while the benefits of a past_due subscription may
//     still be granted during the grace period. The portal does not list
//     incomplete subscriptions.
//   - HasProduct answers for subscriptions only: a one-time purchase has
//     no subscription, and its benefits are the way to tell it was made.
//   - With a member session (a member of a team customer), the grants are
//     the member's own, as the portal shows them, and the subscriptions
//     are the team's: HasBenefit answers for the member, HasProduct for
//     the team. A customer session of a team sees the grants of all its
//     members: gate a member's access with the member's session.
//
// An Entitlements never changes after it is made, so one value may be
// shared by goroutines (EntitlementsCache does so); treat the grants and
// subscriptions its methods return as read-only. The methods of a nil
// *Entitlements answer false and nil.
type Entitlements struct {
	fetchedAt     time.Time
	subscriptions []CustomerSubscription
	active        []CustomerSubscription
	granted       []CustomerBenefitGrant
	pending       []CustomerBenefitGrant
	products      map[string]bool                 // product IDs of the active subscriptions
	benefits      map[string]CustomerBenefitGrant // benefit ID to its first granted grant
	types         []BenefitType                   // the benefit type of each granted grant
}

// GetEntitlements reads the entitlements of the customer (or member) that
// subs and grants are bound to, usually a client's Subscriptions and
// BenefitGrants: it walks the two lists concurrently, every page of each,
// and stops at the first error, cancelling the other walk. See
// Entitlements for the rules it applies. Any implementation of the two
// interfaces works, stubs included.
//
//	ent, err := polar.GetEntitlements(ctx, portal.Subscriptions, portal.BenefitGrants)
//	if err != nil {
//		return err
//	}
//	if !ent.HasBenefit(proFeaturesBenefitID) {
//		return errPaymentRequired
//	}
//
// It fails with an error matching ErrInvalidArgument, sending nothing,
// when ctx, subs or grants is nil.
func GetEntitlements(ctx context.Context, subs SubscriptionsService, grants BenefitGrantsService) (*Entitlements, error) {
	switch {
	case ctx == nil:
		return nil, fmt.Errorf("polar: GetEntitlements: %w: a nil context", ErrInvalidArgument)
	case subs == nil || grants == nil:
		return nil, fmt.Errorf("polar: GetEntitlements: %w: a nil SubscriptionsService or BenefitGrantsService", ErrInvalidArgument)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu    sync.Mutex
		first error
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if first == nil {
			first = err
			cancel() // the other walk stops: its error would say only "canceled"
		}
	}
	var (
		wg          sync.WaitGroup
		subList     []CustomerSubscription
		grantList   []CustomerBenefitGrant
		seenSubs    = map[string]bool{}
		seenGrants  = map[string]bool{}
		fetchedTime = time.Now()
	)
	wg.Go(func() {
		for s, err := range subs.All(ctx, nil) {
			if err != nil {
				fail(err)
				return
			}
			// A walk over a list that changes may show an item twice.
			if !seenSubs[s.ID] {
				seenSubs[s.ID] = true
				subList = append(subList, s)
			}
		}
	})
	wg.Go(func() {
		for g, err := range grants.All(ctx, nil) {
			if err != nil {
				fail(err)
				return
			}
			if isNil(g) {
				continue // nothing to read
			}
			id := grantFields(g).ID
			if id == "" || !seenGrants[id] {
				seenGrants[id] = true
				grantList = append(grantList, g)
			}
		}
	})
	wg.Wait()
	if first != nil {
		return nil, first
	}
	return newEntitlements(fetchedTime, subList, grantList), nil
}

func newEntitlements(at time.Time, subs []CustomerSubscription, grants []CustomerBenefitGrant) *Entitlements {
	e := &Entitlements{
		fetchedAt:     at,
		subscriptions: subs,
		products:      map[string]bool{},
		benefits:      map[string]CustomerBenefitGrant{},
	}
	for _, s := range subs {
		if subscriptionIsActive(s.Status) {
			e.active = append(e.active, s)
			e.products[s.ProductID] = true
		}
	}
	for _, g := range grants {
		c := grantFields(g)
		switch {
		case c.IsRevoked || c.RevokedAt != nil:
			// Revoked: it never counts, and the portal would not list it.
		case c.IsGranted || c.GrantedAt != nil:
			e.granted = append(e.granted, g)
			e.types = append(e.types, grantBenefitType(g))
			if _, ok := e.benefits[c.BenefitID]; !ok {
				e.benefits[c.BenefitID] = g
			}
		default:
			e.pending = append(e.pending, g)
		}
	}
	return e
}

// subscriptionIsActive reports whether a subscription in status s gives
// access to its product: the statuses of the API's active filter.
func subscriptionIsActive(s SubscriptionStatus) bool {
	return s == SubscriptionStatusActive || s == SubscriptionStatusTrialing
}

// grantFields returns the common fields of a grant, read from the raw
// JSON for a benefit type this SDK does not know (its grant still counts).
func grantFields(g CustomerBenefitGrant) *CustomerBenefitGrantCommon {
	if c := g.Common(); c != nil {
		return c
	}
	var c CustomerBenefitGrantCommon
	if u, ok := g.(*CustomerBenefitGrantUnknown); ok && u != nil {
		_ = json.Unmarshal(u.Raw, &c) // an unreadable grant has no ID and is not granted
	}
	return &c
}

// grantBenefitType returns the type of the benefit a grant grants: the
// union's table names it, and an unknown grant carries the type it was
// sent with.
func grantBenefitType(g CustomerBenefitGrant) BenefitType {
	if u, ok := g.(*CustomerBenefitGrantUnknown); ok {
		if u == nil {
			return ""
		}
		return BenefitType(u.Type)
	}
	kind, _ := grantUnion.kindOf(g)
	return BenefitType(kind)
}

// HasProduct reports whether the customer has an active subscription
// (active or trialing) to the product productID.
func (e *Entitlements) HasProduct(productID string) bool {
	return e != nil && e.products[productID]
}

// HasBenefit reports whether the benefit benefitID is granted to the
// customer (to the member, with a member session) and not revoked.
func (e *Entitlements) HasBenefit(benefitID string) bool {
	_, ok := e.Benefit(benefitID)
	return ok
}

// Benefit returns the grant of the benefit benefitID, if the benefit is
// granted and not revoked; with several such grants (from two orders, say)
// the first listed.
func (e *Entitlements) Benefit(benefitID string) (CustomerBenefitGrant, bool) {
	if e == nil {
		return nil, false
	}
	g, ok := e.benefits[benefitID]
	return g, ok
}

// BenefitsOfType returns the granted grants whose benefit has type t (for
// example every license key, or every feature flag), in the order listed.
func (e *Entitlements) BenefitsOfType(t BenefitType) []CustomerBenefitGrant {
	if e == nil {
		return nil
	}
	var out []CustomerBenefitGrant
	for i, g := range e.granted {
		if e.types[i] == t {
			out = append(out, g)
		}
	}
	return out
}

// Grants returns every granted grant, in the order listed.
func (e *Entitlements) Grants() []CustomerBenefitGrant {
	if e == nil {
		return nil
	}
	return slices.Clone(e.granted)
}

// PendingGrants returns the grants that are listed but not granted:
// waiting for Polar to deliver them, or for the customer to connect an
// account (see the grant's Error). They give no access.
func (e *Entitlements) PendingGrants() []CustomerBenefitGrant {
	if e == nil {
		return nil
	}
	return slices.Clone(e.pending)
}

// ActiveSubscriptions returns the subscriptions whose status is active or
// trialing, in the order listed.
func (e *Entitlements) ActiveSubscriptions() []CustomerSubscription {
	if e == nil {
		return nil
	}
	return slices.Clone(e.active)
}

// Subscriptions returns every subscription listed, active or not (a
// billing page shows the past_due ones too), in the order listed.
func (e *Entitlements) Subscriptions() []CustomerSubscription {
	if e == nil {
		return nil
	}
	return slices.Clone(e.subscriptions)
}

// FetchedAt returns when the lists were read: a change after it (a
// checkout, a cancellation) is not reflected.
func (e *Entitlements) FetchedAt() time.Time {
	if e == nil {
		return time.Time{}
	}
	return e.fetchedAt
}

// DefaultEntitlementsCacheSize is the number of entries an
// EntitlementsCache keeps when NewEntitlementsCache is given no size.
const DefaultEntitlementsCacheSize = 10000

// EntitlementsCache keeps Entitlements for a short time, by a key the
// caller chooses: one cache serves every customer of a backend, keyed by
// customer ID, or by member ID for member sessions (a member sees only
// their own grants). A backend that gates each request on a benefit then
// makes the two list walks once per customer per TTL, not once per
// request.
//
// It is safe for concurrent use. Concurrent Gets of one key share one
// load. Failed loads are not kept. At most its size of entries are kept:
// a new key evicts the oldest entry. Entries are kept for the TTL from
// when they were loaded, whatever their use: a change that Polar makes in
// the meantime (a renewal that fails, a benefit revoked) is seen after the
// TTL at the latest, so keep it short (a minute), and call Forget after a
// change the backend knows of (its own checkout, a webhook).
type EntitlementsCache struct {
	ttl  time.Duration
	size int

	mu      sync.Mutex
	entries map[string]*list.Element // of *cacheEntry
	order   *list.List               // oldest first; with one TTL, also by expiry
	flights map[string]*entitlementsFlight
}

type cacheEntry struct {
	key     string
	value   *Entitlements
	expires time.Time
}

// entitlementsFlight is a load in progress: its callers wait for done.
type entitlementsFlight struct {
	done     chan struct{}
	value    *Entitlements
	err      error
	canceled bool // err is the loading caller's own context ending
}

// errLoadPanicked is what a Get waiting for a load gets when the load
// panicked instead of returning.
var errLoadPanicked = errors.New("polar: EntitlementsCache: the load panicked")

// NewEntitlementsCache returns a cache that keeps each entry for ttl and
// at most size entries (DefaultEntitlementsCacheSize when size is 0 or
// less). With a ttl of 0 or less nothing is kept, and only concurrent Gets
// of a key share a load.
func NewEntitlementsCache(ttl time.Duration, size int) *EntitlementsCache {
	if size <= 0 {
		size = DefaultEntitlementsCacheSize
	}
	return &EntitlementsCache{
		ttl: ttl, size: size,
		entries: map[string]*list.Element{},
		order:   list.New(),
		flights: map[string]*entitlementsFlight{},
	}
}

// Get returns the entitlements kept for key if they are younger than the
// cache's TTL, and otherwise loads them with GetEntitlements(ctx, subs,
// grants) and keeps them. Concurrent Gets of one key wait for one load; a
// Get whose ctx ends while it waits returns ctx's error, and the load goes
// on for the others. When the load fails because the context of the Get
// that started it ended, a waiting Get starts its own.
//
// subs and grants must read as the customer (or member) key stands for.
// It fails with an error matching ErrInvalidArgument, sending nothing,
// when ctx, subs or grants is nil.
func (c *EntitlementsCache) Get(ctx context.Context, key string, subs SubscriptionsService, grants BenefitGrantsService) (*Entitlements, error) {
	if ctx == nil || subs == nil || grants == nil {
		return nil, fmt.Errorf("polar: EntitlementsCache.Get: %w: a nil context or service", ErrInvalidArgument)
	}
	for {
		c.mu.Lock()
		if el, ok := c.entries[key]; ok {
			e := el.Value.(*cacheEntry)
			if time.Now().Before(e.expires) {
				c.mu.Unlock()
				return e.value, nil
			}
			c.remove(el)
		}
		f, waiting := c.flights[key]
		if !waiting {
			f = &entitlementsFlight{done: make(chan struct{}), err: errLoadPanicked}
			c.flights[key] = f
		}
		c.mu.Unlock()

		if !waiting {
			c.load(ctx, key, f, subs, grants)
			return f.value, f.err
		}
		select {
		case <-f.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if f.canceled && ctx.Err() == nil {
			continue // the loading caller gave up, not the load's source
		}
		return f.value, f.err
	}
}

// load runs the flight f for key and keeps its result, unless Forget
// dropped the flight meanwhile (the result may predate the change).
func (c *EntitlementsCache) load(ctx context.Context, key string, f *entitlementsFlight, subs SubscriptionsService, grants BenefitGrantsService) {
	defer func() {
		c.mu.Lock()
		if c.flights[key] == f {
			delete(c.flights, key)
			if f.err == nil && c.ttl > 0 {
				c.store(key, f.value)
			}
		}
		c.mu.Unlock()
		close(f.done)
	}()
	f.value, f.err = GetEntitlements(ctx, subs, grants)
	f.canceled = f.err != nil && ctx.Err() != nil
}

// store keeps value for key; c.mu is held.
func (c *EntitlementsCache) store(key string, value *Entitlements) {
	now := time.Now()
	if el, ok := c.entries[key]; ok {
		c.remove(el)
	}
	// Expired entries go first, then the oldest while the cache is full.
	for el := c.order.Front(); el != nil; el = c.order.Front() {
		if !now.Before(el.Value.(*cacheEntry).expires) || c.order.Len() >= c.size {
			c.remove(el)
			continue
		}
		break
	}
	c.entries[key] = c.order.PushBack(&cacheEntry{key: key, value: value, expires: now.Add(c.ttl)})
}

// remove drops an entry; c.mu is held.
func (c *EntitlementsCache) remove(el *list.Element) {
	c.order.Remove(el)
	delete(c.entries, el.Value.(*cacheEntry).key)
}

// Forget drops what the cache keeps for key, and the result of a load of
// key in progress, so that the next Get loads afresh: call it when the
// backend learns of a change (a checkout completed, a webhook).
func (c *EntitlementsCache) Forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		c.remove(el)
	}
	delete(c.flights, key)
}
