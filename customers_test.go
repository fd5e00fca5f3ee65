package polar

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	portalCustomerID      = "f77b1d2a-fc16-4bff-ad16-9faa7609996a"
	portalPaymentMethodID = "ba796c63-b779-404e-94f4-4756025bacf3"
)

func wantCustomer(t *testing.T) *CustomerPortalCustomer {
	team := CustomerTypeTeam
	return &CustomerPortalCustomer{
		CreatedAt:     rfc3339("2026-02-03T09:15:27.113402Z"),
		ModifiedAt:    ptr(rfc3339("2026-09-14T10:22:31.482913Z")),
		ID:            portalCustomerID,
		Email:         ptr("ada@example.com"),
		EmailVerified: true,
		Name:          ptr("Ada Lovelace"),
		BillingName:   ptr("Analytical Engines Ltd"),
		BillingAddress: &Address{
			Line1: ptr("12 St James's Square"), Line2: ptr("Floor 2"), PostalCode: ptr("SW1Y 4JH"),
			City: ptr("London"), Country: CountryGB,
		},
		TaxID: &TaxID{ID: "GB123456789", Format: TaxIDFormatGBVAT},
		OAuthAccounts: map[string]CustomerPortalOAuthAccount{
			"github":  {AccountID: "583231", AccountUsername: ptr("ada")},
			"discord": {AccountID: "80351110224678912"},
		},
		DefaultPaymentMethodID: ptr(portalPaymentMethodID),
		Type:                   &team,
		Locale:                 ptr("en-GB"),
	}
}

func TestCustomersGet(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, string(fixture("customer.json"))))
	c := newTestClient(t, srv, testToken)
	got, err := c.Customers.Get(bg())
	if err != nil {
		t.Fatal(err)
	}
	checkRequest(t, srv.requests()[0], "GET", "/v1/customer-portal/customers/me", true)
	if diff := cmp.Diff(wantCustomer(t), got); diff != "" {
		t.Errorf("customer (-want +got):\n%s", diff)
	}
}

func TestCustomersUpdateThreeStates(t *testing.T) {
	addr := AddressInput{Line1: ptr("1 Main St"), City: ptr("Paris"), Country: CountryFR}
	for _, tc := range []struct {
		name string
		body CustomerPortalCustomerUpdate
		want string
	}{
		{"leave all", CustomerPortalCustomerUpdate{}, `{}`},
		{"set all", CustomerPortalCustomerUpdate{
			BillingName:            Set("ACME SAS"),
			BillingAddress:         Set(addr),
			TaxID:                  Set("FR61954506077"),
			DefaultPaymentMethodID: Set(portalPaymentMethodID),
		}, `{"billing_name":"ACME SAS","billing_address":{"line1":"1 Main St","city":"Paris","country":"FR"},
			"tax_id":"FR61954506077","default_payment_method_id":"` + portalPaymentMethodID + `"}`},
		{"clear all", CustomerPortalCustomerUpdate{
			BillingName:            Null[string](),
			BillingAddress:         Null[AddressInput](),
			TaxID:                  Null[string](),
			DefaultPaymentMethodID: Null[string](),
		}, `{"billing_name":null,"billing_address":null,"tax_id":null,"default_payment_method_id":null}`},
		{"mixed", CustomerPortalCustomerUpdate{TaxID: Null[string](), BillingName: Set("")},
			`{"billing_name":"","tax_id":null}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newRecorder(t, jsonAnswer(200, string(fixture("customer.json"))))
			c := newTestClient(t, srv, testToken)
			got, err := c.Customers.Update(bg(), &tc.body)
			if err != nil {
				t.Fatal(err)
			}
			r := srv.requests()[0]
			checkRequest(t, r, "PATCH", "/v1/customer-portal/customers/me", true)
			checkBody(t, r, tc.want)
			if diff := cmp.Diff(wantCustomer(t), got); diff != "" {
				t.Errorf("customer (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCustomersUpdateValidationError(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(422, `{"error":"RequestValidationError","detail":[
		{"loc":["body","tax_id"],"msg":"Invalid tax ID for country FR","type":"value_error"}]}`))
	c := newTestClient(t, srv, testToken)
	_, err := c.Customers.Update(bg(), &CustomerPortalCustomerUpdate{TaxID: Set("nonsense")})
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Errors) != 1 || ve.Errors[0].Loc[1] != "tax_id" || ve.StatusCode != 422 {
		t.Fatalf("err = %v", err)
	}
}

func wantPaymentMethods(t *testing.T) []CustomerPaymentMethod {
	base := func(id, created string, modified *string) PaymentMethodCommon {
		b := PaymentMethodCommon{ID: id, CreatedAt: rfc3339(created), Processor: PaymentProcessorStripe, CustomerID: portalCustomerID}
		if modified != nil {
			b.ModifiedAt = ptr(rfc3339(*modified))
		}
		return b
	}
	return []CustomerPaymentMethod{
		&PaymentMethodCard{
			PaymentMethodCommon: base(portalPaymentMethodID, "2026-03-01T10:00:00Z", nil),
			MethodMetadata:      PaymentMethodCardMetadata{Brand: "visa", Last4: "4242", ExpMonth: 12, ExpYear: 2029},
		},
		&PaymentMethodCard{
			PaymentMethodCommon: base("0314f497-d42a-4d05-b1fd-b3f0f85a6e86", "2026-04-11T08:30:12.25Z", ptr("2026-05-02T17:45:00.000001Z")),
			MethodMetadata:      PaymentMethodCardMetadata{Brand: "mastercard", Last4: "4444", ExpMonth: 1, ExpYear: 2031, Wallet: ptr("apple_pay")},
		},
		&PaymentMethodKrCard{
			PaymentMethodCommon: base("2e33d087-a981-4352-be70-e0633764ec9f", "2026-06-20T01:02:03Z", nil),
			MethodMetadata:      PaymentMethodKrCardMetadata{Brand: ptr("hyundai"), Last4: ptr("0007")},
		},
		&PaymentMethodKrCard{
			PaymentMethodCommon: base("74998f48-6c2f-4069-ba69-1000a034f387", "2026-06-21T01:02:03Z", nil),
		},
		&PaymentMethodGeneric{
			PaymentMethodCommon: base("2bcfa1ea-5f6e-4d42-89ba-b76b26e7c5c4", "2026-07-07T07:07:07Z", nil),
			Type:                "sepa_debit",
		},
		&PaymentMethodGeneric{
			PaymentMethodCommon: base("219b8645-3c78-4675-8b72-ae1da10d3af2", "2026-08-08T08:08:08Z", ptr("2026-08-09T08:08:08Z")),
			Type:                "link",
		},
		&CustomerPaymentMethodUnknown{UnknownVariant{Type: "stablecoin"}}, // Raw compared apart
	}
}

func TestCustomersListPaymentMethods(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, string(fixture("payment_methods_page.json"))))
	c := newTestClient(t, srv, testToken)
	page, err := c.Customers.ListPaymentMethods(bg(), &PaymentMethodListOptions{ListOptions: ListOptions{Page: 2, Limit: 25}})
	if err != nil {
		t.Fatal(err)
	}
	checkRequest(t, srv.requests()[0], "GET", "/v1/customer-portal/customers/me/payment-methods?limit=25&page=2", true)
	if page.Pagination != (Pagination{TotalCount: 7, MaxPage: 1}) || len(page.Items) != 7 {
		t.Fatalf("page = %+v", page)
	}
	unknown, ok := page.Items[6].(*CustomerPaymentMethodUnknown)
	if !ok {
		t.Fatalf("item 6 is %T", page.Items[6])
	}
	var raw struct{ Items []json.RawMessage }
	if err := json.Unmarshal(fixture("payment_methods_page.json"), &raw); err != nil {
		t.Fatal(err)
	}
	if !jsonEqual(t, unknown.Raw, raw.Items[6]) {
		t.Errorf("unknown payment method Raw = %s", unknown.Raw)
	}
	unknown.Raw = nil
	if diff := cmp.Diff(wantPaymentMethods(t), page.Items); diff != "" {
		t.Errorf("payment methods (-want +got):\n%s", diff)
	}

	// Without options, nothing but the path.
	if _, err := c.Customers.ListPaymentMethods(bg(), nil); err != nil {
		t.Fatal(err)
	}
	checkRequest(t, srv.requests()[1], "GET", "/v1/customer-portal/customers/me/payment-methods", true)
}

func TestCustomersAllPaymentMethods(t *testing.T) {
	card := `{"id":"` + portalPaymentMethodID + `","created_at":"2026-03-01T10:00:00Z","modified_at":null,"processor":"stripe",
		"customer_id":"` + portalCustomerID + `","type":"card","method_metadata":{"brand":"visa","last4":"4242","exp_month":1,"exp_year":2030}}`
	sepa := `{"id":"2bcfa1ea-5f6e-4d42-89ba-b76b26e7c5c4","created_at":"2026-03-01T10:00:00Z","modified_at":null,"processor":"stripe",
		"customer_id":"` + portalCustomerID + `","type":"sepa_debit"}`
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("page") {
		case "1":
			jsonAnswer(200, `{"items":[`+card+`],"pagination":{"total_count":2,"max_page":2}}`)(w, r)
		default:
			jsonAnswer(200, `{"items":[`+sepa+`],"pagination":{"total_count":2,"max_page":2}}`)(w, r)
		}
	})
	c := newTestClient(t, srv, testToken)
	var types []string
	for pm, err := range c.Customers.AllPaymentMethods(bg(), &PaymentMethodListOptions{ListOptions: ListOptions{Limit: 1}}) {
		if err != nil {
			t.Fatal(err)
		}
		types = append(types, reflect.TypeOf(pm).String())
	}
	if diff := cmp.Diff([]string{"*polar.PaymentMethodCard", "*polar.PaymentMethodGeneric"}, types); diff != "" {
		t.Errorf("types (-want +got):\n%s", diff)
	}
	var uris []string
	for _, r := range srv.requests() {
		uris = append(uris, r.RequestURI)
	}
	want := []string{
		"/v1/customer-portal/customers/me/payment-methods?limit=1&page=1",
		"/v1/customer-portal/customers/me/payment-methods?limit=1&page=2",
	}
	if diff := cmp.Diff(want, uris); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

func TestCustomersAddPaymentMethod(t *testing.T) {
	for _, tc := range []struct {
		fixture string
		want    CustomerPaymentMethodCreateResponse
	}{
		{"payment_method_created.json", &CustomerPaymentMethodCreateSucceededResponse{
			PaymentMethod: &PaymentMethodCard{
				PaymentMethodCommon: PaymentMethodCommon{
					ID: portalPaymentMethodID, CreatedAt: rfc3339("2026-03-01T10:00:00Z"),
					Processor: PaymentProcessorStripe, CustomerID: portalCustomerID,
				},
				MethodMetadata: PaymentMethodCardMetadata{Brand: "visa", Last4: "4242", ExpMonth: 12, ExpYear: 2029, Wallet: ptr("google_pay")},
			},
		}},
		{"payment_method_requires_action.json", &CustomerPaymentMethodCreateRequiresActionResponse{
			ClientSecret: "seti_1QbCdEfGhIjKlMnO_secret_PqRsTuVwXyZ",
		}},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			srv := newRecorder(t, jsonAnswer(http.StatusCreated, string(fixture(tc.fixture))))
			c := newTestClient(t, srv, testToken)
			got, err := c.Customers.AddPaymentMethod(bg(), &CustomerPaymentMethodCreate{
				ConfirmationTokenID: "ctoken_1NnQUf2eZvKYlo2C", SetDefault: false, ReturnURL: "https://example.com/portal",
			})
			if err != nil {
				t.Fatal(err)
			}
			r := srv.requests()[0]
			checkRequest(t, r, "POST", "/v1/customer-portal/customers/me/payment-methods", true)
			checkBody(t, r, `{"confirmation_token_id":"ctoken_1NnQUf2eZvKYlo2C","set_default":false,"return_url":"https://example.com/portal"}`)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCustomersConfirmPaymentMethod(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(http.StatusCreated, string(fixture("payment_method_created.json"))))
	c := newTestClient(t, srv, testToken)
	got, err := c.Customers.ConfirmPaymentMethod(bg(), &CustomerPaymentMethodConfirm{SetupIntentID: "seti_1QbCdEfGhIjKlMnO", SetDefault: true})
	if err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	checkRequest(t, r, "POST", "/v1/customer-portal/customers/me/payment-methods/confirm", true)
	checkBody(t, r, `{"setup_intent_id":"seti_1QbCdEfGhIjKlMnO","set_default":true}`)
	s, ok := got.(*CustomerPaymentMethodCreateSucceededResponse)
	if !ok {
		t.Fatalf("result is %T", got)
	}
	if card, ok := s.PaymentMethod.(*PaymentMethodCard); !ok || card.ID != portalPaymentMethodID || card.MethodMetadata.Last4 != "4242" {
		t.Fatalf("payment method = %#v", s.PaymentMethod)
	}
}

func TestCustomersDeletePaymentMethod(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	c := newTestClient(t, srv, testToken)
	if err := c.Customers.DeletePaymentMethod(bg(), portalPaymentMethodID); err != nil {
		t.Fatal(err)
	}
	checkRequest(t, srv.requests()[0], "DELETE", "/v1/customer-portal/customers/me/payment-methods/"+portalPaymentMethodID, true)
}

// TestCustomersPaymentMethodErrors checks the documented domain errors of
// the payment-method operations.
func TestCustomersPaymentMethodErrors(t *testing.T) {
	create := &CustomerPaymentMethodCreate{ConfirmationTokenID: "ctoken_1", ReturnURL: "https://example.com"}
	confirm := &CustomerPaymentMethodConfirm{SetupIntentID: "seti_1"}
	del := func(c *Client) (any, error) { return nil, c.Customers.DeletePaymentMethod(bg(), portalPaymentMethodID) }
	checkErrorCases(t, testToken, []errorCase{
		{name: "delete: in use", status: 400, body: `{"error":"PaymentMethodInUseByActiveSubscription","detail":"Payment method is used by an active subscription."}`, want: ErrPaymentMethodInUseByActiveSubscription,
			call: del},
		{name: "delete: not found", status: 404, body: `{"error":"ResourceNotFound","detail":"Payment method not found."}`, want: ErrResourceNotFound,
			call: del},
		{name: "delete: setup failed", status: 400, body: `{"error":"PaymentMethodSetupFailed","detail":"Setup failed."}`, want: ErrPaymentMethodSetupFailed,
			call: del},
		{name: "delete: customer not ready", status: 403, body: `{"error":"CustomerNotReady","detail":"Customer is not ready."}`, want: ErrCustomerNotReady,
			call: del},
		{name: "add: setup failed", status: 400, body: `{"error":"PaymentMethodSetupFailed","detail":"Your card was declined."}`, want: ErrPaymentMethodSetupFailed,
			call: func(c *Client) (any, error) { return c.Customers.AddPaymentMethod(bg(), create) }},
		{name: "confirm: customer not ready", status: 403, body: `{"error":"CustomerNotReady","detail":"Customer is not ready to confirm a payment method."}`, want: ErrCustomerNotReady,
			call: func(c *Client) (any, error) { return c.Customers.ConfirmPaymentMethod(bg(), confirm) }},
	}, ErrPaymentMethodInUseByActiveSubscription, ErrPaymentMethodSetupFailed, ErrCustomerNotReady, ErrResourceNotFound)
}

func TestCustomersRequestEmailUpdate(t *testing.T) {
	srv := newRecorder(t, sequence(
		jsonAnswer(http.StatusAccepted, `{}`),
		jsonAnswer(http.StatusForbidden, `{"error":"NotPermitted","detail":"Email changes are disabled."}`),
	))
	c := newTestClient(t, srv, testToken)
	body := &CustomerEmailUpdateRequest{Email: "ada.new@example.com"}
	if err := c.Customers.RequestEmailUpdate(bg(), body); err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	checkRequest(t, r, "POST", "/v1/customer-portal/customers/me/email-update/request", true)
	checkBody(t, r, `{"email":"ada.new@example.com"}`)

	// The organization disabled email changes.
	err := c.Customers.RequestEmailUpdate(bg(), body)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden || !errors.Is(err, ErrNotPermitted) {
		t.Fatalf("err = %v", err)
	}
}

func TestCustomersCheckEmailUpdate(t *testing.T) {
	srv := newRecorder(t, sequence(
		func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) },
		jsonAnswer(http.StatusUnauthorized, `{"error":"InvalidCustomerEmailUpdate","detail":"Invalid or expired verification token."}`),
		func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusUnauthorized) },
	))
	// A client that has a session token: the token must not be sent.
	c := newTestClient(t, srv, testToken)
	token := "ev_tok/+ 1&x=y"
	if err := c.Customers.CheckEmailUpdate(bg(), token); err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	checkRequest(t, r, "GET", "/v1/customer-portal/customers/me/email-update/check?token="+url.QueryEscape(token), false)
	u, _ := url.Parse(r.RequestURI)
	if diff := cmp.Diff(url.Values{"token": {token}}, u.Query()); diff != "" {
		t.Errorf("query (-want +got):\n%s", diff)
	}

	// An invalid or expired token, with and without an error body.
	err := c.Customers.CheckEmailUpdate(bg(), "expired")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 || !errors.Is(err, ErrInvalidCustomerEmailUpdate) {
		t.Fatalf("err = %v", err)
	}
	err = c.Customers.CheckEmailUpdate(bg(), "expired")
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 {
		t.Fatalf("err = %v", err)
	}

	// An empty token is refused before sending.
	before := srv.count()
	if err := c.Customers.CheckEmailUpdate(bg(), ""); !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "token") {
		t.Fatalf("empty token: %v", err)
	}
	if srv.count() != before {
		t.Fatal("a request was sent for an empty token")
	}
}

func TestCustomersVerifyEmailUpdate(t *testing.T) {
	srv := newRecorder(t, sequence(
		jsonAnswer(200, string(fixture("email_update_verified.json"))),
		func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusUnauthorized) },
		jsonAnswer(422, `{"error":"InvalidCustomerEmailUpdate","detail":"Email address is already in use."}`),
	))
	c := newTestClient(t, srv, testToken)
	res, err := c.Customers.VerifyEmailUpdate(bg(), &CustomerEmailUpdateVerifyRequest{Token: "ev_tok_1"})
	if err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	checkRequest(t, r, "POST", "/v1/customer-portal/customers/me/email-update/verify", false)
	checkBody(t, r, `{"token":"ev_tok_1"}`)
	want := &CustomerEmailUpdateVerifyResponse{Token: "polar_cst_n3wS3ssionT0kenAfterEmailChange00000000"}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}

	// The new token replaces the old one.
	portal := c.WithToken(res.Token)
	if portal.Customers == c.Customers {
		t.Fatal("WithToken kept the old client's service")
	}

	var apiErr *APIError
	if _, err := c.Customers.VerifyEmailUpdate(bg(), &CustomerEmailUpdateVerifyRequest{Token: "bad"}); !errors.As(err, &apiErr) || apiErr.StatusCode != 401 {
		t.Fatalf("invalid token: %v", err)
	}
	_, err = c.Customers.VerifyEmailUpdate(bg(), &CustomerEmailUpdateVerifyRequest{Token: "ev_tok_2"})
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 422 || apiErr.Detail != "Email address is already in use." {
		t.Fatalf("address in use: %v", err)
	}
	for _, r := range srv.requests() {
		if _, has := r.Header["Authorization"]; has {
			t.Fatalf("Authorization sent to a public operation")
		}
	}
}

// TestEmailUpdateZone checks that the three email-update operations wait
// on their own rate-limit zone, the public two per IP (without a key).
func TestEmailUpdateZone(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/verify") {
			jsonAnswer(200, `{"token":"t"}`)(w, r)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})
	rl := &recordingLimiter{}
	c, err := NewClient(testToken, WithBaseURL(srv.URL), fastRetries, WithLimiter(rl))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Customers.RequestEmailUpdate(bg(), &CustomerEmailUpdateRequest{Email: "a@example.com"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Customers.CheckEmailUpdate(bg(), "tok"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Customers.VerifyEmailUpdate(bg(), &CustomerEmailUpdateVerifyRequest{Token: "tok"}); err != nil {
		t.Fatal(err)
	}
	key := limiterKey(testToken)
	want := []string{
		"email_update " + key, "api " + key,
		"email_update ", "api ",
		"email_update ", "api ",
	}
	if diff := cmp.Diff(want, rl.waits); diff != "" {
		t.Fatalf("waits (-want +got):\n%s", diff)
	}
}

func TestCustomersArgumentsCheckedBeforeSending(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, `{}`))
	c := newTestClient(t, srv, testToken)
	for name, call := range map[string]func() error{
		"nil update":        func() error { _, err := c.Customers.Update(bg(), nil); return err },
		"nil add":           func() error { _, err := c.Customers.AddPaymentMethod(bg(), nil); return err },
		"nil confirm":       func() error { _, err := c.Customers.ConfirmPaymentMethod(bg(), nil); return err },
		"empty id":          func() error { return c.Customers.DeletePaymentMethod(bg(), "") },
		"nil email request": func() error { return c.Customers.RequestEmailUpdate(bg(), nil) },
		"nil verify":        func() error { _, err := c.Customers.VerifyEmailUpdate(bg(), nil); return err },
		"limit over 100": func() error {
			_, err := c.Customers.ListPaymentMethods(bg(), &PaymentMethodListOptions{ListOptions: ListOptions{Limit: 101}})
			return err
		},
		"all with negative page": func() error {
			return firstErr(c.Customers.AllPaymentMethods(bg(), &PaymentMethodListOptions{ListOptions: ListOptions{Page: -1}}))
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

func TestCustomersRoundTrip(t *testing.T) {
	roundTripAnswer[*CustomerPortalCustomer](t, customersGet.op, "customer.json")
	minimal := roundTripAnswer[*CustomerPortalCustomer](t, customersGet.op, "customer_minimal.json")
	if minimal.ModifiedAt != nil || minimal.Email != nil || minimal.TaxID != nil || minimal.BillingAddress != nil || minimal.Type != nil ||
		minimal.OAuthAccounts == nil || len(minimal.OAuthAccounts) != 0 {
		t.Errorf("minimal customer = %+v", minimal)
	}
	roundTripAnswer[*Page[CustomerPaymentMethod]](t, customersListPaymentMethods.op, "payment_methods_page.json")
	roundTripAnswer[CustomerPaymentMethodCreateResponse](t, customersAddPaymentMethod.op, "payment_method_created.json")
	roundTripAnswer[CustomerPaymentMethodCreateResponse](t, customersConfirmPaymentMethod.op, "payment_method_requires_action.json")
	roundTripAnswer[*CustomerEmailUpdateVerifyResponse](t, customersVerifyEmailUpdate.op, "email_update_verified.json")
}

// TestCustomerFromNewerServer decodes a customer with an unknown customer
// type, tax ID format and country, and fields this SDK does not know:
// nothing fails, and what the SDK models re-encodes unchanged.
func TestCustomerFromNewerServer(t *testing.T) {
	in := fixture("customer_future.json")
	got, err := decodeResult[*CustomerPortalCustomer](customersGet.op, in)
	if err != nil {
		t.Fatal(err)
	}
	if *got.Type != "organization" || got.TaxID.Format != "xk_tin" || got.TaxID.ID != "XK810012345" || got.BillingAddress.Country != "XK" {
		t.Errorf("unknown values did not survive: %+v", got)
	}
	out, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	want := jsonMeaning(t, in)
	for _, path := range [][]any{{"phone"}, {"tax_exempt"}, {"oauth_accounts", "gitlab", "avatar_url"}} {
		deleteJSONPath(t, want, path...)
	}
	if diff := cmp.Diff(want, jsonMeaning(t, out)); diff != "" {
		t.Errorf("re-encoded customer (-want +got):\n%s", diff)
	}
}

// TestPaymentMethodUnion checks each variant's discriminator on the wire:
// written once by the known variants, kept as decoded by
// PaymentMethodGeneric, and the raw JSON of an unknown type back
// unchanged.
func TestPaymentMethodUnion(t *testing.T) {
	for _, c := range []struct {
		v    CustomerPaymentMethod
		want string
	}{
		{&PaymentMethodCard{}, "card"},
		{&PaymentMethodKrCard{}, "kr_card"},
		{&PaymentMethodGeneric{Type: "sepa_debit"}, "sepa_debit"},
		{&PaymentMethodGeneric{Type: "link"}, "link"},
	} {
		for _, v := range []any{c.v, reflect.ValueOf(c.v).Elem().Interface()} {
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			if m["type"] != c.want || topLevelKeyCount(b, "type") != 1 {
				t.Errorf("%T: type %v (%d times), want %q once: %s", v, m["type"], topLevelKeyCount(b, "type"), c.want, b)
			}
			back, err := customerPaymentMethods.decode(b)
			if err != nil || reflect.TypeOf(back) != reflect.TypeOf(c.v) {
				t.Errorf("%s decodes back into %T, %v", b, back, err)
			}
		}
	}

	// Every generic type decodes into PaymentMethodGeneric and keeps its
	// type when encoded again.
	for _, typ := range genericPaymentMethodTypes {
		in := `{"id":"` + portalPaymentMethodID + `","type":"` + typ + `"}`
		v, err := customerPaymentMethods.decode([]byte(in))
		g, ok := v.(*PaymentMethodGeneric)
		if err != nil || !ok || g.Type != typ {
			t.Errorf("%s: %#v, %v", typ, v, err)
			continue
		}
		if out, _ := json.Marshal(g); !strings.Contains(string(out), `"type":"`+typ+`"`) {
			t.Errorf("%s re-encodes as %s", typ, out)
		}
	}

	// An undocumented type, or none, is kept raw.
	for _, in := range []string{
		`{"id":"x","type":"stablecoin","method_metadata":{"network":"base"}}`,
		`{"id":"x"}`,
		`{"id":"x","type":null}`,
	} {
		v, err := customerPaymentMethods.decode([]byte(in))
		u, ok := v.(*CustomerPaymentMethodUnknown)
		if err != nil || !ok || string(u.Raw) != in {
			t.Errorf("%s: %#v, %v", in, v, err)
			continue
		}
		if out, err := json.Marshal(u); err != nil || string(out) != in {
			t.Errorf("%s re-encodes as %s, %v", in, out, err)
		}
	}
	if v, _ := customerPaymentMethods.decode([]byte(`{"type":"stablecoin"}`)); v.(*CustomerPaymentMethodUnknown).Type != "stablecoin" {
		t.Errorf("unknown Type = %q", v.(*CustomerPaymentMethodUnknown).Type)
	}
}

func TestPaymentMethodCreateResponseUnion(t *testing.T) {
	// Each variant writes its status once.
	for _, c := range []struct {
		v    CustomerPaymentMethodCreateResponse
		want string
	}{
		{&CustomerPaymentMethodCreateSucceededResponse{PaymentMethod: &PaymentMethodGeneric{Type: "link"}}, "succeeded"},
		{&CustomerPaymentMethodCreateRequiresActionResponse{ClientSecret: "s"}, "requires_action"},
	} {
		b, err := json.Marshal(c.v)
		if err != nil {
			t.Fatal(err)
		}
		if topLevelKeyCount(b, "status") != 1 || !strings.HasPrefix(string(b), `{"status":"`+c.want+`"`) {
			t.Errorf("%T marshals to %s", c.v, b)
		}
		back, err := customerPaymentMethodCreateResponses.decode(b)
		if err != nil || reflect.TypeOf(back) != reflect.TypeOf(c.v) {
			t.Errorf("%s decodes back into %T, %v", b, back, err)
		}
	}

	// An unknown status, and an unknown payment method inside a known one.
	in := `{"status":"processing","next_action":{"type":"redirect"}}`
	v, err := decodeResult[CustomerPaymentMethodCreateResponse](customersAddPaymentMethod.op, []byte(in))
	if u, ok := v.(*CustomerPaymentMethodCreateResponseUnknown); err != nil || !ok || u.Type != "processing" || string(u.Raw) != in {
		t.Fatalf("%#v, %v", v, err)
	}
	in = `{"status":"succeeded","payment_method":{"id":"x","type":"stablecoin","extra":1}}`
	v, err = decodeResult[CustomerPaymentMethodCreateResponse](customersAddPaymentMethod.op, []byte(in))
	s, ok := v.(*CustomerPaymentMethodCreateSucceededResponse)
	if err != nil || !ok {
		t.Fatalf("%#v, %v", v, err)
	}
	if _, ok := s.PaymentMethod.(*CustomerPaymentMethodUnknown); !ok {
		t.Fatalf("payment method is %T", s.PaymentMethod)
	}
	if out, err := json.Marshal(s); err != nil || !jsonEqual(t, out, []byte(in)) {
		t.Errorf("re-encoded as %s, %v", out, err)
	}

	// A null or malformed payment method.
	v, err = decodeResult[CustomerPaymentMethodCreateResponse](customersAddPaymentMethod.op, []byte(`{"status":"succeeded","payment_method":null}`))
	if s, ok := v.(*CustomerPaymentMethodCreateSucceededResponse); err != nil || !ok || s.PaymentMethod != nil {
		t.Errorf("null payment method: %#v, %v", v, err)
	}
	for _, bad := range []string{
		`{"status":"succeeded","payment_method":[]}`,
		`{"status":"succeeded","payment_method":{"type":"card","method_metadata":{"exp_month":"12"}}}`,
	} {
		if _, err := decodeResult[CustomerPaymentMethodCreateResponse](customersAddPaymentMethod.op, []byte(bad)); err == nil {
			t.Errorf("%s decoded without error", bad)
		}
	}
}

func TestTaxID(t *testing.T) {
	b, err := json.Marshal(TaxID{ID: "911144442", Format: TaxIDFormatUSEIN})
	if err != nil || string(b) != `["911144442","us_ein"]` {
		t.Fatalf("marshal: %s, %v", b, err)
	}
	var c struct {
		TaxID *TaxID `json:"tax_id"`
	}
	if err := json.Unmarshal([]byte(`{"tax_id":["FR61954506077","eu_vat"]}`), &c); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&TaxID{ID: "FR61954506077", Format: TaxIDFormatEUVAT}, c.TaxID); diff != "" {
		t.Errorf("decoded (-want +got):\n%s", diff)
	}
	if err := json.Unmarshal([]byte(`{"tax_id":null}`), &c); err != nil || c.TaxID != nil {
		t.Errorf("null: %+v, %v", c.TaxID, err)
	}
	tid := TaxID{ID: "keep"}
	if err := json.Unmarshal([]byte(`null`), &tid); err != nil || tid.ID != "keep" {
		t.Errorf("null into a value: %+v, %v", tid, err)
	}
	for _, bad := range []string{`[]`, `["x"]`, `["x","eu_vat","y"]`, `"x"`, `{"id":"x"}`, `[1,"eu_vat"]`, `["x",2]`} {
		var v TaxID
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("%s decoded into %+v", bad, v)
		}
	}
}

// The Customers operations; their contract rows use realistic arguments.
var _ = addOps(
	opSpec{id: "customer_portal:customers:get", answer: `{"id":"` + portalCustomerID + `"}`,
		call: func(ctx context.Context, c *Client, _ string) error { return onlyErr(c.Customers.Get(ctx)) },
		rows: []contractRow{{}},
	},
	opSpec{id: "customer_portal:customers:update", answer: `{"id":"` + portalCustomerID + `"}`,
		call: func(ctx context.Context, c *Client, _ string) error {
			return onlyErr(c.Customers.Update(ctx, &CustomerPortalCustomerUpdate{BillingName: Set("ACME")}))
		},
		nilBody: func(ctx context.Context, c *Client) error { return onlyErr(c.Customers.Update(ctx, nil)) },
		rows: []contractRow{
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Customers.Update(ctx, &CustomerPortalCustomerUpdate{
					BillingName:            Set("Analytical Engines Ltd"),
					BillingAddress:         Set(AddressInput{Line1: ptr("12 St James's Square"), PostalCode: ptr("SW1Y 4JH"), City: ptr("London"), Country: CountryGB}),
					TaxID:                  Set("GB123456789"),
					DefaultPaymentMethodID: Set("ba796c63-b779-404e-94f4-4756025bacf3"),
				}))
			}},
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Customers.Update(ctx, &CustomerPortalCustomerUpdate{
					BillingName:            Null[string](),
					BillingAddress:         Null[AddressInput](),
					TaxID:                  Null[string](),
					DefaultPaymentMethodID: Null[string](),
				}))
			}},
		},
		schemas: map[string]reflect.Type{"CustomerPortalCustomerUpdate": reflect.TypeFor[CustomerPortalCustomerUpdate]()},
	},
	opSpec{id: "customer_portal:customers:list_payment_methods", answer: `{"items":[],"pagination":{"total_count":0,"max_page":0}}`,
		call: func(ctx context.Context, c *Client, _ string) error {
			return onlyErr(c.Customers.ListPaymentMethods(ctx, &PaymentMethodListOptions{ListOptions: ListOptions{Limit: 10}}))
		},
		rows: []contractRow{{call: func(ctx context.Context, c *Client) error {
			return onlyErr(c.Customers.ListPaymentMethods(ctx, &PaymentMethodListOptions{ListOptions: ListOptions{Page: 1, Limit: 20}}))
		}}},
		schemas: map[string]reflect.Type{
			"CustomerPaymentMethod":               reflect.TypeFor[CustomerPaymentMethod](),
			"ListResource_CustomerPaymentMethod_": reflect.TypeFor[Page[CustomerPaymentMethod]](),
			"PaymentMethodCard":                   reflect.TypeFor[PaymentMethodCard](),
			"PaymentMethodCardMetadata":           reflect.TypeFor[PaymentMethodCardMetadata](),
			"PaymentMethodGeneric":                reflect.TypeFor[PaymentMethodGeneric](),
			"PaymentMethodKrCard":                 reflect.TypeFor[PaymentMethodKrCard](),
			"PaymentMethodKrCardMetadata":         reflect.TypeFor[PaymentMethodKrCardMetadata](),
		},
	},
	opSpec{id: "customer_portal:customers:add_payment_method", status: http.StatusCreated,
		answer: `{"status":"requires_action","client_secret":"seti_secret"}`,
		call: func(ctx context.Context, c *Client, _ string) error {
			return onlyErr(c.Customers.AddPaymentMethod(ctx, &CustomerPaymentMethodCreate{ConfirmationTokenID: "ctoken_1", ReturnURL: "https://example.com"}))
		},
		nilBody: func(ctx context.Context, c *Client) error { return onlyErr(c.Customers.AddPaymentMethod(ctx, nil)) },
		rows: []contractRow{{call: func(ctx context.Context, c *Client) error {
			return onlyErr(c.Customers.AddPaymentMethod(ctx, &CustomerPaymentMethodCreate{
				ConfirmationTokenID: "ctoken_1NnQUf2eZvKYlo2C", SetDefault: true, ReturnURL: "https://example.com/portal",
			}))
		}}},
		schemas: map[string]reflect.Type{
			"CustomerPaymentMethodCreate":                       reflect.TypeFor[CustomerPaymentMethodCreate](),
			"CustomerPaymentMethodCreateRequiresActionResponse": reflect.TypeFor[CustomerPaymentMethodCreateRequiresActionResponse](),
			"CustomerPaymentMethodCreateResponse":               reflect.TypeFor[CustomerPaymentMethodCreateResponse](),
			"CustomerPaymentMethodCreateSucceededResponse":      reflect.TypeFor[CustomerPaymentMethodCreateSucceededResponse](),
			"PaymentMethodSetupFailed":                          apiErrorType,
		},
	},
	opSpec{id: "customer_portal:customers:confirm_payment_method", status: http.StatusCreated,
		answer: `{"status":"requires_action","client_secret":"seti_secret"}`,
		call: func(ctx context.Context, c *Client, _ string) error {
			return onlyErr(c.Customers.ConfirmPaymentMethod(ctx, &CustomerPaymentMethodConfirm{SetupIntentID: "seti_1"}))
		},
		nilBody: func(ctx context.Context, c *Client) error { return onlyErr(c.Customers.ConfirmPaymentMethod(ctx, nil)) },
		rows: []contractRow{{call: func(ctx context.Context, c *Client) error {
			return onlyErr(c.Customers.ConfirmPaymentMethod(ctx, &CustomerPaymentMethodConfirm{SetupIntentID: "seti_1QbCdEfGhIjKlMnO", SetDefault: false}))
		}}},
		schemas: map[string]reflect.Type{
			"CustomerNotReady":             apiErrorType,
			"CustomerPaymentMethodConfirm": reflect.TypeFor[CustomerPaymentMethodConfirm](),
		},
	},
	opSpec{id: "customer_portal:customers:delete_payment_method", status: http.StatusNoContent,
		call:    func(ctx context.Context, c *Client, id string) error { return c.Customers.DeletePaymentMethod(ctx, id) },
		rows:    []contractRow{{arg: "2bcfa1ea-5f6e-4d42-89ba-b76b26e7c5c4"}},
		schemas: map[string]reflect.Type{"PaymentMethodInUseByActiveSubscription": apiErrorType},
	},
	opSpec{id: "customer_portal:customers:request_email_update", status: http.StatusAccepted, answer: `{}`,
		call: func(ctx context.Context, c *Client, _ string) error {
			return c.Customers.RequestEmailUpdate(ctx, &CustomerEmailUpdateRequest{Email: "ada@example.com"})
		},
		nilBody: func(ctx context.Context, c *Client) error { return c.Customers.RequestEmailUpdate(ctx, nil) },
		rows: []contractRow{{call: func(ctx context.Context, c *Client) error {
			return c.Customers.RequestEmailUpdate(ctx, &CustomerEmailUpdateRequest{Email: "ada.new@example.com"})
		}}},
		schemas: map[string]reflect.Type{"CustomerEmailUpdateRequest": reflect.TypeFor[CustomerEmailUpdateRequest]()},
	},
	opSpec{id: "customer_portal:customers:check_email_update", status: http.StatusNoContent,
		call: func(ctx context.Context, c *Client, _ string) error {
			return c.Customers.CheckEmailUpdate(ctx, "ev_tok")
		},
		rows: []contractRow{{call: func(ctx context.Context, c *Client) error {
			return c.Customers.CheckEmailUpdate(ctx, "ev_3kT9pQ2xZ7rLm4Nc8Hd6Jf1Yb5Gs")
		}}},
	},
	opSpec{id: "customer_portal:customers:verify_email_update", answer: `{"token":"polar_cst_new"}`,
		call: func(ctx context.Context, c *Client, _ string) error {
			return onlyErr(c.Customers.VerifyEmailUpdate(ctx, &CustomerEmailUpdateVerifyRequest{Token: "ev_tok"}))
		},
		nilBody: func(ctx context.Context, c *Client) error { return onlyErr(c.Customers.VerifyEmailUpdate(ctx, nil)) },
		rows: []contractRow{{call: func(ctx context.Context, c *Client) error {
			return onlyErr(c.Customers.VerifyEmailUpdate(ctx, &CustomerEmailUpdateVerifyRequest{Token: "ev_3kT9pQ2xZ7rLm4Nc8Hd6Jf1Yb5Gs"}))
		}}},
		schemas: map[string]reflect.Type{
			"CustomerEmailUpdateVerifyRequest":  reflect.TypeFor[CustomerEmailUpdateVerifyRequest](),
			"CustomerEmailUpdateVerifyResponse": reflect.TypeFor[CustomerEmailUpdateVerifyResponse](),
		},
	},
)
