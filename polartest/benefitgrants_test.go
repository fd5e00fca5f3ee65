package polartest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

// Alice's grants in the Demo data set: grant n is of the n-th benefit
// type (custom, discord, downloadables, feature_flag, github_repository,
// license_keys, meter_credit, slack_shared_channel); grant 9 is Mia's.
func demoGrantID(n int) string { return fmt.Sprintf("00000007-0000-4000-8000-%012d", n) }

func demoBenefitID(n int) string { return fmt.Sprintf("00000014-0000-4000-8000-%012d", n) }

const grantsPath = "/v1/customer-portal/benefit-grants/"

// strictGrant decodes a grant strictly into the variant its benefit.type
// names: the benefit's type is the union's tag, which the variant writes
// back itself, so it is checked and taken out first.
func strictGrant(t *testing.T, b []byte) polar.CustomerBenefitGrant {
	t.Helper()
	var obj map[string]json.RawMessage
	var benefit map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		t.Fatalf("grant is not an object: %v: %s", err, excerpt(b))
	}
	if err := json.Unmarshal(obj["benefit"], &benefit); err != nil {
		t.Fatalf("grant's benefit is not an object: %v: %s", err, excerpt(b))
	}
	var typ polar.BenefitType
	if err := json.Unmarshal(benefit["type"], &typ); err != nil {
		t.Fatalf("grant's benefit has no type: %s", excerpt(b))
	}
	delete(benefit, "type")
	obj["benefit"], _ = json.Marshal(benefit)
	fixed, _ := json.Marshal(obj)
	switch typ {
	case polar.BenefitTypeCustom:
		return new(strict[polar.CustomerBenefitGrantCustom](t, fixed))
	case polar.BenefitTypeDiscord:
		return new(strict[polar.CustomerBenefitGrantDiscord](t, fixed))
	case polar.BenefitTypeDownloadables:
		return new(strict[polar.CustomerBenefitGrantDownloadables](t, fixed))
	case polar.BenefitTypeFeatureFlag:
		return new(strict[polar.CustomerBenefitGrantFeatureFlag](t, fixed))
	case polar.BenefitTypeGitHubRepository:
		return new(strict[polar.CustomerBenefitGrantGitHubRepository](t, fixed))
	case polar.BenefitTypeLicenseKeys:
		return new(strict[polar.CustomerBenefitGrantLicenseKeys](t, fixed))
	case polar.BenefitTypeMeterCredit:
		return new(strict[polar.CustomerBenefitGrantMeterCredit](t, fixed))
	case polar.BenefitTypeSlackSharedChannel:
		return new(strict[polar.CustomerBenefitGrantSlackSharedChannel](t, fixed))
	}
	t.Fatalf("grant of unknown benefit type %q", typ)
	return nil
}

// strictGrantPage decodes a page of grants strictly.
func strictGrantPage(t *testing.T, b []byte) []polar.CustomerBenefitGrant {
	t.Helper()
	page := strict[polar.Page[json.RawMessage]](t, b)
	out := make([]polar.CustomerBenefitGrant, len(page.Items))
	for i, raw := range page.Items {
		out[i] = strictGrant(t, raw)
	}
	return out
}

func grantIDs(t *testing.T, gs []polar.CustomerBenefitGrant) []string {
	t.Helper()
	ids := make([]string, len(gs))
	for i, g := range gs {
		ids[i] = g.Common().ID
	}
	return ids
}

func TestBenefitGrantsList(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, tp := client(t, srv, polartest.DemoCustomerToken)

	page, err := c.BenefitGrants.List(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	decoded := strictGrantPage(t, tp.body())
	if page.Pagination != (polar.Pagination{TotalCount: 8, MaxPage: 1}) || len(page.Items) != 8 {
		t.Fatalf("Alice's grants: %d items, %+v", len(page.Items), page.Pagination)
	}
	// Default sorting: the benefits of Pro Monthly (the grants'
	// subscription) in the product's order first, then the others.
	want := []string{demoGrantID(1), demoGrantID(2), demoGrantID(4), demoGrantID(3), demoGrantID(5), demoGrantID(6), demoGrantID(7), demoGrantID(8)}
	if got := grantIDs(t, page.Items); !slices.Equal(got, want) {
		t.Errorf("default order %v, want %v", got, want)
	}
	for i, g := range page.Items {
		if fmt.Sprintf("%T", g) != fmt.Sprintf("%T", decoded[i]) {
			t.Errorf("item %d: the SDK decodes %T, the benefit type says %T", i, g, decoded[i])
		}
		gc := *g.Common()
		if gc.CustomerID != polartest.DemoCustomerID || gc.Customer.ID != polartest.DemoCustomerID || gc.Customer.OAuthAccounts["discord"].AccountID != "disc-alice" {
			t.Errorf("grant %s: customer %+v", gc.ID, gc.Customer)
		}
	}

	// Pages.
	p2, err := c.BenefitGrants.List(ctx, &polar.BenefitGrantListOptions{ListOptions: polar.ListOptions{Page: 2, Limit: 3}})
	if err != nil || p2.Pagination.MaxPage != 3 || !slices.Equal(grantIDs(t, p2.Items), want[3:6]) {
		t.Fatalf("page 2 of 3: %+v, %v", p2, err)
	}
	var all []string
	for g, err := range c.BenefitGrants.All(ctx, &polar.BenefitGrantListOptions{ListOptions: polar.ListOptions{Limit: 3}}) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, g.Common().ID)
	}
	if !slices.Equal(all, want) {
		t.Errorf("All: %v", all)
	}

	// Every caller sees only their own grants; a member only those
	// granted to them.
	for _, tc := range []struct {
		token string
		want  []string
	}{
		{polartest.DemoOtherCustomerToken, nil},
		{polartest.DemoTeamCustomerToken, []string{demoGrantID(9)}},
		{polartest.DemoPlainMemberToken, []string{demoGrantID(9)}},
		{polartest.DemoMemberToken, nil},
		{polartest.DemoBillingManagerToken, nil},
	} {
		other, tp := client(t, srv, tc.token)
		p, err := other.BenefitGrants.List(ctx, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.token, err)
		}
		strictGrantPage(t, tp.body())
		if got := grantIDs(t, p.Items); !slices.Equal(got, tc.want) || p.Pagination.TotalCount != len(tc.want) {
			t.Errorf("%s sees %v, want %v", tc.token, got, tc.want)
		}
	}
	readOnly, _ := client(t, srv, polartest.DemoReadOnlyToken)
	if _, err := readOnly.BenefitGrants.List(ctx, nil); err != nil {
		t.Errorf("read-only session: %v", err)
	}

	// Authentication.
	anon, _ := client(t, srv, "")
	_, err = anon.BenefitGrants.List(ctx, nil)
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
	expired, _ := client(t, srv, polartest.DemoExpiredToken)
	_, err = expired.BenefitGrants.List(ctx, nil)
	wantAPIError(t, err, http.StatusUnauthorized, "invalid_token")
	org, _ := client(t, srv, polartest.DemoOrganizationToken)
	_, err = org.BenefitGrants.List(ctx, nil)
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")

	// Pagination parameters.
	for _, q := range []string{"?page=0", "?limit=0", "?limit=x"} {
		status, _, b := raw(t, srv, http.MethodGet, grantsPath+q, polartest.DemoCustomerToken, nil)
		if status != http.StatusUnprocessableEntity || decodeError(t, b).Error != "RequestValidationError" {
			t.Errorf("%s: %d %s", q, status, b)
		}
	}
	status, _, b := raw(t, srv, http.MethodGet, grantsPath+"?limit=1000", polartest.DemoCustomerToken, nil)
	if status != http.StatusOK || len(strictGrantPage(t, b)) != 8 {
		t.Errorf("limit=1000: %d %s", status, excerpt(b))
	}
}

// grantFixture adds to the Demo data set grants of Alice that the Demo
// has not: a pending one (not granted yet) from an order, one from a
// subscription made by a checkout, a revoked one, and a Slack grant with
// an invitation.
func grantFixture() *polartest.Fixture {
	alice := polartest.Demo().Customers[0]
	orderID := "00000005-0000-4000-8000-000000000005"
	sub := polartest.Demo().Subscriptions[1] // trialing, Pro Yearly
	sub.ID, sub.CheckoutID = polartest.UUID("checkout-subscription"), new(polartest.UUID("checkout"))
	base := func(name string) polar.CustomerBenefitGrantCommon {
		return polar.CustomerBenefitGrantCommon{
			ID: polartest.UUID(name), CreatedAt: polartest.DemoTime.Add(-time.Hour), CustomerID: alice.ID,
			BenefitID: demoBenefitID(1), IsGranted: true, GrantedAt: new(polartest.DemoTime.Add(-time.Hour)),
		}
	}
	benefit := func(id, desc string) polar.BenefitSubscriberCommon {
		return polar.BenefitSubscriberCommon{ID: id, CreatedAt: polartest.DemoTime, Description: desc,
			OrganizationID: polartest.DemoOrganizationID, Organization: polar.BenefitSubscriberOrganization{ID: polartest.DemoOrganizationID, Slug: "acme", Name: "Acme Software"}}
	}
	pending := base("pending")
	pending.OrderID, pending.GrantedAt, pending.IsGranted = new(orderID), nil, false
	fromCheckout := base("from checkout")
	fromCheckout.SubscriptionID, fromCheckout.BenefitID = new(sub.ID), polartest.UUID("benefit:yearly perks")
	revoked := base("revoked")
	revoked.RevokedAt, revoked.IsRevoked, revoked.IsGranted, revoked.GrantedAt = new(polartest.DemoTime), true, false, nil
	slack := base("slack")
	slack.BenefitID = demoBenefitID(8)
	return &polartest.Fixture{
		Subscriptions: []polar.CustomerSubscription{sub},
		BenefitGrants: []polar.CustomerBenefitGrant{
			&polar.CustomerBenefitGrantCustom{CustomerBenefitGrantCommon: pending, Benefit: polar.BenefitCustomSubscriber{BenefitSubscriberCommon: benefit(demoBenefitID(1), "Onboarding call")}},
			&polar.CustomerBenefitGrantFeatureFlag{CustomerBenefitGrantCommon: fromCheckout, Benefit: polar.BenefitFeatureFlagSubscriber{BenefitSubscriberCommon: benefit(fromCheckout.BenefitID, "Yearly perks")}},
			&polar.CustomerBenefitGrantCustom{CustomerBenefitGrantCommon: revoked, Benefit: polar.BenefitCustomSubscriber{BenefitSubscriberCommon: benefit(demoBenefitID(1), "Old perk")}},
			&polar.CustomerBenefitGrantSlackSharedChannel{CustomerBenefitGrantCommon: slack, Benefit: polar.BenefitSlackSharedChannelSubscriber{BenefitSubscriberCommon: benefit(demoBenefitID(8), "Slack")},
				Properties: polar.BenefitGrantSlackSharedChannelProperties{InvitedEmail: new("alice@example.com"), ChannelID: new("C9"), InviteID: new("I9"), InviteURL: new("https://slack.example/I9")}},
		},
	}
}

func TestBenefitGrantsListFiltersAndSorting(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithFixture(grantFixture()))
	c, _ := client(t, srv, polartest.DemoCustomerToken)
	list := func(o polar.BenefitGrantListOptions) []string {
		t.Helper()
		o.Limit = 100
		p, err := c.BenefitGrants.List(ctx, &o)
		if err != nil {
			t.Fatal(err)
		}
		return grantIDs(t, p.Items)
	}
	pending, fromCheckout, revoked, slack := polartest.UUID("pending"), polartest.UUID("from checkout"), polartest.UUID("revoked"), polartest.UUID("slack")

	all := list(polar.BenefitGrantListOptions{})
	if len(all) != 11 || slices.Contains(all, revoked) {
		t.Fatalf("with the fixture: %v; the revoked grant must not be listed", all)
	}
	for _, tc := range []struct {
		name string
		opts polar.BenefitGrantListOptions
		want []string
	}{
		{"one type", polar.BenefitGrantListOptions{Type: []polar.BenefitType{polar.BenefitTypeDiscord}}, []string{demoGrantID(2)}},
		{"two types", polar.BenefitGrantListOptions{Type: []polar.BenefitType{polar.BenefitTypeDiscord, polar.BenefitTypeMeterCredit}}, []string{demoGrantID(2), demoGrantID(7)}},
		{"benefits", polar.BenefitGrantListOptions{BenefitID: []string{demoBenefitID(5), demoBenefitID(6)}}, []string{demoGrantID(5), demoGrantID(6)}},
		{"order", polar.BenefitGrantListOptions{OrderID: []string{"00000005-0000-4000-8000-000000000005"}}, []string{pending}},
		{"subscriptions", polar.BenefitGrantListOptions{SubscriptionID: []string{polartest.UUID("checkout-subscription"), polartest.DemoTeamSubscriptionID}}, []string{fromCheckout}},
		{"checkout", polar.BenefitGrantListOptions{CheckoutID: []string{polartest.UUID("checkout")}}, []string{fromCheckout}},
		{"another checkout", polar.BenefitGrantListOptions{CheckoutID: []string{polartest.UUID("nope")}}, nil},
		{"member", polar.BenefitGrantListOptions{MemberID: []string{polartest.DemoPlainMemberID}}, nil},
		{"query", polar.BenefitGrantListOptions{Query: "dISCORD"}, []string{demoGrantID(2)}},
		{"query and type", polar.BenefitGrantListOptions{Query: "e", Type: []polar.BenefitType{polar.BenefitTypeSlackSharedChannel}}, []string{demoGrantID(8)}},
		{"sorting by type", polar.BenefitGrantListOptions{Type: []polar.BenefitType{polar.BenefitTypeSlackSharedChannel, polar.BenefitTypeCustom, polar.BenefitTypeDiscord},
			Sorting: []polar.CustomerBenefitGrantSortProperty{polar.CustomerBenefitGrantSortPropertyTypeDesc}}, []string{demoGrantID(8), slack, demoGrantID(2), demoGrantID(1), pending}},
		{"sorting by granted_at", polar.BenefitGrantListOptions{BenefitID: []string{demoBenefitID(1)},
			Sorting: []polar.CustomerBenefitGrantSortProperty{polar.CustomerBenefitGrantSortPropertyGrantedAt}}, []string{demoGrantID(1), pending}},
		{"sorting by -granted_at", polar.BenefitGrantListOptions{BenefitID: []string{demoBenefitID(1)},
			Sorting: []polar.CustomerBenefitGrantSortProperty{polar.CustomerBenefitGrantSortPropertyGrantedAtDesc}}, []string{pending, demoGrantID(1)}},
		{"sorting by product benefit, descending", polar.BenefitGrantListOptions{BenefitID: []string{demoBenefitID(1), demoBenefitID(2), demoBenefitID(4)},
			Sorting: []polar.CustomerBenefitGrantSortProperty{polar.CustomerBenefitGrantSortPropertyProductBenefitDesc, polar.CustomerBenefitGrantSortPropertyOrganization}}, []string{pending, demoGrantID(4), demoGrantID(2), demoGrantID(1)}},
	} {
		if got := list(tc.opts); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}

	// The team filters by member.
	team, _ := client(t, srv, polartest.DemoTeamCustomerToken)
	if p, err := team.BenefitGrants.List(ctx, &polar.BenefitGrantListOptions{MemberID: []string{polartest.DemoPlainMemberID}}); err != nil || len(p.Items) != 1 {
		t.Errorf("Globex, member Mia: %+v, %v", p, err)
	}
	if p, err := team.BenefitGrants.List(ctx, &polar.BenefitGrantListOptions{MemberID: []string{polartest.DemoOwnerMemberID}}); err != nil || len(p.Items) != 0 {
		t.Errorf("Globex, member Olivia: %+v, %v", p, err)
	}

	_, err := c.BenefitGrants.List(ctx, &polar.BenefitGrantListOptions{Type: []polar.BenefitType{"nope"}, BenefitID: []string{"x"}, Sorting: []polar.CustomerBenefitGrantSortProperty{"-nope"}})
	wantValidation(t, err, "query.type.0", "enum")
	wantValidation(t, err, "query.benefit_id.0", "uuid_parsing")
	wantValidation(t, err, "query.sorting.0", "enum")
	for _, key := range []string{"checkout_id", "order_id", "subscription_id", "member_id"} {
		status, _, b := raw(t, srv, http.MethodGet, grantsPath+"?"+key+"=42", polartest.DemoCustomerToken, nil)
		if status != http.StatusUnprocessableEntity || !contains(b, `"loc":["query","`+key+`",0]`) {
			t.Errorf("%s=42: %d %s", key, status, b)
		}
	}
}

func TestBenefitGrantsGet(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithFixture(grantFixture()))
	c, tp := client(t, srv, polartest.DemoCustomerToken)
	for n := 1; n <= 8; n++ {
		g, err := c.BenefitGrants.Get(ctx, demoGrantID(n))
		if err != nil {
			t.Fatal(err)
		}
		decoded := strictGrant(t, tp.body())
		if fmt.Sprintf("%T", g) != fmt.Sprintf("%T", decoded) || g.Common().ID != demoGrantID(n) {
			t.Errorf("grant %d: %T %+v", n, g, *g.Common())
		}
	}
	lk, err := c.BenefitGrants.Get(ctx, demoGrantID(6))
	if g, ok := lk.(*polar.CustomerBenefitGrantLicenseKeys); err != nil || !ok || *g.Properties.LicenseKeyID != polartest.DemoLicenseKeyID || g.Benefit.Properties.Activations.Limit != 3 {
		t.Errorf("license key grant: %+v, %v", lk, err)
	}

	for _, id := range []string{demoGrantID(9), polartest.UUID("revoked"), polartest.UUID("no such grant")} {
		_, err := c.BenefitGrants.Get(ctx, id)
		wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	}
	_, err = c.BenefitGrants.Get(ctx, "not-a-uuid")
	wantValidation(t, err, "path.id", "uuid_parsing")
	_, err = c.BenefitGrants.Get(ctx, "0e8c1a3a-1b2c-1d5e-8f90-123456789abc")
	wantValidation(t, err, "path.id", "uuid_version")

	// A member sees their own grant, not their team's others.
	mia, tp := client(t, srv, polartest.DemoPlainMemberToken)
	g, err := mia.BenefitGrants.Get(ctx, demoGrantID(9))
	if err != nil || *g.Common().MemberID != polartest.DemoPlainMemberID {
		t.Fatalf("Mia's grant: %+v, %v", g, err)
	}
	strictGrant(t, tp.body())
	olivia, _ := client(t, srv, polartest.DemoMemberToken)
	_, err = olivia.BenefitGrants.Get(ctx, demoGrantID(9))
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	anon, _ := client(t, srv, "")
	_, err = anon.BenefitGrants.Get(ctx, demoGrantID(1))
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
}

func TestBenefitGrantsUpdateAccounts(t *testing.T) {
	clk := newClock()
	srv := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithClock(clk.Now))
	c, tp := client(t, srv, polartest.DemoCustomerToken)
	clk.Advance(time.Hour)

	// Disconnecting the Discord account: the role is no longer granted,
	// and the grant says why.
	g, err := c.BenefitGrants.Update(ctx, demoGrantID(2), polar.CustomerBenefitGrantDiscordUpdate{})
	if err != nil {
		t.Fatal(err)
	}
	strictGrant(t, tp.body())
	d := g.(*polar.CustomerBenefitGrantDiscord)
	if d.Properties.AccountID != nil || d.IsGranted || d.GrantedAt != nil || d.Error == nil || d.Error.Type != "BenefitActionRequiredError" ||
		d.Error.Message != "The customer needs to connect their Discord account" || d.Error.Timestamp != "2026-08-01T13:00:00+00:00" {
		t.Errorf("disconnected: %+v, error %+v", d.Properties, d.Error)
	}
	got, _ := c.BenefitGrants.Get(ctx, demoGrantID(2))
	if got.(*polar.CustomerBenefitGrantDiscord).IsGranted {
		t.Error("the disconnection did not stick")
	}

	// Connecting it again grants the role to it.
	clk.Advance(time.Minute)
	g, err = c.BenefitGrants.Update(ctx, demoGrantID(2), polar.CustomerBenefitGrantDiscordUpdate{
		Properties: polar.CustomerBenefitGrantDiscordPropertiesUpdate{AccountID: new("disc-alice")}})
	if err != nil {
		t.Fatal(err)
	}
	d = g.(*polar.CustomerBenefitGrantDiscord)
	if *d.Properties.AccountID != "disc-alice" || *d.Properties.GrantedAccountID != "disc-alice" || !d.IsGranted || d.Error != nil ||
		!d.GrantedAt.Equal(clk.Now()) || !d.ModifiedAt.Equal(clk.Now()) {
		t.Errorf("connected: %+v, granted %v at %v", d.Properties, d.IsGranted, d.GrantedAt)
	}
	if got, _ := c.BenefitGrants.Get(ctx, demoGrantID(2)); !got.(*polar.CustomerBenefitGrantDiscord).IsGranted {
		t.Error("the connection did not stick")
	}

	// Only an account the customer connected will do.
	_, err = c.BenefitGrants.Update(ctx, demoGrantID(2), polar.CustomerBenefitGrantDiscordUpdate{
		Properties: polar.CustomerBenefitGrantDiscordPropertiesUpdate{AccountID: new("someone-else")}})
	wantValidation(t, err, "body.properties.account_id", "value_error")
	_, err = c.BenefitGrants.Update(ctx, demoGrantID(5), polar.CustomerBenefitGrantGitHubRepositoryUpdate{
		Properties: polar.CustomerBenefitGrantGitHubRepositoryPropertiesUpdate{AccountID: new("disc-alice")}})
	wantValidation(t, err, "body.properties.account_id", "value_error")

	// GitHub, the same way.
	g, err = c.BenefitGrants.Update(ctx, demoGrantID(5), polar.CustomerBenefitGrantGitHubRepositoryUpdate{})
	if gh := g.(*polar.CustomerBenefitGrantGitHubRepository); err != nil || gh.IsGranted || gh.Error == nil || gh.Error.Message != "The customer needs to connect their GitHub account" {
		t.Fatalf("GitHub disconnected: %+v, %v", g, err)
	}
	g, err = c.BenefitGrants.Update(ctx, demoGrantID(5), polar.CustomerBenefitGrantGitHubRepositoryUpdate{
		Properties: polar.CustomerBenefitGrantGitHubRepositoryPropertiesUpdate{AccountID: new("1001")}})
	strictGrant(t, tp.body())
	if gh := g.(*polar.CustomerBenefitGrantGitHubRepository); err != nil || !gh.IsGranted || *gh.Properties.GrantedAccountID != "1001" || *gh.Properties.RepositoryName != "engine" {
		t.Fatalf("GitHub connected: %+v, %v", g, err)
	}
}

func TestBenefitGrantsUpdateOthers(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithFixture(grantFixture()))
	c, tp := client(t, srv, polartest.DemoCustomerToken)

	// Slack: a new address drops the previous invitation.
	slack := polartest.UUID("slack")
	g, err := c.BenefitGrants.Update(ctx, slack, polar.CustomerBenefitGrantSlackSharedChannelUpdate{
		Properties: polar.CustomerBenefitGrantSlackSharedChannelPropertiesUpdate{InvitedEmail: "alice@example.com"}})
	if s := g.(*polar.CustomerBenefitGrantSlackSharedChannel); err != nil || s.Properties.InviteID == nil {
		t.Fatalf("same address: %+v, %v", g, err)
	}
	g, err = c.BenefitGrants.Update(ctx, slack, polar.CustomerBenefitGrantSlackSharedChannelUpdate{
		Properties: polar.CustomerBenefitGrantSlackSharedChannelPropertiesUpdate{InvitedEmail: "alice@work.example"}})
	strictGrant(t, tp.body())
	if s := g.(*polar.CustomerBenefitGrantSlackSharedChannel); err != nil || *s.Properties.InvitedEmail != "alice@work.example" ||
		s.Properties.InviteID != nil || s.Properties.InviteURL != nil || *s.Properties.ChannelID != "C9" {
		t.Fatalf("new address: %+v, %v", g, err)
	}
	got, _ := c.BenefitGrants.Get(ctx, slack)
	if *got.(*polar.CustomerBenefitGrantSlackSharedChannel).Properties.InvitedEmail != "alice@work.example" {
		t.Error("the address did not stick")
	}

	// The types without properties accept their own shape and change
	// nothing.
	for n, body := range map[int]polar.CustomerBenefitGrantUpdate{
		1: polar.CustomerBenefitGrantCustomUpdate{}, 3: polar.CustomerBenefitGrantDownloadablesUpdate{},
		4: polar.CustomerBenefitGrantFeatureFlagUpdate{}, 6: polar.CustomerBenefitGrantLicenseKeysUpdate{},
		7: polar.CustomerBenefitGrantMeterCreditUpdate{},
	} {
		g, err := c.BenefitGrants.Update(ctx, demoGrantID(n), body)
		if err != nil {
			t.Fatalf("grant %d: %v", n, err)
		}
		strictGrant(t, tp.body())
		if gc := *g.Common(); gc.ID != demoGrantID(n) || !gc.IsGranted || gc.ModifiedAt != nil {
			t.Errorf("grant %d: %+v", n, gc)
		}
	}

	// Another type's shape, another customer's grant, a revoked one.
	_, err = c.BenefitGrants.Update(ctx, demoGrantID(2), polar.CustomerBenefitGrantCustomUpdate{})
	wantValidation(t, err, "body.benefit_type", "value_error")
	for _, id := range []string{demoGrantID(9), polartest.UUID("revoked"), polartest.UUID("no such grant")} {
		_, err = c.BenefitGrants.Update(ctx, id, polar.CustomerBenefitGrantCustomUpdate{})
		wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	}
	_, err = c.BenefitGrants.Update(ctx, "nope", polar.CustomerBenefitGrantCustomUpdate{})
	wantValidation(t, err, "path.id", "uuid_parsing")

	// A member updates their own grant only; a read-only session none.
	mia, _ := client(t, srv, polartest.DemoPlainMemberToken)
	if _, err := mia.BenefitGrants.Update(ctx, demoGrantID(9), polar.CustomerBenefitGrantLicenseKeysUpdate{}); err != nil {
		t.Errorf("Mia's own grant: %v", err)
	}
	olivia, _ := client(t, srv, polartest.DemoMemberToken)
	_, err = olivia.BenefitGrants.Update(ctx, demoGrantID(9), polar.CustomerBenefitGrantLicenseKeysUpdate{})
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	readOnly, _ := client(t, srv, polartest.DemoReadOnlyToken)
	_, err = readOnly.BenefitGrants.Update(ctx, demoGrantID(1), polar.CustomerBenefitGrantCustomUpdate{})
	wantAPIError(t, err, http.StatusForbidden, "insufficient_scope")
	anon, _ := client(t, srv, "")
	_, err = anon.BenefitGrants.Update(ctx, demoGrantID(1), polar.CustomerBenefitGrantCustomUpdate{})
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
}

func TestBenefitGrantsUpdateValidation(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	for _, tc := range []struct {
		id, body, want string
	}{
		{demoGrantID(1), `{}`, `{"loc":["body"],"type":"union_tag_not_found","input":{}}`},
		{demoGrantID(1), `{"benefit_type":"nope"}`, `"loc":["body"],"type":"union_tag_invalid"`},
		{demoGrantID(2), `{"benefit_type":"discord"}`, `{"loc":["body","discord","properties"],"type":"missing","input":{"benefit_type":"discord"}}`},
		{demoGrantID(2), `{"benefit_type":"discord","properties":{}}`, `{"loc":["body","discord","properties","account_id"],"type":"missing","input":{}}`},
		{demoGrantID(2), `{"benefit_type":"discord","properties":[]}`, `"loc":["body","discord","properties"],"type":"dict_type"`},
		{demoGrantID(5), `{"benefit_type":"github_repository","properties":{"account_id":1001}}`, `{"loc":["body","github_repository","properties","account_id"],"type":"string_type","input":1001}`},
		{demoGrantID(8), `{"benefit_type":"slack_shared_channel","properties":{"invited_email":null}}`, `"loc":["body","slack_shared_channel","properties","invited_email"],`},
		{demoGrantID(8), `{"benefit_type":"slack_shared_channel","properties":{"invited_email":"alice"}}`, `{"loc":["body","slack_shared_channel","properties","invited_email"],"type":"value_error","input":"alice"}`},
		{demoGrantID(8), `{"benefit_type":"slack_shared_channel","properties":{"invited_email":"alice@localhost"}}`, `"type":"value_error"`},
		{demoGrantID(1), `[]`, `"loc":["body"]`},
		{demoGrantID(1), ``, `"loc":["body"],"type":"missing"`},
	} {
		status, _, b := raw(t, srv, http.MethodPatch, grantsPath+tc.id, polartest.DemoCustomerToken, stringsReader(tc.body), "Content-Type", "application/json")
		if status != http.StatusUnprocessableEntity || decodeError(t, b).Error != "RequestValidationError" || !contains(withoutMsgs(b), tc.want) {
			t.Errorf("PATCH %s: %d %s\nwant %s", tc.body, status, b, tc.want)
		}
	}
}
