package polar

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// readWireFixture returns the fixture file name of the top-level testdata
// directory.
func readWireFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// decodeGrant decodes one grant the way a Get or Update answer is decoded.
func decodeGrant(b []byte) (CustomerBenefitGrant, error) {
	return decodeResult[CustomerBenefitGrant](benefitGrantsGet.op, b)
}

// decodeGrantPage decodes a page of grants the way a List answer is
// decoded.
func decodeGrantPage(t testing.TB, b []byte) *Page[CustomerBenefitGrant] {
	t.Helper()
	p, err := decodeResult[*Page[CustomerBenefitGrant]](benefitGrantsList.op, b)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// withoutGrantCustomers drops the customer of a parsed grant, or of each
// grant of a parsed page: the customer is a CustomerPortalCustomer, whose
// round trip the customers tests check.
func withoutGrantCustomers(t testing.TB, doc any) any {
	t.Helper()
	if m, ok := doc.(map[string]any); ok {
		if items, ok := m["items"].([]any); ok {
			for _, it := range items {
				delete(it.(map[string]any), "customer")
			}
			return doc
		}
		delete(m, "customer")
	}
	return doc
}

const grantID = "0bf3a08d-d99a-4f77-9fa8-3201cddca520"

// wantLicenseKeysGrant is testdata/benefit_grant_license_keys.json decoded,
// but for its customer.
func wantLicenseKeysGrant() *CustomerBenefitGrantLicenseKeys {
	orgID := "7e685c35-e296-4c60-8f89-e1bf5ab4d12f"
	return &CustomerBenefitGrantLicenseKeys{
		CustomerBenefitGrantCommon: CustomerBenefitGrantCommon{
			CreatedAt:      time.Date(2026, 2, 10, 14, 22, 31, 482913000, time.UTC),
			ID:             grantID,
			GrantedAt:      ptr(time.Date(2026, 2, 10, 14, 22, 32, 0, time.UTC)),
			CustomerID:     "f5d3cd1a-2a22-4582-b7ef-4009967fd17c",
			BenefitID:      "da41430d-8e27-4d82-9ed8-21f25d08462d",
			SubscriptionID: ptr("2eca214d-d958-41dd-aec2-8091b62c6a69"),
			IsGranted:      true,
		},
		Benefit: BenefitLicenseKeysSubscriber{
			BenefitSubscriberCommon: BenefitSubscriberCommon{
				ID:             "da41430d-8e27-4d82-9ed8-21f25d08462d",
				CreatedAt:      time.Date(2025, 12, 1, 10, 0, 0, 0, time.UTC),
				Description:    "Acme Pro license",
				Selectable:     true,
				Deletable:      true,
				OrganizationID: orgID,
				Organization: BenefitSubscriberOrganization{
					CreatedAt:            time.Date(2025, 11, 2, 9, 14, 7, 512903000, time.UTC),
					ID:                   orgID,
					Name:                 "Acme Tools",
					Slug:                 "acme-tools",
					AvatarURL:            ptr("https://polar-public-files.s3.amazonaws.com/avatar/acme.png"),
					ProrationBehavior:    SubscriptionProrationBehaviorProrate,
					AllowCustomerUpdates: true,
				},
			},
			Properties: BenefitLicenseKeysSubscriberProperties{
				Prefix:      ptr("ACME"),
				Expires:     &BenefitLicenseKeyExpirationProperties{TTL: 1, Timeframe: TimeframeYear},
				Activations: &BenefitLicenseKeyActivationProperties{Limit: 3, EnableCustomerAdmin: true},
				LimitUsage:  ptr[int64](1000),
			},
		},
		Properties: BenefitGrantLicenseKeysProperties{
			UserProvidedKey: ptr("ACME-5F3A-9C2E-77B1"),
			LicenseKeyID:    ptr("d094e74e-3ea8-4fb8-953d-daf6904e94f3"),
			DisplayKey:      ptr("****-77B1"),
		},
	}
}

// grantCustomerCmp compares grants without their customer, which is
// checked by ID only: its type belongs to customers.go.
var grantCustomerCmp = cmp.FilterPath(func(p cmp.Path) bool {
	return p.Last().String() == ".Customer" && p.Last().Type() == reflect.TypeFor[CustomerPortalCustomer]()
}, cmp.Ignore())

func TestBenefitGrantsGet(t *testing.T) {
	body := readWireFixture(t, "benefit_grant_license_keys.json")
	srv := newRecorder(t, jsonAnswer(200, string(body)))
	c := newTestClient(t, srv, testToken)
	g, err := c.BenefitGrants.Get(bg(), grantID)
	if err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	if r.Method != "GET" || r.RequestURI != "/v1/customer-portal/benefit-grants/"+grantID || len(r.Body) != 0 {
		t.Fatalf("request %s %s %q", r.Method, r.RequestURI, r.Body)
	}
	checkCommonHeaders(t, r, true)
	lk, ok := g.(*CustomerBenefitGrantLicenseKeys)
	if !ok {
		t.Fatalf("decoded a %T, want *CustomerBenefitGrantLicenseKeys", g)
	}
	if diff := cmp.Diff(wantLicenseKeysGrant(), lk, grantCustomerCmp); diff != "" {
		t.Errorf("decoded grant (-want +got):\n%s", diff)
	}
	if lk.Customer.ID != lk.CustomerID {
		t.Errorf("customer ID %q, want %q", lk.Customer.ID, lk.CustomerID)
	}
}

func TestBenefitGrantsList(t *testing.T) {
	body := readWireFixture(t, "benefit_grants.json")
	srv := newRecorder(t, jsonAnswer(200, string(body)))
	c := newTestClient(t, srv, testToken)
	page, err := c.BenefitGrants.List(bg(), &BenefitGrantListOptions{
		ListOptions:    ListOptions{Page: 2, Limit: 25},
		Query:          "license",
		Type:           []BenefitType{BenefitTypeLicenseKeys, BenefitTypeDiscord},
		BenefitID:      []string{"b1", "b2"},
		CheckoutID:     []string{"c1"},
		OrderID:        []string{"o1", "o2"},
		SubscriptionID: []string{"s1", "s2"},
		MemberID:       []string{"m1", "m2"},
		Sorting:        []CustomerBenefitGrantSortProperty{CustomerBenefitGrantSortPropertyProductBenefit, CustomerBenefitGrantSortPropertyGrantedAtDesc},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	u, _ := url.Parse(r.RequestURI)
	if r.Method != "GET" || u.Path != "/v1/customer-portal/benefit-grants/" {
		t.Fatalf("request %s %s", r.Method, r.RequestURI)
	}
	want := url.Values{
		"page": {"2"}, "limit": {"25"}, "query": {"license"},
		"type": {"license_keys", "discord"}, "benefit_id": {"b1", "b2"}, "checkout_id": {"c1"},
		"order_id": {"o1", "o2"}, "subscription_id": {"s1", "s2"}, "member_id": {"m1", "m2"},
		"sorting": {"product_benefit", "-granted_at"},
	}
	if diff := cmp.Diff(want, u.Query()); diff != "" {
		t.Errorf("query (-want +got):\n%s", diff)
	}
	checkCommonHeaders(t, r, true)

	var types []string
	for _, g := range page.Items {
		types = append(types, reflect.TypeOf(g).String())
	}
	wantTypes := []string{
		"*polar.CustomerBenefitGrantCustom", "*polar.CustomerBenefitGrantCustom",
		"*polar.CustomerBenefitGrantDiscord",
		"*polar.CustomerBenefitGrantGitHubRepository", "*polar.CustomerBenefitGrantGitHubRepository",
		"*polar.CustomerBenefitGrantDownloadables",
		"*polar.CustomerBenefitGrantFeatureFlag",
		"*polar.CustomerBenefitGrantLicenseKeys", "*polar.CustomerBenefitGrantLicenseKeys",
		"*polar.CustomerBenefitGrantMeterCredit", "*polar.CustomerBenefitGrantMeterCredit",
		"*polar.CustomerBenefitGrantSlackSharedChannel", "*polar.CustomerBenefitGrantSlackSharedChannel",
		"*polar.CustomerBenefitGrantDiscord",
	}
	if diff := cmp.Diff(wantTypes, types); diff != "" {
		t.Fatalf("grant types (-want +got):\n%s", diff)
	}
	if page.Pagination != (Pagination{TotalCount: 14, MaxPage: 1}) {
		t.Errorf("pagination %+v", page.Pagination)
	}
	checkGrantVariants(t, page.Items)
}

// checkGrantVariants checks the values particular to each variant of the
// grants of testdata/benefit_grants.json.
func checkGrantVariants(t *testing.T, items []CustomerBenefitGrant) {
	t.Helper()
	custom := items[1].(*CustomerBenefitGrantCustom)
	if custom.Benefit.Properties.Note == nil || !strings.HasPrefix(*custom.Benefit.Properties.Note, "Thanks!") ||
		items[0].(*CustomerBenefitGrantCustom).Benefit.Properties.Note != nil ||
		custom.MemberID == nil || custom.OrderID == nil || custom.SubscriptionID != nil || custom.ModifiedAt == nil {
		t.Errorf("custom grant: %+v", custom)
	}
	discord := items[2].(*CustomerBenefitGrantDiscord)
	if discord.Member == nil || discord.Member.OAuthAccounts["discord"].AccountID != "80351110224678912" ||
		*discord.Properties.RoleID != "1061221372462919721" || discord.Benefit.Properties.GuildID != "1061220911441309746" {
		t.Errorf("discord grant: %+v", discord)
	}
	if d := items[13].(*CustomerBenefitGrantDiscord); d.Member != nil || d.Properties.AccountID != nil || d.GrantedAt != nil || d.IsGranted {
		t.Errorf("unconnected discord grant: %+v", d)
	}
	gh := items[3].(*CustomerBenefitGrantGitHubRepository)
	if gh.Error == nil || gh.Error.Type != "BenefitActionRequiredError" || gh.Member != nil || gh.Properties.AccountID != nil ||
		*gh.Properties.Permission != GitHubRepositoryPermissionPull || gh.Benefit.Organization.AvatarURL != nil ||
		gh.Benefit.Organization.ProrationBehavior != SubscriptionProrationBehaviorInvoice {
		t.Errorf("github grant: %+v", gh)
	}
	if gh := items[4].(*CustomerBenefitGrantGitHubRepository); *gh.Properties.Permission != GitHubRepositoryPermissionMaintain ||
		gh.Member == nil || gh.Member.OAuthAccounts["github"].AccountUsername == nil || gh.Error != nil {
		t.Errorf("connected github grant: %+v", gh)
	}
	dl := items[5].(*CustomerBenefitGrantDownloadables)
	if len(dl.Properties.Files) != 2 || len(dl.Benefit.Properties.ActiveFiles) != 2 {
		t.Errorf("downloadables grant: %+v", dl)
	}
	if lk := items[8].(*CustomerBenefitGrantLicenseKeys); lk.Benefit.Properties.Expires != nil || lk.Benefit.Properties.Activations != nil ||
		lk.Properties.UserProvidedKey != nil || !lk.IsRevoked || lk.RevokedAt == nil {
		t.Errorf("revoked license key grant: %+v", lk)
	}
	mc := items[9].(*CustomerBenefitGrantMeterCredit)
	if mc.Benefit.Properties.Units != 10000 || *mc.Properties.LastCreditedUnits != 10000 || mc.Properties.LastCreditedAt == nil {
		t.Errorf("meter credit grant: %+v", mc)
	}
	if mc := items[10].(*CustomerBenefitGrantMeterCredit); mc.Properties.LastCreditedUnits == nil || *mc.Properties.LastCreditedUnits != 0 || !mc.Benefit.Properties.Rollover {
		t.Errorf("meter credit grant with zero units: %+v", mc)
	}
	slack := items[11].(*CustomerBenefitGrantSlackSharedChannel)
	if *slack.Properties.ChannelName != "acme-ada-lovelace" || *slack.Properties.InviteURL == "" {
		t.Errorf("slack grant: %+v", slack)
	}
}

func TestBenefitGrantsAll(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, string(readWireFixture(t, "benefit_grants.json"))))
	c := newTestClient(t, srv, testToken)
	n := 0
	for g, err := range c.BenefitGrants.All(bg(), &BenefitGrantListOptions{Type: []BenefitType{BenefitTypeCustom}}) {
		if err != nil {
			t.Fatal(err)
		}
		if g == nil {
			t.Fatal("nil grant")
		}
		n++
	}
	if n != 14 || srv.count() != 1 {
		t.Fatalf("%d grants in %d requests, want 14 in 1", n, srv.count())
	}
	if got := srv.requests()[0].RequestURI; got != "/v1/customer-portal/benefit-grants/?limit=100&page=1&type=custom" {
		t.Errorf("RequestURI = %q", got)
	}
}

func TestBenefitGrantsUpdate(t *testing.T) {
	for _, tc := range []struct {
		name string
		body CustomerBenefitGrantUpdate
		want string
	}{
		{"discord", &CustomerBenefitGrantDiscordUpdate{Properties: CustomerBenefitGrantDiscordPropertiesUpdate{AccountID: ptr("80351110224678912")}},
			`{"benefit_type":"discord","properties":{"account_id":"80351110224678912"}}`},
		{"discord disconnect", &CustomerBenefitGrantDiscordUpdate{},
			`{"benefit_type":"discord","properties":{"account_id":null}}`},
		{"github", CustomerBenefitGrantGitHubRepositoryUpdate{Properties: CustomerBenefitGrantGitHubRepositoryPropertiesUpdate{AccountID: ptr("1024025")}},
			`{"benefit_type":"github_repository","properties":{"account_id":"1024025"}}`},
		{"github disconnect", &CustomerBenefitGrantGitHubRepositoryUpdate{},
			`{"benefit_type":"github_repository","properties":{"account_id":null}}`},
		{"slack", &CustomerBenefitGrantSlackSharedChannelUpdate{Properties: CustomerBenefitGrantSlackSharedChannelPropertiesUpdate{InvitedEmail: "ada@example.com"}},
			`{"benefit_type":"slack_shared_channel","properties":{"invited_email":"ada@example.com"}}`},
		{"custom", &CustomerBenefitGrantCustomUpdate{}, `{"benefit_type":"custom"}`},
		{"downloadables", CustomerBenefitGrantDownloadablesUpdate{}, `{"benefit_type":"downloadables"}`},
		{"feature flag", &CustomerBenefitGrantFeatureFlagUpdate{}, `{"benefit_type":"feature_flag"}`},
		{"license keys", &CustomerBenefitGrantLicenseKeysUpdate{}, `{"benefit_type":"license_keys"}`},
		{"meter credit", &CustomerBenefitGrantMeterCreditUpdate{}, `{"benefit_type":"meter_credit"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newRecorder(t, jsonAnswer(200, string(readWireFixture(t, "benefit_grant_license_keys.json"))))
			c := newTestClient(t, srv, testToken)
			g, err := c.BenefitGrants.Update(bg(), grantID, tc.body)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(CustomerBenefitGrant(wantLicenseKeysGrant()), g, grantCustomerCmp); diff != "" {
				t.Errorf("decoded grant (-want +got):\n%s", diff)
			}
			r := srv.requests()[0]
			checkRequest(t, r, "PATCH", "/v1/customer-portal/benefit-grants/"+grantID, true)
			if string(r.Body) != tc.want {
				t.Errorf("body = %s, want %s", r.Body, tc.want)
			}
		})
	}
}

// TestBenefitGrantsErrors checks the documented error answers: 404 for a
// missing grant, 403 for updating a revoked one, 422 for invalid input.
func TestBenefitGrantsErrors(t *testing.T) {
	const (
		notFound  = `{"error":"ResourceNotFound","detail":"Benefit grant not found."}`
		forbidden = `{"error":"NotPermitted","detail":"The benefit grant is revoked and cannot be updated."}`
		invalid   = `{"error":"RequestValidationError","detail":[{"loc":["body","discord","properties","account_id"],"msg":"Field required","type":"missing","input":{}}]}`
	)
	get := func(c *Client) (any, error) { return c.BenefitGrants.Get(bg(), grantID) }
	list := func(c *Client) (any, error) { return c.BenefitGrants.List(bg(), nil) }
	update := func(c *Client) (any, error) {
		return c.BenefitGrants.Update(bg(), grantID, &CustomerBenefitGrantDiscordUpdate{Properties: CustomerBenefitGrantDiscordPropertiesUpdate{AccountID: ptr("1")}})
	}
	checkErrorCases(t, testToken, []errorCase{
		{name: "get 404", call: get, status: 404, body: notFound, want: ErrResourceNotFound},
		{name: "update 404", call: update, status: 404, body: notFound, want: ErrResourceNotFound},
		{name: "update 403", call: update, status: 403, body: forbidden, want: ErrNotPermitted},
		{name: "list 422", call: list, status: 422, body: invalid, validation: "missing"},
	})
}

func TestBenefitGrantsRoundTrip(t *testing.T) {
	t.Run("benefit_grants.json", func(t *testing.T) {
		in := readWireFixture(t, "benefit_grants.json")
		out, err := json.Marshal(decodeGrantPage(t, in))
		if err != nil {
			t.Fatal(err)
		}
		want, got := withoutGrantCustomers(t, jsonMeaning(t, in)), withoutGrantCustomers(t, jsonMeaning(t, out))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("re-encoded page differs (-fixture +re-encoded):\n%s", diff)
		}
	})
	t.Run("benefit_grant_license_keys.json", func(t *testing.T) {
		in := readWireFixture(t, "benefit_grant_license_keys.json")
		g, err := decodeGrant(in)
		if err != nil {
			t.Fatal(err)
		}
		out, err := json.Marshal(g)
		if err != nil {
			t.Fatal(err)
		}
		want, got := withoutGrantCustomers(t, jsonMeaning(t, in)), withoutGrantCustomers(t, jsonMeaning(t, out))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("re-encoded grant differs (-fixture +re-encoded):\n%s", diff)
		}
	})
}

// TestBenefitGrantsFromNewerServer decodes a page mixing known grants with
// a benefit type this SDK does not know, a grant without a benefit type,
// unknown enum values and unknown fields.
func TestBenefitGrantsFromNewerServer(t *testing.T) {
	in := readWireFixture(t, "benefit_grants_future.json")
	page := decodeGrantPage(t, in)
	var raw struct{ Items []json.RawMessage }
	if err := json.Unmarshal(in, &raw); err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 5 {
		t.Fatalf("%d items, want 5", len(page.Items))
	}
	if _, ok := page.Items[0].(*CustomerBenefitGrantCustom); !ok {
		t.Errorf("item 0 is %T", page.Items[0])
	}
	for i, wantType := range map[int]string{1: "webhook", 3: "", 4: "DOWNLOADABLES"} {
		u, ok := page.Items[i].(*CustomerBenefitGrantUnknown)
		if !ok {
			t.Errorf("item %d is %T, want *CustomerBenefitGrantUnknown", i, page.Items[i])
			continue
		}
		if u.Type != wantType || !bytes.Equal(u.Raw, raw.Items[i]) {
			t.Errorf("item %d: Type %q, Raw %s", i, u.Type, u.Raw)
		}
		out, err := json.Marshal(u)
		if err != nil || !bytes.Equal(out, compactJSON(t, raw.Items[i])) {
			t.Errorf("item %d re-encodes to %s, %v; want the raw grant back", i, out, err)
		}
	}
	gh, ok := page.Items[2].(*CustomerBenefitGrantGitHubRepository)
	if !ok {
		t.Fatalf("item 2 is %T", page.Items[2])
	}
	if *gh.Properties.Permission != "write" || gh.Benefit.Organization.ProrationBehavior != "credit_balance" {
		t.Errorf("unknown enum values: permission %q, proration %q", *gh.Properties.Permission, gh.Benefit.Organization.ProrationBehavior)
	}

	// Re-encoded, the page is the fixture without what this SDK does not
	// model.
	out, err := json.Marshal(page)
	if err != nil {
		t.Fatal(err)
	}
	want := withoutGrantCustomers(t, jsonMeaning(t, in))
	for _, path := range [][]any{
		{"next_cursor"},
		{"items", 2, "delivery_attempts"},
		{"items", 2, "properties", "team_slug"},
		{"items", 2, "benefit", "visibility"},
		{"items", 2, "benefit", "properties", "branch"},
	} {
		deleteJSONPath(t, want, path...)
	}
	// Unknown grants are kept whole, customer included.
	got := jsonMeaning(t, out)
	for _, i := range []int{0, 2} {
		delete(got.(map[string]any)["items"].([]any)[i].(map[string]any), "customer")
	}
	wantItems := want.(map[string]any)["items"].([]any)
	for _, i := range []int{1, 3, 4} {
		wantItems[i] = jsonMeaning(t, raw.Items[i])
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("re-encoded page (-want +got):\n%s", diff)
	}
}

// TestGrantVariantsWriteBenefitType checks that every grant, even a zero
// one, writes its benefit's type exactly once, and decodes back into its
// own type; and that every update shape writes its benefit_type once.
func TestGrantVariantsWriteBenefitType(t *testing.T) {
	for _, c := range []struct {
		v    CustomerBenefitGrant
		want BenefitType
	}{
		{&CustomerBenefitGrantCustom{}, BenefitTypeCustom},
		{&CustomerBenefitGrantDiscord{}, BenefitTypeDiscord},
		{&CustomerBenefitGrantDownloadables{}, BenefitTypeDownloadables},
		{&CustomerBenefitGrantFeatureFlag{}, BenefitTypeFeatureFlag},
		{&CustomerBenefitGrantGitHubRepository{}, BenefitTypeGitHubRepository},
		{&CustomerBenefitGrantLicenseKeys{}, BenefitTypeLicenseKeys},
		{&CustomerBenefitGrantMeterCredit{}, BenefitTypeMeterCredit},
		{&CustomerBenefitGrantSlackSharedChannel{}, BenefitTypeSlackSharedChannel},
	} {
		name := reflect.TypeOf(c.v).Elem().Name()
		for _, v := range []any{c.v, reflect.ValueOf(c.v).Elem().Interface()} {
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			var m struct{ Benefit json.RawMessage }
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			if topLevelKeyCount(m.Benefit, "type") != 1 || !strings.Contains(string(m.Benefit), `"type":"`+string(c.want)+`"`) {
				t.Errorf("%s: benefit %s, want type %q once", name, m.Benefit, c.want)
			}
			if topLevelKeyCount(b, "type") != 0 {
				t.Errorf("%s: the grant itself has a type member: %s", name, b)
			}
			back, err := decodeGrant(b)
			if err != nil || reflect.TypeOf(back) != reflect.TypeOf(c.v) {
				t.Errorf("%s: decodes back into %T, %v", name, back, err)
			}
		}
	}
	for _, c := range []struct {
		v    CustomerBenefitGrantUpdate
		want BenefitType
	}{
		{&CustomerBenefitGrantCustomUpdate{}, BenefitTypeCustom},
		{&CustomerBenefitGrantDiscordUpdate{}, BenefitTypeDiscord},
		{&CustomerBenefitGrantDownloadablesUpdate{}, BenefitTypeDownloadables},
		{&CustomerBenefitGrantFeatureFlagUpdate{}, BenefitTypeFeatureFlag},
		{&CustomerBenefitGrantGitHubRepositoryUpdate{}, BenefitTypeGitHubRepository},
		{&CustomerBenefitGrantLicenseKeysUpdate{}, BenefitTypeLicenseKeys},
		{&CustomerBenefitGrantMeterCreditUpdate{}, BenefitTypeMeterCredit},
		{&CustomerBenefitGrantSlackSharedChannelUpdate{}, BenefitTypeSlackSharedChannel},
	} {
		b, err := json.Marshal(c.v)
		if err != nil || topLevelKeyCount(b, "benefit_type") != 1 || !strings.HasPrefix(string(b), `{"benefit_type":"`+string(c.want)+`"`) {
			t.Errorf("%T marshals to %s, %v; want benefit_type %q once", c.v, b, err, c.want)
		}
	}
}

// TestGrantDecodeErrors: a single grant that is not a JSON object, or is
// cut short, is an error, never an Unknown variant holding broken JSON.
func TestGrantDecodeErrors(t *testing.T) {
	for _, in := range []string{`{"broken`, `{"benefit":{"type":"webhook"}`, `[]`, `null`, `"x"`, `{"benefit":{"type":"custom"},"id":1}`} {
		if g, err := decodeGrant([]byte(in)); err == nil {
			t.Errorf("decoding %s gave %#v, want an error", in, g)
		}
	}
}

// grantFixtures are the fixtures holding grants, by whether they are a
// page.
var grantFixtures = map[string]bool{
	"benefit_grants.json":             true,
	"benefit_grants_future.json":      true,
	"benefit_grant_license_keys.json": false,
}

// FuzzDecodeBenefitGrant checks the union decoder of grants: it never
// panics, and whatever it decodes re-encodes to JSON that decodes again
// into the same type.
func FuzzDecodeBenefitGrant(f *testing.F) {
	for name, isPage := range grantFixtures {
		b := readWireFixture(f, name)
		f.Add(b)
		if isPage {
			var p struct{ Items []json.RawMessage }
			if err := json.Unmarshal(b, &p); err != nil {
				f.Fatal(err)
			}
			for _, it := range p.Items {
				f.Add([]byte(it))
			}
		}
	}
	for _, s := range []string{
		`{}`, `[]`, `null`, `"custom"`, `{"benefit":null}`, `{"benefit":"custom"}`,
		`{"benefit":{"type":1}}`, `{"benefit":{"type":"custom"}}`, `{"benefit":{"type":"cust\u006fm"}}`,
		`{"benefit":{"type":"custom","type":"webhook"}}`, `{"benefit":{"type":"webhook"},"benefit":{"type":"discord"}}`,
		`{"type":"discord","benefit":{"kind":"discord"}}`, `{"benefit":{"type":"discord","properties":{"guild_id":7}}}`,
		`{"benefit":{"type":"meter_credit"},"properties":{"last_credited_units":1e3}}`,
		`{"benefit":{"type":"custom"`,
	} {
		f.Add([]byte(s))
	}
	// The decoder of a call's result: the grant union behind the JSON and
	// object checks of the request path.
	dec := func(b []byte) (CustomerBenefitGrant, error) {
		return decodeResult[CustomerBenefitGrant](benefitGrantsGet.op, b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := dec(b)
		if err != nil {
			return
		}
		if !json.Valid(b) {
			t.Fatalf("decoded invalid JSON %q into %T", b, v)
		}
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("re-encoding %T from %s: %v", v, b, err)
		}
		again, err := dec(out)
		if err != nil || reflect.TypeOf(again) != reflect.TypeOf(v) {
			t.Fatalf("%s re-encoded as %s decodes into %T, %v; want %T", b, out, again, err, v)
		}
	})
}

// The benefit grant operations; their contract rows use every filter and
// every body shape.
var _ = addOps(
	opSpec{id: "customer_portal:benefit-grants:list", answer: `{"items":[],"pagination":{"total_count":0,"max_page":0}}`,
		call: func(ctx context.Context, c *Client, _ string) error {
			return onlyErr(c.BenefitGrants.List(ctx, &BenefitGrantListOptions{Type: []BenefitType{BenefitTypeDiscord}}))
		},
		rows: []contractRow{{call: func(ctx context.Context, c *Client) error {
			return onlyErr(c.BenefitGrants.List(ctx, &BenefitGrantListOptions{
				ListOptions:    ListOptions{Page: 1, Limit: 10},
				Query:          "license",
				Type:           []BenefitType{BenefitTypeLicenseKeys, BenefitTypeDiscord},
				BenefitID:      []string{"8f9e1c2a-3b4d-4e5f-8a6b-7c8d9e0f1a2b", "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"},
				CheckoutID:     []string{"2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e", "3c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f"},
				OrderID:        []string{"4d5e6f7a-8b9c-4d0e-9f2a-3b4c5d6e7f80", "5e6f7a8b-9c0d-4e1f-8a3b-4c5d6e7f8091"},
				SubscriptionID: []string{"6f7a8b9c-0d1e-4f2a-9b4c-5d6e7f8091a2", "7a8b9c0d-1e2f-4a3b-8c5d-6e7f8091a2b3"},
				MemberID:       []string{"8b9c0d1e-2f3a-4b4c-9d6e-7f8091a2b3c4", "9c0d1e2f-3a4b-4c5d-8e7f-8091a2b3c4d5"},
				Sorting:        []CustomerBenefitGrantSortProperty{CustomerBenefitGrantSortPropertyProductBenefit, CustomerBenefitGrantSortPropertyGrantedAtDesc},
			}))
		}}},
		schemas: map[string]reflect.Type{
			"BenefitCustomSubscriber":                       reflect.TypeFor[BenefitCustomSubscriber](),
			"BenefitCustomSubscriberProperties":             reflect.TypeFor[BenefitCustomSubscriberProperties](),
			"BenefitDiscordSubscriber":                      reflect.TypeFor[BenefitDiscordSubscriber](),
			"BenefitDiscordSubscriberProperties":            reflect.TypeFor[BenefitDiscordSubscriberProperties](),
			"BenefitDownloadablesSubscriber":                reflect.TypeFor[BenefitDownloadablesSubscriber](),
			"BenefitDownloadablesSubscriberProperties":      reflect.TypeFor[BenefitDownloadablesSubscriberProperties](),
			"BenefitFeatureFlagSubscriber":                  reflect.TypeFor[BenefitFeatureFlagSubscriber](),
			"BenefitFeatureFlagSubscriberProperties":        reflect.TypeFor[BenefitFeatureFlagSubscriberProperties](),
			"BenefitGitHubRepositorySubscriber":             reflect.TypeFor[BenefitGitHubRepositorySubscriber](),
			"BenefitGitHubRepositorySubscriberProperties":   reflect.TypeFor[BenefitGitHubRepositorySubscriberProperties](),
			"BenefitGrantCustomProperties":                  reflect.TypeFor[BenefitGrantCustomProperties](),
			"BenefitGrantDiscordProperties":                 reflect.TypeFor[BenefitGrantDiscordProperties](),
			"BenefitGrantDownloadablesProperties":           reflect.TypeFor[BenefitGrantDownloadablesProperties](),
			"BenefitGrantError":                             reflect.TypeFor[BenefitGrantError](),
			"BenefitGrantFeatureFlagProperties":             reflect.TypeFor[BenefitGrantFeatureFlagProperties](),
			"BenefitGrantGitHubRepositoryProperties":        reflect.TypeFor[BenefitGrantGitHubRepositoryProperties](),
			"BenefitGrantLicenseKeysProperties":             reflect.TypeFor[BenefitGrantLicenseKeysProperties](),
			"BenefitGrantMeterCreditProperties":             reflect.TypeFor[BenefitGrantMeterCreditProperties](),
			"BenefitGrantSlackSharedChannelProperties":      reflect.TypeFor[BenefitGrantSlackSharedChannelProperties](),
			"BenefitLicenseKeyActivationProperties":         reflect.TypeFor[BenefitLicenseKeyActivationProperties](),
			"BenefitLicenseKeyExpirationProperties":         reflect.TypeFor[BenefitLicenseKeyExpirationProperties](),
			"BenefitLicenseKeysSubscriber":                  reflect.TypeFor[BenefitLicenseKeysSubscriber](),
			"BenefitLicenseKeysSubscriberProperties":        reflect.TypeFor[BenefitLicenseKeysSubscriberProperties](),
			"BenefitMeterCreditSubscriber":                  reflect.TypeFor[BenefitMeterCreditSubscriber](),
			"BenefitMeterCreditSubscriberProperties":        reflect.TypeFor[BenefitMeterCreditSubscriberProperties](),
			"BenefitSlackSharedChannelSubscriber":           reflect.TypeFor[BenefitSlackSharedChannelSubscriber](),
			"BenefitSlackSharedChannelSubscriberProperties": reflect.TypeFor[BenefitSlackSharedChannelSubscriberProperties](),
			"BenefitSubscriberOrganization":                 reflect.TypeFor[BenefitSubscriberOrganization](),
			"CustomerBenefitGrant":                          reflect.TypeFor[CustomerBenefitGrant](),
			"CustomerBenefitGrantCustom":                    reflect.TypeFor[CustomerBenefitGrantCustom](),
			"CustomerBenefitGrantDiscord":                   reflect.TypeFor[CustomerBenefitGrantDiscord](),
			"CustomerBenefitGrantDownloadables":             reflect.TypeFor[CustomerBenefitGrantDownloadables](),
			"CustomerBenefitGrantFeatureFlag":               reflect.TypeFor[CustomerBenefitGrantFeatureFlag](),
			"CustomerBenefitGrantGitHubRepository":          reflect.TypeFor[CustomerBenefitGrantGitHubRepository](),
			"CustomerBenefitGrantLicenseKeys":               reflect.TypeFor[CustomerBenefitGrantLicenseKeys](),
			"CustomerBenefitGrantMember":                    reflect.TypeFor[CustomerBenefitGrantMember](),
			"CustomerBenefitGrantMeterCredit":               reflect.TypeFor[CustomerBenefitGrantMeterCredit](),
			"CustomerBenefitGrantSlackSharedChannel":        reflect.TypeFor[CustomerBenefitGrantSlackSharedChannel](),
			"ListResource_CustomerBenefitGrant_":            reflect.TypeFor[Page[CustomerBenefitGrant]](),
		},
	},
	opSpec{id: "customer_portal:benefit-grants:get", answer: testGrantJSON,
		call: func(ctx context.Context, c *Client, id string) error { return onlyErr(c.BenefitGrants.Get(ctx, id)) },
		rows: []contractRow{{arg: "0bf3a08d-d99a-4f77-9fa8-3201cddca520"}},
	},
	opSpec{id: "customer_portal:benefit-grants:update", answer: testGrantJSON,
		call: func(ctx context.Context, c *Client, id string) error {
			return onlyErr(c.BenefitGrants.Update(ctx, id, &CustomerBenefitGrantCustomUpdate{}))
		},
		nilBody: func(ctx context.Context, c *Client) error { return onlyErr(c.BenefitGrants.Update(ctx, testUUID, nil)) },
		rows: []contractRow{{call: func(ctx context.Context, c *Client) error {
			for _, body := range []CustomerBenefitGrantUpdate{
				&CustomerBenefitGrantDiscordUpdate{Properties: CustomerBenefitGrantDiscordPropertiesUpdate{AccountID: ptr("80351110224678912")}},
				&CustomerBenefitGrantDiscordUpdate{},
				&CustomerBenefitGrantGitHubRepositoryUpdate{Properties: CustomerBenefitGrantGitHubRepositoryPropertiesUpdate{AccountID: ptr("1024025")}},
				&CustomerBenefitGrantGitHubRepositoryUpdate{},
				&CustomerBenefitGrantSlackSharedChannelUpdate{Properties: CustomerBenefitGrantSlackSharedChannelPropertiesUpdate{InvitedEmail: "ada@example.com"}},
				&CustomerBenefitGrantCustomUpdate{},
				&CustomerBenefitGrantDownloadablesUpdate{},
				&CustomerBenefitGrantFeatureFlagUpdate{},
				&CustomerBenefitGrantLicenseKeysUpdate{},
				&CustomerBenefitGrantMeterCreditUpdate{},
			} {
				if _, err := c.BenefitGrants.Update(ctx, "0bf3a08d-d99a-4f77-9fa8-3201cddca520", body); err != nil {
					return err
				}
			}
			return nil
		}}},
		schemas: map[string]reflect.Type{
			"CustomerBenefitGrantCustomUpdate":                       reflect.TypeFor[CustomerBenefitGrantCustomUpdate](),
			"CustomerBenefitGrantDiscordPropertiesUpdate":            reflect.TypeFor[CustomerBenefitGrantDiscordPropertiesUpdate](),
			"CustomerBenefitGrantDiscordUpdate":                      reflect.TypeFor[CustomerBenefitGrantDiscordUpdate](),
			"CustomerBenefitGrantDownloadablesUpdate":                reflect.TypeFor[CustomerBenefitGrantDownloadablesUpdate](),
			"CustomerBenefitGrantFeatureFlagUpdate":                  reflect.TypeFor[CustomerBenefitGrantFeatureFlagUpdate](),
			"CustomerBenefitGrantGitHubRepositoryPropertiesUpdate":   reflect.TypeFor[CustomerBenefitGrantGitHubRepositoryPropertiesUpdate](),
			"CustomerBenefitGrantGitHubRepositoryUpdate":             reflect.TypeFor[CustomerBenefitGrantGitHubRepositoryUpdate](),
			"CustomerBenefitGrantLicenseKeysUpdate":                  reflect.TypeFor[CustomerBenefitGrantLicenseKeysUpdate](),
			"CustomerBenefitGrantMeterCreditUpdate":                  reflect.TypeFor[CustomerBenefitGrantMeterCreditUpdate](),
			"CustomerBenefitGrantSlackSharedChannelPropertiesUpdate": reflect.TypeFor[CustomerBenefitGrantSlackSharedChannelPropertiesUpdate](),
			"CustomerBenefitGrantSlackSharedChannelUpdate":           reflect.TypeFor[CustomerBenefitGrantSlackSharedChannelUpdate](),
			"CustomerBenefitGrantUpdate":                             reflect.TypeFor[CustomerBenefitGrantUpdate](),
		},
	},
)

// testGrantJSON is a small valid grant answer.
const testGrantJSON = `{"id":"` + testUUID + `","benefit":{"type":"custom","properties":{"note":null}},"properties":{}}`
