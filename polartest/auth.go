package polartest

import (
	"net/http"
	"slices"
	"strings"
	"time"

	polar "github.com/polarportal/polar-go"
)

// Scopes a token can carry.
const (
	// ScopeCustomerPortalRead allows the read operations of the portal.
	ScopeCustomerPortalRead = "customer_portal:read"
	// ScopeCustomerPortalWrite allows every operation of the portal, the
	// read ones included.
	ScopeCustomerPortalWrite = "customer_portal:write"
	// ScopeCustomerSessionsWrite allows an organization token to create
	// customer sessions.
	ScopeCustomerSessionsWrite = "customer_sessions:write"
)

// TokenKind tells the kinds of bearer tokens apart.
type TokenKind int

// Kinds of tokens.
const (
	// TokenKindCustomerSession is the token of a customer session (polar_cst_...):
	// the customer's own view of the portal.
	TokenKindCustomerSession TokenKind = iota + 1
	// TokenKindMemberSession is the token of a member session (polar_mst_...): a
	// member of a customer, with the member's role.
	TokenKindMemberSession
	// TokenKindOrganization is an organization access token (polar_oat_...):
	// it creates customer sessions, and is refused (401) by the portal
	// operations.
	TokenKindOrganization
)

// Token is a bearer token the server accepts.
type Token struct {
	// Token is the bearer token itself.
	Token string
	// Kind is the kind of token.
	Kind TokenKind
	// CustomerID is the customer of a session.
	CustomerID string
	// MemberID is the member of a member session.
	MemberID string
	// OrganizationID is the organization of an organization token.
	OrganizationID string
	// Scopes are the token's scopes; nil means the defaults:
	// customer_portal:read and customer_portal:write for sessions,
	// customer_sessions:write for organization tokens.
	Scopes []string
	// ExpiresAt is when the token stops working. Zero means
	// NeverExpires.
	ExpiresAt time.Time
	// ReturnURL is the return URL of a session, if any.
	ReturnURL *string
}

// NeverExpires is the expiry of seeded tokens that set none.
var NeverExpires = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)

func (t *Token) hasScope(scope string) bool { return slices.Contains(t.Scopes, scope) }

// principal is who a request authenticates as, read from the store when
// the request arrives.
type principal struct {
	token    *Token
	customer *CustomerRecord // sessions
	member   *polar.Member   // member sessions
}

// customerID returns the ID of the customer whose data the caller sees.
func (p *principal) customerID() string { return p.customer.ID }

// isTeam reports whether the caller's customer is a team.
func (p *principal) isTeam() bool { return p.customer.isTeam() }

// canBill reports whether the caller may use the billing operations: a
// customer session, or the owner or a billing manager of a customer.
func (p *principal) canBill() bool {
	return p.member == nil || p.member.Role == polar.MemberRoleOwner || p.member.Role == polar.MemberRoleBillingManager
}

// authenticate reads the bearer token of r: nil without one, an
// invalid_token error for a token that is malformed, unknown or expired.
func (s *Server) authenticate(r *http.Request) (*principal, error) {
	hdr := r.Header.Get("Authorization")
	if hdr == "" {
		return nil, nil
	}
	scheme, tok, ok := strings.Cut(hdr, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return nil, errInvalidToken()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.store.tokens[strings.TrimSpace(tok)]
	if !ok || !s.now().Before(t.ExpiresAt) {
		return nil, errInvalidToken()
	}
	p := &principal{token: t}
	if t.Kind == TokenKindOrganization {
		return p, nil
	}
	if p.customer, ok = s.store.customers.get(t.CustomerID); !ok {
		return nil, errInvalidToken()
	}
	if t.Kind == TokenKindMemberSession {
		if p.member, ok = s.store.members.get(t.MemberID); !ok {
			return nil, errInvalidToken()
		}
	}
	return p, nil
}

// access is who may call an operation.
type access struct {
	kind    accessKind
	scope   string // scope required besides the kind; write implies read
	billing bool   // members need the owner or billing manager role
}

type accessKind uint8

const (
	accessPublic    accessKind = iota // no token needed
	accessPortal                      // a customer or member session
	accessTeamAdmin                   // a member session of a team's owner or billing manager
	accessOrg                         // an organization token
)

// The access rules of the route table.
var (
	// public operations need no token.
	public = access{kind: accessPublic}
	// portalRead operations need a session with customer_portal:read or
	// customer_portal:write.
	portalRead = access{kind: accessPortal, scope: ScopeCustomerPortalRead}
	// portalWrite operations need a session with customer_portal:write.
	portalWrite = access{kind: accessPortal, scope: ScopeCustomerPortalWrite}
	// billingRead and billingWrite are portalRead and portalWrite that a
	// member needs the owner or billing-manager role for (403 otherwise).
	billingRead  = access{kind: accessPortal, scope: ScopeCustomerPortalRead, billing: true}
	billingWrite = access{kind: accessPortal, scope: ScopeCustomerPortalWrite, billing: true}
	// teamAdmin operations (members) need a member session: a customer
	// session gets 401; a member who is neither owner nor billing manager,
	// or a member of a customer that is not a team, 403.
	teamAdmin = access{kind: accessTeamAdmin, scope: ScopeCustomerPortalWrite}
	// organization operations need an organization token with
	// customer_sessions:write.
	organization = access{kind: accessOrg, scope: ScopeCustomerSessionsWrite}
)

// check tells whether who may call the operation: nil, or the error to
// answer.
func (a access) check(who *principal) error {
	switch a.kind {
	case accessPublic:
		return nil
	case accessOrg:
		if who == nil || who.token.Kind != TokenKindOrganization {
			return errUnauthorized()
		}
		if !who.token.hasScope(a.scope) {
			return errInsufficientScope(a.scope)
		}
		return nil
	}
	if who == nil || who.token.Kind == TokenKindOrganization {
		return errUnauthorized()
	}
	if a.kind == accessTeamAdmin && who.token.Kind != TokenKindMemberSession {
		return errUnauthorized()
	}
	t := who.token
	if !t.hasScope(ScopeCustomerPortalWrite) && (a.scope != ScopeCustomerPortalRead || !t.hasScope(ScopeCustomerPortalRead)) {
		return errInsufficientScope(a.scope)
	}
	// Polar checks the member's role first, then that the customer is a
	// team, each with its own text.
	if a.kind == accessTeamAdmin && who.member.Role == polar.MemberRoleMember {
		return notPermitted(insufficientRole)
	}
	if a.kind == accessTeamAdmin && !who.isTeam() {
		return notPermitted(notATeam)
	}
	if a.billing && !who.canBill() {
		return notPermitted(notBillingRole)
	}
	return nil
}
