package polartest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"

	polar "github.com/polarportal/polar-go"
)

// Subscriptions: the customer's subscriptions; update and cancel are
// billing operations (a member needs the owner or billing-manager role).
//
// What the fake does, as Polar's server does:
//   - List shows the subscriptions that have started (incomplete ones are
//     left out; Get still finds them). active=true keeps the active and
//     trialing ones, active=false the canceled and unpaid ones; query
//     matches the product name.
//   - Update takes one of seven shapes, told apart by their fields (each
//     forbids the others' fields); a body that fits none is a 422 listing,
//     for each shape, why it does not fit, at ["body", shape, field].
//   - A product change needs the organization's portal setting update_plan
//     (403 UpdateSubscriptionPlanNotAllowed), a subscription neither
//     canceled nor set to cancel (403 AlreadyCanceledSubscription), and a
//     product of the same organization that is public, not archived,
//     recurring, without legacy or custom prices, priced in the
//     subscription's currency, and seat-based (unit-based) if the current
//     one is (422 at ["body", "product_id"] otherwise). How it applies
//     follows the organization's proration behavior: next_period schedules
//     it (pending_update, applied at the period end); prorate applies it at
//     once, without charging now; invoice and reset apply it at once and
//     charge the prorated difference at once. A trialing subscription
//     switching to a product without a trial ends its trial.
//   - A seat (unit) change needs update_seats (update_units), a seat-based
//     (unit-based) subscription (400 NotASeatBasedSubscription,
//     NotAUnitBasedSubscription), a count within the price's bounds (400
//     BelowMinimumSeats, AboveMaximumSeats, BelowMinimumUnits,
//     AboveMaximumUnits) and, for seats, no fewer than the seats assigned
//     (400 SeatsAlreadyAssigned); it applies like a product change.
//     Asking for the current count drops a pending change of the count.
//   - A charge at once is paid with the customer's default payment method
//     (else their first one): without one, or with a card that is declined
//     (Stripe's test card ending in 0002), the update fails with 402
//     PaymentFailed; a card that needs 3-D Secure (ending in 3155) fails
//     with 402 PaymentActionRequired. A failed update changes nothing.
//   - {"cancel_at_period_end": true} (with a reason and a comment) sets the
//     subscription to cancel at the end of its period: canceled_at now,
//     ends_at the period end, status unchanged until then. false takes it
//     back (uncancel), which needs a payment method unless every price is
//     free (409 PaymentMethodRequired). Without cancel_at_period_end the
//     body changes nothing.
//   - Pausing and resuming need the organization's portal setting pause
//     (403 PauseResumeNotAllowed). {"pause_at_period_end": true} pauses an
//     active subscription at the end of its period (409
//     CannotPauseSubscription otherwise), optionally until resumes_at,
//     which must be after the period end; false takes the pause back (409
//     NoScheduledPause without one). {"resume": true} resumes a paused
//     subscription at once, starting a new period (409
//     NotPausedSubscription if it is not paused; 409 PaymentMethodRequired
//     without a payment method unless every price is free).
//   - {"pending_update": null} drops the pending update (422 when there is
//     none).
//   - DELETE cancels at the end of the period, as the cancel update does,
//     without a reason; a subscription that is not billable (only active,
//     trialing and past_due ones are), has ended, or is already set to
//     cancel gets 403 AlreadyCanceledSubscription.
//
// The fake does not run Polar's billing scheduler: nothing happens by
// itself at the end of a period (a subscription set to cancel stays
// active, a pending update stays pending), and no order is made for a
// charge. Changes show in later Get and List calls, in the claimed
// subscriptions of seats, and in the subscription that orders carry.
var subscriptionsRoutes = routes{
	"customer_portal:subscriptions:list":   {portalRead, subscriptionsList},
	"customer_portal:subscriptions:get":    {portalRead, subscriptionsGet},
	"customer_portal:subscriptions:update": {billingWrite, subscriptionsUpdate},
	"customer_portal:subscriptions:cancel": {billingWrite, subscriptionsCancel},
}

// subscription returns a subscription of the caller's customer.
func (st *store) subscription(who *principal, id string) (*polar.CustomerSubscription, error) {
	return owned(st.subscriptions, id, who.customerID(), func(s *polar.CustomerSubscription) string { return s.CustomerID })
}

// compareNullableTimes compares nullable times as PostgreSQL does: NULL is
// greater than any time.
func compareNullableTimes(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return a.Compare(*b)
}

var subscriptionSorts = sorter[*polar.CustomerSubscription]{
	"started_at": func(a, b *polar.CustomerSubscription) int { return compareNullableTimes(a.StartedAt, b.StartedAt) },
	"amount":     func(a, b *polar.CustomerSubscription) int { return cmp.Compare(a.Amount, b.Amount) },
	"status":     func(a, b *polar.CustomerSubscription) int { return cmp.Compare(a.Status, b.Status) },
	"organization": func(a, b *polar.CustomerSubscription) int {
		return cmp.Compare(a.Product.Organization.Slug, b.Product.Organization.Slug)
	},
	"product": func(a, b *polar.CustomerSubscription) int { return cmp.Compare(a.Product.Name, b.Product.Name) },
}

func subscriptionActive(s polar.SubscriptionStatus) bool {
	return s == polar.SubscriptionStatusActive || s == polar.SubscriptionStatusTrialing
}

func subscriptionRevoked(s polar.SubscriptionStatus) bool {
	return s == polar.SubscriptionStatusCanceled || s == polar.SubscriptionStatusUnpaid
}

func subscriptionBillable(s polar.SubscriptionStatus) bool {
	return subscriptionActive(s) || s == polar.SubscriptionStatusPastDue
}

func subscriptionsList(c *call) error {
	var o polar.SubscriptionListOptions
	c.bindQuery(&o, append(uuidParams(true, "product_id"), sortParam(subscriptionSorts))...)
	if err := c.err(); err != nil {
		return err
	}
	productIDs, active, query := o.ProductID, o.Active, strings.ToLower(o.Query)
	subs := c.st.subscriptions.where(func(s *polar.CustomerSubscription) bool {
		if s.CustomerID != c.who.customerID() || s.StartedAt == nil {
			return false
		}
		if len(productIDs) > 0 && !slices.Contains(productIDs, s.ProductID) {
			return false
		}
		if active != nil && (*active && !subscriptionActive(s.Status) || !*active && !subscriptionRevoked(s.Status)) {
			return false
		}
		return strings.Contains(strings.ToLower(s.Product.Name), query)
	})
	sortItems(subs, sortOrder(o.Sorting, "-started_at"), subscriptionSorts, func(a, b *polar.CustomerSubscription) int { return strings.Compare(a.ID, b.ID) })
	return c.ok(paginateMap(subs, pageOf(o.ListOptions), deref))
}

// subscriptionByPath returns the caller's subscription of the {id} path
// parameter.
func (c *call) subscriptionByPath() (*polar.CustomerSubscription, error) {
	id, err := c.pathUUID("id", false)
	if err != nil {
		return nil, err
	}
	return c.st.subscription(c.who, id)
}

func subscriptionsGet(c *call) error {
	s, err := c.subscriptionByPath()
	if err != nil {
		return err
	}
	return c.ok(s)
}

func subscriptionsCancel(c *call) error {
	s, err := c.subscriptionByPath()
	if err != nil {
		return err
	}
	next := *s
	if err := cancelAtEndOfPeriod(c, &next, nil, nil); err != nil {
		return err
	}
	c.st.saveSubscription(s, &next, c.now)
	return c.ok(s)
}

// saveSubscription stores next as the new state of s, and refreshes the
// subscription the customer's orders carry.
func (st *store) saveSubscription(s, next *polar.CustomerSubscription, now time.Time) {
	next.ModifiedAt = touch(now)
	*s = *next
	for _, o := range st.orders.all() {
		if o.SubscriptionID != nil && *o.SubscriptionID == s.ID {
			o.Subscription = new(s.CustomerOrderSubscription)
		}
	}
}

// subscriptionOrg returns the organization of the subscription's
// product, with its current settings.
func (st *store) subscriptionOrg(s *polar.CustomerSubscription) *polar.CustomerOrganization {
	if org, ok := st.orgs.get(s.Product.OrganizationID); ok {
		return org
	}
	return &s.Product.Organization
}

// canCancel tells whether a subscription may be set to cancel at the end
// of its period (Polar's Subscription.can_cancel).
func canCancel(s *polar.CustomerSubscription) bool {
	return subscriptionBillable(s.Status) && s.EndedAt == nil && !s.CancelAtPeriodEnd && s.EndsAt == nil
}

func errAlreadyCanceled() error {
	return domainError(http.StatusForbidden, "AlreadyCanceledSubscription", "This subscription is already canceled or will be at the end of the period.")
}

// cancelAtEndOfPeriod sets s to cancel at the end of its period.
func cancelAtEndOfPeriod(c *call, s *polar.CustomerSubscription, reason *polar.CustomerCancellationReason, comment *string) error {
	if !canCancel(s) {
		return errAlreadyCanceled()
	}
	s.CanceledAt = new(c.now)
	s.PauseAtPeriodEnd, s.ResumesAt = false, nil
	if reason != nil && *reason != "" {
		s.CustomerCancellationReason = reason
	}
	if comment != nil && *comment != "" {
		s.CustomerCancellationComment = comment
	}
	s.CancelAtPeriodEnd = true
	s.EndsAt = new(s.CurrentPeriodEnd)
	return nil
}

// The shapes of CustomerSubscriptionUpdate.
const (
	shapeProduct = "CustomerSubscriptionUpdateProduct"
	shapeSeats   = "CustomerSubscriptionUpdateSeats"
	shapeCancel  = "CustomerSubscriptionCancel"
	shapePause   = "CustomerSubscriptionPause"
	shapeResume  = "CustomerSubscriptionResume"
	shapeClear   = "CustomerSubscriptionUpdateClear"
	shapeUnits   = "CustomerSubscriptionUpdateUnits"
)

var cancellationReasons = []string{
	string(polar.CustomerCancellationReasonCustomerService), string(polar.CustomerCancellationReasonLowQuality),
	string(polar.CustomerCancellationReasonMissingFeatures), string(polar.CustomerCancellationReasonSwitchedService),
	string(polar.CustomerCancellationReasonTooComplex), string(polar.CustomerCancellationReasonTooExpensive),
	string(polar.CustomerCancellationReasonUnused), string(polar.CustomerCancellationReasonOther),
}

// resumeShape and clearShape are the resume and clear shapes as they are
// read: the SDK's types have no fields, only a fixed JSON form.
type (
	resumeShape struct {
		Resume bool `json:"resume"`
	}
	clearShape struct {
		PendingUpdate json.RawMessage `json:"pending_update"`
	}
)

// updateShapes are the shapes of CustomerSubscriptionUpdate, in the order
// of the API document: the SDK's type of each, and what Polar checks
// beyond the type.
var updateShapes = []unionShape{
	{shapeProduct, func() any { return new(polar.CustomerSubscriptionUpdateProduct) }, func(_ *call, v any, loc []any) []validationDetail {
		u := v.(*polar.CustomerSubscriptionUpdateProduct)
		id, typ := parseUUID(u.ProductID, true)
		if typ != "" {
			return []validationDetail{problem(typ, u.ProductID, append(loc, "product_id")...)}
		}
		u.ProductID = id
		return nil
	}},
	{shapeSeats, func() any { return new(polar.CustomerSubscriptionUpdateSeats) }, func(_ *call, v any, loc []any) []validationDetail {
		return countProblems(v.(*polar.CustomerSubscriptionUpdateSeats).Seats, append(loc, "seats"))
	}},
	{shapeCancel, func() any { return new(polar.CustomerSubscriptionCancel) }, func(_ *call, v any, loc []any) []validationDetail {
		if r, ok := v.(*polar.CustomerSubscriptionCancel).CancellationReason.Get(); ok && !slices.Contains(cancellationReasons, string(r)) {
			return []validationDetail{problem("enum", string(r), append(loc, "cancellation_reason")...)}
		}
		return nil
	}},
	{shapePause, func() any { return new(polar.CustomerSubscriptionPause) }, func(c *call, v any, loc []any) []validationDetail {
		if t, ok := v.(*polar.CustomerSubscriptionPause).ResumesAt.Get(); ok && !t.After(c.now) {
			return []validationDetail{problem("datetime_future", t, append(loc, "resumes_at")...)}
		}
		return nil
	}},
	{shapeResume, func() any { return new(resumeShape) }, func(_ *call, v any, loc []any) []validationDetail {
		if !v.(*resumeShape).Resume {
			return []validationDetail{problem("literal_error", false, append(loc, "resume")...)}
		}
		return nil
	}},
	{shapeClear, func() any { return new(clearShape) }, func(_ *call, v any, loc []any) []validationDetail {
		if raw := v.(*clearShape).PendingUpdate; string(raw) != "null" {
			return []validationDetail{problem("none_required", rawInput(raw), append(loc, "pending_update")...)}
		}
		return nil
	}},
	{shapeUnits, func() any { return new(polar.CustomerSubscriptionUpdateUnits) }, func(_ *call, v any, loc []any) []validationDetail {
		return countProblems(v.(*polar.CustomerSubscriptionUpdateUnits).Units, append(loc, "units"))
	}},
}

// countProblems checks a number of seats or units: an Int32 of at least 1.
func countProblems(n int64, loc []any) []validationDetail {
	switch {
	case n < 1:
		return []validationDetail{problem("greater_than_equal", n, loc...)}
	case n > math.MaxInt32:
		return []validationDetail{problem("less_than_equal", n, loc...)}
	}
	return nil
}

func subscriptionsUpdate(c *call) error {
	id, _ := c.pathUUID("id", false) // a bad ID is reported with the body's problems
	u, err := c.decodeUnion(updateShapes)
	if err != nil {
		return err
	}
	s, err := c.st.subscription(c.who, id)
	if err != nil {
		return err
	}
	next := *s
	org := c.st.subscriptionOrg(s)
	settings := org.CustomerPortalSettings.Subscription
	pauseAllowed := settings.Pause != nil && *settings.Pause
	switch u := u.(type) {
	case *polar.CustomerSubscriptionUpdateProduct:
		if !settings.UpdatePlan {
			return domainError(http.StatusForbidden, "UpdateSubscriptionPlanNotAllowed", "Updating subscription plan is not allowed.")
		}
		err = changeProduct(c, &next, org, u.ProductID)
	case *polar.CustomerSubscriptionUpdateSeats:
		if !settings.UpdateSeats {
			return domainError(http.StatusForbidden, "UpdateSubscriptionSeatsNotAllowed", "Updating subscription seats is not allowed.")
		}
		err = changeCount(c, &next, org, seatsKind, u.Seats)
	case *polar.CustomerSubscriptionUpdateUnits:
		if settings.UpdateUnits != nil && !*settings.UpdateUnits {
			return domainError(http.StatusForbidden, "UpdateSubscriptionUnitsNotAllowed", "Updating subscription units is not allowed.")
		}
		err = changeCount(c, &next, org, unitsKind, u.Units)
	case *clearShape:
		if next.PendingUpdate == nil {
			return invalid("This subscription has no pending update to clear.", nil, "body", "pending_update")
		}
		next.PendingUpdate = nil
	case *polar.CustomerSubscriptionPause:
		if !pauseAllowed {
			return errPauseResumeNotAllowed()
		}
		var resumesAt *time.Time
		if t, ok := u.ResumesAt.Get(); ok {
			resumesAt = &t
		}
		err = pauseSubscription(c, &next, u.PauseAtPeriodEnd, resumesAt)
	case *resumeShape:
		if !pauseAllowed {
			return errPauseResumeNotAllowed()
		}
		err = resumeSubscription(c, &next)
	case *polar.CustomerSubscriptionCancel:
		cancel, set := u.CancelAtPeriodEnd.Get()
		reason, _ := u.CancellationReason.Get()
		comment, _ := u.CancellationComment.Get()
		switch {
		case !set:
			return c.ok(s) // nothing to change
		case cancel:
			err = cancelAtEndOfPeriod(c, &next, &reason, &comment)
		default:
			err = uncancelSubscription(c, &next)
		}
	}
	if err != nil {
		return err
	}
	if !reflect.DeepEqual(*s, next) { // a change that changes nothing leaves modified_at alone
		c.st.saveSubscription(s, &next, c.now)
	}
	return c.ok(s)
}

func errPauseResumeNotAllowed() error {
	return domainError(http.StatusForbidden, "PauseResumeNotAllowed", "Pausing or resuming a subscription is not allowed.")
}

// requirePaymentMethod is the check before an uncancel or a resume: the
// customer needs a payment method, unless every price is free.
func requirePaymentMethod(c *call, s *polar.CustomerSubscription, action string) error {
	if pricesAllFree(s.Prices) || c.st.subscriptionPaymentMethod(s.CustomerID) != nil {
		return nil
	}
	return domainError(http.StatusConflict, "PaymentMethodRequired", "Add a payment method before "+action+" this subscription.")
}

func uncancelSubscription(c *call, s *polar.CustomerSubscription) error {
	canUncancel := s.CancelAtPeriodEnd && subscriptionBillable(s.Status)
	if canUncancel {
		if err := requirePaymentMethod(c, s, "uncancelling"); err != nil {
			return err
		}
	}
	if s.EndedAt != nil {
		return domainError(http.StatusGone, "ResourceUnavailable", "Unavailable")
	}
	if !canUncancel {
		return domainError(http.StatusBadRequest, "BadRequest", "Bad request")
	}
	s.CancelAtPeriodEnd, s.EndsAt, s.CanceledAt = false, nil, nil
	s.CustomerCancellationReason, s.CustomerCancellationComment = nil, nil
	return nil
}

func pauseSubscription(c *call, s *polar.CustomerSubscription, atPeriodEnd bool, resumesAt *time.Time) error {
	if !atPeriodEnd {
		if !s.PauseAtPeriodEnd || s.Status != polar.SubscriptionStatusActive {
			return domainError(http.StatusConflict, "NoScheduledPause", "This subscription is not scheduled to be paused.")
		}
		s.PauseAtPeriodEnd, s.ResumesAt = false, nil
		return nil
	}
	if s.Status != polar.SubscriptionStatusActive || s.CancelAtPeriodEnd || s.PauseAtPeriodEnd || s.EndsAt != nil {
		return domainError(http.StatusConflict, "CannotPauseSubscription", "This subscription cannot be paused.")
	}
	if resumesAt != nil && !resumesAt.After(s.CurrentPeriodEnd) {
		return invalid("resumes_at must be after the current period end.", resumesAt.Format(time.RFC3339Nano), "body", "resumes_at")
	}
	s.PauseAtPeriodEnd, s.ResumesAt = true, resumesAt
	return nil
}

func resumeSubscription(c *call, s *polar.CustomerSubscription) error {
	if s.Status != polar.SubscriptionStatusPaused {
		return domainError(http.StatusConflict, "NotPausedSubscription", "This subscription is not paused.")
	}
	if err := requirePaymentMethod(c, s, "resuming"); err != nil {
		return err
	}
	s.Status, s.PausedAt, s.ResumesAt = polar.SubscriptionStatusActive, nil, nil
	s.CurrentPeriodStart = c.now
	s.CurrentPeriodEnd = periodEnd(c.now, s.RecurringInterval, s.RecurringIntervalCount)
	return nil
}

// periodEnd returns the end of a period starting at t.
func periodEnd(t time.Time, interval polar.RecurringInterval, count int64) time.Time {
	n := int(max(count, 1))
	switch interval {
	case polar.RecurringIntervalDay:
		return t.AddDate(0, 0, n)
	case polar.RecurringIntervalWeek:
		return t.AddDate(0, 0, 7*n)
	case polar.RecurringIntervalYear:
		return t.AddDate(n, 0, 0)
	}
	return t.AddDate(0, n, 0)
}

// periodLeft is the part of the current period still to come, from 0 to 1.
func periodLeft(s *polar.CustomerSubscription, now time.Time) *big.Rat {
	total := s.CurrentPeriodEnd.Sub(s.CurrentPeriodStart)
	left := s.CurrentPeriodEnd.Sub(now)
	switch {
	case total <= 0 || left <= 0:
		return new(big.Rat)
	case left >= total:
		return big.NewRat(1, 1)
	}
	return big.NewRat(int64(left), int64(total))
}

// proratedAmount is the part of amount for the rest of the period, truncated
// as Polar's billing entries are.
func proratedAmount(amount int64, part *big.Rat) int64 {
	r := new(big.Rat).Mul(new(big.Rat).SetInt64(amount), part)
	return new(big.Int).Quo(r.Num(), r.Denom()).Int64()
}

func roundRational(r *big.Rat) int64 {
	f, _ := r.Float64()
	if f < 0 {
		return -int64(-f + 0.5)
	}
	return int64(f + 0.5)
}

// schedulePendingUpdate merges a change into the subscription's pending update,
// applied at the end of the period (next_period proration).
func schedulePendingUpdate(c *call, s *polar.CustomerSubscription, productID *string, seats, units *int64) {
	p := s.PendingUpdate
	if p == nil {
		p = &polar.PendingSubscriptionUpdate{ID: c.st.newID("subscription-update"), CreatedAt: c.now}
	} else {
		p = new(*p)
		p.ModifiedAt = touch(c.now)
	}
	p.AppliesAt = s.CurrentPeriodEnd
	if productID != nil {
		p.ProductID = productID
	}
	if seats != nil {
		p.Seats = seats
	}
	if units != nil {
		p.Units = units
	}
	s.PendingUpdate = p
}

func invalidProduct(msg, productID string) error {
	return invalid(msg, productID, "body", "product_id")
}

// currencyPrices returns the prices of p a subscription in currency would
// have (Polar's PriceSet.from_product): its prices in that currency that
// are not archived.
func currencyPrices(p *polar.CustomerProduct, currency string) polar.PriceList {
	var out polar.PriceList
	for _, price := range p.Prices {
		b := price.Common()
		if b != nil && !b.IsArchived && strings.EqualFold(b.PriceCurrency, currency) {
			out = append(out, price)
		}
	}
	return out
}

func changeProduct(c *call, s *polar.CustomerSubscription, org *polar.CustomerOrganization, productID string) error {
	if subscriptionRevoked(s.Status) || s.CancelAtPeriodEnd {
		return errAlreadyCanceled()
	}
	p, ok := c.st.products.get(productID)
	if !ok || p.OrganizationID != s.Product.OrganizationID {
		return invalidProduct("Product does not exist.", productID)
	}
	switch {
	case p.IsArchived:
		return invalidProduct("Product is archived.", productID)
	case p.Visibility != polar.ProductVisibilityPublic:
		return invalidProduct("Product visibility is not allowed.", productID)
	case !p.IsRecurring || p.RecurringInterval == nil:
		return invalidProduct("Product is not recurring.", productID)
	case slices.ContainsFunc(p.Prices, isLegacyPrice):
		return invalidProduct("Product has legacy recurring prices.", productID)
	}
	prices := currencyPrices(p, s.Currency)
	if len(prices) == 0 {
		return invalidProduct("This product doesn't have a price for the subscription currency.", productID)
	}
	if slices.ContainsFunc(prices, func(pr polar.Price) bool { _, ok := pr.(*polar.ProductPriceCustom); return ok }) {
		return invalidProduct("Can't update to a product with custom prices.", productID)
	}
	if seatBasedPrice(s.Prices) != nil && seatBasedPrice(prices) == nil {
		return invalidProduct("Can't switch from a seat-based to a non-seat-based product.", productID)
	}
	if unitBasedPrice(s.Prices) != nil && unitBasedPrice(prices) == nil {
		return invalidProduct("Can't switch from a unit-based to a non-unit-based product.", productID)
	}

	behavior := org.ProrationBehavior
	if behavior == polar.SubscriptionProrationBehaviorNextPeriod {
		schedulePendingUpdate(c, s, &p.ID, nil, nil)
		return nil
	}
	op, _ := c.st.orderProduct(p.ID)
	oldAmount, wasTrialing := s.Amount, s.Status == polar.SubscriptionStatusTrialing
	interval, count := *p.RecurringInterval, int64(1)
	if p.RecurringIntervalCount != nil {
		count = *p.RecurringIntervalCount
	}
	resetsCycle := interval != s.RecurringInterval || count != s.RecurringIntervalCount || behavior == polar.SubscriptionProrationBehaviorReset
	part := periodLeft(s, c.now)

	// Seats and units carry over; a first seat or unit price starts at its
	// minimum.
	if sp := seatBasedPrice(prices); sp != nil && s.Seats == nil {
		s.Seats = new(max(sp.SeatTiers.MinimumSeats, 1))
	}
	if up := unitBasedPrice(prices); up != nil && s.Units == nil {
		s.Units = new(unitsMinimum(up))
	}
	s.ProductID, s.Product, s.Prices = p.ID, polar.CustomerSubscriptionProduct(*op), prices
	s.RecurringInterval, s.RecurringIntervalCount = interval, count
	s.Amount = periodAmount(prices, deref(s.Seats), deref(s.Units))
	s.Meters = subscriptionMeters(c, s)
	s.PendingUpdate = nil
	if resetsCycle {
		s.CurrentPeriodStart = c.now
		s.CurrentPeriodEnd = periodEnd(c.now, interval, count)
	}
	if wasTrialing {
		endTrial(c, s, p)
		return nil
	}
	if behavior == polar.SubscriptionProrationBehaviorInvoice || behavior == polar.SubscriptionProrationBehaviorReset {
		due := s.Amount
		if !resetsCycle {
			due = proratedAmount(s.Amount, part)
		}
		if behavior != polar.SubscriptionProrationBehaviorReset {
			due -= proratedAmount(oldAmount, part)
		}
		return c.chargeNow(s.CustomerID, due)
	}
	return nil
}

// endTrial sets the trial of a trialing subscription that switched to p:
// p's own trial from the same start if it is not over, else the trial
// ends now and a paid period starts.
func endTrial(c *call, s *polar.CustomerSubscription, p *polar.CustomerProduct) {
	if p.TrialInterval != nil && p.TrialIntervalCount != nil && s.TrialStart != nil {
		end := periodEnd(*s.TrialStart, polar.RecurringInterval(*p.TrialInterval), *p.TrialIntervalCount)
		if end.After(c.now) {
			s.TrialEnd, s.CurrentPeriodEnd = new(end), end
			return
		}
	}
	s.TrialEnd = new(c.now)
	s.Status = polar.SubscriptionStatusActive
	s.CurrentPeriodStart = c.now
	s.CurrentPeriodEnd = periodEnd(c.now, s.RecurringInterval, s.RecurringIntervalCount)
}

// subscriptionMeters returns the meters of s for its metered prices,
// keeping the usage of meters it already had.
func subscriptionMeters(c *call, s *polar.CustomerSubscription) []polar.CustomerSubscriptionMeter {
	out := []polar.CustomerSubscriptionMeter{}
	for _, price := range s.Prices {
		var id, name string
		switch p := price.(type) {
		case *polar.ProductPriceMeteredUnit:
			id, name = p.MeterID, p.Meter.Name
		case *polar.ProductPriceMeteredTiers:
			id, name = p.MeterID, p.Meter.Name
		default:
			continue
		}
		if i := slices.IndexFunc(s.Meters, func(m polar.CustomerSubscriptionMeter) bool { return m.MeterID == id }); i >= 0 {
			out = append(out, s.Meters[i])
			continue
		}
		out = append(out, polar.CustomerSubscriptionMeter{
			CreatedAt: c.now, ID: c.st.newID("subscription-meter"), MeterID: id,
			Meter: polar.Meter{CreatedAt: c.now, ID: id, Name: name},
		})
	}
	return out
}

type countKind int

const (
	seatsKind countKind = iota
	unitsKind
)

func changeCount(c *call, s *polar.CustomerSubscription, org *polar.CustomerOrganization, kind countKind, n int64) error {
	if subscriptionRevoked(s.Status) || s.CancelAtPeriodEnd {
		return errAlreadyCanceled()
	}
	current := &s.Seats
	if kind == seatsKind {
		sp := seatBasedPrice(s.Prices)
		if sp == nil {
			return domainError(http.StatusBadRequest, "NotASeatBasedSubscription", "This subscription does not support seat-based pricing.")
		}
		if minSeats := max(sp.SeatTiers.MinimumSeats, 1); n < minSeats {
			return domainError(http.StatusBadRequest, "BelowMinimumSeats", fmt.Sprintf("Minimum %d seats required.", minSeats))
		}
		if m := sp.SeatTiers.MaximumSeats; m != nil && n > *m {
			return domainError(http.StatusBadRequest, "AboveMaximumSeats", fmt.Sprintf("Maximum %d seats allowed.", *m))
		}
		if assigned := c.st.subscriptionAssignedSeats(s.ID); n < assigned {
			return domainError(http.StatusBadRequest, "SeatsAlreadyAssigned", fmt.Sprintf(
				"Cannot decrease seats to %d. Currently %d seats are assigned. Revoke seats first.", n, assigned))
		}
	} else {
		current = &s.Units
		up := unitBasedPrice(s.Prices)
		if up == nil {
			return domainError(http.StatusBadRequest, "NotAUnitBasedSubscription", "This subscription does not support unit-based pricing.")
		}
		if m := unitsMinimum(up); n < m {
			return domainError(http.StatusBadRequest, "BelowMinimumUnits", fmt.Sprintf("Minimum %d units required.", m))
		}
		if m := unitsMaximum(up); m != nil && n > *m {
			return domainError(http.StatusBadRequest, "AboveMaximumUnits", fmt.Sprintf("Maximum %d units allowed.", *m))
		}
	}

	old := int64(1)
	if *current != nil {
		old = **current
	}
	pendingCount := func(p *polar.PendingSubscriptionUpdate) **int64 {
		if kind == seatsKind {
			return &p.Seats
		}
		return &p.Units
	}
	if old == n { // asking for the current count drops a pending change of it
		if p := s.PendingUpdate; p != nil && *pendingCount(p) != nil {
			if p.ProductID == nil && (kind == seatsKind && p.Units == nil || kind == unitsKind && p.Seats == nil) {
				s.PendingUpdate = nil
			} else {
				p = new(*p)
				*pendingCount(p) = nil
				p.ModifiedAt = touch(c.now)
				s.PendingUpdate = p
			}
		}
		return nil
	}
	behavior := org.ProrationBehavior
	if behavior == polar.SubscriptionProrationBehaviorNextPeriod {
		if kind == seatsKind {
			schedulePendingUpdate(c, s, nil, &n, nil)
		} else {
			schedulePendingUpdate(c, s, nil, nil, &n)
		}
		return nil
	}
	if p := s.PendingUpdate; p != nil && p.ProductID != nil {
		if *pendingCount(p) != nil { // the scheduled product change keeps the new count
			p = new(*p)
			*pendingCount(p) = nil
			s.PendingUpdate = p
		}
	} else {
		s.PendingUpdate = nil
	}
	oldAmount := s.Amount
	*current = new(n)
	s.Amount = periodAmount(s.Prices, deref(s.Seats), deref(s.Units))
	if behavior == polar.SubscriptionProrationBehaviorReset { // a new period starts, charged in full
		s.CurrentPeriodStart = c.now
		s.CurrentPeriodEnd = periodEnd(c.now, s.RecurringInterval, s.RecurringIntervalCount)
	}
	if s.Status == polar.SubscriptionStatusTrialing {
		return nil
	}
	switch behavior {
	case polar.SubscriptionProrationBehaviorInvoice:
		return c.chargeNow(s.CustomerID, proratedAmount(s.Amount-oldAmount, periodLeft(s, c.now)))
	case polar.SubscriptionProrationBehaviorReset:
		return c.chargeNow(s.CustomerID, quantityAmount(s.Prices, kind, n))
	}
	return nil
}

// quantityAmount is what the seat (unit) price of prices charges for n
// seats (units) a period.
func quantityAmount(prices polar.PriceList, kind countKind, n int64) int64 {
	if kind == seatsKind {
		return seatAmount(seatBasedPrice(prices).SeatTiers, n)
	}
	return tieredAmount(unitBasedPrice(prices).Tiers, n)
}

// subscriptionAssignedSeats counts the seats of a subscription that are pending or
// claimed.
func (st *store) subscriptionAssignedSeats(subscriptionID string) int64 {
	n := int64(0)
	for _, seat := range st.seats.all() {
		if seat.SubscriptionID != nil && *seat.SubscriptionID == subscriptionID &&
			(seat.Status == polar.SeatStatusPending || seat.Status == polar.SeatStatusClaimed) {
			n++
		}
	}
	return n
}

// subscriptionPaymentMethod returns the payment method a customer's
// subscriptions are charged with: their default one, else their first.
func (st *store) subscriptionPaymentMethod(customerID string) polar.CustomerPaymentMethod {
	if cust, ok := st.customers.get(customerID); ok && cust.DefaultPaymentMethodID != nil {
		if pm, ok := st.paymentMethods.get(*cust.DefaultPaymentMethodID); ok {
			if b := pm.Common(); b != nil && b.CustomerID == customerID {
				return pm
			}
		}
	}
	for _, pm := range st.paymentMethods.all() {
		if b := pm.Common(); b != nil && b.CustomerID == customerID {
			return pm
		}
	}
	return nil
}

// chargeNow charges a customer amount cents at once, as Polar does when an
// update is invoiced: an error when the payment fails.
func (c *call) chargeNow(customerID string, amount int64) error {
	if amount <= 0 {
		return nil
	}
	pm := c.st.subscriptionPaymentMethod(customerID)
	if pm == nil {
		return domainError(http.StatusPaymentRequired, "PaymentFailed", "Payment failed with reason: missing_payment_method.")
	}
	if card, ok := pm.(*polar.PaymentMethodCard); ok {
		switch card.MethodMetadata.Last4 {
		case "0002":
			return domainError(http.StatusPaymentRequired, "PaymentFailed", "Payment failed with reason: card_error.")
		case "3155":
			return domainError(http.StatusPaymentRequired, "PaymentActionRequired", "Order "+c.st.newID("order")+
				" payment requires customer authentication (e.g. 3DS challenge); off-session charge cannot complete.")
		}
	}
	return nil
}

func isLegacyPrice(p polar.Price) bool { _, ok := p.(polar.LegacyRecurringProductPrice); return ok }

func seatBasedPrice(prices polar.PriceList) *polar.ProductPriceSeatBased {
	for _, p := range prices {
		if sp, ok := p.(*polar.ProductPriceSeatBased); ok {
			return sp
		}
	}
	return nil
}

func unitBasedPrice(prices polar.PriceList) *polar.ProductPriceUnitBased {
	for _, p := range prices {
		if up, ok := p.(*polar.ProductPriceUnitBased); ok {
			return up
		}
	}
	return nil
}

// unitsMinimum is the fewest units of a unit price one may buy, at least 1.
func unitsMinimum(p *polar.ProductPriceUnitBased) int64 {
	return max(deref(p.MinimumUnits), 1)
}

// unitsMaximum is the most units of a unit price one may buy, nil for no
// limit: its maximum, else the bound of its last tier.
func unitsMaximum(p *polar.ProductPriceUnitBased) *int64 {
	if p.MaximumUnits != nil {
		return p.MaximumUnits
	}
	if n := len(p.Tiers.Tiers); n > 0 {
		return p.Tiers.Tiers[n-1].Bound
	}
	return nil
}

// pricesAllFree reports whether every price charges nothing (Polar's is_free).
func pricesAllFree(prices polar.PriceList) bool {
	for _, p := range prices {
		switch p := p.(type) {
		case *polar.ProductPriceFixed:
			if p.PriceAmount != 0 {
				return false
			}
		//lint:ignore SA1019 legacy prices still exist on older subscriptions
		case *polar.LegacyRecurringProductPriceFixed:
			if p.PriceAmount != 0 {
				return false
			}
		case *polar.ProductPriceSeatBased:
			for _, t := range p.SeatTiers.Tiers {
				if t.PricePerSeat != 0 {
					return false
				}
			}
		case *polar.ProductPriceUnitBased:
			for _, t := range p.Tiers.Tiers {
				if r, ok := new(big.Rat).SetString(t.UnitAmount); !ok || r.Sign() != 0 {
					return false
				}
			}
		default:
			return false
		}
	}
	return true
}

// periodAmount is what prices charge each period before usage: fixed
// prices, and seat and unit prices for that many seats and units.
func periodAmount(prices polar.PriceList, seats, units int64) int64 {
	total := int64(0)
	for _, p := range prices {
		switch p := p.(type) {
		case *polar.ProductPriceFixed:
			total += p.PriceAmount
		//lint:ignore SA1019 legacy prices still exist on older subscriptions
		case *polar.LegacyRecurringProductPriceFixed:
			total += p.PriceAmount
		case *polar.ProductPriceSeatBased:
			total += seatAmount(p.SeatTiers, seats)
		case *polar.ProductPriceUnitBased:
			total += tieredAmount(p.Tiers, units)
		}
	}
	return total
}

// seatAmount prices n seats: all at the rate of their tier (volume), or
// each tier's range at its own rate (graduated).
func seatAmount(t polar.ProductPriceSeatTiers, n int64) int64 {
	graduated := t.SeatTierType != nil && *t.SeatTierType == polar.SeatTierTypeGraduated
	total := int64(0)
	for _, tier := range t.Tiers {
		upper := int64(1<<62 - 1)
		if tier.MaxSeats != nil {
			upper = *tier.MaxSeats
		}
		if !graduated {
			if n >= tier.MinSeats && n <= upper {
				return n * tier.PricePerSeat
			}
			continue
		}
		if in := min(n, upper) - tier.MinSeats + 1; in > 0 {
			total += in * tier.PricePerSeat
		}
	}
	return total
}

// tieredAmount prices n units with tiers bounded above (the last one
// open): all at the rate of their tier (volume), or each tier's range at
// its own rate (graduated).
func tieredAmount(t polar.Tiers, n int64) int64 {
	total, lower := new(big.Rat), int64(0)
	for _, tier := range t.Tiers {
		rate, ok := new(big.Rat).SetString(tier.UnitAmount)
		if !ok {
			continue
		}
		upper := int64(1<<62 - 1)
		if tier.Bound != nil {
			upper = *tier.Bound
		}
		if t.Type != polar.TierTypeGraduated {
			if n <= upper {
				return roundRational(rate.Mul(rate, new(big.Rat).SetInt64(n)))
			}
			continue
		}
		if in := min(n, upper) - lower; in > 0 {
			total.Add(total, rate.Mul(rate, new(big.Rat).SetInt64(in)))
		}
		lower = upper
	}
	return roundRational(total)
}
