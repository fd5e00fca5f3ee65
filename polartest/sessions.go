package polartest

import (
	"net/http"
	"net/url"
	"time"

	polar "github.com/polarportal/polar-go"
)

// Sessions: customer-sessions:create with an organization token, and what
// a session tells of itself.
//
// customer-sessions:create finds the customer by customer_id or
// external_customer_id within the token's organization, and optionally
// the member (member_id or external_member_id). When the organization has
// the member model enabled (organization_features.member_model_enabled),
// the answer is a member session: of the given member, or else of the
// customer's owner member; without an owner member, a customer session.
// Sessions last an hour on the server's clock.
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

func sessionsCreate(c *call) error {
	u, err := c.decodeUnion(sessionShapes)
	if err != nil {
		return err
	}
	orgID := c.who.token.OrganizationID
	var cust *Customer
	var memberIDField, extMemberIDField, returnURLField string
	switch u := u.(type) {
	case *polar.CustomerSessionCustomerIDCreate:
		c.checkUUID(&u.CustomerID, true, "body", "customer_id")
		if err := c.err(); err != nil {
			return err
		}
		cust, _ = c.st.customers.get(u.CustomerID)
		if cust == nil || cust.OrganizationID != orgID {
			c.fail(ruleProblem("Customer does not exist.", u.CustomerID, "body", "customer_id"))
		}
		memberIDField, extMemberIDField, returnURLField = u.MemberID, u.ExternalMemberID, u.ReturnURL
	case *polar.CustomerSessionCustomerExternalIDCreate:
		for _, cu := range c.st.customers.all() {
			if cu.OrganizationID == orgID && cu.ExternalID != nil && *cu.ExternalID == u.ExternalCustomerID {
				cust = cu
				break
			}
		}
		if cust == nil {
			c.fail(ruleProblem("Customer does not exist.", u.ExternalCustomerID, "body", "external_customer_id"))
		}
		memberIDField, extMemberIDField, returnURLField = u.MemberID, u.ExternalMemberID, u.ReturnURL
	}
	c.checkUUID(&memberIDField, true, "body", "member_id")
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	memberID, extMemberID, returnURL := opt(memberIDField), opt(extMemberIDField), opt(returnURLField)
	if returnURL != nil {
		if u, err := url.Parse(*returnURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			c.fail(problem("url_parsing", *returnURL, "body", "return_url"))
		}
	}
	if err := c.err(); err != nil {
		return err
	}

	var member *polar.Member
	if memberID != nil || extMemberID != nil {
		for _, m := range c.st.members.all() {
			if m.CustomerID == cust.ID && ((memberID != nil && m.ID == *memberID) || (extMemberID != nil && m.ExternalID != nil && *m.ExternalID == *extMemberID)) {
				member = m
				break
			}
		}
		if member == nil {
			loc, in := "member_id", any(memberID)
			if memberID == nil {
				loc, in = "external_member_id", *extMemberID
			}
			return invalid("Member does not exist.", in, "body", loc)
		}
	}
	org, _ := c.st.orgs.get(orgID)
	memberModel := org.OrganizationFeatures != nil && deref(org.OrganizationFeatures.MemberModelEnabled)
	if member == nil && memberModel {
		for _, m := range c.st.members.all() {
			if m.CustomerID == cust.ID && m.Role == polar.MemberRoleOwner {
				member = m
				break
			}
		}
	}
	kind, prefix := CustomerSession, "polar_cst_"
	if member != nil && (memberModel || memberID != nil || extMemberID != nil) {
		kind, prefix = MemberSession, "polar_mst_"
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
	if kind == MemberSession {
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
	return c.ok(&polar.CustomerCustomerSession{ExpiresAt: c.who.token.ExpiresAt, ReturnURL: c.who.token.ReturnURL})
}

func sessionsAuthenticatedUser(c *call) error {
	cust := c.who.customer
	if m := c.who.member; m != nil {
		return c.ok(&polar.PortalAuthenticatedUser{
			Type: polar.PortalUserTypeMember, Name: m.Name, Email: m.Email,
			CustomerID: cust.ID, MemberID: &m.ID, Role: &m.Role,
		})
	}
	if cust.isTeam() {
		return invalid("A team customer's session signs in no one person: use a member session.", nil, "header", "authorization")
	}
	return c.ok(&polar.PortalAuthenticatedUser{
		Type: polar.PortalUserTypeCustomer, Name: cust.Name, Email: deref(cust.Email), CustomerID: cust.ID,
	})
}
