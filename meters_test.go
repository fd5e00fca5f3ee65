package polar

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const customerMeterID = "a51e0e0c-f114-48cb-892f-0087049e8e4f"

var wantCustomerMeter = CustomerMeter{
	ID:            customerMeterID,
	CreatedAt:     rfc3339("2026-07-14T10:22:31.482913Z"),
	ModifiedAt:    rfc3339p("2026-09-30T23:59:59.999999Z"),
	CustomerID:    "5d8f1e2a-7c4b-4a9e-8f3d-2b1c0a9e8d7f",
	MeterID:       "e2b7a9c4-1d3f-4a86-9b5e-7c0f2d8a6e19",
	ConsumedUnits: 1250.75,
	CreditedUnits: 1000,
	Balance:       -250.75,
	Meter: Meter{
		CreatedAt:  rfc3339("2026-01-05T12:00:00Z"),
		ModifiedAt: rfc3339p("2026-03-01T09:30:00.25Z"),
		ID:         "e2b7a9c4-1d3f-4a86-9b5e-7c0f2d8a6e19",
		Name:       "API calls",
	},
}

func TestMetersList(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts *MeterListOptions
		want url.Values
	}{
		{"nil options", nil, url.Values{}},
		{"every filter", &MeterListOptions{
			ListOptions: ListOptions{Page: 2, Limit: 2},
			MeterID:     []string{"m1", "m2"},
			Query:       "API calls",
			Sorting:     []CustomerMeterSortProperty{CustomerMeterSortPropertyBalanceDesc, CustomerMeterSortPropertyMeterName},
		}, url.Values{
			"page": {"2"}, "limit": {"2"}, "meter_id": {"m1", "m2"}, "query": {"API calls"},
			"sorting": {"-balance", "meter_name"},
		}},
		{"one meter", &MeterListOptions{MeterID: []string{"m1"}}, url.Values{"meter_id": {"m1"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newRecorder(t, jsonAnswer(200, string(fixture("meters_page.json"))))
			c := newTestClient(t, srv, testToken)
			page, err := c.Meters.List(bg(), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			want := &Page[CustomerMeter]{
				Items: []CustomerMeter{wantCustomerMeter, {
					ID:            "8f46e144-c558-4acd-819a-c395e9ffa993",
					CreatedAt:     rfc3339("2026-07-14T10:22:31.482913Z"),
					CustomerID:    "5d8f1e2a-7c4b-4a9e-8f3d-2b1c0a9e8d7f",
					MeterID:       "6b1f3e8d-9a2c-4c57-b04e-3e8d1a7f5c92",
					ConsumedUnits: 123456789012.5,
					CreditedUnits: 9007199254740993, // beyond float64's integers: exact in int64
					Balance:       -0.1,
					Meter: Meter{
						CreatedAt: rfc3339("2026-01-05T12:00:00Z"),
						ID:        "6b1f3e8d-9a2c-4c57-b04e-3e8d1a7f5c92",
						Name:      "LLM tokens",
					},
				}},
				Pagination: Pagination{TotalCount: 12, MaxPage: 6},
			}
			if diff := cmp.Diff(want, page); diff != "" {
				t.Errorf("page (-want +got):\n%s", diff)
			}
			checkListRequest(t, srv.requests()[0], "/v1/customer-portal/meters/", tc.want)
		})
	}
}

func TestMetersAll(t *testing.T) {
	// Each page's meters get IDs of their own: All drops an item that the
	// previous page had.
	body := string(fixture("meters_page.json"))
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		page := r.URL.Query().Get("page")
		b := strings.NewReplacer("a51e0e0c-f114", "a51e0e0c-f"+page, "8f46e144-c558", "8f46e144-c"+page).Replace(body)
		jsonAnswer(200, b)(w, r)
	})
	c := newTestClient(t, srv, testToken)
	n := 0
	for _, err := range c.Meters.All(bg(), &MeterListOptions{MeterID: []string{"m1", "m2"}, ListOptions: ListOptions{Limit: 2}}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	// The fixture says six pages; the server answers the same page each time.
	if n != 12 || srv.count() != 6 {
		t.Fatalf("%d meters in %d requests, want 12 in 6", n, srv.count())
	}
	if got := srv.requests()[5].RequestURI; got != "/v1/customer-portal/meters/?limit=2&meter_id=m1&meter_id=m2&page=6" {
		t.Errorf("last RequestURI = %q", got)
	}
}

func TestMetersGet(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, string(fixture("meter.json"))))
	c := newTestClient(t, srv, testToken)
	m, err := c.Meters.Get(bg(), customerMeterID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&wantCustomerMeter, m); diff != "" {
		t.Errorf("meter (-want +got):\n%s", diff)
	}
	r := srv.requests()[0]
	if r.Method != "GET" || r.RequestURI != "/v1/customer-portal/meters/"+customerMeterID || len(r.Body) != 0 {
		t.Fatalf("request %s %s %q", r.Method, r.RequestURI, r.Body)
	}
	checkCommonHeaders(t, r, true)
}

func TestMetersErrors(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(404, `{"error":"ResourceNotFound","detail":"Customer meter not found."}`))
	c := newTestClient(t, srv, testToken)
	if _, err := c.Meters.Get(bg(), customerMeterID); !errors.Is(err, ErrResourceNotFound) {
		t.Errorf("get: %v", err)
	}
	srv = newRecorder(t, jsonAnswer(422, `{"error":"RequestValidationError","detail":[{"loc":["query","meter_id",0],"msg":"Input should be a valid UUID","type":"uuid_parsing","input":"m1"}]}`))
	c = newTestClient(t, srv, testToken)
	var ve *ValidationError
	if _, err := c.Meters.List(bg(), &MeterListOptions{MeterID: []string{"m1"}}); !errors.As(err, &ve) || ve.Errors[0].Type != "uuid_parsing" {
		t.Errorf("list: %v", err)
	}
	if _, err := c.Meters.Get(bg(), "m1"); !errors.As(err, &ve) {
		t.Errorf("get: %v", err)
	}
}

func TestMeterRoundTrip(t *testing.T) {
	roundTrip[CustomerMeter](t, "meter.json")
	roundTrip[Page[CustomerMeter]](t, "meters_page.json")
}

// TestMeterUnitsPrecision: consumed units and balances are JSON numbers.
// Large and fractional values decode to the float64 that the text denotes
// and encode back to the same text, so nothing is lost on the way through
// the SDK; a server's 25.0 comes back as 25, the same number.
func TestMeterUnitsPrecision(t *testing.T) {
	for _, text := range []string{
		"0.1", "1250.75", "-250.75", "123456789012.5", "0.000123456789", "1e-7",
		"9007199254740992", "4503599627370495.5", "1.7976931348623157e+308", "5e-324", "-0", "33.333333333333336",
	} {
		in := `{"consumed_units":` + text + `,"credited_units":0,"balance":` + text + `}`
		var m CustomerMeter
		if err := json.Unmarshal([]byte(in), &m); err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		want, err := strconv.ParseFloat(text, 64)
		if err != nil {
			t.Fatal(err)
		}
		if math.Float64bits(m.ConsumedUnits) != math.Float64bits(want) || math.Float64bits(m.Balance) != math.Float64bits(want) {
			t.Errorf("%s decodes to %v and %v, want %v", text, m.ConsumedUnits, m.Balance, want)
		}
		out, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var back struct {
			ConsumedUnits json.Number `json:"consumed_units"`
			Balance       json.Number `json:"balance"`
		}
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatal(err)
		}
		if string(back.ConsumedUnits) != text || string(back.Balance) != text {
			t.Errorf("%s re-encodes as %s and %s", text, back.ConsumedUnits, back.Balance)
		}
	}

	// Python writes whole floats with a trailing .0: the same value comes back.
	var m CustomerMeter
	if err := json.Unmarshal([]byte(`{"consumed_units":25.0}`), &m); err != nil || m.ConsumedUnits != 25 {
		t.Fatalf("25.0 decodes to %v, %v", m.ConsumedUnits, err)
	}
	out, _ := json.Marshal(m)
	var back struct {
		ConsumedUnits float64 `json:"consumed_units"`
	}
	if err := json.Unmarshal(out, &back); err != nil || back.ConsumedUnits != 25 {
		t.Errorf("25.0 re-encodes as %s", out)
	}
}

// TestMeterUnknownsSurvive: fields a newer server adds are ignored.
func TestMeterUnknownsSurvive(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, `{"id":"`+customerMeterID+`","created_at":"2026-07-14T10:22:31Z","modified_at":null,
		"customer_id":"5d8f1e2a-7c4b-4a9e-8f3d-2b1c0a9e8d7f","meter_id":"e2b7a9c4-1d3f-4a86-9b5e-7c0f2d8a6e19",
		"consumed_units":1.5,"credited_units":2,"balance":0.5,"rollover_units":3.25,
		"meter":{"created_at":"2026-01-05T12:00:00Z","modified_at":null,"id":"e2b7a9c4-1d3f-4a86-9b5e-7c0f2d8a6e19","name":"API calls","unit":"token"}}`))
	c := newTestClient(t, srv, testToken)
	m, err := c.Meters.Get(bg(), customerMeterID)
	if err != nil || m.Balance != 0.5 || m.Meter.Name != "API calls" {
		t.Fatalf("Get = %+v, %v", m, err)
	}
}

const testCustomerMeterJSON = `{"id":"` + customerMeterID + `","created_at":"2026-07-14T10:22:31Z","consumed_units":1.5,"credited_units":2,"balance":0.5,"meter":{"id":"` + testUUID + `","name":"API calls"}}`

var _ = addOps(
	opSpec{id: "customer_portal:customer_meters:list", answer: `{"items":[` + testCustomerMeterJSON + `],"pagination":{"total_count":1,"max_page":1}}`,
		call: func(ctx context.Context, c *Client, _ string) error {
			return onlyErr(c.Meters.List(ctx, &MeterListOptions{MeterID: []string{testUUID}, Query: "API"}))
		},
		rows: []contractRow{
			{call: func(ctx context.Context, c *Client) error { return onlyErr(c.Meters.List(ctx, nil)) }},
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Meters.List(ctx, &MeterListOptions{
					ListOptions: ListOptions{Page: 2, Limit: 10},
					MeterID:     []string{"e2b7a9c4-1d3f-4a86-9b5e-7c0f2d8a6e19", "6b1f3e8d-9a2c-4c57-b04e-3e8d1a7f5c92"},
					Query:       "API calls",
					Sorting:     []CustomerMeterSortProperty{CustomerMeterSortPropertyBalanceDesc, CustomerMeterSortPropertyMeterName},
				}))
			}},
		},
		schemas: map[string]reflect.Type{
			"CustomerCustomerMeter":               reflect.TypeFor[CustomerMeter](),
			"CustomerCustomerMeterMeter":          reflect.TypeFor[Meter](),
			"ListResource_CustomerCustomerMeter_": reflect.TypeFor[Page[CustomerMeter]](),
		},
	},
	opSpec{id: "customer_portal:customer_meters:get", answer: testCustomerMeterJSON,
		call: func(ctx context.Context, c *Client, id string) error { return onlyErr(c.Meters.Get(ctx, id)) },
		rows: []contractRow{{arg: "a51e0e0c-f114-48cb-892f-0087049e8e4f"}},
	},
)
