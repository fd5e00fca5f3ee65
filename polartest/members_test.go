package polartest_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

const membersPath = "/v1/customer-portal/members"

// ruleError checks that err is Polar's 422 PolarRequestValidationError
// for a broken team rule: one value_error item at loc with msg.
func ruleError(t *testing.T, err error, loc, msg string) {
	t.Helper()
	wantAPIError(t, err, http.StatusUnprocessableEntity, "PolarRequestValidationError")
	var ve *polar.ValidationError
	if !errors.As(err, &ve) || len(ve.Errors) != 1 || ve.Errors[0].Msg != msg {
		t.Fatalf("rule error = %v, want %q", err, msg)
	}
	wantValidation(t, err, loc, "value_error")
}

// teamMembers lists the team's members through the owner's session.
func teamMembers(t *testing.T, srv *polartest.Server) map[string]polar.CustomerPortalMember {
	t.Helper()
	c, _ := client(t, srv, polartest.DemoMemberToken)
	out := map[string]polar.CustomerPortalMember{}
	for m, err := range c.Members.All(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		out[m.ID] = m
	}
	return out
}

func TestMembersList(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	for _, tok := range []string{polartest.DemoMemberToken, polartest.DemoBillingManagerToken} {
		c, tp := client(t, srv, tok)
		page, err := c.Members.List(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		strict[polar.Page[polar.CustomerPortalMember]](t, tp.body())
		if len(page.Items) != 3 || page.Pagination != (polar.Pagination{TotalCount: 3, MaxPage: 1}) {
			t.Fatalf("%s: %+v", tok, page)
		}
		want := []struct {
			id    string
			email string
			role  polar.MemberRole
		}{
			{polartest.DemoOwnerMemberID, "olivia@globex.example", polar.MemberRoleOwner},
			{polartest.DemoBillingManagerMemberID, "bill@globex.example", polar.MemberRoleBillingManager},
			{polartest.DemoPlainMemberID, "mia@globex.example", polar.MemberRoleMember},
		}
		for i, w := range want {
			if m := page.Items[i]; m.ID != w.id || m.Email != w.email || m.Role != w.role || m.Name == nil || m.CreatedAt.IsZero() {
				t.Errorf("member %d: %+v", i, m)
			}
		}
	}

	c, _ := client(t, srv, polartest.DemoMemberToken)
	p2, err := c.Members.List(ctx, &polar.MemberListOptions{ListOptions: polar.ListOptions{Page: 2, Limit: 2}})
	if err != nil || len(p2.Items) != 1 || p2.Items[0].ID != polartest.DemoPlainMemberID || p2.Pagination != (polar.Pagination{TotalCount: 3, MaxPage: 2}) {
		t.Fatalf("page 2 of 2: %+v, %v", p2, err)
	}
	if n := len(teamMembers(t, srv)); n != 3 {
		t.Errorf("All: %d members", n)
	}

	// Limits: clamped to 100 above, 422 at 0 or less.
	status, _, b := raw(t, srv, http.MethodGet, membersPath+"?limit=1000", polartest.DemoMemberToken, nil)
	if page := strict[polar.Page[polar.CustomerPortalMember]](t, b); status != http.StatusOK || page.Pagination.MaxPage != 1 || len(page.Items) != 3 {
		t.Errorf("limit=1000: %d %s", status, b)
	}
	for _, q := range []string{"?limit=0", "?page=0", "?page=-1", "?limit=x"} {
		status, _, b := raw(t, srv, http.MethodGet, membersPath+q, polartest.DemoMemberToken, nil)
		if e := decodeError(t, b); status != http.StatusUnprocessableEntity || e.Error != "RequestValidationError" {
			t.Errorf("%s: %d %s", q, status, b)
		}
	}

	// Another team sees only its own members.
	seedOtherTeam(t, srv)
	other, _ := client(t, srv, otherTeamOwnerToken)
	op, err := other.Members.List(ctx, nil)
	if err != nil || len(op.Items) != 1 || op.Items[0].Email != "owner@initech.example" {
		t.Errorf("Initech's members: %+v, %v", op, err)
	}
}

const (
	otherTeamOwnerToken = "polar_mst_test_initech_owner"
	aliceOwnerToken     = "polar_mst_test_alice_owner"
	memberReadOnlyToken = "polar_mst_test_globex_owner_read"
)

var (
	otherTeamID        = polartest.UUID("customer:initech")
	otherTeamOwnerID   = polartest.UUID("member:initech:owner")
	aliceOwnerMemberID = polartest.UUID("member:alice:owner")
)

// seedOtherTeam adds Initech, another team of acme with its owner, Alice's
// owner member with a member session (Alice is not a team), and a
// read-only member session of Globex's owner.
func seedOtherTeam(t *testing.T, srv *polartest.Server) {
	t.Helper()
	initech := polartest.NewTeam(polartest.DemoOrganizationID, "billing@initech.example", "Initech")
	initech.ID = otherTeamID
	owner := polartest.NewMember(initech.ID, "owner@initech.example", "Ian Owner", polar.MemberRoleOwner)
	owner.ID = otherTeamOwnerID
	aliceOwner := polartest.NewMember(polartest.DemoCustomerID, "alice@example.com", "Alice Martin", polar.MemberRoleOwner)
	aliceOwner.ID = aliceOwnerMemberID
	err := srv.Seed(&polartest.Fixture{
		Customers: []polartest.CustomerRecord{initech},
		Members:   []polar.Member{owner, aliceOwner},
		Tokens: []polartest.Token{
			{Token: otherTeamOwnerToken, Kind: polartest.TokenKindMemberSession, CustomerID: initech.ID, MemberID: owner.ID},
			{Token: aliceOwnerToken, Kind: polartest.TokenKindMemberSession, CustomerID: polartest.DemoCustomerID, MemberID: aliceOwner.ID},
			{Token: memberReadOnlyToken, Kind: polartest.TokenKindMemberSession, CustomerID: polartest.DemoTeamID, MemberID: polartest.DemoOwnerMemberID,
				Scopes: []string{polartest.ScopeCustomerPortalRead}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMembersAccess(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	seedOtherTeam(t, srv)
	calls := map[string]func(c *polar.Client) error{
		"list": func(c *polar.Client) error { _, err := c.Members.List(ctx, nil); return err },
		"add": func(c *polar.Client) error {
			_, err := c.Members.Add(ctx, &polar.CustomerPortalMemberCreate{Email: "x@globex.example"})
			return err
		},
		"update": func(c *polar.Client) error {
			_, err := c.Members.Update(ctx, polartest.DemoPlainMemberID, &polar.CustomerPortalMemberUpdate{Name: polar.Set("X")})
			return err
		},
		"remove": func(c *polar.Client) error { return c.Members.Remove(ctx, polartest.DemoPlainMemberID) },
	}
	for name, call := range calls {
		for tok, want := range map[string]struct {
			status int
			name   string
		}{
			"":                                    {http.StatusUnauthorized, "Unauthorized"},
			polartest.DemoTeamCustomerToken:       {http.StatusUnauthorized, "Unauthorized"}, // a customer session
			polartest.DemoCustomerToken:           {http.StatusUnauthorized, "Unauthorized"},
			polartest.DemoOrganizationToken:       {http.StatusUnauthorized, "Unauthorized"},
			polartest.DemoPlainMemberToken:        {http.StatusForbidden, "NotPermitted"},
			aliceOwnerToken:                       {http.StatusForbidden, "NotPermitted"}, // not a team
			memberReadOnlyToken:                   {http.StatusForbidden, "insufficient_scope"},
			polartest.DemoExpiredToken:            {http.StatusUnauthorized, "invalid_token"},
			"polar_mst_" + strings.Repeat("0", 8): {http.StatusUnauthorized, "invalid_token"},
		} {
			c, _ := client(t, srv, tok)
			t.Run(name+"/"+tok, func(t *testing.T) { wantAPIError(t, call(c), want.status, want.name) })
		}
	}
	// Nothing changed.
	if m := teamMembers(t, srv); len(m) != 3 || *m[polartest.DemoPlainMemberID].Name != "Mia Member" {
		t.Errorf("members after refused calls: %+v", m)
	}
}

func TestMembersAdd(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, tp := client(t, srv, polartest.DemoBillingManagerToken)

	m, err := c.Members.Add(ctx, &polar.CustomerPortalMemberCreate{Email: "Dana@GLOBEX.example", Name: "Dana Dev", Role: new(polar.MemberRoleBillingManager)})
	if err != nil {
		t.Fatal(err)
	}
	if tp.status != http.StatusCreated {
		t.Errorf("status %d, want 201", tp.status)
	}
	strict[polar.CustomerPortalMember](t, tp.body())
	if m.Email != "Dana@globex.example" || *m.Name != "Dana Dev" || m.Role != polar.MemberRoleBillingManager || m.ID == "" || m.ModifiedAt != nil || m.CreatedAt.IsZero() {
		t.Errorf("added: %+v", m)
	}
	all := teamMembers(t, srv)
	if len(all) != 4 || all[m.ID].Email != m.Email {
		t.Fatalf("after adding: %+v", all)
	}

	// The default role is member; no name is null.
	plain, err := c.Members.Add(ctx, &polar.CustomerPortalMemberCreate{Email: "eve@globex.example"})
	if err != nil || plain.Role != polar.MemberRoleMember || plain.Name != nil {
		t.Fatalf("default role: %+v, %v", plain, err)
	}

	// An email address already a member's returns that member, unchanged.
	again, err := c.Members.Add(ctx, &polar.CustomerPortalMemberCreate{Email: "DANA@globex.example", Name: "Other", Role: new(polar.MemberRoleMember)})
	if err != nil || tp.status != http.StatusCreated || again.ID != m.ID || *again.Name != "Dana Dev" || again.Role != polar.MemberRoleBillingManager {
		t.Fatalf("existing email: %+v, %v", again, err)
	}
	if n := len(teamMembers(t, srv)); n != 5 {
		t.Errorf("%d members, want 5", n)
	}

	// A second owner is refused.
	_, err = c.Members.Add(ctx, &polar.CustomerPortalMemberCreate{Email: "boss@globex.example", Role: new(polar.MemberRoleOwner)})
	ruleError(t, err, "body.role", "Cannot add a member as owner. There must be exactly one owner.")

	// Malformed bodies.
	_, err = c.Members.Add(ctx, &polar.CustomerPortalMemberCreate{Email: "not-an-email"})
	wantValidation(t, err, "body.email", "value_error")
	_, err = c.Members.Add(ctx, &polar.CustomerPortalMemberCreate{Email: "a@b.test"})
	wantValidation(t, err, "body.email", "value_error")
	_, err = c.Members.Add(ctx, &polar.CustomerPortalMemberCreate{Email: "x@globex.example", Role: new(polar.MemberRole("admin"))})
	wantValidation(t, err, "body.role", "enum")
	for body, want := range map[string][2]string{
		`{}`:              {"body.email", "missing"},
		`{"email": null}`: {"body.email", "string_type"},
		`{"email": 42}`:   {"body.email", "string_type"},
		`{"email": "a@globex.example", "name": 1}`:    {"body.name", "string_type"},
		`{"email": "a@globex.example", "role": null}`: {"body.role", "enum"},
		`[]`:         {"body", "model_attributes_type"},
		`{"email": `: {"body", "json_invalid"},
	} {
		status, _, b := raw(t, srv, http.MethodPost, membersPath, polartest.DemoMemberToken, stringsReader(body), "Content-Type", "application/json")
		e := decodeError(t, b)
		if status != http.StatusUnprocessableEntity || e.Error != "RequestValidationError" || !contains(b, `"type":"`+want[1]+`"`) {
			t.Errorf("%s: %d %s", body, status, b)
		}
	}
	if n := len(teamMembers(t, srv)); n != 5 {
		t.Errorf("refused adds changed the team: %d members", n)
	}
}

func TestMembersUpdate(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	bm, tp := client(t, srv, polartest.DemoBillingManagerToken)
	owner, _ := client(t, srv, polartest.DemoMemberToken)

	m, err := bm.Members.Update(ctx, polartest.DemoPlainMemberID, &polar.CustomerPortalMemberUpdate{Role: polar.Set(polar.MemberRoleBillingManager)})
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.CustomerPortalMember](t, tp.body())
	if m.Role != polar.MemberRoleBillingManager || *m.Name != "Mia Member" || m.ModifiedAt == nil {
		t.Errorf("promoted Mia: %+v", m)
	}
	m, err = bm.Members.Update(ctx, polartest.DemoPlainMemberID, &polar.CustomerPortalMemberUpdate{Name: polar.Set("Mia M."), Role: polar.Set(polar.MemberRoleMember)})
	if err != nil || *m.Name != "Mia M." || m.Role != polar.MemberRoleMember {
		t.Fatalf("rename and demote: %+v, %v", m, err)
	}
	// null and "" leave the name, a null role the role.
	m, err = bm.Members.Update(ctx, polartest.DemoPlainMemberID, &polar.CustomerPortalMemberUpdate{Name: polar.Null[string](), Role: polar.Null[polar.MemberRole]()})
	if err != nil || *m.Name != "Mia M." || m.Role != polar.MemberRoleMember {
		t.Fatalf("nulls: %+v, %v", m, err)
	}
	m, err = bm.Members.Update(ctx, polartest.DemoPlainMemberID, &polar.CustomerPortalMemberUpdate{Name: polar.Set("")})
	if err != nil || *m.Name != "Mia M." {
		t.Fatalf(`name "": %+v, %v`, m, err)
	}
	if got := teamMembers(t, srv)[polartest.DemoPlainMemberID]; *got.Name != "Mia M." || got.Role != polar.MemberRoleMember {
		t.Errorf("Mia as listed: %+v", got)
	}

	// One's own role is out of reach; one's own name is not.
	_, err = bm.Members.Update(ctx, polartest.DemoBillingManagerMemberID, &polar.CustomerPortalMemberUpdate{Role: polar.Set(polar.MemberRoleMember)})
	ruleError(t, err, "path.id", "You cannot modify your own role.")
	_, err = owner.Members.Update(ctx, polartest.DemoOwnerMemberID, &polar.CustomerPortalMemberUpdate{Role: polar.Set(polar.MemberRoleBillingManager)})
	ruleError(t, err, "path.id", "You cannot modify your own role.")
	if me, err := owner.Members.Update(ctx, polartest.DemoOwnerMemberID, &polar.CustomerPortalMemberUpdate{Name: polar.Set("Olivia O."), Role: polar.Set(polar.MemberRoleOwner)}); err != nil || *me.Name != "Olivia O." {
		t.Errorf("own name: %+v, %v", me, err)
	}

	// Exactly one owner: a billing manager neither demotes the owner nor
	// makes another.
	_, err = bm.Members.Update(ctx, polartest.DemoOwnerMemberID, &polar.CustomerPortalMemberUpdate{Role: polar.Set(polar.MemberRoleMember)})
	ruleError(t, err, "body.role", "Cannot change role. Customer must have exactly one owner.")
	_, err = bm.Members.Update(ctx, polartest.DemoPlainMemberID, &polar.CustomerPortalMemberUpdate{Role: polar.Set(polar.MemberRoleOwner)})
	ruleError(t, err, "body.role", "Only the owner can transfer ownership.")

	// The owner hands ownership over and becomes a billing manager.
	m, err = owner.Members.Update(ctx, polartest.DemoPlainMemberID, &polar.CustomerPortalMemberUpdate{Role: polar.Set(polar.MemberRoleOwner)})
	if err != nil || m.Role != polar.MemberRoleOwner {
		t.Fatalf("transfer: %+v, %v", m, err)
	}
	all := teamMembers(t, srv)
	if all[polartest.DemoOwnerMemberID].Role != polar.MemberRoleBillingManager || all[polartest.DemoPlainMemberID].Role != polar.MemberRoleOwner ||
		all[polartest.DemoOwnerMemberID].ModifiedAt == nil {
		t.Errorf("after the transfer: %+v", all)
	}
	// Mia now manages the team, and Olivia may demote herself no more
	// than before, but may still manage others.
	mia, _ := client(t, srv, polartest.DemoPlainMemberToken)
	if page, err := mia.Members.List(ctx, nil); err != nil || page.Pagination.TotalCount != 3 {
		t.Errorf("the new owner lists members: %v", err)
	}
	_, err = owner.Members.Update(ctx, polartest.DemoPlainMemberID, &polar.CustomerPortalMemberUpdate{Role: polar.Set(polar.MemberRoleMember)})
	ruleError(t, err, "body.role", "Cannot change role. Customer must have exactly one owner.")

	// Unknown, another team's, and malformed.
	seedOtherTeam(t, srv)
	for _, id := range []string{polartest.UUID("nobody"), otherTeamOwnerID, "6ba7b810-9dad-11d1-80b4-00c04fd430c8"} {
		_, err = mia.Members.Update(ctx, id, &polar.CustomerPortalMemberUpdate{Name: polar.Set("X")})
		if apiErr := wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound"); apiErr.Detail != "Member not found" {
			t.Errorf("detail %q", apiErr.Detail)
		}
	}
	_, err = mia.Members.Update(ctx, "not-a-uuid", &polar.CustomerPortalMemberUpdate{Name: polar.Set("X")})
	wantValidation(t, err, "path.id", "uuid_parsing")
	_, err = mia.Members.Update(ctx, polartest.DemoOwnerMemberID, &polar.CustomerPortalMemberUpdate{Name: polar.Set(strings.Repeat("n", 257))})
	wantValidation(t, err, "body.name", "string_too_long")
	_, err = mia.Members.Update(ctx, polartest.DemoOwnerMemberID, &polar.CustomerPortalMemberUpdate{Role: polar.Set(polar.MemberRole("admin"))})
	wantValidation(t, err, "body.role", "enum")
	status, _, b := raw(t, srv, http.MethodPatch, membersPath+"/"+polartest.DemoOwnerMemberID, polartest.DemoPlainMemberToken, stringsReader(`{"name": ["x"]}`))
	if status != http.StatusUnprocessableEntity || !contains(b, `"loc":["body","name"]`) {
		t.Errorf("name of the wrong type: %d %s", status, b)
	}
	if other := teamMembers(t, srv)[polartest.DemoOwnerMemberID]; *other.Name != "Olivia O." {
		t.Errorf("refused updates changed Olivia: %+v", other)
	}
}

func TestMembersRemove(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	bm, tp := client(t, srv, polartest.DemoBillingManagerToken)

	err := bm.Members.Remove(ctx, polartest.DemoBillingManagerMemberID)
	ruleError(t, err, "path.id", "You cannot remove yourself from the team.")
	err = bm.Members.Remove(ctx, polartest.DemoOwnerMemberID)
	ruleError(t, err, "body", "Cannot delete the only owner. Transfer ownership first.")

	// Mia holds a claimed seat: removing her revokes it.
	team, _ := client(t, srv, polartest.DemoTeamCustomerToken)
	before, err := team.Seats.List(ctx, &polar.SeatListOptions{SubscriptionID: polartest.DemoTeamSubscriptionID})
	if err != nil {
		t.Fatal(err)
	}
	if err := bm.Members.Remove(ctx, polartest.DemoPlainMemberID); err != nil {
		t.Fatal(err)
	}
	if tp.status != http.StatusNoContent || len(tp.body()) != 0 {
		t.Errorf("remove answered %d %q", tp.status, tp.body())
	}
	all := teamMembers(t, srv)
	if _, ok := all[polartest.DemoPlainMemberID]; ok || len(all) != 2 {
		t.Errorf("after removing Mia: %+v", all)
	}
	after, err := team.Seats.List(ctx, &polar.SeatListOptions{SubscriptionID: polartest.DemoTeamSubscriptionID})
	if err != nil || after.AvailableSeats != before.AvailableSeats+1 {
		t.Fatalf("seats after removing Mia: %+v, %v", after, err)
	}
	for _, s := range after.Seats {
		if s.MemberID != nil && *s.MemberID == polartest.DemoPlainMemberID {
			t.Errorf("Mia still holds seat %s (%s)", s.ID, s.Status)
		}
	}
	// Her session stops working.
	mia, _ := client(t, srv, polartest.DemoPlainMemberToken)
	_, err = mia.Customers.Get(ctx)
	wantAPIError(t, err, http.StatusUnauthorized, "invalid_token")

	// Removed, unknown, another team's, malformed.
	seedOtherTeam(t, srv)
	for _, id := range []string{polartest.DemoPlainMemberID, polartest.UUID("nobody"), otherTeamOwnerID} {
		err = bm.Members.Remove(ctx, id)
		wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	}
	err = bm.Members.Remove(ctx, "42")
	wantValidation(t, err, "path.id", "uuid_parsing")

	// Once the owner has handed over, the former owner can be removed.
	owner, _ := client(t, srv, polartest.DemoMemberToken)
	if _, err := owner.Members.Update(ctx, polartest.DemoBillingManagerMemberID, &polar.CustomerPortalMemberUpdate{Role: polar.Set(polar.MemberRoleOwner)}); err != nil {
		t.Fatal(err)
	}
	if err := bm.Members.Remove(ctx, polartest.DemoOwnerMemberID); err != nil {
		t.Fatalf("removing the former owner: %v", err)
	}
	page, err := bm.Members.List(ctx, nil)
	if err != nil || len(page.Items) != 1 || page.Items[0].Role != polar.MemberRoleOwner {
		t.Errorf("the team at last: %+v, %v", page, err)
	}
}

// TestMembersRawAnswers checks the exact bodies of the rule errors.
func TestMembersRawAnswers(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	status, _, b := raw(t, srv, http.MethodPost, membersPath, polartest.DemoMemberToken, stringsReader(`{"email":"x@globex.example","role":"owner"}`))
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"error": "PolarRequestValidationError", "detail": []any{map[string]any{
		"loc": []any{"body", "role"}, "msg": "Cannot add a member as owner. There must be exactly one owner.", "type": "value_error", "input": "owner",
	}}}
	if status != http.StatusUnprocessableEntity || jsonString(got) != jsonString(want) {
		t.Errorf("add an owner: %d %s", status, b)
	}
	status, _, b = raw(t, srv, http.MethodDelete, membersPath+"/"+polartest.UUID("nobody"), polartest.DemoMemberToken, nil)
	if status != http.StatusNotFound || string(b) != `{"detail":"Member not found","error":"ResourceNotFound"}` {
		t.Errorf("remove a stranger: %d %s", status, b)
	}
	status, _, b = raw(t, srv, http.MethodPost, membersPath, polartest.DemoMemberToken, stringsReader(`{"email":"x@example"}`))
	if status != http.StatusUnprocessableEntity || !contains(withoutMsgs(b), `{"loc":["body","email"],"type":"value_error","input":"x@example"}`) {
		t.Errorf("email without a period: %d %s", status, b)
	}
}
