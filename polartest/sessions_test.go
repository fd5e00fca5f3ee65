package polartest_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

func TestSessionsCreate(t *testing.T) {
	clk := newClock()
	srv := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithClock(clk.Now))
	admin, tp := client(t, srv, polartest.DemoOrganizationToken)

	s, err := admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: polartest.DemoCustomerID, ReturnURL: "https://acme.example/back"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(tp.body()), `"type":"individual"`) {
		t.Errorf("the session's customer has no type: %s", tp.body())
	}
	// acme has the member model: Alice's session is her owner member's.
	if !strings.HasPrefix(s.Token, "polar_mst_") || !s.ExpiresAt.Equal(polartest.DemoTime.Add(time.Hour)) ||
		s.CustomerID != polartest.DemoCustomerID || !strings.Contains(s.CustomerPortalURL, "/acme/portal?customer_session_token="+s.Token) ||
		s.ReturnURL == nil || *s.ReturnURL != "https://acme.example/back" {
		t.Errorf("session: %+v", s)
	}
	cust, ok := s.Customer.(*polar.CustomerIndividual)
	if !ok || cust.Email != "alice@example.com" || cust.OrganizationID != polartest.DemoOrganizationID || *cust.ExternalID != polartest.DemoCustomerExternalID {
		t.Errorf("customer: %#v", s.Customer)
	}

	portal, _ := client(t, srv, s.Token)
	me, err := portal.Customers.Get(ctx)
	if err != nil || me.ID != polartest.DemoCustomerID {
		t.Fatalf("the new session's customer: %+v, %v", me, err)
	}
	in, err := portal.Sessions.Introspect(ctx)
	if err != nil || !in.ExpiresAt.Equal(s.ExpiresAt) || *in.ReturnURL != "https://acme.example/back" {
		t.Errorf("introspect: %+v, %v", in, err)
	}
	clk.Advance(time.Hour)
	_, err = portal.Customers.Get(ctx)
	wantAPIError(t, err, http.StatusUnauthorized, "invalid_token")

	// By external ID.
	s2, err := admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerExternalIDCreate{ExternalCustomerID: polartest.DemoCustomerExternalID})
	if err != nil || s2.CustomerID != polartest.DemoCustomerID || s2.Token == s.Token {
		t.Fatalf("by external ID: %+v, %v", s2, err)
	}

	// A team's session is one of its members'.
	s3, err := admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: polartest.DemoTeamID, MemberID: polartest.DemoOwnerMemberID})
	if err != nil || !strings.HasPrefix(s3.Token, "polar_mst_") {
		t.Fatalf("team session: %+v, %v", s3, err)
	}
	if _, ok := s3.Customer.(*polar.CustomerTeam); !ok {
		t.Errorf("team customer decoded as %T", s3.Customer)
	}
	team, _ := client(t, srv, s3.Token)
	u, err := team.Sessions.AuthenticatedUser(ctx)
	if err != nil || u.Type != polar.PortalUserTypeMember || *u.MemberID != polartest.DemoOwnerMemberID || *u.Role != polar.MemberRoleOwner {
		t.Errorf("team session's user: %+v, %v", u, err)
	}
	s4, err := admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: polartest.DemoTeamID, ExternalMemberID: "globex-olivia"})
	if err != nil || !strings.HasPrefix(s4.Token, "polar_mst_") {
		t.Errorf("by external member ID: %+v, %v", s4, err)
	}
}

// TestSessionsCreateMemberModel: Polar's customer session service, with
// the organization's member model on, answers a member session
// (polar_mst_): of the member asked for, or of an individual customer's
// owner member, which it creates from the customer when there is none; a
// team customer without member_id is 422 "member_id is required for team
// customers.". With the member model off it answers a customer session
// and ignores member_id.
func TestSessionsCreateMemberModel(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	admin, _ := client(t, srv, polartest.DemoOrganizationToken)

	// Bob has no owner member: he gets one, the same on the next session.
	var owner string
	for i := range 2 {
		s, err := admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: polartest.DemoOtherCustomerID})
		if err != nil || !strings.HasPrefix(s.Token, "polar_mst_") {
			t.Fatalf("Bob's session %d: %+v, %v", i+1, s, err)
		}
		bob, _ := client(t, srv, s.Token)
		u, err := bob.Sessions.AuthenticatedUser(ctx)
		if err != nil || u.Type != polar.PortalUserTypeMember || u.MemberID == nil || *u.Role != polar.MemberRoleOwner ||
			u.Email != "bob@example.com" || u.Name == nil || *u.Name != "Bob Stone" || u.CustomerID != polartest.DemoOtherCustomerID {
			t.Fatalf("Bob's session %d signs in %+v, %v", i+1, u, err)
		}
		if i == 1 && *u.MemberID != owner {
			t.Errorf("a second owner member %s, want %s", *u.MemberID, owner)
		}
		owner = *u.MemberID
		// The owner may bill.
		if _, err := bob.Orders.List(ctx, nil); err != nil {
			t.Errorf("the owner's orders: %v", err)
		}
	}

	// A team needs a member.
	_, err := admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: polartest.DemoTeamID})
	wantRule(t, err, "body.member_id", "value_error", "member_id is required for team customers.")
	s, err := admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: polartest.DemoTeamID, MemberID: polartest.DemoPlainMemberID})
	if err != nil || !strings.HasPrefix(s.Token, "polar_mst_") {
		t.Fatalf("Mia's session: %+v, %v", s, err)
	}
	mia, _ := client(t, srv, s.Token)
	if u, err := mia.Sessions.AuthenticatedUser(ctx); err != nil || *u.MemberID != polartest.DemoPlainMemberID {
		t.Errorf("Mia's session signs in %+v, %v", u, err)
	}

	// Unknown members and customers: Polar's name and text.
	_, err = admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: polartest.DemoTeamID, MemberID: polartest.UUID("nobody")})
	wantRule(t, err, "body.member_id", "value_error", "Member does not exist for this customer.")
	// Another customer's member is no member of this one.
	_, err = admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: polartest.DemoCustomerID, MemberID: polartest.DemoOwnerMemberID})
	wantRule(t, err, "body.member_id", "value_error", "Member does not exist for this customer.")
	_, err = admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerExternalIDCreate{ExternalCustomerID: polartest.DemoCustomerExternalID, ExternalMemberID: "nobody"})
	wantRule(t, err, "body.external_member_id", "value_error", "Member does not exist for this customer.")
	_, err = admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: polartest.UUID("nobody")})
	wantRule(t, err, "body.customer_id", "value_error", "Customer does not exist.")
	_, err = admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerExternalIDCreate{ExternalCustomerID: "nope"})
	wantRule(t, err, "body.external_customer_id", "value_error", "Customer does not exist.")

	// umbrella has no member model: member_id is ignored, even unknown.
	other, _ := client(t, srv, polartest.DemoOtherOrganizationToken)
	s, err = other.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: polartest.DemoOtherOrganizationCustomerID, MemberID: polartest.UUID("nobody")})
	if err != nil || !strings.HasPrefix(s.Token, "polar_cst_") {
		t.Fatalf("umbrella with a member_id: %+v, %v", s, err)
	}
	carol, _ := client(t, srv, s.Token)
	if u, err := carol.Sessions.AuthenticatedUser(ctx); err != nil || u.Type != polar.PortalUserTypeCustomer || u.MemberID != nil {
		t.Errorf("Carol's session signs in %+v, %v", u, err)
	}
}

// TestSessionsCreateExternalIDAlias: Polar's schema accepts
// customer_external_id for external_customer_id (AliasChoices).
func TestSessionsCreateExternalIDAlias(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	status, _, b := raw(t, srv, http.MethodPost, "/v1/customer-sessions/", polartest.DemoOrganizationToken,
		stringsReader(`{"customer_external_id": "`+polartest.DemoCustomerExternalID+`"}`), "Content-Type", "application/json")
	if s := strict[polar.CustomerSession](t, b); status != http.StatusCreated || s.CustomerID != polartest.DemoCustomerID {
		t.Fatalf("by the alias: %d %s", status, b)
	}
	status, _, b = raw(t, srv, http.MethodPost, "/v1/customer-sessions/", polartest.DemoOrganizationToken,
		stringsReader(`{"customer_external_id": "nope"}`), "Content-Type", "application/json")
	if e := decodeError(t, b); status != http.StatusUnprocessableEntity || e.Error != "PolarRequestValidationError" {
		t.Errorf("an unknown ID by the alias: %d %s", status, b)
	}
}

func TestSessionsCreateErrors(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	admin, _ := client(t, srv, polartest.DemoOrganizationToken)

	_, err := admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: polartest.UUID("nobody")})
	wantValidation(t, err, "body.customer_id", "value_error")
	// A customer of another organization does not exist for this token.
	_, err = admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: polartest.DemoOtherOrganizationCustomerID})
	wantValidation(t, err, "body.customer_id", "value_error")
	_, err = admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerExternalIDCreate{ExternalCustomerID: "nope"})
	wantValidation(t, err, "body.external_customer_id", "value_error")
	_, err = admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: "123"})
	wantValidation(t, err, "body.customer_id", "uuid_parsing")
	_, err = admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: polartest.DemoTeamID, MemberID: polartest.UUID("nobody")})
	wantValidation(t, err, "body.member_id", "value_error")
	_, err = admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: polartest.DemoCustomerID, ReturnURL: "not a url"})
	wantValidation(t, err, "body.return_url", "url_parsing")

	status, _, b := raw(t, srv, http.MethodPost, "/v1/customer-sessions/", polartest.DemoOrganizationToken, stringsReader(`{}`))
	if status != http.StatusUnprocessableEntity ||
		!contains(b, `["body","CustomerSessionCustomerIDCreate","customer_id"]`) ||
		!contains(b, `["body","CustomerSessionCustomerExternalIDCreate","external_customer_id"]`) {
		t.Errorf("neither ID: %d %s", status, b)
	}

	other, _ := client(t, srv, polartest.DemoOtherOrganizationToken)
	s, err := other.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: polartest.DemoOtherOrganizationCustomerID})
	if err != nil || !strings.HasPrefix(s.Token, "polar_cst_") {
		t.Errorf("umbrella's own customer: %+v, %v", s, err)
	}

	// An organization token without the scope.
	fix := &polartest.Fixture{Tokens: []polartest.Token{{Token: "polar_oat_noscope", Kind: polartest.TokenKindOrganization, OrganizationID: polartest.DemoOrganizationID, Scopes: []string{}}}}
	if err := srv.Seed(fix); err != nil {
		t.Fatal(err)
	}
	noscope, _ := client(t, srv, "polar_oat_noscope")
	_, err = noscope.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: polartest.DemoCustomerID})
	wantAPIError(t, err, http.StatusForbidden, "insufficient_scope")
}

func TestSessionsIntrospectAndUser(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())

	alice, tp := client(t, srv, polartest.DemoCustomerToken)
	in, err := alice.Sessions.Introspect(ctx)
	if err != nil || !in.ExpiresAt.Equal(polartest.NeverExpires) || *in.ReturnURL != "https://acme.example/account" {
		t.Errorf("introspect: %+v, %v", in, err)
	}
	strict[polar.IntrospectedSession](t, tp.body())
	u, err := alice.Sessions.AuthenticatedUser(ctx)
	if err != nil || u.Type != polar.PortalUserTypeCustomer || u.Email != "alice@example.com" || u.CustomerID != polartest.DemoCustomerID || u.MemberID != nil {
		t.Errorf("Alice: %+v, %v", u, err)
	}
	strict[polar.PortalAuthenticatedUser](t, tp.body())

	mia, tp := client(t, srv, polartest.DemoPlainMemberToken)
	u, err = mia.Sessions.AuthenticatedUser(ctx)
	if err != nil || u.Type != polar.PortalUserTypeMember || *u.Role != polar.MemberRoleMember || u.CustomerID != polartest.DemoTeamID || u.Email != "mia@globex.example" {
		t.Errorf("Mia: %+v, %v", u, err)
	}
	strict[polar.PortalAuthenticatedUser](t, tp.body())

	// Globex's customer session: Polar refuses a customer without an
	// email address, not a team.
	team, _ := client(t, srv, polartest.DemoTeamCustomerToken)
	u, err = team.Sessions.AuthenticatedUser(ctx)
	if err != nil || u.Type != polar.PortalUserTypeCustomer || u.Email != "billing@globex.example" || u.CustomerID != polartest.DemoTeamID {
		t.Errorf("Globex: %+v, %v", u, err)
	}

	none, _ := client(t, srv, "")
	_, err = none.Sessions.Introspect(ctx)
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
}

// TestSessionsAuthenticatedUserWithoutEmail: Polar's customer-session/user
// answers a customer session whose customer has no email address with 422
// PolarRequestValidationError at ["body"], "Team customers must use
// member sessions. Create a customer session via the API with a
// member_id.".
func TestSessionsAuthenticatedUserWithoutEmail(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	initech := polartest.NewTeam(polartest.DemoOrganizationID, "", "Initech")
	initech.Email = nil
	if err := srv.Seed(&polartest.Fixture{Customers: []polartest.CustomerRecord{initech},
		Tokens: []polartest.Token{{Token: "polar_cst_initech", Kind: polartest.TokenKindCustomerSession, CustomerID: initech.ID}}}); err != nil {
		t.Fatal(err)
	}
	c, _ := client(t, srv, "polar_cst_initech")
	_, err := c.Sessions.AuthenticatedUser(ctx)
	wantRule(t, err, "body", "value_error", "Team customers must use member sessions. Create a customer session via the API with a member_id.")
	var ve *polar.ValidationError
	if errors.As(err, &ve) && (len(ve.Errors) != 1 || len(ve.Errors[0].Loc) != 1) {
		t.Errorf("loc: %+v, want [\"body\"]", ve.Errors)
	}
}

// TestSessionsCreateOwnerSeesTheCustomers: under the member model Polar
// grants an individual customer's benefits to their owner member (its
// resolve_member), so the member session Sessions.Create answers for
// Alice is her Demo owner member's and sees what her customer session
// sees.
func TestSessionsCreateOwnerSeesTheCustomers(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	admin, _ := client(t, srv, polartest.DemoOrganizationToken)
	s, err := admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: polartest.DemoCustomerID})
	if err != nil {
		t.Fatal(err)
	}
	member, _ := client(t, srv, s.Token)
	customer, _ := client(t, srv, polartest.DemoCustomerToken)
	if u, err := member.Sessions.AuthenticatedUser(ctx); err != nil || u.MemberID == nil || *u.MemberID != polartest.DemoCustomerMemberID {
		t.Fatalf("Alice's session signs in %+v, %v", u, err)
	}
	counts := func(c *polar.Client) [3]int {
		t.Helper()
		g, err1 := c.BenefitGrants.List(ctx, nil)
		k, err2 := c.LicenseKeys.List(ctx, nil)
		d, err3 := c.Downloadables.List(ctx, nil)
		if err := errors.Join(err1, err2, err3); err != nil {
			t.Fatal(err)
		}
		return [3]int{g.Pagination.TotalCount, k.Pagination.TotalCount, d.Pagination.TotalCount}
	}
	if m, c := counts(member), counts(customer); m != c || m[0] == 0 || m[1] == 0 || m[2] == 0 {
		t.Errorf("grants, keys, downloadables: the member session sees %v, the customer session %v", m, c)
	}
}
