package polar

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

const (
	licenseKeyID   = "9b52b112-ebd8-4056-bc8d-b98f54685748"
	licenseKeyOrg  = "7e685c35-e296-4c60-8f89-e1bf5ab4d12f"
	licenseKeyText = "ACME-5F3A9C2E-0B1D-4C7E-9A6F-3D2E1C0B77B1"
)

// wantLicenseKey is the key that testdata/license_key.json and the other
// license key fixtures describe.
func wantLicenseKey() LicenseKey {
	customerID := "f5d3cd1a-2a22-4582-b7ef-4009967fd17c"
	memberID := "bb91343a-fd06-4f20-80e5-45c56044f2fa"
	return LicenseKey{
		ID:             licenseKeyID,
		CreatedAt:      time.Date(2026, 2, 10, 14, 22, 32, 104311000, time.UTC),
		ModifiedAt:     ptr(time.Date(2026, 3, 1, 9, 12, 44, 0, time.UTC)),
		OrganizationID: licenseKeyOrg,
		CustomerID:     customerID,
		Customer: LicenseKeyCustomer{
			CustomerCommon: CustomerCommon{
				ID:            customerID,
				CreatedAt:     time.Date(2026, 1, 15, 8, 30, 0, 123456000, time.UTC),
				ModifiedAt:    ptr(time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)),
				Metadata:      map[string]any{"plan": "pro", "seats": 3.0, "score": 4.5, "vip": true},
				ExternalID:    ptr("usr_1337"),
				EmailVerified: true,
				Name:          ptr("Ada Lovelace"),
				BillingName:   ptr("Analytical Engines Ltd"),
				BillingAddress: &Address{
					Line1: ptr("350 Fifth Avenue"), Line2: ptr("Suite 4100"), PostalCode: ptr("10118"),
					City: ptr("New York"), State: ptr("US-NY"), Country: CountryUS,
				},
				TaxID:                  &TaxID{ID: "12-3456789", Format: TaxIDFormatUSEIN},
				Locale:                 ptr("en-US"),
				OrganizationID:         licenseKeyOrg,
				DefaultPaymentMethodID: ptr("547e95d7-c936-41cd-94e9-b31cbfead313"),
				FirstUserEventAt:       ptr(time.Date(2026, 1, 14, 22, 10, 5, 0, time.UTC)),
				AvatarURL:              ptr("https://www.gravatar.com/avatar/0bc83cb571cd1c50ba6f3e8a78ef1346?d=404"),
			},
			Email: ptr("ada@example.com"),
			Type:  CustomerType("individual"),
		},
		BenefitID:        "b6c33fb3-f30a-4743-85e3-f2d70356b639",
		Key:              licenseKeyText,
		DisplayKey:       "****-77B1",
		Status:           LicenseKeyStatusGranted,
		LimitActivations: ptr[int64](3),
		Usage:            12,
		LimitUsage:       ptr[int64](1000),
		Validations:      48,
		LastValidatedAt:  ptr(time.Date(2026, 3, 10, 7, 59, 1, 337000000, time.UTC)),
		ExpiresAt:        ptr(time.Date(2027, 2, 10, 14, 22, 32, 0, time.UTC)),
		MemberID:         ptr(memberID),
		Member:           &LicenseKeyMember{ID: memberID, Email: "ada@example.com", ExternalID: ptr("65597d3d-87b1-4ce3-bd8d-d9c03a801d4f")},
	}
}

// wantActivation is the activation with ID id, its meta full or empty.
func wantActivation(id string, full bool) LicenseKeyActivation {
	a := LicenseKeyActivation{
		ID: id, LicenseKeyID: licenseKeyID, Label: "build-agent-07", Meta: map[string]any{},
		CreatedAt: time.Date(2026, 2, 11, 10, 0, 0, 0, time.UTC),
	}
	if full {
		a.Label = "Ada's MacBook Pro"
		a.Meta = map[string]any{"os": "macOS 15.3", "cores": 12.0, "ram_gb": 36.5, "beta": false}
		a.ModifiedAt = ptr(time.Date(2026, 2, 12, 10, 0, 0, 0, time.UTC))
	}
	return a
}

func TestLicenseKeysList(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, string(readWireFixture(t, "license_keys.json"))))
	c := newTestClient(t, srv, testToken)
	benefit := "b6c33fb3-f30a-4743-85e3-f2d70356b639"
	page, err := c.LicenseKeys.List(bg(), &LicenseKeyListOptions{ListOptions: ListOptions{Page: 3, Limit: 20}, BenefitID: benefit})
	if err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	u, _ := url.Parse(r.RequestURI)
	if r.Method != "GET" || u.Path != "/v1/customer-portal/license-keys/" {
		t.Fatalf("request %s %s", r.Method, r.RequestURI)
	}
	if diff := cmp.Diff(url.Values{"page": {"3"}, "limit": {"20"}, "benefit_id": {benefit}}, u.Query()); diff != "" {
		t.Errorf("query (-want +got):\n%s", diff)
	}
	checkCommonHeaders(t, r, true)
	if len(page.Items) != 3 || page.Pagination != (Pagination{TotalCount: 3, MaxPage: 1}) {
		t.Fatalf("page: %d items, %+v", len(page.Items), page.Pagination)
	}
	if diff := cmp.Diff(wantLicenseKey(), page.Items[0]); diff != "" {
		t.Errorf("first key (-want +got):\n%s", diff)
	}
	team := page.Items[1]
	if team.Status != LicenseKeyStatusRevoked || team.Customer.Type != "team" || team.Customer.Email != nil ||
		team.Customer.DeletedAt == nil || team.Member != nil || team.LimitActivations != nil || team.ExpiresAt != nil {
		t.Errorf("second key: %+v", team)
	}
	if k := page.Items[2]; k.Status != LicenseKeyStatusDisabled || k.Member == nil || k.Member.ExternalID != nil {
		t.Errorf("third key: %+v", k)
	}

	srv = newRecorder(t, jsonAnswer(200, `{"items":[],"pagination":{"total_count":0,"max_page":0}}`))
	c = newTestClient(t, srv, testToken)
	if _, err := c.LicenseKeys.List(bg(), nil); err != nil {
		t.Fatal(err)
	}
	if got := srv.requests()[0].RequestURI; got != "/v1/customer-portal/license-keys/" {
		t.Errorf("nil options: RequestURI = %q", got)
	}
}

func TestLicenseKeysAll(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, string(readWireFixture(t, "license_keys.json"))))
	c := newTestClient(t, srv, testToken)
	var ids []string
	for k, err := range c.LicenseKeys.All(bg(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, k.ID)
	}
	if len(ids) != 3 || ids[0] != licenseKeyID || srv.count() != 1 {
		t.Fatalf("ids %v in %d requests", ids, srv.count())
	}
	if got := srv.requests()[0].RequestURI; got != "/v1/customer-portal/license-keys/?limit=100&page=1" {
		t.Errorf("RequestURI = %q", got)
	}
}

func TestLicenseKeysGet(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, string(readWireFixture(t, "license_key.json"))))
	c := newTestClient(t, srv, testToken)
	k, err := c.LicenseKeys.Get(bg(), licenseKeyID)
	if err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	if r.Method != "GET" || r.RequestURI != "/v1/customer-portal/license-keys/"+licenseKeyID || len(r.Body) != 0 {
		t.Fatalf("request %s %s %q", r.Method, r.RequestURI, r.Body)
	}
	checkCommonHeaders(t, r, true)
	want := &LicenseKeyWithActivations{
		LicenseKey: wantLicenseKey(),
		Activations: []LicenseKeyActivation{
			wantActivation("70cd3c83-7db1-44a3-a287-23c7b6c46fd5", true),
			wantActivation("0c38f648-6f4a-478a-80b0-13b6db4b95c2", false),
		},
	}
	if diff := cmp.Diff(want, k); diff != "" {
		t.Errorf("decoded key (-want +got):\n%s", diff)
	}
}

func TestLicenseKeysRotate(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, string(readWireFixture(t, "rotated_license_key.json"))))
	c := newTestClient(t, srv, testToken)
	k, err := c.LicenseKeys.Rotate(bg(), licenseKeyID)
	if err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	if r.Method != "POST" || r.RequestURI != "/v1/customer-portal/license-keys/"+licenseKeyID+"/rotate" {
		t.Fatalf("request %s %s", r.Method, r.RequestURI)
	}
	if r.Header.Get("Content-Length") != "0" || len(r.Body) != 0 {
		t.Errorf("rotate sent a body: Content-Length %q, %q", r.Header.Get("Content-Length"), r.Body)
	}
	checkCommonHeaders(t, r, true)
	want := wantLicenseKey()
	want.Key = "ACME-9D0E1F2A-3B4C-4D5E-8F60-718293A4B5C6"
	want.DisplayKey = "****-B5C6"
	want.ModifiedAt = ptr(time.Date(2026, 3, 12, 8, 0, 0, 250000000, time.UTC))
	if diff := cmp.Diff(RotatedLicenseKey(want), *k); diff != "" {
		t.Errorf("rotated key (-want +got):\n%s", diff)
	}
}

func TestLicenseKeysValidate(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, string(readWireFixture(t, "validated_license_key.json"))))
	c := newTestClient(t, srv, "")
	k, err := c.LicenseKeys.Validate(bg(), &LicenseKeyValidate{
		Key:            licenseKeyText,
		OrganizationID: licenseKeyOrg,
		ActivationID:   "e820729e-1414-4169-bd43-fe2c4d9cf7f2",
		BenefitID:      "b6c33fb3-f30a-4743-85e3-f2d70356b639",
		CustomerID:     "f5d3cd1a-2a22-4582-b7ef-4009967fd17c",
		IncrementUsage: 1,
		Conditions:     map[string]any{"major_version": 3, "edition": "pro", "ratio": 1.5, "beta": true},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	checkRequest(t, r, "POST", "/v1/customer-portal/license-keys/validate", false)
	wantBody := `{"key":"` + licenseKeyText + `","organization_id":"` + licenseKeyOrg + `",` +
		`"activation_id":"e820729e-1414-4169-bd43-fe2c4d9cf7f2","benefit_id":"b6c33fb3-f30a-4743-85e3-f2d70356b639",` +
		`"customer_id":"f5d3cd1a-2a22-4582-b7ef-4009967fd17c","increment_usage":1,` +
		`"conditions":{"beta":true,"edition":"pro","major_version":3,"ratio":1.5}}`
	if string(r.Body) != wantBody {
		t.Errorf("body = %s\nwant   %s", r.Body, wantBody)
	}
	act := wantActivation("e820729e-1414-4169-bd43-fe2c4d9cf7f2", true)
	if diff := cmp.Diff(&ValidatedLicenseKey{LicenseKey: wantLicenseKey(), Activation: &act}, k); diff != "" {
		t.Errorf("validated key (-want +got):\n%s", diff)
	}

	// Only the key and the organization are required.
	srv = newRecorder(t, jsonAnswer(200, string(readWireFixture(t, "validated_license_key_no_activation.json"))))
	c = newTestClient(t, srv, "")
	k, err = c.LicenseKeys.Validate(bg(), &LicenseKeyValidate{Key: "6E1F0A2B-8C9D-4E3F-A1B2-C3D4E5F60D4E", OrganizationID: licenseKeyOrg})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(srv.requests()[0].Body), `{"key":"6E1F0A2B-8C9D-4E3F-A1B2-C3D4E5F60D4E","organization_id":"`+licenseKeyOrg+`"}`; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
	if k.Activation != nil || k.Status != LicenseKeyStatusRevoked || k.Subscription != nil || k.Order != nil {
		t.Errorf("validated key: %+v", k)
	}
}

func TestLicenseKeysActivate(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, string(readWireFixture(t, "license_key_activation.json"))))
	c := newTestClient(t, srv, "")
	a, err := c.LicenseKeys.Activate(bg(), &LicenseKeyActivate{
		Key:            licenseKeyText,
		OrganizationID: licenseKeyOrg,
		Label:          "Ada's MacBook Pro",
		Conditions:     map[string]any{"major_version": 3},
		Meta:           map[string]any{"os": "macOS 15.3", "cores": 12, "ram_gb": 36.5, "beta": false},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	checkRequest(t, r, "POST", "/v1/customer-portal/license-keys/activate", false)
	wantBody := `{"key":"` + licenseKeyText + `","organization_id":"` + licenseKeyOrg + `","label":"Ada's MacBook Pro",` +
		`"conditions":{"major_version":3},"meta":{"beta":false,"cores":12,"os":"macOS 15.3","ram_gb":36.5}}`
	if string(r.Body) != wantBody {
		t.Errorf("body = %s\nwant   %s", r.Body, wantBody)
	}
	key := wantLicenseKey()
	key.Validations = 49
	want := &LicenseKeyActivationWithKey{LicenseKeyActivation: wantActivation("b858c6f7-88fe-4e90-ad4f-d4d4c108fc35", true), LicenseKey: key}
	if diff := cmp.Diff(want, a); diff != "" {
		t.Errorf("activation (-want +got):\n%s", diff)
	}

	// Without the optional maps, the body carries only what is required.
	srv = newRecorder(t, jsonAnswer(200, string(readWireFixture(t, "license_key_activation.json"))))
	c = newTestClient(t, srv, "")
	if _, err := c.LicenseKeys.Activate(bg(), &LicenseKeyActivate{Key: "k", OrganizationID: licenseKeyOrg, Label: "ci"}); err != nil {
		t.Fatal(err)
	}
	if got, want := string(srv.requests()[0].Body), `{"key":"k","organization_id":"`+licenseKeyOrg+`","label":"ci"}`; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
}

func TestLicenseKeysDeactivate(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	c := newTestClient(t, srv, "")
	err := c.LicenseKeys.Deactivate(bg(), &LicenseKeyDeactivate{
		Key: licenseKeyText, OrganizationID: licenseKeyOrg, ActivationID: "70cd3c83-7db1-44a3-a287-23c7b6c46fd5",
	})
	if err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	checkRequest(t, r, "POST", "/v1/customer-portal/license-keys/deactivate", false)
	wantBody := `{"key":"` + licenseKeyText + `","organization_id":"` + licenseKeyOrg + `","activation_id":"70cd3c83-7db1-44a3-a287-23c7b6c46fd5"}`
	if string(r.Body) != wantBody {
		t.Errorf("body = %s\nwant   %s", r.Body, wantBody)
	}
}

// TestLicenseKeyPublicOperationsSendNoToken: validate, activate and
// deactivate work without a token, and a client that has one does not
// send it on them (a stale token would turn them into 401s), while it
// still sends it on the customer's own operations.
func TestLicenseKeyPublicOperationsSendNoToken(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/customer-portal/license-keys/validate":
			jsonAnswer(200, string(readWireFixture(t, "validated_license_key.json")))(w, r)
		case "/v1/customer-portal/license-keys/activate":
			jsonAnswer(200, string(readWireFixture(t, "license_key_activation.json")))(w, r)
		case "/v1/customer-portal/license-keys/deactivate":
			w.WriteHeader(http.StatusNoContent)
		default:
			jsonAnswer(200, string(readWireFixture(t, "license_key.json")))(w, r)
		}
	})
	for _, token := range []string{"", testToken} {
		c := newTestClient(t, srv, token)
		before := srv.count()
		if _, err := c.LicenseKeys.Validate(bg(), &LicenseKeyValidate{Key: licenseKeyText, OrganizationID: licenseKeyOrg}); err != nil {
			t.Fatalf("token %q: validate: %v", token, err)
		}
		if _, err := c.LicenseKeys.Activate(bg(), &LicenseKeyActivate{Key: licenseKeyText, OrganizationID: licenseKeyOrg, Label: "x"}); err != nil {
			t.Fatalf("token %q: activate: %v", token, err)
		}
		if err := c.LicenseKeys.Deactivate(bg(), &LicenseKeyDeactivate{Key: licenseKeyText, OrganizationID: licenseKeyOrg, ActivationID: testUUID}); err != nil {
			t.Fatalf("token %q: deactivate: %v", token, err)
		}
		if _, err := c.LicenseKeys.Get(bg(), licenseKeyID); err != nil {
			t.Fatalf("token %q: get: %v", token, err)
		}
		reqs := srv.requests()[before:]
		for _, r := range reqs[:3] {
			if auth, has := r.Header["Authorization"]; has {
				t.Errorf("token %q: %s sent Authorization %q", token, r.RequestURI, auth)
			}
		}
		if got := reqs[3].Header.Get("Authorization"); (token == "") != (got == "") {
			t.Errorf("token %q: Get sent Authorization %q", token, got)
		}
	}
}

// TestLicenseKeyZoneLimit runs 50 concurrent validations on one client
// with the default limits, on a fake clock: the server never sees more
// than 3 of them in any second, Polar's limit for the zone.
func TestLicenseKeyZoneLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		validated := string(readWireFixture(t, "validated_license_key.json"))
		var mu sync.Mutex
		var times []time.Time
		ft := &fakeTransport{answer: func(n int, r *http.Request) *http.Response {
			mu.Lock()
			times = append(times, time.Now())
			mu.Unlock()
			if r.Header.Get("Authorization") != "" {
				return answer(401, `{"error":"invalid_token"}`)
			}
			return answer(200, validated, "Content-Type", "application/json")
		}}
		c, err := NewClient("", WithBaseURL("https://api.test"), WithHTTPClient(&http.Client{Transport: ft}))
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() {
				if _, err := c.LicenseKeys.Validate(bg(), &LicenseKeyValidate{Key: licenseKeyText, OrganizationID: licenseKeyOrg}); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if len(times) != 50 {
			t.Fatalf("%d requests, want 50", len(times))
		}
		slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
		for i, ti := range times {
			n := 0
			for _, tj := range times[i:] {
				if tj.Sub(ti) <= time.Second {
					n++
				}
			}
			if n > 3 {
				t.Fatalf("%d requests within a second from %v", n, ti.Sub(start))
			}
		}
		// Paced evenly, not held back by a long block: 3 in the first
		// second, then 2 a second.
		if took := times[49].Sub(start); took < 16*time.Second || took > 30*time.Second {
			t.Errorf("50 validations took %v, want about 25s", took)
		}
	})
}

// TestLicenseKeyErrors checks that keys that cannot be used give the
// typed error the API sends, never a panic or an empty result.
func TestLicenseKeyErrors(t *testing.T) {
	validate := func(c *Client) (any, error) {
		return c.LicenseKeys.Validate(bg(), &LicenseKeyValidate{Key: licenseKeyText, OrganizationID: licenseKeyOrg, IncrementUsage: 1})
	}
	activate := func(c *Client) (any, error) {
		return c.LicenseKeys.Activate(bg(), &LicenseKeyActivate{Key: licenseKeyText, OrganizationID: licenseKeyOrg, Label: "x"})
	}
	deactivate := func(c *Client) (any, error) {
		return nil, c.LicenseKeys.Deactivate(bg(), &LicenseKeyDeactivate{Key: licenseKeyText, OrganizationID: licenseKeyOrg, ActivationID: testUUID})
	}
	rotate := func(c *Client) (any, error) { return c.LicenseKeys.Rotate(bg(), licenseKeyID) }
	get := func(c *Client) (any, error) { return c.LicenseKeys.Get(bg(), licenseKeyID) }
	list := func(c *Client) (any, error) { return c.LicenseKeys.List(bg(), nil) }
	checkErrorCases(t, "", []errorCase{
		{name: "expired key", call: validate, status: 404, body: `{"error":"ResourceNotFound","detail":"License key has expired."}`, want: ErrResourceNotFound},
		{name: "revoked key", call: validate, status: 404, body: `{"error":"ResourceNotFound","detail":"License key is no longer active."}`, want: ErrResourceNotFound},
		{name: "usage limit", call: validate, status: 400, body: `{"error":"BadRequest","detail":"License key only has 0 more usages."}`, want: ErrBadRequest},
		{name: "activation limit", call: activate, status: 403, body: `{"error":"NotPermitted","detail":"License key activation limit already reached"}`, want: ErrNotPermitted},
		{name: "activation of revoked key", call: activate, status: 404, body: `{"error":"ResourceNotFound","detail":"License key not found."}`, want: ErrResourceNotFound},
		{name: "unknown activation", call: deactivate, status: 404, body: `{"error":"ResourceNotFound","detail":"License key activation not found."}`, want: ErrResourceNotFound},
		{name: "rotate revoked key", call: rotate, status: 400, body: `{"error":"RotateNotPermitted","detail":"License key cannot be rotated in its current status."}`, want: ErrRotateNotPermitted},
		{name: "rotate someone else's key", call: rotate, status: 401, body: `{"error":"Unauthorized","detail":"Not authorized to manage license key."}`, want: ErrUnauthorized},
		{name: "get missing key", call: get, status: 404, body: `{"error":"ResourceNotFound","detail":"License key not found."}`, want: ErrResourceNotFound},
		{name: "list unauthorized", call: list, status: 401, body: `{"error":"Unauthorized","detail":"Not authorized to manage license key."}`, want: ErrUnauthorized},
		{name: "bad organization", call: validate, status: 422, body: `{"error":"RequestValidationError","detail":[{"loc":["body","organization_id"],"msg":"Input should be a valid UUID","type":"uuid_parsing","input":"acme"}]}`, validation: "uuid_parsing"},
	})
}

// TestValidatedLicenseKey2027 checks the fields API version 2027-01 adds
// to a validated key, for a client that asks for that version.
func TestValidatedLicenseKey2027(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Polar-Version") != "2027-01" {
			jsonAnswer(404, `{"detail":"Not Found"}`)(w, r)
			return
		}
		jsonAnswer(200, string(readWireFixture(t, "validated_license_key_2027_01_order.json")))(w, r)
	})
	c := newTestClient(t, srv, "", WithAPIVersion("2027-01"))
	k, err := c.LicenseKeys.Validate(bg(), &LicenseKeyValidate{Key: licenseKeyText, OrganizationID: licenseKeyOrg})
	if err != nil {
		t.Fatal(err)
	}
	subID, orderID := "c1799f7c-63a7-45cf-a755-384d17d35484", "067b02f0-a582-436a-abea-fb1c913bf813"
	act := wantActivation("1233c875-c525-46e5-b117-341074c4edf1", false)
	want := &ValidatedLicenseKey{
		LicenseKey:     wantLicenseKey(),
		Activation:     &act,
		SubscriptionID: ptr(subID),
		Subscription: &ValidatedLicenseKeySubscription{
			ID: subID, Status: SubscriptionStatusTrialing,
			CurrentPeriodStart: time.Date(2026, 3, 10, 14, 22, 31, 0, time.UTC),
			CurrentPeriodEnd:   time.Date(2026, 3, 24, 14, 22, 31, 0, time.UTC),
		},
		OrderID: ptr(orderID),
		Order:   &ValidatedLicenseKeyOrder{ID: orderID, CreatedAt: time.Date(2026, 3, 10, 14, 22, 31, 500000000, time.UTC), Status: OrderStatusPaid, Paid: true},
	}
	if diff := cmp.Diff(want, k); diff != "" {
		t.Errorf("validated key (-want +got):\n%s", diff)
	}

	if got := srv.requests()[0].Header.Get("Polar-Version"); got != "2027-01" {
		t.Errorf("Polar-Version = %q", got)
	}
}

// TestLicenseKeyUserFields: the server also sends user_id and user on
// license keys, which the document leaves out; they decode without error
// and are dropped.
func TestLicenseKeyUserFields(t *testing.T) {
	in := readWireFixture(t, "license_key_with_user.json")
	srv := newRecorder(t, jsonAnswer(200, string(in)))
	c := newTestClient(t, srv, testToken)
	k, err := c.LicenseKeys.Get(bg(), licenseKeyID)
	if err != nil {
		t.Fatal(err)
	}
	if k.Key != licenseKeyText || k.Activations == nil || len(k.Activations) != 0 {
		t.Errorf("decoded %+v", k)
	}
	out, err := json.Marshal(k)
	if err != nil {
		t.Fatal(err)
	}
	want := jsonMeaning(t, in)
	deleteJSONPath(t, want, "user_id")
	deleteJSONPath(t, want, "user")
	if diff := cmp.Diff(want, jsonMeaning(t, out)); diff != "" {
		t.Errorf("re-encoded key (-want +got):\n%s", diff)
	}
	for _, name := range []string{"license_keys.json", "validated_license_key.json"} {
		var doc map[string]any
		_ = json.Unmarshal(readWireFixture(t, name), &doc)
		if _, has := doc["user_id"]; has {
			t.Errorf("%s: expected no user_id in the plain fixtures", name)
		}
	}
}

// wireRoundTrip decodes the top-level testdata fixture name into a new T,
// encodes it again and fails unless the result means what the fixture
// means.
func wireRoundTrip[T any](t *testing.T, name string) {
	t.Helper()
	in := readWireFixture(t, name)
	v := new(T)
	if err := json.Unmarshal(in, v); err != nil {
		t.Fatalf("decoding %s into %T: %v", name, v, err)
	}
	out, err := json.Marshal(*v)
	if err != nil {
		t.Fatalf("encoding %T: %v", v, err)
	}
	if diff := cmp.Diff(jsonMeaning(t, in), jsonMeaning(t, out)); diff != "" {
		t.Errorf("%s: re-encoded %T differs from the fixture (-fixture +re-encoded):\n%s", name, *v, diff)
	}
}

func TestLicenseKeysRoundTrip(t *testing.T) {
	t.Run("license_keys.json", func(t *testing.T) { wireRoundTrip[Page[LicenseKey]](t, "license_keys.json") })
	t.Run("license_key.json", func(t *testing.T) { wireRoundTrip[LicenseKeyWithActivations](t, "license_key.json") })
	t.Run("rotated_license_key.json", func(t *testing.T) { wireRoundTrip[RotatedLicenseKey](t, "rotated_license_key.json") })
	t.Run("license_key_activation.json", func(t *testing.T) {
		wireRoundTrip[LicenseKeyActivationWithKey](t, "license_key_activation.json")
	})
	for _, name := range []string{
		"validated_license_key.json", "validated_license_key_no_activation.json",
		"validated_license_key_2027_01.json", "validated_license_key_2027_01_order.json",
	} {
		t.Run(name, func(t *testing.T) { wireRoundTrip[ValidatedLicenseKey](t, name) })
	}
}

// TestLicenseKeyUnknownStatus: a status this SDK does not know decodes as
// it is and survives re-encoding.
func TestLicenseKeyUnknownStatus(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(readWireFixture(t, "license_key.json"), &doc); err != nil {
		t.Fatal(err)
	}
	doc["status"] = "suspended"
	doc["customer"].(map[string]any)["type"] = "organization"
	b, _ := json.Marshal(doc)
	var k LicenseKeyWithActivations
	if err := json.Unmarshal(b, &k); err != nil {
		t.Fatal(err)
	}
	if k.Status != "suspended" || k.Customer.Type != "organization" {
		t.Errorf("status %q, customer type %q", k.Status, k.Customer.Type)
	}
	out, err := json.Marshal(k)
	if err != nil || !cmp.Equal(jsonMeaning(t, b), jsonMeaning(t, out)) {
		t.Errorf("re-encoded: %s, %v", out, err)
	}
}

// The license key operations; their contract rows use realistic
// arguments, every filter and every optional body field.
var _ = addOps(
	opSpec{id: "customer_portal:license_keys:list", answer: `{"items":[],"pagination":{"total_count":0,"max_page":0}}`,
		call: func(ctx context.Context, c *Client, _ string) error {
			return onlyErr(c.LicenseKeys.List(ctx, &LicenseKeyListOptions{BenefitID: testUUID}))
		},
		rows: []contractRow{{call: func(ctx context.Context, c *Client) error {
			return onlyErr(c.LicenseKeys.List(ctx, &LicenseKeyListOptions{ListOptions: ListOptions{Page: 1, Limit: 10}, BenefitID: "b6c33fb3-f30a-4743-85e3-f2d70356b639"}))
		}}},
		schemas: map[string]reflect.Type{
			"LicenseKeyCustomer":           reflect.TypeFor[LicenseKeyCustomer](),
			"LicenseKeyMember":             reflect.TypeFor[LicenseKeyMember](),
			"LicenseKeyRead":               reflect.TypeFor[LicenseKey](),
			"ListResource_LicenseKeyRead_": reflect.TypeFor[Page[LicenseKey]](),
			"Unauthorized":                 apiErrorType,
		},
	},
	opSpec{id: "customer_portal:license_keys:get", answer: `{"id":"` + testUUID + `","activations":[]}`,
		call: func(ctx context.Context, c *Client, id string) error { return onlyErr(c.LicenseKeys.Get(ctx, id)) },
		rows: []contractRow{{arg: licenseKeyID}},
		schemas: map[string]reflect.Type{
			"LicenseKeyActivationBase":  reflect.TypeFor[LicenseKeyActivation](),
			"LicenseKeyWithActivations": reflect.TypeFor[LicenseKeyWithActivations](),
		},
	},
	opSpec{id: "customer_portal:license_keys:rotate", answer: `{"id":"` + testUUID + `","key":"new"}`,
		call: func(ctx context.Context, c *Client, id string) error { return onlyErr(c.LicenseKeys.Rotate(ctx, id)) },
		rows: []contractRow{{arg: licenseKeyID}},
		schemas: map[string]reflect.Type{
			"RotateNotPermitted": apiErrorType,
			"RotatedLicenseKey":  reflect.TypeFor[RotatedLicenseKey](),
		},
	},
	opSpec{id: "customer_portal:license_keys:validate", answer: `{"id":"` + testUUID + `","activation":null}`,
		call: func(ctx context.Context, c *Client, _ string) error {
			return onlyErr(c.LicenseKeys.Validate(ctx, &LicenseKeyValidate{Key: "k", OrganizationID: testUUID}))
		},
		nilBody: func(ctx context.Context, c *Client) error { return onlyErr(c.LicenseKeys.Validate(ctx, nil)) },
		rows: []contractRow{{call: func(ctx context.Context, c *Client) error {
			if _, err := c.LicenseKeys.Validate(ctx, &LicenseKeyValidate{Key: licenseKeyText, OrganizationID: licenseKeyOrg}); err != nil {
				return err
			}
			return onlyErr(c.LicenseKeys.Validate(ctx, &LicenseKeyValidate{
				Key:            licenseKeyText,
				OrganizationID: licenseKeyOrg,
				ActivationID:   "e820729e-1414-4169-bd43-fe2c4d9cf7f2",
				BenefitID:      "b6c33fb3-f30a-4743-85e3-f2d70356b639",
				CustomerID:     "f5d3cd1a-2a22-4582-b7ef-4009967fd17c",
				IncrementUsage: 1,
				Conditions:     map[string]any{"major_version": 3, "edition": "pro", "ratio": 1.5, "beta": true},
			}))
		}}},
		schemas: map[string]reflect.Type{
			"LicenseKeyValidate":  reflect.TypeFor[LicenseKeyValidate](),
			"ValidatedLicenseKey": reflect.TypeFor[ValidatedLicenseKey](),
		},
	},
	opSpec{id: "customer_portal:license_keys:activate", answer: `{"id":"` + testUUID + `","license_key":{"id":"` + testUUID + `"}}`,
		call: func(ctx context.Context, c *Client, _ string) error {
			return onlyErr(c.LicenseKeys.Activate(ctx, &LicenseKeyActivate{Key: "k", OrganizationID: testUUID, Label: "l"}))
		},
		nilBody: func(ctx context.Context, c *Client) error { return onlyErr(c.LicenseKeys.Activate(ctx, nil)) },
		rows: []contractRow{{call: func(ctx context.Context, c *Client) error {
			return onlyErr(c.LicenseKeys.Activate(ctx, &LicenseKeyActivate{
				Key:            licenseKeyText,
				OrganizationID: licenseKeyOrg,
				Label:          "Ada's MacBook Pro",
				Conditions:     map[string]any{"major_version": 3},
				Meta:           map[string]any{"os": "macOS 15.3", "cores": 12, "ram_gb": 36.5, "beta": false},
			}))
		}}},
		schemas: map[string]reflect.Type{
			"LicenseKeyActivate":       reflect.TypeFor[LicenseKeyActivate](),
			"LicenseKeyActivationRead": reflect.TypeFor[LicenseKeyActivationWithKey](),
		},
	},
	opSpec{id: "customer_portal:license_keys:deactivate", status: http.StatusNoContent,
		call: func(ctx context.Context, c *Client, _ string) error {
			return c.LicenseKeys.Deactivate(ctx, &LicenseKeyDeactivate{Key: "k", OrganizationID: testUUID, ActivationID: testUUID})
		},
		nilBody: func(ctx context.Context, c *Client) error { return c.LicenseKeys.Deactivate(ctx, nil) },
		rows: []contractRow{{call: func(ctx context.Context, c *Client) error {
			return c.LicenseKeys.Deactivate(ctx, &LicenseKeyDeactivate{
				Key: licenseKeyText, OrganizationID: licenseKeyOrg, ActivationID: "70cd3c83-7db1-44a3-a287-23c7b6c46fd5",
			})
		}}},
		schemas: map[string]reflect.Type{"LicenseKeyDeactivate": reflect.TypeFor[LicenseKeyDeactivate]()},
	},
)
