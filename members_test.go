package polar

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const portalMemberID = "e1818430-cd02-4c30-a629-2bc329b5acd3"

func wantMembers(t *testing.T) []CustomerPortalMember {
	return []CustomerPortalMember{
		{
			CreatedAt: rfc3339("2026-01-05T12:00:00Z"),
			ID:        "cf499766-daa1-457d-9e98-bb8c206c19b7",
			Email:     "ada@example.com",
			Name:      ptr("Ada Lovelace"),
			Role:      MemberRoleOwner,
		},
		{
			CreatedAt:  rfc3339("2026-02-06T13:30:45.123456Z"),
			ModifiedAt: ptr(rfc3339("2026-03-01T09:00:00Z")),
			ID:         "74998f48-6c2f-4069-ba69-1000a034f387",
			Email:      "charles@example.com",
			Role:       MemberRoleBillingManager,
		},
		{
			CreatedAt: rfc3339("2026-04-01T00:00:00Z"),
			ID:        portalMemberID,
			Email:     "mary@example.com",
			Name:      ptr("Mary Somerville"),
			Role:      MemberRoleMember,
		},
	}
}

func wantMember(t *testing.T) *CustomerPortalMember {
	return &CustomerPortalMember{
		CreatedAt:  rfc3339("2026-04-01T00:00:00Z"),
		ModifiedAt: ptr(rfc3339("2026-09-30T16:20:00Z")),
		ID:         portalMemberID,
		Email:      "mary@example.com",
		Name:       ptr("Mary Somerville"),
		Role:       MemberRoleBillingManager,
	}
}

func TestMembersList(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, string(fixture("members_page.json"))))
	c := newTestClient(t, srv, testToken)
	page, err := c.Members.List(bg(), &MemberListOptions{ListOptions: ListOptions{Page: 3, Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	checkRequest(t, srv.requests()[0], "GET", "/v1/customer-portal/members?limit=100&page=3", true)
	want := &Page[CustomerPortalMember]{Items: wantMembers(t), Pagination: Pagination{TotalCount: 3, MaxPage: 1}}
	if diff := cmp.Diff(want, page); diff != "" {
		t.Errorf("page (-want +got):\n%s", diff)
	}
	if _, err := c.Members.List(bg(), nil); err != nil {
		t.Fatal(err)
	}
	checkRequest(t, srv.requests()[1], "GET", "/v1/customer-portal/members", true)
}

func TestMembersAll(t *testing.T) {
	one := func(id string) string {
		return `{"created_at":"2026-01-05T12:00:00Z","modified_at":null,"id":"` + id + `","email":"x@example.com","name":null,"role":"member"}`
	}
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("page") {
		case "1":
			jsonAnswer(200, `{"items":[`+one("cf499766-daa1-457d-9e98-bb8c206c19b7")+`,`+one(portalMemberID)+`],"pagination":{"total_count":3,"max_page":2}}`)(w, r)
		default:
			jsonAnswer(200, `{"items":[`+one("74998f48-6c2f-4069-ba69-1000a034f387")+`],"pagination":{"total_count":3,"max_page":2}}`)(w, r)
		}
	})
	c := newTestClient(t, srv, testToken)
	var got []string
	for m, err := range c.Members.All(bg(), &MemberListOptions{ListOptions: ListOptions{Limit: 2}}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, m.ID)
	}
	want := []string{"cf499766-daa1-457d-9e98-bb8c206c19b7", portalMemberID, "74998f48-6c2f-4069-ba69-1000a034f387"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("IDs (-want +got):\n%s", diff)
	}
	if n := srv.count(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestMembersAdd(t *testing.T) {
	for _, tc := range []struct {
		name string
		body CustomerPortalMemberCreate
		want string
	}{
		{"email only", CustomerPortalMemberCreate{Email: "mary@example.com"}, `{"email":"mary@example.com"}`},
		{"with name and role", CustomerPortalMemberCreate{Email: "mary@example.com", Name: "Mary Somerville", Role: new(MemberRoleBillingManager)},
			`{"email":"mary@example.com","name":"Mary Somerville","role":"billing_manager"}`},
		{"member role", CustomerPortalMemberCreate{Email: "mary@example.com", Role: new(MemberRoleMember)},
			`{"email":"mary@example.com","role":"member"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newRecorder(t, jsonAnswer(http.StatusCreated, string(fixture("member.json"))))
			c := newTestClient(t, srv, testToken)
			got, err := c.Members.Add(bg(), &tc.body)
			if err != nil {
				t.Fatal(err)
			}
			r := srv.requests()[0]
			checkRequest(t, r, "POST", "/v1/customer-portal/members", true)
			checkBody(t, r, tc.want)
			if diff := cmp.Diff(wantMember(t), got); diff != "" {
				t.Errorf("member (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMembersUpdateStates(t *testing.T) {
	for _, tc := range []struct {
		name string
		body CustomerPortalMemberUpdate
		want string
	}{
		{"leave", CustomerPortalMemberUpdate{}, `{}`},
		{"set role", CustomerPortalMemberUpdate{Role: Set(MemberRoleBillingManager)}, `{"role":"billing_manager"}`},
		{"set both", CustomerPortalMemberUpdate{Name: Set("Mary S."), Role: Set(MemberRoleMember)}, `{"name":"Mary S.","role":"member"}`},
		{"null both", CustomerPortalMemberUpdate{Name: Null[string](), Role: Null[MemberRole]()}, `{"name":null,"role":null}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newRecorder(t, jsonAnswer(200, string(fixture("member.json"))))
			c := newTestClient(t, srv, testToken)
			got, err := c.Members.Update(bg(), portalMemberID, &tc.body)
			if err != nil {
				t.Fatal(err)
			}
			r := srv.requests()[0]
			checkRequest(t, r, "PATCH", "/v1/customer-portal/members/"+portalMemberID, true)
			checkBody(t, r, tc.want)
			if diff := cmp.Diff(wantMember(t), got); diff != "" {
				t.Errorf("member (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMembersRemove(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	c := newTestClient(t, srv, testToken)
	if err := c.Members.Remove(bg(), portalMemberID); err != nil {
		t.Fatal(err)
	}
	checkRequest(t, srv.requests()[0], "DELETE", "/v1/customer-portal/members/"+portalMemberID, true)
}

// TestMembersErrors checks the answers of the members operations that the
// document lists without a schema: the session kind (401, 403) and the
// team rules (400), with or without an error body, become *APIError values
// with their status and detail.
func TestMembersErrors(t *testing.T) {
	update := &CustomerPortalMemberUpdate{Role: Set(MemberRoleOwner)}
	list := func(c *Client) (any, error) { return c.Members.List(bg(), nil) }
	add := func(role *MemberRole) func(c *Client) (any, error) {
		return func(c *Client) (any, error) {
			return c.Members.Add(bg(), &CustomerPortalMemberCreate{Email: "x@example.com", Role: role})
		}
	}
	change := func(c *Client) (any, error) { return c.Members.Update(bg(), portalMemberID, update) }
	remove := func(c *Client) (any, error) { return nil, c.Members.Remove(bg(), portalMemberID) }
	checkErrorCases(t, testToken, []errorCase{
		{name: "list with a customer session", call: list, status: 401, body: `{"error":"Unauthorized","detail":"Member session required."}`,
			detail: "Member session required.", want: ErrUnauthorized},
		{name: "list as a plain member", call: list, status: 403, body: `{"error":"NotPermitted","detail":"Only owners and billing managers can manage members."}`,
			detail: "Only owners and billing managers can manage members.", want: ErrNotPermitted},
		{name: "add as a plain member, no body", call: add(nil), status: 403},
		{name: "add a second owner", call: add(new(MemberRoleOwner)), status: 400, body: `{"error":"BadRequest","detail":"Cannot add a member with the owner role."}`,
			detail: "Cannot add a member with the owner role."},
		{name: "change one's own role", call: change, status: 400, body: `{"error":"BadRequest","detail":"Cannot modify your own role."}`,
			detail: "Cannot modify your own role."},
		{name: "demote the only owner", call: change, status: 403, body: `{"error":"NotPermitted","detail":"Customer must have exactly one owner."}`,
			detail: "Customer must have exactly one owner.", want: ErrNotPermitted},
		{name: "update a missing member", call: change, status: 404, body: `{"error":"ResourceNotFound","detail":"Member not found."}`,
			detail: "Member not found.", want: ErrResourceNotFound},
		{name: "remove oneself", call: remove, status: 400, body: `{"error":"BadRequest","detail":"Cannot remove yourself."}`,
			detail: "Cannot remove yourself."},
		{name: "remove the only owner, no body", call: remove, status: 400},
		{name: "remove a missing member", call: remove, status: 404, body: `{"error":"ResourceNotFound","detail":"Member not found."}`,
			detail: "Member not found.", want: ErrResourceNotFound},
	})
}

func TestMembersRoundTrip(t *testing.T) {
	roundTripAnswer[*Page[CustomerPortalMember]](t, membersList.op, "members_page.json")
	roundTripAnswer[*CustomerPortalMember](t, membersAdd.op, "member.json")
}

func TestMemberFromNewerServer(t *testing.T) {
	in := `{"created_at":"2026-04-01T00:00:00Z","modified_at":null,"id":"` + portalMemberID + `","email":"m@example.com",
		"name":null,"role":"auditor","avatar_url":"https://example.com/a.png"}`
	m, err := decodeResult[*CustomerPortalMember](membersAdd.op, []byte(in))
	if err != nil || m.Role != "auditor" {
		t.Fatalf("%+v, %v", m, err)
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	want := jsonMeaning(t, []byte(in))
	deleteJSONPath(t, want, "avatar_url")
	if diff := cmp.Diff(want, jsonMeaning(t, out)); diff != "" {
		t.Errorf("re-encoded (-want +got):\n%s", diff)
	}
}

func TestMembersArgumentsCheckedBeforeSending(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, `{}`))
	c := newTestClient(t, srv, testToken)
	for name, call := range map[string]func() error{
		"nil add":         func() error { _, err := c.Members.Add(bg(), nil); return err },
		"nil update":      func() error { _, err := c.Members.Update(bg(), portalMemberID, nil); return err },
		"empty update id": func() error { _, err := c.Members.Update(bg(), "", &CustomerPortalMemberUpdate{}); return err },
		"dot-dot remove":  func() error { return c.Members.Remove(bg(), "..") },
		"limit over 100": func() error {
			_, err := c.Members.List(bg(), &MemberListOptions{ListOptions: ListOptions{Limit: 101}})
			return err
		},
		"all negative page": func() error {
			return firstErr(c.Members.All(bg(), &MemberListOptions{ListOptions: ListOptions{Page: -1}}))
		},
	} {
		if err := call(); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := srv.count(); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

// The Members operations; their contract rows use realistic arguments.
var _ = addOps(
	opSpec{id: "customer_portal:members:list_members", answer: `{"items":[],"pagination":{"total_count":0,"max_page":0}}`,
		call: func(ctx context.Context, c *Client, _ string) error {
			return onlyErr(c.Members.List(ctx, &MemberListOptions{ListOptions: ListOptions{Page: 1}}))
		},
		rows: []contractRow{{call: func(ctx context.Context, c *Client) error {
			return onlyErr(c.Members.List(ctx, &MemberListOptions{ListOptions: ListOptions{Page: 1, Limit: 50}}))
		}}},
		schemas: map[string]reflect.Type{
			"CustomerPortalMember":               reflect.TypeFor[CustomerPortalMember](),
			"ListResource_CustomerPortalMember_": reflect.TypeFor[Page[CustomerPortalMember]](),
		},
	},
	opSpec{id: "customer_portal:members:add_member", status: http.StatusCreated, answer: `{"id":"` + portalMemberID + `"}`,
		call: func(ctx context.Context, c *Client, _ string) error {
			return onlyErr(c.Members.Add(ctx, &CustomerPortalMemberCreate{Email: "mary@example.com"}))
		},
		nilBody: func(ctx context.Context, c *Client) error { return onlyErr(c.Members.Add(ctx, nil)) },
		rows: []contractRow{
			{},
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Members.Add(ctx, &CustomerPortalMemberCreate{
					Email: "charles@example.com", Name: "Charles Babbage", Role: new(MemberRoleBillingManager),
				}))
			}},
		},
		schemas: map[string]reflect.Type{"CustomerPortalMemberCreate": reflect.TypeFor[CustomerPortalMemberCreate]()},
	},
	opSpec{id: "customer_portal:members:update_member", answer: `{"id":"` + portalMemberID + `"}`,
		call: func(ctx context.Context, c *Client, id string) error {
			return onlyErr(c.Members.Update(ctx, id, &CustomerPortalMemberUpdate{Role: Set(MemberRoleMember)}))
		},
		nilBody: func(ctx context.Context, c *Client) error { return onlyErr(c.Members.Update(ctx, portalMemberID, nil)) },
		rows: []contractRow{
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Members.Update(ctx, portalMemberID, &CustomerPortalMemberUpdate{Name: Set("Mary Somerville"), Role: Set(MemberRoleBillingManager)}))
			}},
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Members.Update(ctx, portalMemberID, &CustomerPortalMemberUpdate{Name: Null[string](), Role: Null[MemberRole]()}))
			}},
		},
		schemas: map[string]reflect.Type{"CustomerPortalMemberUpdate": reflect.TypeFor[CustomerPortalMemberUpdate]()},
	},
	opSpec{id: "customer_portal:members:remove_member", status: http.StatusNoContent,
		call: func(ctx context.Context, c *Client, id string) error { return c.Members.Remove(ctx, id) },
		rows: []contractRow{{arg: "74998f48-6c2f-4069-ba69-1000a034f387"}},
	},
)
