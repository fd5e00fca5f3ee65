package polartest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	polar "github.com/polarportal/polar-go"
)

// The store holds the server's state as the SDK's own model types, so
// that an answer is json.Marshal of a stored value and decodes exactly
// into the type the SDK expects. Each service file adds the store methods
// it needs (st.order(who, id) in orders.go, ...); the tables and Fixture
// live here.

// seedRow puts v in t under id when add, which checks the id and reports
// a duplicate, lets it.
func seedRow[T any](t *table[T], kind, id string, v T, add func(kind, id string, exists bool) bool) {
	_, dup := t.get(id)
	if add(kind, id, dup) {
		t.put(id, v)
	}
}

// table is a set of rows by ID that remembers the order rows were added
// in, so that lists and their pages are deterministic.
type table[T any] struct {
	ids  []string
	rows map[string]T
}

func newTable[T any]() *table[T] { return &table[T]{rows: map[string]T{}} }

// get returns the row with that ID.
func (t *table[T]) get(id string) (T, bool) { v, ok := t.rows[id]; return v, ok }

// put adds or replaces a row.
func (t *table[T]) put(id string, v T) {
	if _, ok := t.rows[id]; !ok {
		t.ids = append(t.ids, id)
	}
	t.rows[id] = v
}

// del removes a row.
func (t *table[T]) del(id string) {
	if _, ok := t.rows[id]; ok {
		delete(t.rows, id)
		t.ids = slices.DeleteFunc(t.ids, func(s string) bool { return s == id })
	}
}

// all returns the rows in the order they were added.
func (t *table[T]) all() []T {
	out := make([]T, 0, len(t.ids))
	for _, id := range t.ids {
		out = append(out, t.rows[id])
	}
	return out
}

// where returns the rows for which keep is true, in the order they were
// added.
func (t *table[T]) where(keep func(T) bool) []T {
	var out []T
	for _, id := range t.ids {
		if v := t.rows[id]; keep(v) {
			out = append(out, v)
		}
	}
	return out
}

func (t *table[T]) clone() *table[T] {
	return &table[T]{ids: slices.Clone(t.ids), rows: maps.Clone(t.rows)}
}

// owned returns the row with that ID if owner says it belongs to
// customerID, and ResourceNotFound otherwise: a customer never learns
// that another customer's object exists.
func owned[T any](t *table[T], id, customerID string, owner func(T) string) (T, error) {
	v, ok := t.get(id)
	if !ok || owner(v) != customerID {
		var zero T
		return zero, notFound()
	}
	return v, nil
}

// CustomerRecord is a customer as the server stores it: what the portal shows
// of them (polar.CustomerPortalCustomer) and what it does not.
type CustomerRecord struct {
	polar.CustomerPortalCustomer
	// OrganizationID is the organization the customer belongs to.
	OrganizationID string
	// ExternalID is the customer's ID in the organization's own system,
	// for customer-sessions:create by external_customer_id.
	ExternalID *string
	// Metadata is the organization's data about the customer.
	Metadata map[string]any
	// AvatarURL is the customer's avatar, if any.
	AvatarURL *string
}

func (c *CustomerRecord) isTeam() bool { return c.Type != nil && *c.Type == polar.CustomerTypeTeam }

// DownloadableRecord is a file a customer may download.
type DownloadableRecord struct {
	polar.Downloadable
	// CustomerID is the customer the file is granted to.
	CustomerID string
	// MemberID is the member the file is granted to, if any.
	MemberID string
}

// orderState is an order with what the fake tracks about it.
type orderState struct {
	polar.CustomerOrder
	receiptPolls int    // 202 answers served for its receipt
	retries      int    // manual payment retries
	payment      string // status of its latest payment, see newOrderState
	paymentError *string
	inProgress   bool // a retry awaits the customer's action
	// invoiceReadyAt is when its queued invoice is generated; zero when
	// none is queued.
	invoiceReadyAt time.Time
}

// store is the server's state. Every field is guarded by Server.mu.
type store struct {
	orgs           *table[*polar.CustomerOrganization]
	products       *table[*polar.CustomerProduct]
	customers      *table[*CustomerRecord]
	members        *table[*polar.Member]
	tokens         map[string]*Token
	orders         *table[*orderState]
	subscriptions  *table[*polar.CustomerSubscription]
	grants         *table[polar.CustomerBenefitGrant]
	licenseKeys    *table[*polar.LicenseKeyWithActivations]
	conditions     map[string]map[string]any // of license key activations, by activation ID
	meters         *table[*polar.CustomerMeter]
	wallets        *table[*polar.CustomerWallet]
	paymentMethods *table[polar.CustomerPaymentMethod]
	seats          *table[*polar.CustomerSeat]
	downloadables  *table[*DownloadableRecord]
	seq            int // for IDs and tokens the server makes
	// customersExtra is what customers.go tracks beyond the tables:
	// payment-method setups and email changes.
	customersExtra *customersState
}

func newStore() *store {
	return &store{
		orgs:           newTable[*polar.CustomerOrganization](),
		products:       newTable[*polar.CustomerProduct](),
		customers:      newTable[*CustomerRecord](),
		members:        newTable[*polar.Member](),
		tokens:         map[string]*Token{},
		orders:         newTable[*orderState](),
		subscriptions:  newTable[*polar.CustomerSubscription](),
		grants:         newTable[polar.CustomerBenefitGrant](),
		licenseKeys:    newTable[*polar.LicenseKeyWithActivations](),
		conditions:     map[string]map[string]any{},
		meters:         newTable[*polar.CustomerMeter](),
		wallets:        newTable[*polar.CustomerWallet](),
		paymentMethods: newTable[polar.CustomerPaymentMethod](),
		seats:          newTable[*polar.CustomerSeat](),
		downloadables:  newTable[*DownloadableRecord](),
	}
}

// clone copies the tables (not the rows), so that a failed Seed leaves
// the store as it was.
func (st *store) clone() *store {
	return &store{
		orgs:           st.orgs.clone(),
		products:       st.products.clone(),
		customers:      st.customers.clone(),
		members:        st.members.clone(),
		tokens:         maps.Clone(st.tokens),
		orders:         st.orders.clone(),
		subscriptions:  st.subscriptions.clone(),
		grants:         st.grants.clone(),
		licenseKeys:    st.licenseKeys.clone(),
		conditions:     maps.Clone(st.conditions),
		meters:         st.meters.clone(),
		wallets:        st.wallets.clone(),
		paymentMethods: st.paymentMethods.clone(),
		seats:          st.seats.clone(),
		downloadables:  st.downloadables.clone(),
		seq:            st.seq,
		customersExtra: st.customersExtra,
	}
}

// newID returns a fresh version-4 UUID, the same on every run of a test
// that makes the same calls.
func (st *store) newID(kind string) string {
	st.seq++
	return UUID(fmt.Sprintf("polartest:%s:%d", kind, st.seq))
}

// UUID returns a version-4 UUID derived from name: the same name always
// gives the same UUID, and different names different ones. Fixtures use it
// to make IDs that are stable from one run to the next.
func UUID(name string) string {
	sum := sha256.Sum256([]byte(name))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// Fixture is data to seed a server with (WithFixture, Server.Seed), as
// the SDK's own model types. Objects refer to each other by ID: a
// customer to its organization, an order to its customer, and so on.
//
// Seeding completes what a fixture may leave out: an order's Product and
// a subscription's Product (with its organization) from ProductID, an
// order's Subscription from SubscriptionID, and the zero ExpiresAt and
// nil Scopes of a token (see Token). The server owns the values once
// seeded: do not change them afterwards.
type Fixture struct {
	// Organizations, with their portal settings; the organization page
	// lists their public products.
	Organizations []polar.CustomerOrganization
	// Products of the organizations (OrganizationID).
	Products []polar.CustomerProduct
	// Customers of the organizations, individuals and teams.
	Customers []CustomerRecord
	// Members of customers (CustomerID).
	Members []polar.Member
	// Tokens the server accepts.
	Tokens []Token
	// Orders of customers (CustomerID).
	Orders []polar.CustomerOrder
	// Subscriptions of customers (CustomerID).
	Subscriptions []polar.CustomerSubscription
	// BenefitGrants to customers (CustomerID), and to their members
	// (MemberID); the known variants only.
	BenefitGrants []polar.CustomerBenefitGrant
	// LicenseKeys of customers (CustomerID), with their activations.
	LicenseKeys []polar.LicenseKeyWithActivations
	// Meters of customers (CustomerID).
	Meters []polar.CustomerMeter
	// Wallets of customers (CustomerID).
	Wallets []polar.CustomerWallet
	// PaymentMethods of customers (CustomerID); the known variants only.
	PaymentMethods []polar.CustomerPaymentMethod
	// Seats of subscriptions and orders.
	Seats []polar.CustomerSeat
	// Downloadables granted to customers.
	Downloadables []DownloadableRecord
}

// seed adds f to st, checking IDs and references.
func (st *store) seed(f *Fixture) error {
	if f == nil {
		return errors.New("nil Fixture")
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	add := func(kind, id string, exists bool) bool {
		if id == "" {
			bad("%s without an ID", kind)
			return false
		}
		if exists {
			bad("%s %s added twice", kind, id)
			return false
		}
		return true
	}
	for _, o := range f.Organizations {
		seedRow(st.orgs, "organization", o.ID, &o, add)
	}
	for _, p := range f.Products {
		if _, ok := st.orgs.get(p.OrganizationID); !ok {
			bad("product %s: no organization %s", p.ID, p.OrganizationID)
		}
		seedRow(st.products, "product", p.ID, &p, add)
	}
	for _, c := range f.Customers {
		if _, ok := st.orgs.get(c.OrganizationID); !ok {
			bad("customer %s: no organization %s", c.ID, c.OrganizationID)
		}
		seedRow(st.customers, "customer", c.ID, &c, add)
	}
	customer := func(kind, id, customerID string) {
		if _, ok := st.customers.get(customerID); !ok {
			bad("%s %s: no customer %q", kind, id, customerID)
		}
	}
	for _, m := range f.Members {
		customer("member", m.ID, m.CustomerID)
		seedRow(st.members, "member", m.ID, &m, add)
	}
	for _, t := range f.Tokens {
		_, dup := st.tokens[t.Token]
		if !add("token", t.Token, dup) {
			continue
		}
		switch t.Kind {
		case TokenKindCustomerSession, TokenKindMemberSession:
			customer("token", t.Token, t.CustomerID)
			if t.Scopes == nil {
				t.Scopes = []string{ScopeCustomerPortalRead, ScopeCustomerPortalWrite}
			}
			if m, ok := st.members.get(t.MemberID); t.Kind == TokenKindMemberSession && (!ok || m.CustomerID != t.CustomerID) {
				bad("token %s: no member %q of customer %s", t.Token, t.MemberID, t.CustomerID)
			}
		case TokenKindOrganization:
			if _, ok := st.orgs.get(t.OrganizationID); !ok {
				bad("token %s: no organization %q", t.Token, t.OrganizationID)
			}
			if t.Scopes == nil {
				t.Scopes = []string{ScopeCustomerSessionsWrite}
			}
		default:
			bad("token %s: unknown kind %d", t.Token, t.Kind)
		}
		if t.ExpiresAt.IsZero() {
			t.ExpiresAt = NeverExpires
		}
		st.tokens[t.Token] = &t
	}
	for _, s := range f.Subscriptions {
		customer("subscription", s.ID, s.CustomerID)
		if s.Product.ID == "" {
			if p, ok := st.orderProduct(s.ProductID); ok {
				s.Product = polar.CustomerSubscriptionProduct(*p)
				if s.Prices == nil {
					s.Prices = p.Prices
				}
			} else {
				bad("subscription %s: no product %q", s.ID, s.ProductID)
			}
		}
		seedRow(st.subscriptions, "subscription", s.ID, &s, add)
	}
	for _, o := range f.Orders {
		customer("order", o.ID, o.CustomerID)
		if o.Product == nil && o.ProductID != nil {
			if p, ok := st.orderProduct(*o.ProductID); ok {
				o.Product = p
			} else {
				bad("order %s: no product %q", o.ID, *o.ProductID)
			}
		}
		if o.Subscription == nil && o.SubscriptionID != nil {
			if s, ok := st.subscriptions.get(*o.SubscriptionID); ok {
				o.Subscription = new(s.CustomerOrderSubscription)
			} else {
				bad("order %s: no subscription %q", o.ID, *o.SubscriptionID)
			}
		}
		seedRow(st.orders, "order", o.ID, newOrderState(o), add)
	}
	for _, g := range f.BenefitGrants {
		if g == nil || g.Common() == nil {
			bad("benefit grant of unknown type %T", g)
			continue
		}
		gc := g.Common()
		customer("benefit grant", gc.ID, gc.CustomerID)
		seedRow(st.grants, "benefit grant", gc.ID, g, add)
	}
	for _, k := range f.LicenseKeys {
		customer("license key", k.ID, k.CustomerID)
		seedRow(st.licenseKeys, "license key", k.ID, &k, add)
	}
	for _, m := range f.Meters {
		customer("meter", m.ID, m.CustomerID)
		seedRow(st.meters, "meter", m.ID, &m, add)
	}
	for _, w := range f.Wallets {
		customer("wallet", w.ID, w.CustomerID)
		seedRow(st.wallets, "wallet", w.ID, &w, add)
	}
	for _, pm := range f.PaymentMethods {
		if pm == nil || pm.Common() == nil {
			bad("payment method of unknown type %T", pm)
			continue
		}
		b := pm.Common()
		customer("payment method", b.ID, b.CustomerID)
		seedRow(st.paymentMethods, "payment method", b.ID, pm, add)
	}
	for _, s := range f.Seats {
		seedRow(st.seats, "seat", s.ID, &s, add)
	}
	for _, d := range f.Downloadables {
		customer("downloadable", d.ID, d.CustomerID)
		seedRow(st.downloadables, "downloadable", d.ID, &d, add)
	}
	return errors.Join(errs...)
}

// orderProduct returns a product with its organization, as orders and
// subscriptions carry it.
func (st *store) orderProduct(id string) (*polar.CustomerOrderProduct, bool) {
	p, ok := st.products.get(id)
	if !ok {
		return nil, false
	}
	org, ok := st.orgs.get(p.OrganizationID)
	if !ok {
		return nil, false
	}
	return &polar.CustomerOrderProduct{CustomerProduct: *p, Organization: *org}, true
}

// customerCommon returns the fields of a customer that the Customer union
// carries (a created session's customer, a license key's customer).
func (c *CustomerRecord) common() polar.CustomerCommon {
	return polar.CustomerCommon{
		ID:                     c.ID,
		CreatedAt:              c.CreatedAt,
		ModifiedAt:             c.ModifiedAt,
		Metadata:               orEmpty(c.Metadata),
		ExternalID:             c.ExternalID,
		EmailVerified:          c.EmailVerified,
		Name:                   c.Name,
		BillingName:            c.BillingName,
		BillingAddress:         c.BillingAddress,
		TaxID:                  c.TaxID,
		Locale:                 c.Locale,
		OrganizationID:         c.OrganizationID,
		DefaultPaymentMethodID: c.DefaultPaymentMethodID,
		AvatarURL:              c.AvatarURL,
	}
}

// union returns the customer as the Customer union of a created session.
func (c *CustomerRecord) union() polar.Customer {
	if c.isTeam() {
		return &polar.CustomerTeam{CustomerCommon: c.common(), Email: c.Email}
	}
	email := ""
	if c.Email != nil {
		email = *c.Email
	}
	return &polar.CustomerIndividual{CustomerCommon: c.common(), Email: email}
}

// portal returns the customer as the portal shows it.
func (c *CustomerRecord) portal() *polar.CustomerPortalCustomer {
	p := c.CustomerPortalCustomer
	if p.OAuthAccounts == nil {
		p.OAuthAccounts = map[string]polar.CustomerPortalOAuthAccount{}
	}
	return &p
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// touch returns a pointer to now, for ModifiedAt.
func touch(now time.Time) *time.Time { return &now }
