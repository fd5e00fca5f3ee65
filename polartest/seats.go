package polartest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	polar "github.com/polarportal/polar-go"
)

// Seats: the seats of seat-based subscriptions and orders; assigning,
// revoking and resending are billing operations.
//
// What the fake does, as Polar's server does:
//   - A subscription or order has Seats seats; those pending or claimed
//     are taken, and available_seats is what is left. An organization has
//     seat-based pricing when one of its products has a seat_based price
//     or one of its customers' subscriptions or orders has Seats; the seat
//     operations on another organization's objects answer 403
//     FeatureNotEnabled.
//   - Assign takes a seat: pending with an invitation that expires a day
//     later, or claimed at once with immediate_claim. A revoked seat of the
//     subscription or order is reused (same ID) before a new one is made.
//     With the organization's member model (organization_features.
//     member_model_enabled), or with member_id or external_member_id, the
//     seat goes to a member of the purchasing customer, found by ID,
//     external ID or email address, or added (role member) for a new
//     email address; the seat's customer_id is the purchaser's. Otherwise
//     it goes to a customer of the organization, found by ID, external ID
//     or email address, or created for a new email address; its
//     customer_id is that customer's. The errors are Polar's:
//     SeatNotAvailable (400: no seat left, an unpaid order),
//     SeatAlreadyAssigned (400), MemberEmailMismatch (400),
//     InvalidSeatAssignmentRequest (400), MemberNotFound and
//     CustomerNotFound (404).
//   - Revoke frees the seat (status revoked, its holder cleared); revoking
//     a revoked seat answers it unchanged. Resend only works on pending
//     seats (400 SeatNotPending) and changes nothing the API shows.
//   - Claimed subscriptions are those with a claimed seat held by the
//     calling member (member session) or customer (customer session).
var seatsRoutes = routes{
	"customer_portal:seats:list_seats":                 {portalRead, seatsList},
	"customer_portal:seats:assign_seat":                {billingWrite, seatsAssign},
	"customer_portal:seats:revoke_seat":                {billingWrite, seatsRevoke},
	"customer_portal:seats:resend_invitation":          {billingWrite, seatsResend},
	"customer_portal:seats:list_claimed_subscriptions": {portalRead, seatsListClaimed},
}

// SeatInvitationTTL is how long a seat's invitation lasts.
const SeatInvitationTTL = 24 * time.Hour

// seatContainer is what seats belong to: a subscription or an order.
type seatContainer struct {
	sub   *polar.CustomerSubscription
	order *orderState
}

func (k seatContainer) id() string {
	if k.sub != nil {
		return k.sub.ID
	}
	return k.order.ID
}

// seats is how many seats the subscription or order has; nil when it is
// not seat-based.
func (k seatContainer) seats() *int64 {
	if k.sub != nil {
		return k.sub.Seats
	}
	return k.order.Seats
}

func (k seatContainer) customerID() string {
	if k.sub != nil {
		return k.sub.CustomerID
	}
	return k.order.CustomerID
}

func (k seatContainer) hasProduct() bool {
	if k.sub != nil {
		return k.sub.ProductID != ""
	}
	return k.order.ProductID != nil
}

// holds reports whether s is a seat of the container.
func (k seatContainer) holds(s *polar.CustomerSeat) bool {
	if k.sub != nil {
		return s.SubscriptionID != nil && *s.SubscriptionID == k.sub.ID
	}
	return s.OrderID != nil && *s.OrderID == k.order.ID
}

// containerSeats returns the seats of k, oldest first.
func (st *store) containerSeats(k seatContainer) []*polar.CustomerSeat {
	return st.seats.where(k.holds)
}

// availableSeats is how many seats of k are neither pending nor claimed.
func (st *store) availableSeats(k seatContainer) int64 {
	total := k.seats()
	if total == nil {
		return 0
	}
	taken := int64(0)
	for _, s := range st.containerSeats(k) {
		if s.Status != polar.SeatStatusRevoked {
			taken++
		}
	}
	return max(0, *total-taken)
}

// seatPricing reports whether the organization uses seat-based pricing.
func (st *store) seatPricing(orgID string) bool {
	for _, p := range st.products.all() {
		if p.OrganizationID != orgID {
			continue
		}
		for _, pr := range p.Prices {
			if _, ok := pr.(*polar.ProductPriceSeatBased); ok {
				return true
			}
		}
	}
	inOrg := func(customerID string) bool {
		cu, ok := st.customers.get(customerID)
		return ok && cu.OrganizationID == orgID
	}
	for _, s := range st.subscriptions.all() {
		if s.Seats != nil && inOrg(s.CustomerID) {
			return true
		}
	}
	for _, o := range st.orders.all() {
		if o.Seats != nil && inOrg(o.CustomerID) {
			return true
		}
	}
	return false
}

// checkSeatPricing is Polar's 403 for an organization without seat-based
// pricing.
func (st *store) checkSeatPricing(who *principal) error {
	if !st.seatPricing(who.customer.OrganizationID) {
		return domainError(http.StatusForbidden, "FeatureNotEnabled", "Seat-based pricing is not enabled for this organization")
	}
	return nil
}

// seatSubscription returns a subscription of the caller's customer.
func (st *store) seatSubscription(who *principal, id string) (seatContainer, error) {
	s, err := owned(st.subscriptions, id, who.customerID(), func(s *polar.CustomerSubscription) string { return s.CustomerID })
	if err != nil {
		return seatContainer{}, domainError(http.StatusNotFound, "ResourceNotFound", "Subscription not found")
	}
	return seatContainer{sub: s}, nil
}

// seatOrder returns an order of the caller's customer.
func (st *store) seatOrder(who *principal, id string) (seatContainer, error) {
	o, err := st.order(who, id)
	if err != nil {
		return seatContainer{}, domainError(http.StatusNotFound, "ResourceNotFound", "Order not found")
	}
	return seatContainer{order: o}, nil
}

// seat returns a seat of a subscription or order of the caller's
// customer.
func (st *store) seat(who *principal, id string) (*polar.CustomerSeat, error) {
	s, ok := st.seats.get(id)
	if ok {
		if s.SubscriptionID != nil {
			sub, found := st.subscriptions.get(*s.SubscriptionID)
			ok = found && sub.CustomerID == who.customerID()
		} else {
			o, found := st.orders.get(deref(s.OrderID))
			ok = found && o.CustomerID == who.customerID()
		}
	}
	if !ok {
		return nil, domainError(http.StatusNotFound, "ResourceNotFound", "Seat not found")
	}
	return s, nil
}

// seatView returns a seat as the API shows it: its member as the member
// is now, and customer_email worked out as Polar does (the seat's email,
// else its member's, else its customer's).
func (st *store) seatView(s *polar.CustomerSeat) *polar.CustomerSeat {
	v := *s
	if v.MemberID != nil {
		if m, ok := st.members.get(*v.MemberID); ok {
			v.Member = new(*m)
		}
	}
	switch {
	case v.Email != nil:
		v.CustomerEmail = v.Email
	case v.Member != nil:
		v.CustomerEmail = &v.Member.Email
	case v.CustomerID != nil:
		if cu, ok := st.customers.get(*v.CustomerID); ok && cu.Email != nil {
			v.CustomerEmail = cu.Email
		}
	}
	return &v
}

// revokeSeat takes a seat back from its holder.
func revokeSeat(s *polar.CustomerSeat, now time.Time) {
	s.Status, s.RevokedAt, s.ModifiedAt = polar.SeatStatusRevoked, new(now), touch(now)
	s.CustomerID, s.MemberID, s.Member, s.Email, s.CustomerEmail = nil, nil, nil, nil, nil
}

func seatsList(c *call) error {
	var o polar.SeatListOptions
	c.bindQuery(&o, uuidParams(true, "subscription_id", "order_id")...)
	if err := c.err(); err != nil {
		return err
	}
	var k seatContainer
	var err error
	switch {
	case o.SubscriptionID != "":
		k, err = c.st.seatSubscription(c.who, o.SubscriptionID)
	case o.OrderID != "":
		k, err = c.st.seatOrder(c.who, o.OrderID)
	default:
		return domainError(http.StatusBadRequest, "BadRequest", "Either subscription_id or order_id must be provided")
	}
	if err != nil {
		return err
	}
	if err := c.st.checkSeatPricing(c.who); err != nil {
		return err
	}
	seats := c.st.containerSeats(k)
	out := &polar.SeatsList{Seats: make([]polar.CustomerSeat, len(seats)), AvailableSeats: c.st.availableSeats(k), TotalSeats: deref(k.seats())}
	for i, s := range seats {
		out.Seats[i] = *c.st.seatView(s)
	}
	return c.ok(out)
}

// seatAssign is a read CustomerSeatAssign body.
type seatAssign struct {
	subscriptionID, orderID, checkoutID        *string
	email, externalCustomerID, customerID      *string
	externalMemberID, memberID                 *string
	metadata                                   map[string]any
	immediateClaim                             bool
	input                                      any // the body, for the model's errors
	sources, legacyRecipients, memberRecipient int
}

// readSeatAssign reads and checks a CustomerSeatAssign body as Polar's
// model does: each field, then which seat (exactly one of
// subscription_id, order_id and checkout_id), then for whom.
func readSeatAssign(c *call) (*seatAssign, error) {
	var req polar.CustomerSeatAssign
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		id   *string
		name string
	}{{&req.SubscriptionID, "subscription_id"}, {&req.OrderID, "order_id"}, {&req.CheckoutID, "checkout_id"}, {&req.CustomerID, "customer_id"}, {&req.MemberID, "member_id"}} {
		c.checkUUID(f.id, false, "body", f.name)
	}
	if req.Email != "" {
		req.Email = c.checkEmail(req.Email, "body", "email")
	}
	if req.Metadata != nil {
		// Numbers keep their text, in the answer and in the size limit.
		var m struct{ Metadata map[string]any }
		dec := json.NewDecoder(bytes.NewReader(c.raw))
		dec.UseNumber()
		_ = dec.Decode(&m)
		req.Metadata = m.Metadata
		b, _ := json.Marshal(req.Metadata)
		size := len(b)
		for _, r := range string(b) { // Polar measures json.dumps, which escapes what is not ASCII
			if r > 127 {
				size += 5
			}
		}
		switch {
		case len(req.Metadata) > 10:
			c.fail(modelValueError([]any{"body", "metadata"}, "Metadata cannot have more than 10 keys", req.Metadata))
		case size > 1024:
			c.fail(modelValueError([]any{"body", "metadata"}, "Metadata size cannot exceed 1KB", req.Metadata))
		}
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	a := &seatAssign{
		subscriptionID: opt(req.SubscriptionID), orderID: opt(req.OrderID), checkoutID: opt(req.CheckoutID),
		email: opt(req.Email), externalCustomerID: opt(req.ExternalCustomerID), customerID: opt(req.CustomerID),
		externalMemberID: opt(req.ExternalMemberID), memberID: opt(req.MemberID),
		metadata: req.Metadata, immediateClaim: req.ImmediateClaim, input: rawInput(c.raw),
	}
	// The model's own checks, in Polar's order; the first that fails is
	// the answer.
	for _, p := range []*string{a.subscriptionID, a.orderID, a.checkoutID} {
		if p != nil {
			a.sources++
		}
	}
	if a.sources != 1 {
		return nil, validationError(modelValueError([]any{"body"}, "Exactly one of subscription_id, order_id, or checkout_id must be provided", a.input))
	}
	for _, p := range []*string{a.externalCustomerID, a.customerID} {
		if p != nil {
			a.legacyRecipients++
		}
	}
	for _, p := range []*string{a.externalMemberID, a.memberID} {
		if p != nil {
			a.memberRecipient++
		}
	}
	hasEmail := 0
	if a.email != nil {
		hasEmail = 1
	}
	var problem string
	switch {
	case a.legacyRecipients+a.memberRecipient+hasEmail == 0:
		problem = "At least one of email, external_customer_id, customer_id, external_member_id, or member_id must be provided"
	case a.legacyRecipients > 0 && a.memberRecipient > 0:
		problem = "Cannot combine external_customer_id/customer_id with external_member_id/member_id"
	case a.memberRecipient > 1:
		problem = "Cannot provide both external_member_id and member_id"
	case a.legacyRecipients > 0 && a.legacyRecipients+hasEmail != 1:
		problem = "Exactly one of email, external_customer_id, or customer_id must be provided"
	case a.memberID != nil && a.email != nil:
		problem = "Cannot combine member_id with email"
	}
	if problem != "" {
		return nil, validationError(modelValueError([]any{"body"}, problem, a.input))
	}
	return a, nil
}

// modelValueError is the item pydantic reports for a ValueError raised by
// a validator of the model: Polar's rule, in msg.
func modelValueError(loc []any, msg string, input any) validationDetail {
	d := ruleProblem("Value error, "+msg, input, loc...)
	d.Ctx = map[string]any{"error": map[string]any{}}
	return d
}

// seatContainerOf resolves the subscription, order or checkout a seat is
// assigned from.
func (c *call) seatContainerOf(a *seatAssign) (seatContainer, error) {
	switch {
	case a.subscriptionID != nil:
		return c.st.seatSubscription(c.who, *a.subscriptionID)
	case a.orderID != nil:
		return c.st.seatOrder(c.who, *a.orderID)
	}
	// A checkout: the subscription it made, else the earliest order.
	cid := c.who.customerID()
	for _, s := range c.st.subscriptions.all() {
		if s.CustomerID == cid && s.CheckoutID != nil && *s.CheckoutID == *a.checkoutID {
			return seatContainer{sub: s}, nil
		}
	}
	var first *orderState
	for _, o := range c.st.orders.all() {
		if o.CustomerID == cid && o.CheckoutID != nil && *o.CheckoutID == *a.checkoutID && (first == nil || o.CreatedAt.Before(first.CreatedAt)) {
			first = o
		}
	}
	if first == nil {
		return seatContainer{}, domainError(http.StatusNotFound, "ResourceNotFound", "No subscription or order found for this checkout")
	}
	return seatContainer{order: first}, nil
}

// seatTarget is who a seat is assigned to. Nothing is stored until the
// assignment passes every check: commit makes the new customer or member
// and links an external member ID.
type seatTarget struct {
	customerID *string // the seat's customer_id
	email      *string // the seat's email
	member     *polar.Member
	newMember  bool   // member is to be added
	linkExtID  string // an external ID to give member
	customer   *CustomerRecord
	newCust    bool // customer is to be created
}

func (t *seatTarget) commit(st *store) {
	if t.newCust {
		st.customers.put(t.customer.ID, t.customer)
	}
	if t.member == nil {
		return
	}
	if t.newMember {
		st.members.put(t.member.ID, t.member)
	}
	if t.linkExtID != "" {
		t.member.ExternalID = new(t.linkExtID)
	}
}

// orgCustomer finds a customer of the organization by ID or external ID.
func (st *store) orgCustomer(orgID string, id, externalID *string) *CustomerRecord {
	for _, cu := range st.customers.all() {
		if cu.OrganizationID != orgID {
			continue
		}
		if id != nil && cu.ID == *id || externalID != nil && cu.ExternalID != nil && *cu.ExternalID == *externalID {
			return cu
		}
	}
	return nil
}

// memberFor finds the member of the billing customer with that email
// address, or prepares a new one (role member).
func (c *call) memberFor(billingID, email string) (*polar.Member, bool) {
	if m := c.st.memberByEmail(billingID, email); m != nil {
		return m, false
	}
	return &polar.Member{ID: c.st.newID("member"), CreatedAt: c.now, CustomerID: billingID, Email: email, Role: polar.MemberRoleMember}, true
}

// seatHolderEmailTaken reports whether a seat of k that is not revoked
// has that email address.
func (st *store) seatHolderEmailTaken(k seatContainer, email string) bool {
	for _, s := range st.containerSeats(k) {
		if s.Status != polar.SeatStatusRevoked && s.Email != nil && strings.EqualFold(*s.Email, email) {
			return true
		}
	}
	return false
}

// memberModelTarget resolves the holder of a seat among the members of
// the purchasing customer.
func (c *call) memberModelTarget(k seatContainer, a *seatAssign, orgID string) (*seatTarget, error) {
	billingID := k.customerID()
	email := a.email
	if a.customerID != nil || a.externalCustomerID != nil {
		cu := c.st.orgCustomer(orgID, a.customerID, a.externalCustomerID)
		if cu == nil {
			return nil, domainError(http.StatusBadRequest, "InvalidSeatAssignmentRequest", "Customer not found for the provided customer_id or external_customer_id.")
		}
		if email == nil {
			email = cu.Email
		}
	}
	t := &seatTarget{customerID: new(billingID)}
	switch {
	case a.memberID != nil:
		m, ok := c.st.members.get(*a.memberID)
		if !ok || m.CustomerID != billingID {
			return nil, domainError(http.StatusNotFound, "MemberNotFound", "Member not found: "+*a.memberID)
		}
		t.member = m
	case a.externalMemberID != nil:
		ext := *a.externalMemberID
		for _, m := range c.st.customerMembers(billingID) {
			if m.ExternalID != nil && *m.ExternalID == ext {
				t.member = m
				break
			}
		}
		mismatch := func() error {
			return domainError(http.StatusBadRequest, "MemberEmailMismatch",
				fmt.Sprintf("Member with external_member_id '%s' exists but has a different email than '%s'", ext, *email))
		}
		switch {
		case t.member != nil:
			if email != nil && !strings.EqualFold(t.member.Email, *email) {
				return nil, mismatch()
			}
		case email == nil:
			return nil, domainError(http.StatusNotFound, "MemberNotFound", "Member not found: "+ext)
		default:
			t.member, t.newMember = c.memberFor(billingID, *email)
			switch {
			case t.member.ExternalID == nil:
				t.linkExtID = ext
			case *t.member.ExternalID != ext:
				return nil, mismatch()
			}
		}
	case email != nil:
		t.member, t.newMember = c.memberFor(billingID, strings.TrimSpace(*email))
	default:
		return nil, domainError(http.StatusBadRequest, "InvalidSeatAssignmentRequest",
			"At least one of email, external_member_id, or member_id must be provided when member_model_enabled is true.")
	}
	if c.st.seatHolderEmailTaken(k, t.member.Email) {
		return nil, domainError(http.StatusBadRequest, "SeatAlreadyAssigned", "Seat already assigned to customer "+t.member.Email)
	}
	t.email = new(t.member.Email)
	return t, nil
}

// legacyTarget resolves the holder of a seat among the customers of the
// organization, creating one for a new email address.
func (c *call) legacyTarget(k seatContainer, a *seatAssign, orgID string) (*seatTarget, error) {
	t := &seatTarget{}
	if a.email != nil {
		for _, cu := range c.st.customers.all() {
			if cu.OrganizationID == orgID && cu.Email != nil && strings.EqualFold(*cu.Email, *a.email) {
				t.customer = cu
				break
			}
		}
		if t.customer == nil {
			cu := CustomerRecord{
				CustomerPortalCustomer: polar.CustomerPortalCustomer{
					CreatedAt: c.now, ID: c.st.newID("customer"), Email: new(*a.email),
					OAuthAccounts: map[string]polar.CustomerPortalOAuthAccount{}, Type: new(polar.CustomerTypeIndividual),
				},
				OrganizationID: orgID, Metadata: map[string]any{},
			}
			t.customer, t.newCust = &cu, true
		}
	} else {
		t.customer = c.st.orgCustomer(orgID, a.customerID, a.externalCustomerID)
		if t.customer == nil {
			return nil, domainError(http.StatusNotFound, "CustomerNotFound", "Customer not found: "+deref(a.externalCustomerID)+deref(a.customerID))
		}
	}
	for _, s := range c.st.containerSeats(k) {
		if s.Status != polar.SeatStatusRevoked && s.CustomerID != nil && *s.CustomerID == t.customer.ID {
			id := deref(a.email) + deref(a.externalCustomerID) + deref(a.customerID)
			return nil, domainError(http.StatusBadRequest, "SeatAlreadyAssigned", "Seat already assigned to customer "+id)
		}
	}
	t.customerID, t.email = new(t.customer.ID), t.customer.Email
	if t.customer.Email != nil {
		t.member, t.newMember = c.memberFor(k.customerID(), *t.customer.Email)
	}
	return t, nil
}

func seatsAssign(c *call) error {
	a, err := readSeatAssign(c)
	if err != nil {
		return err
	}
	k, err := c.seatContainerOf(a)
	if err != nil {
		return err
	}
	if !k.hasProduct() {
		return domainError(http.StatusBadRequest, "SeatNotAvailable", "Container has no associated product")
	}
	if err := c.st.checkSeatPricing(c.who); err != nil {
		return err
	}
	if k.order != nil && k.order.Status == polar.OrderStatusPending {
		return domainError(http.StatusBadRequest, "SeatNotAvailable", "Order must be paid before assigning seats")
	}
	if c.st.availableSeats(k) <= 0 {
		return domainError(http.StatusBadRequest, "SeatNotAvailable", "No available seats for "+k.id())
	}
	orgID := c.who.customer.OrganizationID
	org, _ := c.st.orgs.get(orgID)
	memberModel := org != nil && org.OrganizationFeatures != nil && deref(org.OrganizationFeatures.MemberModelEnabled)
	var t *seatTarget
	if memberModel || a.externalMemberID != nil || a.memberID != nil {
		t, err = c.memberModelTarget(k, a, orgID)
	} else {
		t, err = c.legacyTarget(k, a, orgID)
	}
	if err != nil {
		return err
	}
	t.commit(c.st)

	var seat *polar.CustomerSeat
	for _, s := range c.st.containerSeats(k) {
		if s.Status == polar.SeatStatusRevoked {
			seat = s // reused, as Polar does
			seat.ModifiedAt = touch(c.now)
			break
		}
	}
	if seat == nil {
		seat = &polar.CustomerSeat{ID: c.st.newID("seat"), CreatedAt: c.now}
		if k.sub != nil {
			seat.SubscriptionID = new(k.sub.ID)
		} else {
			seat.OrderID = new(k.order.ID)
		}
		c.st.seats.put(seat.ID, seat)
	}
	seat.CustomerID, seat.Email, seat.CustomerEmail, seat.RevokedAt = t.customerID, t.email, nil, nil
	seat.MemberID, seat.Member = nil, nil
	if t.member != nil {
		seat.MemberID, seat.Member = new(t.member.ID), new(*t.member)
	}
	seat.SeatMetadata = a.metadata
	if seat.SeatMetadata == nil {
		seat.SeatMetadata = map[string]any{}
	}
	if a.immediateClaim {
		seat.Status, seat.ClaimedAt, seat.InvitationTokenExpiresAt = polar.SeatStatusClaimed, new(c.now), nil
	} else {
		seat.Status, seat.ClaimedAt, seat.InvitationTokenExpiresAt = polar.SeatStatusPending, nil, new(c.now.Add(SeatInvitationTTL))
	}
	return c.ok(c.st.seatView(seat))
}

// seatByPath returns the caller's seat named by the path.
func (c *call) seatByPath() (*polar.CustomerSeat, error) {
	id, err := c.pathUUID("seat_id", false)
	if err != nil {
		return nil, err
	}
	return c.st.seat(c.who, id)
}

func seatsRevoke(c *call) error {
	s, err := c.seatByPath()
	if err != nil {
		return err
	}
	if s.Status == polar.SeatStatusRevoked {
		return c.ok(c.st.seatView(s))
	}
	if err := c.st.checkSeatPricing(c.who); err != nil {
		return err
	}
	revokeSeat(s, c.now)
	return c.ok(c.st.seatView(s))
}

func seatsResend(c *call) error {
	s, err := c.seatByPath()
	if err != nil {
		return err
	}
	if err := c.st.checkSeatPricing(c.who); err != nil {
		return err
	}
	if s.Status != polar.SeatStatusPending {
		return domainError(http.StatusBadRequest, "SeatNotPending", "Seat is not in pending status")
	}
	if v := c.st.seatView(s); v.CustomerEmail == nil {
		return domainError(http.StatusBadRequest, "InvalidInvitationToken", "Invalid or expired invitation token")
	}
	// Polar sends the invitation email again; nothing the API shows
	// changes.
	return c.ok(c.st.seatView(s))
}

func seatsListClaimed(c *call) error {
	var o polar.ListOptions
	c.bindQuery(&o)
	if err := c.err(); err != nil {
		return err
	}
	claimed := map[string]bool{}
	for _, s := range c.st.seats.all() {
		if s.Status != polar.SeatStatusClaimed || s.SubscriptionID == nil {
			continue
		}
		if c.who.member != nil && s.MemberID != nil && *s.MemberID == c.who.member.ID ||
			c.who.member == nil && s.CustomerID != nil && *s.CustomerID == c.who.customerID() {
			claimed[*s.SubscriptionID] = true
		}
	}
	subs := c.st.subscriptions.where(func(s *polar.CustomerSubscription) bool { return claimed[s.ID] })
	return c.ok(paginateMap(subs, pageOf(o), deref))
}
