package polartest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

func TestCustomersGet(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, tp := client(t, srv, polartest.DemoCustomerToken)
	me, err := c.Customers.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.CustomerPortalCustomer](t, tp.body())
	if me.ID != polartest.DemoCustomerID || *me.Email != "alice@example.com" || me.TaxID.Format != polar.TaxIDFormatEUVAT ||
		*me.DefaultPaymentMethodID != polartest.DemoPaymentMethodID || me.OAuthAccounts["github"].AccountID != "1001" {
		t.Errorf("Alice: %+v", me)
	}
	m, _ := client(t, srv, polartest.DemoPlainMemberToken)
	team, err := m.Customers.Get(ctx)
	if err != nil || team.ID != polartest.DemoTeamID || *team.Type != polar.CustomerTypeTeam {
		t.Errorf("a member reads the team: %+v, %v", team, err)
	}
}

func TestCustomersUpdate(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, tp := client(t, srv, polartest.DemoCustomerToken)

	me, err := c.Customers.Update(ctx, &polar.CustomerPortalCustomerUpdate{BillingName: polar.Set("Alice M.")})
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.CustomerPortalCustomer](t, tp.body())
	if *me.BillingName != "Alice M." || me.BillingAddress == nil || me.TaxID == nil || me.ModifiedAt == nil {
		t.Errorf("set billing name: %+v", me)
	}

	// A German address with a German VAT ID.
	me, err = c.Customers.Update(ctx, &polar.CustomerPortalCustomerUpdate{
		BillingAddress: polar.Set(polar.AddressInput{City: new("Berlin"), Country: "DE"}),
		TaxID:          polar.Set("DE 123456789"),
	})
	if err != nil || me.TaxID == nil || me.TaxID.ID != "DE123456789" || me.TaxID.Format != polar.TaxIDFormatEUVAT || me.BillingAddress.Country != "DE" {
		t.Fatalf("German address and VAT ID: %+v, %v", me, err)
	}
	// A tax ID that does not fit the country, given or kept.
	_, err = c.Customers.Update(ctx, &polar.CustomerPortalCustomerUpdate{TaxID: polar.Set("FR61954506077")})
	wantRule(t, err, "body.tax_id", "invalid", "Invalid tax ID.")
	_, err = c.Customers.Update(ctx, &polar.CustomerPortalCustomerUpdate{BillingAddress: polar.Set(polar.AddressInput{Country: "US"})})
	wantRule(t, err, "body.tax_id", "invalid", "Invalid tax ID.")

	me, err = c.Customers.Update(ctx, &polar.CustomerPortalCustomerUpdate{DefaultPaymentMethodID: polar.Set(polartest.DemoDeclinedPaymentMethodID)})
	if err != nil || *me.DefaultPaymentMethodID != polartest.DemoDeclinedPaymentMethodID {
		t.Errorf("default payment method: %+v, %v", me, err)
	}
	bobsCard := "00000011-0000-4000-8000-000000000006"
	_, err = c.Customers.Update(ctx, &polar.CustomerPortalCustomerUpdate{DefaultPaymentMethodID: polar.Set(bobsCard)})
	wantRule(t, err, "body.default_payment_method_id", "invalid", "Payment method not found.")
	_, err = c.Customers.Update(ctx, &polar.CustomerPortalCustomerUpdate{DefaultPaymentMethodID: polar.Set("x")})
	wantValidation(t, err, "body.default_payment_method_id", "uuid_parsing")

	// Bob is untouched.
	bob, _ := client(t, srv, polartest.DemoOtherCustomerToken)
	if b, _ := bob.Customers.Get(ctx); b.BillingName != nil || b.ID != polartest.DemoOtherCustomerID {
		t.Errorf("Bob: %+v", b)
	}

	// Members: billing managers may, plain members may not.
	bm, _ := client(t, srv, polartest.DemoBillingManagerToken)
	if team, err := bm.Customers.Update(ctx, &polar.CustomerPortalCustomerUpdate{BillingName: polar.Set("Globex Ltd")}); err != nil || *team.BillingName != "Globex Ltd" {
		t.Errorf("billing manager: %+v, %v", team, err)
	}
	plain, _ := client(t, srv, polartest.DemoPlainMemberToken)
	_, err = plain.Customers.Update(ctx, &polar.CustomerPortalCustomerUpdate{BillingName: polar.Set("Mia's")})
	wantAPIError(t, err, http.StatusForbidden, "NotPermitted")

	status, _, b := raw(t, srv, http.MethodPatch, "/v1/customer-portal/customers/me", polartest.DemoCustomerToken, stringsReader(`{"tax_id": 12, "billing_name": []}`))
	if status != http.StatusUnprocessableEntity || !contains(b, `["body","tax_id"]`) || !contains(b, `["body","billing_name"]`) ||
		decodeError(t, b).Error != "RequestValidationError" {
		t.Errorf("two bad fields: %d %s", status, b)
	}
}

// wantRule checks that err is Polar's 422 PolarRequestValidationError
// with an item at loc of type typ saying msg.
func wantRule(t *testing.T, err error, loc, typ, msg string) {
	t.Helper()
	wantAPIError(t, err, http.StatusUnprocessableEntity, "PolarRequestValidationError")
	if !errors.Is(err, polar.ErrPolarRequestValidationError) || errors.Is(err, polar.ErrRequestValidationError) {
		t.Errorf("%v: errors.Is is wrong", err)
	}
	wantValidation(t, err, loc, typ)
	var ve *polar.ValidationError
	errors.As(err, &ve)
	if !slices.ContainsFunc(ve.Errors, func(d polar.ValidationDetail) bool { return d.Msg == msg }) {
		t.Errorf("%v: no item says %q", err, msg)
	}
}

// TestCustomersUpdateNulls: Polar's customer update (its customer portal
// service) ignores a null billing_name, refuses a null billing_address
// or default_payment_method_id (422, type missing: neither can be
// cleared), and, its schema turning an empty string into None, ignores an
// empty billing_name and clears the tax ID with an empty tax_id; a tax ID
// needs a billing address.
func TestCustomersUpdateNulls(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, _ := client(t, srv, polartest.DemoCustomerToken)
	patch := func(body string) (*polar.CustomerPortalCustomer, int, []byte) {
		t.Helper()
		status, _, b := raw(t, srv, http.MethodPatch, "/v1/customer-portal/customers/me", polartest.DemoCustomerToken, stringsReader(body), "Content-Type", "application/json")
		if status != http.StatusOK {
			return nil, status, b
		}
		me := strict[polar.CustomerPortalCustomer](t, b)
		return &me, status, b
	}

	for _, body := range []string{`{"billing_name": null}`, `{"billing_name": ""}`} {
		me, status, b := patch(body)
		if me == nil || me.BillingName == nil || *me.BillingName != "Alice Martin" {
			t.Errorf("%s: %d %s; want the name kept", body, status, b)
		}
	}
	for body, loc := range map[string]string{
		`{"billing_address": null}`:           "body.billing_address",
		`{"default_payment_method_id": null}`: "body.default_payment_method_id",
	} {
		_, err := c.Customers.Update(ctx, updateOf(t, body))
		wantRule(t, err, loc, "missing", map[string]string{
			"body.billing_address":           "Customer billing address cannot be reset to null once set.",
			"body.default_payment_method_id": "Default payment method cannot be reset to null.",
		}[loc])
	}
	me, _ := c.Customers.Get(ctx)
	if me.BillingAddress == nil || me.DefaultPaymentMethodID == nil {
		t.Fatalf("a refused null changed the customer: %+v", me)
	}

	me, status, b := patch(`{"tax_id": ""}`)
	if me == nil || me.TaxID != nil {
		t.Errorf(`tax_id "": %d %s; want the tax ID cleared`, status, b)
	}
	if _, err := c.Customers.Update(ctx, &polar.CustomerPortalCustomerUpdate{TaxID: polar.Set("FR61954506077")}); err != nil {
		t.Fatal(err)
	}
	if me, err := c.Customers.Update(ctx, &polar.CustomerPortalCustomerUpdate{TaxID: polar.Null[string]()}); err != nil || me.TaxID != nil {
		t.Errorf("tax_id null: %+v, %v", me, err)
	}

	// Bob has no billing address to validate a tax ID against.
	bob, _ := client(t, srv, polartest.DemoOtherCustomerToken)
	_, err := bob.Customers.Update(ctx, &polar.CustomerPortalCustomerUpdate{TaxID: polar.Set("FR61954506077")})
	wantRule(t, err, "body.billing_address", "missing", "Country is required to validate tax ID.")
}

// updateOf decodes a JSON body into the SDK's update type, nulls included.
func updateOf(t *testing.T, body string) *polar.CustomerPortalCustomerUpdate {
	t.Helper()
	var u polar.CustomerPortalCustomerUpdate
	if err := json.Unmarshal([]byte(body), &u); err != nil {
		t.Fatal(err)
	}
	return &u
}

func TestOrganizationsGet(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, tp := client(t, srv, "")
	org, err := c.Organizations.Get(ctx, polartest.DemoOrganizationSlug)
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.CustomerOrganizationData](t, tp.body())
	if org.Organization.ID != polartest.DemoOrganizationID || len(org.Products) != 6 {
		t.Errorf("acme: %s with %d products, want 6 (no archived or private ones)", org.Organization.ID, len(org.Products))
	}
	for _, p := range org.Products {
		if p.IsArchived || p.Visibility != polar.ProductVisibilityPublic {
			t.Errorf("product %s shown: archived %v, %s", p.Name, p.IsArchived, p.Visibility)
		}
	}
	_, err = c.Organizations.Get(ctx, "no-such-org")
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	// A session token is fine too (the SDK does not send it).
	withToken, _ := client(t, srv, polartest.DemoCustomerToken)
	if _, err := withToken.Organizations.Get(ctx, polartest.DemoOtherOrganizationSlug); err != nil {
		t.Error(err)
	}
}

// Payment methods of the Demo data set.
const (
	aliceSEPA   = "00000011-0000-4000-8000-000000000004"
	globexCard  = "00000011-0000-4000-8000-000000000005"
	bobsCard    = "00000011-0000-4000-8000-000000000006"
	aliceKrCard = "00000011-0000-4000-8000-000000000007"
	pmPath      = "/v1/customer-portal/customers/me/payment-methods"
	emailPath   = "/v1/customer-portal/customers/me/email-update/"
)

// The wire shapes of the payment-method unions, for strict decoding: each
// variant with its discriminator.
type (
	cardWire struct {
		polar.PaymentMethodCard
		Type string `json:"type"`
	}
	krCardWire struct {
		polar.PaymentMethodKrCard
		Type string `json:"type"`
	}
	succeededWire struct {
		Status        string          `json:"status"`
		PaymentMethod json.RawMessage `json:"payment_method"`
	}
	requiresActionWire struct {
		Status       string `json:"status"`
		ClientSecret string `json:"client_secret"`
	}
	paymentMethodPageWire struct {
		Items      []json.RawMessage `json:"items"`
		Pagination polar.Pagination  `json:"pagination"`
	}
)

// strictPaymentMethod decodes a payment method strictly into the variant
// its type names, and checks the fields every variant requires.
func strictPaymentMethod(t *testing.T, b []byte) polar.CustomerPaymentMethod {
	t.Helper()
	var head map[string]json.RawMessage
	if err := json.Unmarshal(b, &head); err != nil {
		t.Fatalf("payment method: %v: %s", err, b)
	}
	for _, f := range []string{"id", "created_at", "modified_at", "processor", "customer_id", "type"} {
		if _, ok := head[f]; !ok {
			t.Errorf("payment method without %s: %s", f, b)
		}
	}
	var typ string
	_ = json.Unmarshal(head["type"], &typ)
	switch typ {
	case "card":
		w := strict[cardWire](t, b)
		return &w.PaymentMethodCard
	case "kr_card":
		w := strict[krCardWire](t, b)
		return &w.PaymentMethodKrCard
	}
	w := strict[polar.PaymentMethodGeneric](t, b)
	return &w
}

// listPaymentMethods returns every payment method of the client's customer.
func listPaymentMethods(t *testing.T, c *polar.Client) []string {
	t.Helper()
	var ids []string
	for pm, err := range c.Customers.AllPaymentMethods(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, pm.Common().ID)
	}
	return ids
}

func TestCustomersListPaymentMethods(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, tp := client(t, srv, polartest.DemoCustomerToken)

	page, err := c.Customers.ListPaymentMethods(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	wire := strict[paymentMethodPageWire](t, tp.body())
	if len(page.Items) != 5 || page.Pagination != (polar.Pagination{TotalCount: 5, MaxPage: 1}) || len(wire.Items) != 5 {
		t.Fatalf("Alice's payment methods: %d items, %+v", len(page.Items), page.Pagination)
	}
	for _, raw := range wire.Items {
		strictPaymentMethod(t, raw)
	}
	// Newest first: the Korean card, the SEPA debit, then the three cards
	// saved together, by ID.
	want := []string{aliceKrCard, aliceSEPA, polartest.DemoPaymentMethodID, polartest.DemoDeclinedPaymentMethodID, polartest.DemoActionPaymentMethodID}
	for i, pm := range page.Items {
		if pm.Common().ID != want[i] {
			t.Errorf("item %d: %s, want %s", i, pm.Common().ID, want[i])
		}
	}
	kr, ok := page.Items[0].(*polar.PaymentMethodKrCard)
	if !ok || *kr.MethodMetadata.Last4 != "0012" || kr.CustomerID != polartest.DemoCustomerID {
		t.Errorf("Korean card: %#v", page.Items[0])
	}
	if g, ok := page.Items[1].(*polar.PaymentMethodGeneric); !ok || g.Type != "sepa_debit" {
		t.Errorf("SEPA debit: %#v", page.Items[1])
	}
	if card, ok := page.Items[2].(*polar.PaymentMethodCard); !ok || card.MethodMetadata.Last4 != "4242" || card.MethodMetadata.Brand != "visa" {
		t.Errorf("default card: %#v", page.Items[2])
	}

	// Pages are windows; limit is clamped to 100; 0 is refused.
	p3, err := c.Customers.ListPaymentMethods(ctx, &polar.PaymentMethodListOptions{ListOptions: polar.ListOptions{Page: 3, Limit: 2}})
	if err != nil || len(p3.Items) != 1 || p3.Items[0].Common().ID != polartest.DemoActionPaymentMethodID || p3.Pagination.MaxPage != 3 {
		t.Fatalf("page 3 of 2: %+v, %v", p3, err)
	}
	status, _, b := raw(t, srv, http.MethodGet, pmPath+"?limit=1000", polartest.DemoCustomerToken, nil)
	if status != http.StatusOK || strict[paymentMethodPageWire](t, b).Pagination.MaxPage != 1 {
		t.Errorf("limit=1000: %d %s", status, b)
	}
	for _, q := range []string{"?limit=0", "?page=0", "?page=x"} {
		status, _, b := raw(t, srv, http.MethodGet, pmPath+q, polartest.DemoCustomerToken, nil)
		if status != http.StatusUnprocessableEntity || decodeError(t, b).Error != "RequestValidationError" {
			t.Errorf("%s: %d %s", q, status, b)
		}
	}
	if ids := listPaymentMethods(t, c); len(ids) != 5 {
		t.Errorf("AllPaymentMethods: %v", ids)
	}

	// Everyone sees only their own.
	bob, _ := client(t, srv, polartest.DemoOtherCustomerToken)
	if ids := listPaymentMethods(t, bob); len(ids) != 1 || ids[0] != bobsCard {
		t.Errorf("Bob's payment methods: %v", ids)
	}
	bm, _ := client(t, srv, polartest.DemoBillingManagerToken)
	if ids := listPaymentMethods(t, bm); len(ids) != 1 || ids[0] != globexCard {
		t.Errorf("Globex's payment methods: %v", ids)
	}
	ro, _ := client(t, srv, polartest.DemoReadOnlyToken)
	if ids := listPaymentMethods(t, ro); len(ids) != 5 {
		t.Errorf("read-only session: %v", ids)
	}
	anon, _ := client(t, srv, "")
	_, err = anon.Customers.ListPaymentMethods(ctx, nil)
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
}

func TestCustomersAddPaymentMethod(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, tp := client(t, srv, polartest.DemoCustomerToken)
	add := func(token string, setDefault bool) polar.CustomerPaymentMethod {
		t.Helper()
		res, err := c.Customers.AddPaymentMethod(ctx, &polar.CustomerPaymentMethodCreate{
			ConfirmationTokenID: token, SetDefault: setDefault, ReturnURL: "https://acme.example/account"})
		if err != nil {
			t.Fatalf("adding %s: %v", token, err)
		}
		w := strict[succeededWire](t, tp.body())
		if w.Status != "succeeded" {
			t.Fatalf("adding %s: status %q", token, w.Status)
		}
		strictPaymentMethod(t, w.PaymentMethod)
		ok, isOK := res.(*polar.CustomerPaymentMethodCreateSucceededResponse)
		if !isOK {
			t.Fatalf("adding %s: %#v", token, res)
		}
		return ok.PaymentMethod
	}

	visa := add("ctoken_1Nvisa", false)
	card, ok := visa.(*polar.PaymentMethodCard)
	if !ok || card.MethodMetadata.Brand != "visa" || card.MethodMetadata.Last4 != "4242" || card.CustomerID != polartest.DemoCustomerID ||
		card.Processor != polar.PaymentProcessorStripe || card.MethodMetadata.ExpYear < 2026 {
		t.Fatalf("a Visa: %#v", visa)
	}
	ids := listPaymentMethods(t, c)
	if len(ids) != 6 || ids[0] != card.ID {
		t.Errorf("the new card is not listed first: %v", ids)
	}
	if me, _ := c.Customers.Get(ctx); *me.DefaultPaymentMethodID != polartest.DemoPaymentMethodID {
		t.Errorf("set_default false changed the default to %s", *me.DefaultPaymentMethodID)
	}

	mc := add("ctoken_mastercard_0002", true).(*polar.PaymentMethodCard)
	if mc.MethodMetadata.Brand != "mastercard" || mc.MethodMetadata.Last4 != "0002" {
		t.Errorf("a Mastercard ending in 0002: %+v", mc.MethodMetadata)
	}
	if me, _ := c.Customers.Get(ctx); *me.DefaultPaymentMethodID != mc.ID {
		t.Errorf("set_default true: default is %s, want %s", *me.DefaultPaymentMethodID, mc.ID)
	}
	// The saved card is one that declines, in orders' confirm-payment too.
	res, err := c.Orders.ConfirmRetryPayment(ctx, polartest.DemoPendingOrderID, &polar.CustomerOrderConfirmPayment{PaymentMethodID: mc.ID})
	if err != nil || res.Status != "failed" {
		t.Errorf("paying with the new card ending in 0002: %+v, %v", res, err)
	}
	if w := add("ctoken_apple_pay", false).(*polar.PaymentMethodCard); w.MethodMetadata.Wallet == nil || *w.MethodMetadata.Wallet != "apple_pay" {
		t.Errorf("Apple Pay: %+v", w.MethodMetadata)
	}
	if g, ok := add("ctoken_us_bank_account", false).(*polar.PaymentMethodGeneric); !ok || g.Type != "us_bank_account" {
		t.Errorf("a US bank account: %#v", g)
	}
	if k, ok := add("ctoken_kr_card", false).(*polar.PaymentMethodKrCard); !ok || k.MethodMetadata.Brand == nil {
		t.Errorf("a Korean card: %#v", k)
	}
	if n := len(listPaymentMethods(t, c)); n != 10 {
		t.Errorf("%d payment methods after five additions, want 10", n)
	}

	// A declined card.
	_, err = c.Customers.AddPaymentMethod(ctx, &polar.CustomerPaymentMethodCreate{ConfirmationTokenID: "ctoken_chargeDeclined", ReturnURL: "https://acme.example"})
	apiErr := wantAPIError(t, err, http.StatusBadRequest, "PaymentMethodSetupFailed")
	if !errors.Is(err, polar.ErrPaymentMethodSetupFailed) || !strings.Contains(apiErr.Detail, "declined") {
		t.Errorf("declined: %v", err)
	}
	if n := len(listPaymentMethods(t, c)); n != 10 {
		t.Errorf("a declined card was saved: %d payment methods", n)
	}

	// Validation.
	status, _, b := raw(t, srv, http.MethodPost, pmPath, polartest.DemoCustomerToken, stringsReader(`{}`))
	for _, f := range []string{"confirmation_token_id", "set_default", "return_url"} {
		if status != http.StatusUnprocessableEntity || !contains(b, `["body","`+f+`"]`) {
			t.Errorf("empty body, %s: %d %s", f, status, b)
		}
	}
	status, _, b = raw(t, srv, http.MethodPost, pmPath, polartest.DemoCustomerToken,
		stringsReader(`{"confirmation_token_id": 1, "set_default": "maybe", "return_url": null}`))
	if status != http.StatusUnprocessableEntity || !contains(b, `"string_type"`) || !contains(b, `"bool_parsing"`) || !contains(b, `["body","return_url"]`) {
		t.Errorf("bad types: %d %s", status, b)
	}
	status, _, b = raw(t, srv, http.MethodPost, pmPath, polartest.DemoCustomerToken,
		stringsReader(`{"confirmation_token_id": "ctoken_x", "set_default": "yes", "return_url": "https://acme.example"}`))
	if status != http.StatusCreated || !contains(b, `"status":"succeeded"`) {
		t.Errorf("set_default \"yes\": %d %s", status, b)
	}

	// Who may.
	body := &polar.CustomerPaymentMethodCreate{ConfirmationTokenID: "ctoken_visa", ReturnURL: "https://acme.example"}
	anon, _ := client(t, srv, "")
	_, err = anon.Customers.AddPaymentMethod(ctx, body)
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
	ro, _ := client(t, srv, polartest.DemoReadOnlyToken)
	_, err = ro.Customers.AddPaymentMethod(ctx, body)
	wantAPIError(t, err, http.StatusForbidden, "insufficient_scope")
	plain, _ := client(t, srv, polartest.DemoPlainMemberToken)
	_, err = plain.Customers.AddPaymentMethod(ctx, body)
	wantAPIError(t, err, http.StatusForbidden, "NotPermitted")
	bm, _ := client(t, srv, polartest.DemoBillingManagerToken)
	if _, err := bm.Customers.AddPaymentMethod(ctx, body); err != nil {
		t.Errorf("billing manager: %v", err)
	}
	if ids := listPaymentMethods(t, bm); len(ids) != 2 {
		t.Errorf("Globex after the billing manager's addition: %v", ids)
	}
}

func TestCustomersConfirmPaymentMethod(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, tp := client(t, srv, polartest.DemoCustomerToken)
	setup := func(c *polar.Client, token string) string {
		t.Helper()
		res, err := c.Customers.AddPaymentMethod(ctx, &polar.CustomerPaymentMethodCreate{ConfirmationTokenID: token, ReturnURL: "https://acme.example"})
		if err != nil {
			t.Fatal(err)
		}
		ra, ok := res.(*polar.CustomerPaymentMethodCreateRequiresActionResponse)
		if !ok {
			t.Fatalf("%s: %#v, want requires_action", token, res)
		}
		id, _, found := strings.Cut(ra.ClientSecret, "_secret_")
		if !found || !strings.HasPrefix(id, "seti_") {
			t.Fatalf("client secret %q", ra.ClientSecret)
		}
		return id
	}

	intent := setup(c, "ctoken_requires_action_amex")
	if w := strict[requiresActionWire](t, tp.body()); w.Status != "requires_action" || w.ClientSecret == "" {
		t.Errorf("requires_action answer: %+v", w)
	}
	if n := len(listPaymentMethods(t, c)); n != 5 {
		t.Errorf("a setup awaiting an action saved a method: %d", n)
	}
	res, err := c.Customers.ConfirmPaymentMethod(ctx, &polar.CustomerPaymentMethodConfirm{SetupIntentID: intent, SetDefault: true})
	if err != nil {
		t.Fatal(err)
	}
	w := strict[succeededWire](t, tp.body())
	strictPaymentMethod(t, w.PaymentMethod)
	amex, ok := res.(*polar.CustomerPaymentMethodCreateSucceededResponse).PaymentMethod.(*polar.PaymentMethodCard)
	if w.Status != "succeeded" || !ok || amex.MethodMetadata.Brand != "amex" {
		t.Fatalf("confirmed: %+v", res)
	}
	if ids := listPaymentMethods(t, c); len(ids) != 6 || !slices.Contains(ids, amex.ID) {
		t.Errorf("the confirmed card is not listed: %v", ids)
	}
	if me, _ := c.Customers.Get(ctx); *me.DefaultPaymentMethodID != amex.ID {
		t.Errorf("default after confirming with set_default: %s", *me.DefaultPaymentMethodID)
	}
	// Confirming again answers the same method.
	again, err := c.Customers.ConfirmPaymentMethod(ctx, &polar.CustomerPaymentMethodConfirm{SetupIntentID: intent})
	if err != nil || again.(*polar.CustomerPaymentMethodCreateSucceededResponse).PaymentMethod.Common().ID != amex.ID || len(listPaymentMethods(t, c)) != 6 {
		t.Errorf("confirming twice: %+v, %v", again, err)
	}

	// A failed authentication, an unknown intent, another customer's.
	failed := setup(c, "ctoken_action_then_decline")
	_, err = c.Customers.ConfirmPaymentMethod(ctx, &polar.CustomerPaymentMethodConfirm{SetupIntentID: failed})
	wantValidation(t, err, "body.setup_intent_id", "invalid")
	_, err = c.Customers.ConfirmPaymentMethod(ctx, &polar.CustomerPaymentMethodConfirm{SetupIntentID: "seti_unknown"})
	wantValidation(t, err, "body.setup_intent_id", "invalid")
	bob, _ := client(t, srv, polartest.DemoOtherCustomerToken)
	_, err = bob.Customers.ConfirmPaymentMethod(ctx, &polar.CustomerPaymentMethodConfirm{SetupIntentID: intent})
	wantValidation(t, err, "body.setup_intent_id", "invalid")
	if n := len(listPaymentMethods(t, c)); n != 6 {
		t.Errorf("%d payment methods after refused confirmations", n)
	}

	// A customer without a Stripe customer is not ready, until they try
	// to add a payment method.
	dave := polartest.NewCustomer(polartest.DemoOrganizationID, "dave@example.com", "Dave New")
	if err := srv.Seed(&polartest.Fixture{Customers: []polartest.CustomerRecord{dave},
		Tokens: []polartest.Token{{Token: "polar_cst_dave", Kind: polartest.TokenKindCustomerSession, CustomerID: dave.ID}}}); err != nil {
		t.Fatal(err)
	}
	d, _ := client(t, srv, "polar_cst_dave")
	_, err = d.Customers.ConfirmPaymentMethod(ctx, &polar.CustomerPaymentMethodConfirm{SetupIntentID: "seti_x"})
	wantAPIError(t, err, http.StatusForbidden, "CustomerNotReady")
	if !errors.Is(err, polar.ErrCustomerNotReady) {
		t.Errorf("not ready: %v", err)
	}
	_, err = d.Customers.AddPaymentMethod(ctx, &polar.CustomerPaymentMethodCreate{ConfirmationTokenID: "ctoken_decline", ReturnURL: "https://acme.example"})
	wantAPIError(t, err, http.StatusBadRequest, "PaymentMethodSetupFailed")
	_, err = d.Customers.ConfirmPaymentMethod(ctx, &polar.CustomerPaymentMethodConfirm{SetupIntentID: "seti_x"})
	wantValidation(t, err, "body.setup_intent_id", "invalid")

	// Validation and access.
	status, _, b := raw(t, srv, http.MethodPost, pmPath+"/confirm", polartest.DemoCustomerToken, stringsReader(`{"setup_intent_id": "seti_x"}`))
	if status != http.StatusUnprocessableEntity || !contains(b, `["body","set_default"]`) || !contains(b, `"missing"`) {
		t.Errorf("without set_default: %d %s", status, b)
	}
	status, _, b = raw(t, srv, http.MethodPost, pmPath+"/confirm", polartest.DemoCustomerToken, stringsReader(`{"setup_intent_id": null, "set_default": null}`))
	if status != http.StatusUnprocessableEntity || !contains(b, `"string_type"`) || !contains(b, `"bool_type"`) {
		t.Errorf("nulls: %d %s", status, b)
	}
	plain, _ := client(t, srv, polartest.DemoPlainMemberToken)
	_, err = plain.Customers.ConfirmPaymentMethod(ctx, &polar.CustomerPaymentMethodConfirm{SetupIntentID: intent})
	wantAPIError(t, err, http.StatusForbidden, "NotPermitted")
	anon, _ := client(t, srv, "")
	_, err = anon.Customers.ConfirmPaymentMethod(ctx, &polar.CustomerPaymentMethodConfirm{SetupIntentID: intent})
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
}

func TestCustomersDeletePaymentMethod(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, tp := client(t, srv, polartest.DemoCustomerToken)

	if err := c.Customers.DeletePaymentMethod(ctx, aliceSEPA); err != nil {
		t.Fatal(err)
	}
	if len(tp.body()) != 0 {
		t.Errorf("204 with a body: %s", tp.body())
	}
	if ids := listPaymentMethods(t, c); len(ids) != 4 || slices.Contains(ids, aliceSEPA) {
		t.Errorf("the deleted method is still listed: %v", ids)
	}
	err := c.Customers.DeletePaymentMethod(ctx, aliceSEPA)
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")

	// Another customer's is not found, and stays.
	err = c.Customers.DeletePaymentMethod(ctx, bobsCard)
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	bob, _ := client(t, srv, polartest.DemoOtherCustomerToken)
	if ids := listPaymentMethods(t, bob); len(ids) != 1 {
		t.Errorf("Bob's card: %v", ids)
	}

	// Bob's only card bills his active subscription.
	err = bob.Customers.DeletePaymentMethod(ctx, bobsCard)
	wantAPIError(t, err, http.StatusBadRequest, "PaymentMethodInUseByActiveSubscription")
	if !errors.Is(err, polar.ErrPaymentMethodInUseByActiveSubscription) {
		t.Errorf("in use: %v", err)
	}
	// With another card, the subscription moves to it; then that one is
	// needed.
	res, err := bob.Customers.AddPaymentMethod(ctx, &polar.CustomerPaymentMethodCreate{ConfirmationTokenID: "ctoken_visa", ReturnURL: "https://acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	second := res.(*polar.CustomerPaymentMethodCreateSucceededResponse).PaymentMethod.Common().ID
	if err := bob.Customers.DeletePaymentMethod(ctx, bobsCard); err != nil {
		t.Fatalf("deleting a card with another to take over: %v", err)
	}
	err = bob.Customers.DeletePaymentMethod(ctx, second)
	wantAPIError(t, err, http.StatusBadRequest, "PaymentMethodInUseByActiveSubscription")
	if ids := listPaymentMethods(t, bob); len(ids) != 1 || ids[0] != second {
		t.Errorf("Bob's payment methods: %v", ids)
	}

	// Alice's default card bills her subscriptions: they move to another
	// card. As in Polar, the customer's default is left as it was.
	if err := c.Customers.DeletePaymentMethod(ctx, polartest.DemoPaymentMethodID); err != nil {
		t.Fatalf("deleting the default card: %v", err)
	}
	if me, _ := c.Customers.Get(ctx); me.DefaultPaymentMethodID == nil || *me.DefaultPaymentMethodID != polartest.DemoPaymentMethodID {
		t.Errorf("default after deleting it: %v", me.DefaultPaymentMethodID)
	}
	for _, id := range []string{polartest.DemoDeclinedPaymentMethodID, polartest.DemoActionPaymentMethodID} {
		if err := c.Customers.DeletePaymentMethod(ctx, id); err != nil {
			t.Fatalf("deleting %s: %v", id, err)
		}
	}
	err = c.Customers.DeletePaymentMethod(ctx, aliceKrCard)
	wantAPIError(t, err, http.StatusBadRequest, "PaymentMethodInUseByActiveSubscription")

	// Teams: the billing manager may, a plain member may not.
	plain, _ := client(t, srv, polartest.DemoPlainMemberToken)
	err = plain.Customers.DeletePaymentMethod(ctx, globexCard)
	wantAPIError(t, err, http.StatusForbidden, "NotPermitted")
	bm, _ := client(t, srv, polartest.DemoBillingManagerToken)
	err = bm.Customers.DeletePaymentMethod(ctx, globexCard)
	wantAPIError(t, err, http.StatusBadRequest, "PaymentMethodInUseByActiveSubscription")

	// Bad IDs and no token.
	for _, id := range []string{"x", "00000011-0000-1000-8000-000000000004"} {
		status, _, b := raw(t, srv, http.MethodDelete, pmPath+"/"+id, polartest.DemoCustomerToken, nil)
		if status != http.StatusUnprocessableEntity || !contains(b, `["path","id"]`) {
			t.Errorf("DELETE %s: %d %s", id, status, b)
		}
	}
	anon, _ := client(t, srv, "")
	err = anon.Customers.DeletePaymentMethod(ctx, aliceKrCard)
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
	ro, _ := client(t, srv, polartest.DemoReadOnlyToken)
	err = ro.Customers.DeletePaymentMethod(ctx, aliceKrCard)
	wantAPIError(t, err, http.StatusForbidden, "insufficient_scope")
}

// TestCustomersEmailUpdateNormalizesAddress: the new address is read as
// every other email of the portal (Polar's EmailStr): trimmed, its domain
// in lower case.
func TestCustomersEmailUpdateNormalizesAddress(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, _ := client(t, srv, polartest.DemoCustomerToken)
	if err := c.Customers.RequestEmailUpdate(ctx, &polar.CustomerEmailUpdateRequest{Email: " Alice.New@ACME.Example "}); err != nil {
		t.Fatal(err)
	}
	token, _ := srv.EmailUpdateToken(polartest.DemoCustomerID)
	if _, err := c.Customers.VerifyEmailUpdate(ctx, &polar.CustomerEmailUpdateVerifyRequest{Token: token}); err != nil {
		t.Fatal(err)
	}
	if me, err := c.Customers.Get(ctx); err != nil || *me.Email != "Alice.New@acme.example" {
		t.Errorf("after the change: %+v, %v; want Alice.New@acme.example", me, err)
	}
}

func TestCustomersEmailUpdate(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, tp := client(t, srv, polartest.DemoCustomerToken)
	anon, atp := client(t, srv, "")
	request := func(c *polar.Client, email string) error {
		return c.Customers.RequestEmailUpdate(ctx, &polar.CustomerEmailUpdateRequest{Email: email})
	}

	if _, ok := srv.EmailUpdateToken(polartest.DemoCustomerID); ok {
		t.Fatal("a token before any request")
	}
	if err := request(c, "alice.martin@example.org"); err != nil {
		t.Fatal(err)
	}
	if tp.status != http.StatusAccepted || string(tp.body()) != "null" {
		t.Errorf("request answered %d %s, want 202 null", tp.status, tp.body())
	}
	first, ok := srv.EmailUpdateToken(polartest.DemoCustomerID)
	if !ok || !strings.HasPrefix(first, "polar_cev_") {
		t.Fatalf("token %q, %v", first, ok)
	}
	if err := anon.Customers.CheckEmailUpdate(ctx, first); err != nil || atp.status != http.StatusNoContent {
		t.Errorf("checking a fresh token: %d, %v", atp.status, err)
	}
	// Nothing changes before the verification.
	if me, _ := c.Customers.Get(ctx); *me.Email != "alice@example.com" {
		t.Errorf("email changed before verification: %s", *me.Email)
	}

	// A new request replaces the token.
	if err := request(c, "alice@acme.example"); err != nil {
		t.Fatal(err)
	}
	second, _ := srv.EmailUpdateToken(polartest.DemoCustomerID)
	err := anon.Customers.CheckEmailUpdate(ctx, first)
	wantAPIError(t, err, http.StatusUnauthorized, "InvalidCustomerEmailUpdate")
	if !errors.Is(err, polar.ErrInvalidCustomerEmailUpdate) {
		t.Errorf("replaced token: %v", err)
	}
	_, err = anon.Customers.VerifyEmailUpdate(ctx, &polar.CustomerEmailUpdateVerifyRequest{Token: first})
	wantAPIError(t, err, http.StatusUnauthorized, "InvalidCustomerEmailUpdate")

	// The verification: a new session of Alice, with the new address.
	res, err := c.Customers.VerifyEmailUpdate(ctx, &polar.CustomerEmailUpdateVerifyRequest{Token: second})
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.CustomerEmailUpdateVerifyResponse](t, tp.body())
	if !strings.HasPrefix(res.Token, "polar_cst_") || res.Token == polartest.DemoCustomerToken {
		t.Errorf("new session token %q", res.Token)
	}
	fresh, _ := client(t, srv, res.Token)
	me, err := fresh.Customers.Get(ctx)
	if err != nil || me.ID != polartest.DemoCustomerID || *me.Email != "alice@acme.example" || !me.EmailVerified || me.ModifiedAt == nil {
		t.Fatalf("Alice through the new session: %+v, %v", me, err)
	}
	// The old session keeps working, and sees the change.
	if me, err := c.Customers.Get(ctx); err != nil || *me.Email != "alice@acme.example" {
		t.Errorf("the old session: %+v, %v", me, err)
	}
	// The token is used up.
	_, err = anon.Customers.VerifyEmailUpdate(ctx, &polar.CustomerEmailUpdateVerifyRequest{Token: second})
	wantAPIError(t, err, http.StatusUnauthorized, "InvalidCustomerEmailUpdate")
	err = anon.Customers.CheckEmailUpdate(ctx, second)
	wantAPIError(t, err, http.StatusUnauthorized, "InvalidCustomerEmailUpdate")
	if _, ok := srv.EmailUpdateToken(polartest.DemoCustomerID); ok {
		t.Error("a pending token after the verification")
	}

	// An address another customer of acme has: refused at verification.
	if err := request(c, "BOB@example.com"); err != nil {
		t.Fatal(err)
	}
	taken, _ := srv.EmailUpdateToken(polartest.DemoCustomerID)
	_, err = anon.Customers.VerifyEmailUpdate(ctx, &polar.CustomerEmailUpdateVerifyRequest{Token: taken})
	wantValidation(t, err, "body.token", "value_error")
	err = anon.Customers.CheckEmailUpdate(ctx, taken)
	wantAPIError(t, err, http.StatusUnauthorized, "InvalidCustomerEmailUpdate")
	// Carol, of umbrella, has her own address space.
	if err := request(c, "carol@example.com"); err != nil {
		t.Fatal(err)
	}
	carols, _ := srv.EmailUpdateToken(polartest.DemoCustomerID)
	if _, err := anon.Customers.VerifyEmailUpdate(ctx, &polar.CustomerEmailUpdateVerifyRequest{Token: carols}); err != nil {
		t.Errorf("an address used in another organization: %v", err)
	}

	// Refused requests.
	err = request(c, "not-an-email")
	wantValidation(t, err, "body.email", "value_error")
	err = request(c, "carol@example.com")
	wantValidation(t, err, "body.email", "value_error")
	for _, bad := range []string{`{}`, `{"email": 12}`, `{"email": "a@b@example.com"}`, `{"email": "@example.com"}`, `{"email": "alice@localhost"}`} {
		status, _, b := raw(t, srv, http.MethodPost, emailPath+"request", polartest.DemoCustomerToken, stringsReader(bad))
		if status != http.StatusUnprocessableEntity || !contains(b, `["body","email"]`) {
			t.Errorf("request %s: %d %s", bad, status, b)
		}
	}
	owner, _ := client(t, srv, polartest.DemoMemberToken)
	err = request(owner, "globex@example.com")
	wantValidation(t, err, "body.email", "value_error")
	plain, _ := client(t, srv, polartest.DemoPlainMemberToken)
	err = request(plain, "mia@example.com")
	wantAPIError(t, err, http.StatusForbidden, "NotPermitted")
	err = request(anon, "x@example.com")
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
	ro, _ := client(t, srv, polartest.DemoReadOnlyToken)
	err = request(ro, "x@example.com")
	wantAPIError(t, err, http.StatusForbidden, "insufficient_scope")
	// umbrella does not let its customers change their address.
	if err := srv.Seed(&polartest.Fixture{Tokens: []polartest.Token{{Token: "polar_cst_carol", Kind: polartest.TokenKindCustomerSession,
		CustomerID: polartest.DemoOtherOrganizationCustomerID}}}); err != nil {
		t.Fatal(err)
	}
	carol, _ := client(t, srv, "polar_cst_carol")
	err = request(carol, "carol@umbrella.example")
	apiErr := wantAPIError(t, err, http.StatusForbidden, "NotPermitted")
	if !strings.Contains(apiErr.Detail, "not enabled") {
		t.Errorf("disabled email changes: %v", err)
	}

	// Malformed checks and verifications.
	status, _, b := raw(t, srv, http.MethodGet, emailPath+"check", "", nil)
	if status != http.StatusUnprocessableEntity || !contains(b, `["query","token"]`) {
		t.Errorf("check without a token: %d %s", status, b)
	}
	status, _, b = raw(t, srv, http.MethodGet, emailPath+"check?token=", "", nil)
	if status != http.StatusUnauthorized || decodeError(t, b).Error != "InvalidCustomerEmailUpdate" {
		t.Errorf("check with an empty token: %d %s", status, b)
	}
	for _, bad := range []string{`{}`, `{"token": 5}`, `[]`} {
		status, _, b := raw(t, srv, http.MethodPost, emailPath+"verify", "", stringsReader(bad))
		if status != http.StatusUnprocessableEntity || decodeError(t, b).Error != "RequestValidationError" {
			t.Errorf("verify %s: %d %s", bad, status, b)
		}
	}
}

func TestCustomersEmailUpdateExpiryAndOwner(t *testing.T) {
	clk := newClock()
	srv := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithClock(clk.Now))
	// Alice's owner member, whose address follows hers.
	owner := polar.Member{ID: polartest.DemoCustomerMemberID}
	if err := srv.Seed(&polartest.Fixture{Tokens: []polartest.Token{
		{Token: "polar_mst_alice", Kind: polartest.TokenKindMemberSession, CustomerID: polartest.DemoCustomerID, MemberID: owner.ID}}}); err != nil {
		t.Fatal(err)
	}
	m, _ := client(t, srv, "polar_mst_alice")
	anon, _ := client(t, srv, "")

	if err := m.Customers.RequestEmailUpdate(ctx, &polar.CustomerEmailUpdateRequest{Email: "alice@old.example"}); err != nil {
		t.Fatal(err)
	}
	token, _ := srv.EmailUpdateToken(polartest.DemoCustomerID)
	clk.Advance(polartest.EmailUpdateTokenLifetime)
	err := anon.Customers.CheckEmailUpdate(ctx, token)
	wantAPIError(t, err, http.StatusUnauthorized, "InvalidCustomerEmailUpdate")
	_, err = anon.Customers.VerifyEmailUpdate(ctx, &polar.CustomerEmailUpdateVerifyRequest{Token: token})
	wantAPIError(t, err, http.StatusUnauthorized, "InvalidCustomerEmailUpdate")

	if err := m.Customers.RequestEmailUpdate(ctx, &polar.CustomerEmailUpdateRequest{Email: "alice@new.example"}); err != nil {
		t.Fatal(err)
	}
	token, _ = srv.EmailUpdateToken(polartest.DemoCustomerID)
	clk.Advance(polartest.EmailUpdateTokenLifetime - time.Second)
	res, err := anon.Customers.VerifyEmailUpdate(ctx, &polar.CustomerEmailUpdateVerifyRequest{Token: token})
	if err != nil {
		t.Fatalf("verifying just in time: %v", err)
	}
	if u, err := m.Sessions.AuthenticatedUser(ctx); err != nil || u.Email != "alice@new.example" {
		t.Errorf("the owner member after the change: %+v, %v", u, err)
	}
	// The new session lasts SessionDuration on the server's clock.
	fresh, _ := client(t, srv, res.Token)
	if s, err := fresh.Sessions.Introspect(ctx); err != nil || !s.ExpiresAt.Equal(clk.Now().Add(polartest.SessionDuration)) {
		t.Errorf("new session: %+v, %v", s, err)
	}
	clk.Advance(polartest.SessionDuration)
	_, err = fresh.Customers.Get(ctx)
	wantAPIError(t, err, http.StatusUnauthorized, "invalid_token")
}

func TestCustomersEmailUpdateRateLimit(t *testing.T) {
	clk := newClock()
	srv := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithClock(clk.Now), polartest.WithPolarRateLimits())
	c, _ := client(t, srv, polartest.DemoCustomerToken)
	anon, _ := client(t, srv, "")
	for i := range 6 {
		if err := c.Customers.RequestEmailUpdate(ctx, &polar.CustomerEmailUpdateRequest{Email: "alice" + string(rune('a'+i)) + "@acme.example"}); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	err := c.Customers.RequestEmailUpdate(ctx, &polar.CustomerEmailUpdateRequest{Email: "alice.z@acme.example"})
	var rle *polar.RateLimitError
	if !errors.As(err, &rle) || rle.RetryAfter != 900*time.Second {
		t.Fatalf("the seventh request: %v, want a 900 s block", err)
	}
	// The block covers every operation of the caller.
	if _, err := c.Customers.Get(ctx); !errors.Is(err, polar.ErrRateLimited) {
		t.Errorf("Get while blocked: %v", err)
	}
	// check and verify count per address, without a token.
	for i := range 6 {
		var err error
		if i%2 == 0 {
			err = anon.Customers.CheckEmailUpdate(ctx, "polar_cev_unknown")
		} else {
			_, err = anon.Customers.VerifyEmailUpdate(ctx, &polar.CustomerEmailUpdateVerifyRequest{Token: "polar_cev_unknown"})
		}
		wantAPIError(t, err, http.StatusUnauthorized, "InvalidCustomerEmailUpdate")
	}
	if err := anon.Customers.CheckEmailUpdate(ctx, "polar_cev_unknown"); !errors.Is(err, polar.ErrRateLimited) {
		t.Errorf("the seventh check: %v", err)
	}
	clk.Advance(900 * time.Second)
	if _, err := c.Customers.Get(ctx); err != nil {
		t.Errorf("after the block: %v", err)
	}
}

// TestPaymentMethodsAreBillingOperations: a plain member of a team may not
// see the team's payment methods; the owner and a billing manager may.
func TestPaymentMethodsAreBillingOperations(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	ctx := context.Background()
	_, err := srv.Client(polartest.DemoPlainMemberToken).Customers.ListPaymentMethods(ctx, nil)
	if !errors.Is(err, polar.ErrNotPermitted) {
		t.Fatalf("plain member: %v", err)
	}
	for _, tok := range []string{polartest.DemoMemberToken, polartest.DemoBillingManagerToken} {
		if _, err := srv.Client(tok).Customers.ListPaymentMethods(ctx, nil); err != nil {
			t.Errorf("%s: %v", tok, err)
		}
	}
}
