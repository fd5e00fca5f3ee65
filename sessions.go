package polar

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// SessionsService covers customer sessions: creating one for a customer
// (which needs an organization access token with the
// customer_sessions:write scope), and, with the customer or member session
// token it yields, reading what the session is and who it signs in.
//
// A backend mints a session with its organization token and serves the
// customer with the session's token, on the same connection pool:
//
//	admin := base.WithToken(orgToken)
//	s, err := admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: id})
//	...
//	portal := base.ForSession(s) // counted as the customer, as Polar counts
//
// NewSessions does this for every customer of a backend: it mints each
// customer's session once, shares the mint between concurrent callers and
// renews the session before it expires or once Polar refuses it.
//
// To stub it in a test, embed SessionsService in a struct and implement only
// the methods the code under test calls (the others panic on the nil
// interface). A stub assigned to Client.Sessions stays in place in the
// clients that WithToken derives.
type SessionsService interface {
	// Create creates a session for a customer, by Polar ID
	// (*CustomerSessionCustomerIDCreate) or by the organization's own ID
	// for them (*CustomerSessionCustomerExternalIDCreate), optionally for
	// one of its members. It needs an organization access token; the
	// session's Token then authenticates the portal operations for an
	// hour. Organizations with the member model enabled get a member
	// session token back. An unknown customer or member fails with a
	// *ValidationError; an external ID that customers of several
	// organizations share with an error matching
	// ErrAmbiguousExternalCustomerID (409); a token without the
	// customer_sessions:write scope with one matching ErrInsufficientScope
	// (403).
	//
	// API: POST /v1/customer-sessions/
	Create(ctx context.Context, body CustomerSessionCreate) (*CustomerSession, error)
	// Introspect returns the expiry and return URL of the session whose
	// token the client holds.
	//
	// API: GET /v1/customer-portal/customer-session/introspect
	Introspect(ctx context.Context) (*IntrospectedSession, error)
	// AuthenticatedUser returns who the session signs in: the customer, or
	// a member of a team customer with their role. With the customer
	// session of a team customer, which signs in no one person, the server
	// answers 422: the error is a *ValidationError, or an *APIError with
	// StatusCode 422.
	//
	// API: GET /v1/customer-portal/customer-session/user
	AuthenticatedUser(ctx context.Context) (*PortalAuthenticatedUser, error)
}

type sessionsService service

var _ SessionsService = (*sessionsService)(nil)

const customerSessionPath = "/v1/customer-portal/customer-session/"

var (
	sessionsCreate = declare[none, CustomerSessionCreate, *CustomerSession](operation{
		id: OpSessionsCreate, method: http.MethodPost, path: "/v1/customer-sessions/"})
	sessionsIntrospect = declare[none, none, *IntrospectedSession](operation{
		id: OpSessionsIntrospect, method: http.MethodGet, path: customerSessionPath + "introspect"})
	sessionsAuthenticatedUser = declare[none, none, *PortalAuthenticatedUser](operation{
		id: OpSessionsAuthenticatedUser, method: http.MethodGet, path: customerSessionPath + "user"})
)

func (s *sessionsService) Create(ctx context.Context, body CustomerSessionCreate) (*CustomerSession, error) {
	return sessionsCreate.send(ctx, s.client, "", body)
}

func (s *sessionsService) Introspect(ctx context.Context) (*IntrospectedSession, error) {
	return sessionsIntrospect.call(ctx, s.client, "")
}

func (s *sessionsService) AuthenticatedUser(ctx context.Context) (*PortalAuthenticatedUser, error) {
	return sessionsAuthenticatedUser.call(ctx, s.client, "")
}

// CustomerSessionCreate is the body of Sessions.Create: a customer named by
// Polar ID (*CustomerSessionCustomerIDCreate) or by the organization's own
// ID (*CustomerSessionCustomerExternalIDCreate).
type CustomerSessionCreate interface {
	isCustomerSessionCreate()
}

// CustomerSessionCustomerIDCreate creates a session for the customer with
// Polar ID CustomerID.
type CustomerSessionCustomerIDCreate struct {
	// CustomerID is the ID of the customer.
	CustomerID string `json:"customer_id"`
	// MemberID is the ID of the member to create the session for. When
	// empty and the organization has the member model enabled, an
	// individual customer's owner member is used.
	MemberID string `json:"member_id,omitempty"`
	// ExternalMemberID is the organization's own ID of the member, instead
	// of MemberID.
	ExternalMemberID string `json:"external_member_id,omitempty"`
	// ReturnURL, when set, adds a back button to the portal that leads to
	// it.
	ReturnURL string `json:"return_url,omitempty"`
}

// CustomerSessionCustomerExternalIDCreate creates a session for the
// customer whose ID in the organization's own system is ExternalCustomerID.
type CustomerSessionCustomerExternalIDCreate struct {
	// ExternalCustomerID is the organization's own ID of the customer.
	ExternalCustomerID string `json:"external_customer_id"`
	// MemberID is the ID of the member to create the session for. When
	// empty and the organization has the member model enabled, an
	// individual customer's owner member is used.
	MemberID string `json:"member_id,omitempty"`
	// ExternalMemberID is the organization's own ID of the member, instead
	// of MemberID.
	ExternalMemberID string `json:"external_member_id,omitempty"`
	// ReturnURL, when set, adds a back button to the portal that leads to
	// it.
	ReturnURL string `json:"return_url,omitempty"`
}

func (CustomerSessionCustomerIDCreate) isCustomerSessionCreate()         {}
func (CustomerSessionCustomerExternalIDCreate) isCustomerSessionCreate() {}

// CustomerSession is a created customer session: its token authenticates
// the portal operations as the customer (or member) until ExpiresAt.
type CustomerSession struct {
	// CreatedAt is the creation time of the session.
	CreatedAt time.Time `json:"created_at"`
	// ModifiedAt is the time of the last modification, if any.
	ModifiedAt *time.Time `json:"modified_at"`
	// ID is the ID of the session.
	ID string `json:"id"`
	// Token is the session token, for Client.WithToken.
	Token string `json:"token"`
	// ExpiresAt is when the token stops working (an hour after creation).
	ExpiresAt time.Time `json:"expires_at"`
	// ReturnURL is the URL of the portal's back button, if any.
	ReturnURL *string `json:"return_url"`
	// CustomerPortalURL opens the customer portal signed in with this
	// session.
	CustomerPortalURL string `json:"customer_portal_url"`
	// CustomerID is the ID of the customer.
	CustomerID string `json:"customer_id"`
	// Customer is the customer: *CustomerIndividual, *CustomerTeam or
	// *CustomerUnknown.
	Customer Customer `json:"customer"`
}

// UnmarshalJSON decodes the session, its customer through the Customer
// union.
func (s *CustomerSession) UnmarshalJSON(b []byte) error {
	type plain CustomerSession
	aux := struct {
		*plain
		Customer json.RawMessage `json:"customer"`
	}{plain: (*plain)(s)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	return customerUnion.decodeField(aux.Customer, &s.Customer)
}

// IntrospectedSession is what Sessions.Introspect tells of the current
// session.
type IntrospectedSession struct {
	// ExpiresAt is when the session's token stops working.
	ExpiresAt time.Time `json:"expires_at"`
	// ReturnURL is the URL of the portal's back button, if any.
	ReturnURL *string `json:"return_url"`
}

// PortalAuthenticatedUser is the person a session signs in: a customer, or
// a member of a team customer.
type PortalAuthenticatedUser struct {
	// Type tells a customer from a member.
	Type PortalUserType `json:"type"`
	// Name is the user's name, if known.
	Name *string `json:"name"`
	// Email is the user's email address.
	Email string `json:"email"`
	// CustomerID is the ID of the customer (the team, for a member).
	CustomerID string `json:"customer_id"`
	// MemberID is the ID of the member; nil for a customer.
	MemberID *string `json:"member_id,omitempty"`
	// Role is the member's role; nil for a customer.
	Role *MemberRole `json:"role,omitempty"`
}

// PortalUserType is the kind of user a session signs in.
type PortalUserType string

// Values of PortalUserType.
const (
	PortalUserTypeCustomer PortalUserType = "customer"
	PortalUserTypeMember   PortalUserType = "member"
)
