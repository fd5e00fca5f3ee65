package polartest_test

import (
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
	if !strings.HasPrefix(s.Token, "polar_cst_") || !s.ExpiresAt.Equal(polartest.DemoTime.Add(time.Hour)) ||
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

	// acme has the member model: a team's session is its owner's.
	s3, err := admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: polartest.DemoTeamID})
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
	fix := &polartest.Fixture{Tokens: []polartest.Token{{Token: "polar_oat_noscope", Kind: polartest.OrganizationToken, OrganizationID: polartest.DemoOrganizationID, Scopes: []string{}}}}
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
	strict[polar.CustomerCustomerSession](t, tp.body())
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

	team, _ := client(t, srv, polartest.DemoTeamCustomerToken)
	_, err = team.Sessions.AuthenticatedUser(ctx)
	wantAPIError(t, err, http.StatusUnprocessableEntity, "RequestValidationError")

	none, _ := client(t, srv, "")
	_, err = none.Sessions.Introspect(ctx)
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
}
