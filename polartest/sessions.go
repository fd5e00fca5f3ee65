package polartest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	polar "github.com/polarportal/polar-go"
)

// Sessions: customer-sessions:create with an organization token, and what
// a session tells of itself.
//
// customer-sessions:create finds the customer by customer_id or
// external_customer_id (or its alias customer_external_id) within the
// token's organization. When the organization has the member model
// enabled (organization_features.member_model_enabled), the answer is a
// member session (polar_mst_...): of the member given by member_id or
// external_member_id, or else, for an individual customer, of their owner
// member, made from the customer's email address, name and external ID
// when they have none; a team customer needs a member. Without the member
// model, the answer is a customer session (polar_cst_...) and member_id
// and external_member_id are ignored. Unknown customers and members are
// Polar's 422 PolarRequestValidationError. Sessions last an hour on the
// server's clock.
var sessionsRoutes = routes{
	"customer-sessions:create":                                {organization, sessionsCreate},
	"customer_portal:customer-session:introspect":             {portalRead, sessionsIntrospect},
	"customer_portal:customer-session:get_authenticated_user": {portalRead, sessionsAuthenticatedUser},
}

// SessionDuration is how long a created session lasts.
const SessionDuration = time.Hour

// sessionShapes are the two shapes of a customer session's creation.
var sessionShapes = []unionShape{
	{"CustomerSessionCustomerIDCreate", func() any { return new(polar.CustomerSessionCustomerIDCreate) }, nil},
	{"CustomerSessionCustomerExternalIDCreate", func() any { return new(polar.CustomerSessionCustomerExternalIDCreate) }, nil},
}

// externalIDAlias renames customer_external_id, which Polar accepts for
// external_customer_id, in the request's body, unless the body has both.
func (c *call) externalIDAlias() error {
	raw, err := c.rawBody()
	if err != nil {
		return err
	}
	m, ok := jsonTree(raw).(map[string]any)
	if !ok {
		return nil
	}
	v, alias := m["customer_external_id"]
	if _, named := m["external_customer_id"]; !alias || named {
		return nil
	}
	delete(m, "customer_external_id")
	m["external_customer_id"] = v
	if c.raw, err = json.Marshal(m); err != nil {
		return err
	}
	return nil
}

func sessionsCreate(c *call) error {
	if err := c.externalIDAlias(); err != nil {
		return err
	}
	u, err := c.decodeUnion(sessionShapes)
	if err != nil {
		return err
	}
	var idField, idValue, memberIDField, extMemberIDField, returnURLField string
	switch u := u.(type) {
	case *polar.CustomerSessionCustomerIDCreate:
		c.checkUUID(&u.CustomerID, true, "body", "customer_id")
		idField, idValue = "customer_id", u.CustomerID
		memberIDField, extMemberIDField, returnURLField = u.MemberID, u.ExternalMemberID, u.ReturnURL
	case *polar.CustomerSessionCustomerExternalIDCreate:
		idField, idValue = "external_customer_id", u.ExternalCustomerID
		memberIDField, extMemberIDField, returnURLField = u.MemberID, u.ExternalMemberID, u.ReturnURL
	}
	c.checkUUID(&memberIDField, true, "body", "member_id")
	if returnURLField != "" {
		if u, err := url.Parse(returnURLField); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			c.fail(problem("url_parsing", returnURLField, "body", "return_url"))
		}
	}
	if err := c.err(); err != nil {
		return err
	}

	// The schema holds; now Polar's own checks.
	orgID := c.who.token.OrganizationID
	var cust *CustomerRecord
	for _, cu := range c.st.customers.all() {
		if cu.OrganizationID != orgID {
			continue
		}
		if (idField == "customer_id" && cu.ID == idValue) || (idField == "external_customer_id" && cu.ExternalID != nil && *cu.ExternalID == idValue) {
			cust = cu
			break
		}
	}
	if cust == nil {
		return invalid("Customer does not exist.", idValue, "body", idField)
	}
	org, _ := c.st.orgs.get(orgID)
	kind, prefix := TokenKindCustomerSession, "polar_cst_"
	var member *polar.Member
	if org.OrganizationFeatures != nil && deref(org.OrganizationFeatures.MemberModelEnabled) {
		if member, err = c.sessionMember(cust, memberIDField, extMemberIDField); err != nil {
			return err
		}
		kind, prefix = TokenKindMemberSession, "polar_mst_"
	}
	var returnURL *string
	if returnURLField != "" {
		returnURL = &returnURLField
	}
	id := c.st.newID("customer_session")
	t := &Token{
		Token:      prefix + sessionSecret(id),
		Kind:       kind,
		CustomerID: cust.ID,
		Scopes:     []string{ScopeCustomerPortalRead, ScopeCustomerPortalWrite},
		ExpiresAt:  c.now.Add(SessionDuration),
		ReturnURL:  returnURL,
	}
	if member != nil {
		t.MemberID = member.ID
	}
	c.st.tokens[t.Token] = t
	return c.reply(http.StatusCreated, &polar.CustomerSession{
		CreatedAt:         c.now,
		ID:                id,
		Token:             t.Token,
		ExpiresAt:         t.ExpiresAt,
		ReturnURL:         returnURL,
		CustomerPortalURL: "https://polar.sh/" + org.Slug + "/portal?customer_session_token=" + url.QueryEscape(t.Token) + "&id=" + cust.ID,
		CustomerID:        cust.ID,
		Customer:          cust.union(),
	})
}

// sessionMember returns the member a session of cust is for under the
// member model, as Polar resolves it: by member ID, else by external
// member ID, else (an individual customer) the owner member, made if the
// customer has none.
func (c *call) sessionMember(cust *CustomerRecord, memberID, extMemberID string) (*polar.Member, error) {
	members := c.st.customerMembers(cust.ID)
	switch {
	case memberID != "":
		if i := slices.IndexFunc(members, func(m *polar.Member) bool { return m.ID == memberID }); i >= 0 {
			return members[i], nil
		}
		return nil, invalid("Member does not exist for this customer.", memberID, "body", "member_id")
	case extMemberID != "":
		if i := slices.IndexFunc(members, func(m *polar.Member) bool { return m.ExternalID != nil && *m.ExternalID == extMemberID }); i >= 0 {
			return members[i], nil
		}
		return nil, invalid("Member does not exist for this customer.", extMemberID, "body", "external_member_id")
	case cust.isTeam():
		return nil, invalid("member_id is required for team customers.", nil, "body", "member_id")
	}
	if i := slices.IndexFunc(members, func(m *polar.Member) bool { return m.Role == polar.MemberRoleOwner }); i >= 0 {
		return members[i], nil
	}
	email := strings.TrimSpace(deref(cust.Email))
	if email == "" {
		return nil, invalid("An email is required to create an owner member.", nil, "body", "email")
	}
	owner := &polar.Member{
		ID: c.st.newID("member"), CreatedAt: cust.CreatedAt, CustomerID: cust.ID,
		Email: email, Name: cust.Name, ExternalID: cust.ExternalID, Role: polar.MemberRoleOwner,
	}
	c.st.members.put(owner.ID, owner)
	return owner, nil
}

// sessionSecret makes the secret part of a session token from its ID.
func sessionSecret(id string) string {
	u := UUID("session-token:" + id)
	out := make([]byte, 0, 32)
	for i := 0; i < len(u); i++ {
		if u[i] != '-' {
			out = append(out, u[i])
		}
	}
	return string(out)
}

func sessionsIntrospect(c *call) error {
	return c.ok(&polar.IntrospectedSession{ExpiresAt: c.who.token.ExpiresAt, ReturnURL: c.who.token.ReturnURL})
}

func sessionsAuthenticatedUser(c *call) error {
	cust := c.who.customer
	if m := c.who.member; m != nil {
		return c.ok(&polar.PortalAuthenticatedUser{
			Type: polar.PortalUserTypeMember, Name: m.Name, Email: m.Email,
			CustomerID: cust.ID, MemberID: &m.ID, Role: &m.Role,
		})
	}
	// Polar's condition is the missing email address, which a team's
	// customer may well have: the text speaks of teams all the same.
	if cust.Email == nil {
		return invalid("Team customers must use member sessions. Create a customer session via the API with a member_id.", nil, "body")
	}
	return c.ok(&polar.PortalAuthenticatedUser{
		Type: polar.PortalUserTypeCustomer, Name: cust.Name, Email: deref(cust.Email), CustomerID: cust.ID,
	})
}
