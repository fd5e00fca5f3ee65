package polar

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const (
	orgTestToken  = "polar_oat_Org7Tok3nWithCust0merSessionsWrite9"
	sessionToken  = "polar_cst_Zq8pV3xW7nK2mR5tY9bC4dF6gH1jL0sA"
	sessionCustID = "f5d3cd1a-2a22-4582-b7ef-4009967fd17c"
)

// wantIndividualSession is testdata/customer_session_individual.json
// decoded.
func wantIndividualSession() *CustomerSession {
	common := wantLicenseKey().Customer.CustomerCommon
	common.DefaultPaymentMethodID = ptr("0e228b92-8105-47bf-997a-e3898f7e8aaf")
	return &CustomerSession{
		CreatedAt:         time.Date(2026, 3, 12, 9, 0, 0, 101112000, time.UTC),
		ID:                "6fad9992-1776-4a75-98bf-c35cdb691701",
		Token:             sessionToken,
		ExpiresAt:         time.Date(2026, 3, 12, 10, 0, 0, 101112000, time.UTC),
		CustomerPortalURL: "https://polar.sh/acme-tools/portal?customer_session_token=" + sessionToken,
		CustomerID:        sessionCustID,
		Customer:          &CustomerIndividual{CustomerCommon: common, Email: "ada@example.com"},
	}
}

// TestSessionsCreateThenUse is the flow of a backend: it mints a session
// with its organization token, then serves the customer with the
// session's token, both clients derived from one base client.
func TestSessionsCreateThenUse(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.Method + " " + r.URL.Path {
		case "POST /v1/customer-sessions/":
			jsonAnswer(http.StatusCreated, string(readWireFixture(t, "customer_session_individual.json")))(w, r)
		case "GET /v1/customer-portal/customer-session/introspect":
			jsonAnswer(200, string(readWireFixture(t, "customer_customer_session.json")))(w, r)
		default:
			http.NotFound(w, r)
		}
	})
	base := newTestClient(t, srv, "")
	admin := base.WithToken(orgTestToken)
	s, err := admin.Sessions.Create(bg(), &CustomerSessionCustomerIDCreate{CustomerID: sessionCustID})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantIndividualSession(), s); diff != "" {
		t.Errorf("session (-want +got):\n%s", diff)
	}
	portal := base.WithToken(s.Token)
	info, err := portal.Sessions.Introspect(bg())
	if err != nil {
		t.Fatal(err)
	}
	want := &IntrospectedSession{ExpiresAt: time.Date(2026, 3, 12, 10, 0, 0, 101112000, time.UTC), ReturnURL: ptr("https://example.com/account")}
	if diff := cmp.Diff(want, info); diff != "" {
		t.Errorf("introspection (-want +got):\n%s", diff)
	}

	reqs := srv.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	create, introspect := reqs[0], reqs[1]
	if create.Method != "POST" || create.RequestURI != "/v1/customer-sessions/" {
		t.Errorf("create: %s %s", create.Method, create.RequestURI)
	}
	if got := create.Header.Get("Authorization"); got != "Bearer "+orgTestToken {
		t.Errorf("create sent Authorization %q, want the organization token", got)
	}
	if string(create.Body) != `{"customer_id":"`+sessionCustID+`"}` {
		t.Errorf("create body = %s", create.Body)
	}
	if create.Header.Get("Content-Type") != "application/json" || create.Length != int64(len(create.Body)) {
		t.Errorf("create: Content-Type %q, Content-Length %d for %d bytes", create.Header.Get("Content-Type"), create.Length, len(create.Body))
	}
	if introspect.Method != "GET" || introspect.RequestURI != "/v1/customer-portal/customer-session/introspect" {
		t.Errorf("introspect: %s %s", introspect.Method, introspect.RequestURI)
	}
	if got := introspect.Header.Get("Authorization"); got != "Bearer "+sessionToken {
		t.Errorf("introspect sent Authorization %q, want the session token", got)
	}
}

func TestSessionsCreateBodies(t *testing.T) {
	for _, tc := range []struct {
		name string
		body CustomerSessionCreate
		want string
	}{
		{"by ID", CustomerSessionCustomerIDCreate{CustomerID: sessionCustID}, `{"customer_id":"` + sessionCustID + `"}`},
		{"by ID for a member", &CustomerSessionCustomerIDCreate{
			CustomerID: sessionCustID, MemberID: "8f002cc0-4352-4c17-94cb-75c6176a12b0", ReturnURL: "https://example.com/account"},
			`{"customer_id":"` + sessionCustID + `","member_id":"8f002cc0-4352-4c17-94cb-75c6176a12b0","return_url":"https://example.com/account"}`},
		{"by external ID", &CustomerSessionCustomerExternalIDCreate{ExternalCustomerID: "usr_1337"}, `{"external_customer_id":"usr_1337"}`},
		{"by external ID for an external member", &CustomerSessionCustomerExternalIDCreate{
			ExternalCustomerID: "team_42", ExternalMemberID: "mbr_7", ReturnURL: "https://example.com/team"},
			`{"external_customer_id":"team_42","external_member_id":"mbr_7","return_url":"https://example.com/team"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newRecorder(t, jsonAnswer(http.StatusCreated, string(readWireFixture(t, "customer_session_member.json"))))
			c := newTestClient(t, srv, orgTestToken)
			s, err := c.Sessions.Create(bg(), tc.body)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(srv.requests()[0].Body); got != tc.want {
				t.Errorf("body = %s, want %s", got, tc.want)
			}
			team, ok := s.Customer.(*CustomerTeam)
			if !ok {
				t.Fatalf("customer is %T, want *CustomerTeam", s.Customer)
			}
			if team.Email == nil || *team.Email != "billing@difference-engine.example" || team.TaxID == nil || team.TaxID.Format != TaxIDFormatEUVAT ||
				team.Metadata["seats"] != 25.0 || !strings.HasPrefix(s.Token, "polar_mst_") {
				t.Errorf("team session: %+v, customer %+v", s, team)
			}
		})
	}
}

func TestSessionsTeamAndUnknownCustomers(t *testing.T) {
	var team CustomerSession
	if err := json.Unmarshal(readWireFixture(t, "customer_session_team.json"), &team); err != nil {
		t.Fatal(err)
	}
	tc, ok := team.Customer.(*CustomerTeam)
	if !ok {
		t.Fatalf("customer is %T", team.Customer)
	}
	if tc.Email != nil || tc.Name != nil || tc.TaxID != nil || tc.DeletedAt == nil || len(tc.Metadata) != 0 ||
		team.ReturnURL == nil || team.ModifiedAt == nil {
		t.Errorf("team session: %+v, customer %+v", team, tc)
	}

	in := readWireFixture(t, "customer_session_future.json")
	var future CustomerSession
	if err := json.Unmarshal(in, &future); err != nil {
		t.Fatal(err)
	}
	u, ok := future.Customer.(*CustomerUnknown)
	if !ok || u.Type != "organization" {
		t.Fatalf("customer is %#v, want a *CustomerUnknown of type organization", future.Customer)
	}
	var raw struct{ Customer json.RawMessage }
	_ = json.Unmarshal(in, &raw)
	if string(u.Raw) != string(raw.Customer) {
		t.Errorf("Raw = %s, want %s", u.Raw, raw.Customer)
	}
	out, err := json.Marshal(future)
	if err != nil {
		t.Fatal(err)
	}
	want := jsonMeaning(t, in)
	deleteJSONPath(t, want, "scopes")
	if diff := cmp.Diff(want, jsonMeaning(t, out)); diff != "" {
		t.Errorf("re-encoded session (-want +got):\n%s", diff)
	}

	// A null or missing customer decodes as nil.
	for _, in := range []string{`{"id":"x","customer":null}`, `{"id":"x"}`} {
		var s CustomerSession
		if err := json.Unmarshal([]byte(in), &s); err != nil || s.Customer != nil || s.ID != "x" {
			t.Errorf("%s: %+v, %v", in, s, err)
		}
	}
	// A customer that is not an object is an error.
	for _, in := range []string{`{"customer":"individual"}`, `{"customer":[]}`, `{"customer":{"type":"team","email":1}}`} {
		var s CustomerSession
		if err := json.Unmarshal([]byte(in), &s); err == nil {
			t.Errorf("%s decoded as %+v", in, s)
		}
	}
}

func TestSessionsIntrospect(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, string(readWireFixture(t, "customer_customer_session_no_return.json"))))
	c := newTestClient(t, srv, testToken)
	info, err := c.Sessions.Introspect(bg())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&IntrospectedSession{ExpiresAt: time.Date(2026, 3, 12, 10, 5, 0, 0, time.UTC)}, info); diff != "" {
		t.Errorf("introspection (-want +got):\n%s", diff)
	}
	r := srv.requests()[0]
	if r.Method != "GET" || r.RequestURI != "/v1/customer-portal/customer-session/introspect" || len(r.Body) != 0 {
		t.Fatalf("request %s %s %q", r.Method, r.RequestURI, r.Body)
	}
	checkCommonHeaders(t, r, true)
}

func TestSessionsAuthenticatedUser(t *testing.T) {
	for _, tc := range []struct {
		fixture string
		want    *PortalAuthenticatedUser
	}{
		{"portal_user_customer.json", &PortalAuthenticatedUser{
			Type: PortalUserTypeCustomer, Name: ptr("Ada Lovelace"), Email: "ada@example.com", CustomerID: sessionCustID}},
		{"portal_user_member.json", &PortalAuthenticatedUser{
			Type: PortalUserTypeMember, Email: "charles@example.com", CustomerID: "2b56f8b8-bb51-443e-a09a-4a57931c4595",
			MemberID: ptr("8f002cc0-4352-4c17-94cb-75c6176a12b0"), Role: ptr(MemberRoleBillingManager)}},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			srv := newRecorder(t, jsonAnswer(200, string(readWireFixture(t, tc.fixture))))
			c := newTestClient(t, srv, testToken)
			u, err := c.Sessions.AuthenticatedUser(bg())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, u); diff != "" {
				t.Errorf("user (-want +got):\n%s", diff)
			}
			r := srv.requests()[0]
			checkRequest(t, r, "GET", "/v1/customer-portal/customer-session/user", true)
		})
	}
}

// TestSessionsAuthenticatedUserOfTeam: the customer session of a team
// customer signs in no one person, and the server answers 422; the
// caller gets a typed error, whichever shape the body has.
func TestSessionsAuthenticatedUserOfTeam(t *testing.T) {
	for _, body := range []string{
		`{"error":"RequestValidationError","detail":[{"loc":["auth_subject"],"msg":"Team customers must use a member session.","type":"value_error"}]}`,
		`{"detail":"Team customers must use a member session."}`,
	} {
		srv := newRecorder(t, jsonAnswer(http.StatusUnprocessableEntity, body))
		c := newTestClient(t, srv, testToken)
		u, err := c.Sessions.AuthenticatedUser(bg())
		var ve *ValidationError
		var apiErr *APIError
		if u != nil || !errors.As(err, &ve) || !errors.As(err, &apiErr) || apiErr.StatusCode != 422 {
			t.Errorf("%s: %+v, %v; want a *ValidationError", body, u, err)
		}
		if n := srv.count(); n != 1 {
			t.Errorf("%d attempts, want 1", n)
		}
	}
}

func TestSessionsCreateErrors(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		check  func(err error) bool
	}{
		{422, `{"error":"RequestValidationError","detail":[{"loc":["body","customer_id"],"msg":"Customer does not exist.","type":"value_error","input":"` + sessionCustID + `"}]}`,
			func(err error) bool {
				var ve *ValidationError
				return errors.As(err, &ve) && ve.Errors[0].Loc[1] == "customer_id"
			}},
		{401, `{"error":"invalid_token","error_description":"The access token provided is expired, revoked, malformed, or invalid for other reasons."}`,
			func(err error) bool { return errors.Is(err, ErrInvalidToken) }},
		{403, `{"error":"NotPermitted","detail":"Missing scope customer_sessions:write."}`,
			func(err error) bool { return errors.Is(err, ErrNotPermitted) }},
	} {
		srv := newRecorder(t, jsonAnswer(tc.status, tc.body))
		c := newTestClient(t, srv, orgTestToken)
		s, err := c.Sessions.Create(bg(), &CustomerSessionCustomerIDCreate{CustomerID: sessionCustID})
		if s != nil || !tc.check(err) {
			t.Errorf("%d: %+v, %v", tc.status, s, err)
		}
		if strings.Contains(err.Error(), orgTestToken) {
			t.Errorf("the error shows the token: %v", err)
		}
	}
}

func TestSessionsRoundTrip(t *testing.T) {
	for _, name := range []string{"customer_session_individual.json", "customer_session_team.json", "customer_session_member.json"} {
		t.Run(name, func(t *testing.T) { wireRoundTrip[CustomerSession](t, name) })
	}
	for _, name := range []string{"customer_customer_session.json", "customer_customer_session_no_return.json"} {
		t.Run(name, func(t *testing.T) { wireRoundTrip[IntrospectedSession](t, name) })
	}
	for _, name := range []string{"portal_user_customer.json", "portal_user_member.json"} {
		t.Run(name, func(t *testing.T) { wireRoundTrip[PortalAuthenticatedUser](t, name) })
	}
}

// TestCustomerVariantsWriteType checks that each customer variant, even a
// zero one, writes its type once and decodes back into its own type.
func TestCustomerVariantsWriteType(t *testing.T) {
	for _, c := range []struct {
		v    Customer
		want string
	}{
		{&CustomerIndividual{}, "individual"},
		{&CustomerTeam{}, "team"},
	} {
		for _, v := range []any{c.v, reflect.ValueOf(c.v).Elem().Interface()} {
			b, err := json.Marshal(v)
			if err != nil || topLevelKeyCount(b, "type") != 1 || !strings.HasPrefix(string(b), `{"type":"`+c.want+`"`) {
				t.Errorf("%T marshals to %s, %v; want type %q once", v, b, err, c.want)
			}
			back, err := customerUnion.decode(b)
			if err != nil || reflect.TypeOf(back) != reflect.TypeOf(c.v) {
				t.Errorf("%T decodes back into %T, %v", v, back, err)
			}
		}
	}
}

// The session operations; their contract rows use every body shape and
// optional field.
var _ = addOps(
	opSpec{id: "customer-sessions:create", status: http.StatusCreated, answer: `{"id":"` + testUUID + `","token":"polar_cst_x","customer":{"type":"individual"}}`,
		call: func(ctx context.Context, c *Client, _ string) error {
			return onlyErr(c.Sessions.Create(ctx, &CustomerSessionCustomerIDCreate{CustomerID: testUUID}))
		},
		nilBody: func(ctx context.Context, c *Client) error { return onlyErr(c.Sessions.Create(ctx, nil)) },
		rows: []contractRow{{call: func(ctx context.Context, c *Client) error {
			for _, body := range []CustomerSessionCreate{
				&CustomerSessionCustomerIDCreate{CustomerID: sessionCustID},
				&CustomerSessionCustomerIDCreate{CustomerID: sessionCustID, MemberID: "8f002cc0-4352-4c17-94cb-75c6176a12b0", ReturnURL: "https://example.com/account"},
				&CustomerSessionCustomerIDCreate{CustomerID: sessionCustID, ExternalMemberID: "mbr_7"},
				&CustomerSessionCustomerExternalIDCreate{ExternalCustomerID: "usr_1337"},
				&CustomerSessionCustomerExternalIDCreate{ExternalCustomerID: "team_42", MemberID: "8f002cc0-4352-4c17-94cb-75c6176a12b0"},
				&CustomerSessionCustomerExternalIDCreate{ExternalCustomerID: "team_42", ExternalMemberID: "mbr_7", ReturnURL: "https://example.com/team"},
			} {
				if _, err := c.Sessions.Create(ctx, body); err != nil {
					return err
				}
			}
			return nil
		}}},
		schemas: map[string]reflect.Type{
			"Customer":           reflect.TypeFor[Customer](),
			"CustomerIndividual": reflect.TypeFor[CustomerIndividual](),
			"CustomerSession":    reflect.TypeFor[CustomerSession](),
			"CustomerSessionCustomerExternalIDCreate": reflect.TypeFor[CustomerSessionCustomerExternalIDCreate](),
			"CustomerSessionCustomerIDCreate":         reflect.TypeFor[CustomerSessionCustomerIDCreate](),
			"CustomerTeam":                            reflect.TypeFor[CustomerTeam](),
		},
	},
	opSpec{id: "customer_portal:customer-session:introspect", answer: `{"expires_at":"2026-03-12T10:00:00Z","return_url":null}`,
		call:    func(ctx context.Context, c *Client, _ string) error { return onlyErr(c.Sessions.Introspect(ctx)) },
		rows:    []contractRow{{}},
		schemas: map[string]reflect.Type{"CustomerCustomerSession": reflect.TypeFor[IntrospectedSession]()},
	},
	opSpec{id: "customer_portal:customer-session:get_authenticated_user", answer: `{"type":"customer","email":"a@example.com"}`,
		call: func(ctx context.Context, c *Client, _ string) error {
			return onlyErr(c.Sessions.AuthenticatedUser(ctx))
		},
		rows:    []contractRow{{}},
		schemas: map[string]reflect.Type{"PortalAuthenticatedUser": reflect.TypeFor[PortalAuthenticatedUser]()},
	},
)
