package polar

import (
	"bytes"
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// jsonMeaning parses b and normalises it so that documents that mean the
// same compare equal: members that are null are dropped (null and absent
// decode alike), strings holding an RFC 3339 time become that instant in
// UTC (the server writes microseconds and Z, Go writes what it parsed),
// and numbers stay exact.
func jsonMeaning(t testing.TB, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, b)
	}
	return normalizeJSON(v)
}

func normalizeJSON(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			if e != nil {
				out[k] = normalizeJSON(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = normalizeJSON(e)
		}
		return out
	case string:
		if ts, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return ts.UTC()
		}
	}
	return v
}

// deleteJSONPath removes the member at path (object keys and array
// indices) from a parsed document.
func deleteJSONPath(t testing.TB, doc any, path ...any) {
	t.Helper()
	cur := doc
	for i, step := range path {
		last := i == len(path)-1
		switch step := step.(type) {
		case string:
			m, ok := cur.(map[string]any)
			if !ok {
				t.Fatalf("path %v: step %d is not an object", path, i)
			}
			if last {
				if _, ok := m[step]; !ok {
					t.Fatalf("path %v: no member %q to delete", path, step)
				}
				delete(m, step)
				return
			}
			cur = m[step]
		case int:
			a, ok := cur.([]any)
			if !ok || step >= len(a) || last {
				t.Fatalf("path %v: step %d is not an array index", path, i)
			}
			cur = a[step]
		}
	}
}

// decodeFixture unmarshals a fixture into a new T.
func decodeFixture[T any](t testing.TB, name string) *T {
	t.Helper()
	v := new(T)
	if err := json.Unmarshal(fixture(name), v); err != nil {
		t.Fatalf("decoding %s into %T: %v", name, v, err)
	}
	return v
}

// roundTrip decodes a fixture into a new T, encodes it again and fails
// unless the result means what the fixture means.
func roundTrip[T any](t *testing.T, name string) {
	t.Helper()
	v := decodeFixture[T](t, name)
	out, err := json.Marshal(*v) // by value: value receivers must suffice
	if err != nil {
		t.Fatalf("encoding %T: %v", v, err)
	}
	want, got := jsonMeaning(t, fixture(name)), jsonMeaning(t, out)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: re-encoded %T differs from the fixture (-fixture +re-encoded):\n%s", name, *v, diff)
	}
}

func TestJSONMeaning(t *testing.T) {
	same := [][2]string{
		{`{"a":null,"t":"2026-01-01T10:00:00+02:00","n":1}`, `{"t":"2026-01-01T08:00:00.000000Z","n":1}`},
		{`{"l":[{"x":null}]}`, `{"l":[{}]}`},
	}
	for _, c := range same {
		if diff := cmp.Diff(jsonMeaning(t, []byte(c[0])), jsonMeaning(t, []byte(c[1]))); diff != "" {
			t.Errorf("%s and %s should mean the same:\n%s", c[0], c[1], diff)
		}
	}
	differ := [][2]string{
		{`{"a":1,"b":false}`, `{"a":1}`}, // a lost member
		{`{"a":"0.5"}`, `{"a":0.5}`},
		{`{"t":"2026-01-01T10:00:00Z"}`, `{"t":"2026-01-01T10:00:00.000001Z"}`},
		{`{"a":12900}`, `{"a":12900.0}`},
	}
	for _, c := range differ {
		if cmp.Equal(jsonMeaning(t, []byte(c[0])), jsonMeaning(t, []byte(c[1]))) {
			t.Errorf("%s and %s should differ", c[0], c[1])
		}
	}
}

// TestRoundTrip checks that decoding and re-encoding keeps every member
// the server sent, so a value can be cached or forwarded as Polar's JSON.
func TestRoundTrip(t *testing.T) {
	t.Run("order.json", func(t *testing.T) { roundTrip[CustomerOrder](t, "order.json") })
	t.Run("order_minimal.json", func(t *testing.T) { roundTrip[CustomerOrder](t, "order_minimal.json") })
	t.Run("orders_page1.json", func(t *testing.T) { roundTrip[Page[CustomerOrder]](t, "orders_page1.json") })
	t.Run("orders_page2.json", func(t *testing.T) { roundTrip[Page[CustomerOrder]](t, "orders_page2.json") })
	t.Run("invoice.json", func(t *testing.T) { roundTrip[CustomerOrderInvoice](t, "invoice.json") })
	t.Run("receipt.json", func(t *testing.T) { roundTrip[CustomerOrderReceipt](t, "receipt.json") })
	t.Run("payment_status.json", func(t *testing.T) { roundTrip[CustomerOrderPaymentStatus](t, "payment_status.json") })
	t.Run("payment_confirmation.json", func(t *testing.T) {
		roundTrip[CustomerOrderPaymentConfirmation](t, "payment_confirmation.json")
	})
}

var uuid4Pattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// notPolarIDs are ID members whose values other systems assign: an OAuth
// provider's account ID, the merchant's own external IDs.
var notPolarIDs = map[string]bool{"account_id": true, "external_id": true, "external_customer_id": true, "external_member_id": true}

// foreignObjects are members whose contents other systems define: a
// benefit's or grant's properties (Discord guilds, GitHub and Slack IDs),
// free-form metadata.
var foreignObjects = map[string]bool{"properties": true, "metadata": true, "user_metadata": true, "meta": true, "conditions": true}

// TestFixturesWellFormed keeps the fixtures realistic: valid JSON, and
// every ID a version-4 UUID as the server's path validation demands.
func TestFixturesWellFormed(t *testing.T) {
	names := fixtureNames(t)
	if len(names) < 9 {
		t.Fatalf("only %d fixtures: %v", len(names), names)
	}
	for _, name := range names {
		b := fixture(name)
		if !json.Valid(b) {
			t.Errorf("%s is not valid JSON", name)
			continue
		}
		var walk func(path string, v any)
		walk = func(path string, v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, e := range v {
					if foreignObjects[k] {
						continue
					}
					if s, ok := e.(string); ok && (k == "id" || strings.HasSuffix(k, "_id")) && !notPolarIDs[k] && !uuid4Pattern.MatchString(s) {
						t.Errorf("%s: %s.%s = %q is not a version-4 UUID", name, path, k, s)
					}
					walk(path+"."+k, e)
				}
			case []any:
				for _, e := range v {
					walk(path+"[]", e)
				}
			}
		}
		var doc any
		_ = json.Unmarshal(b, &doc)
		walk("", doc)
	}
}

func TestOrderPages(t *testing.T) {
	ids := map[string]bool{}
	for _, c := range []struct {
		name  string
		items int
	}{{"orders_page1.json", 3}, {"orders_page2.json", 2}} {
		p := decodeFixture[Page[CustomerOrder]](t, c.name)
		if len(p.Items) != c.items || p.Pagination != (Pagination{TotalCount: 5, MaxPage: 2}) {
			t.Errorf("%s: %d items, pagination %+v; want %d items, {5 2}", c.name, len(p.Items), p.Pagination, c.items)
		}
		for _, o := range p.Items {
			if ids[o.ID] {
				t.Errorf("%s: order %s appears twice", c.name, o.ID)
			}
			ids[o.ID] = true
			if o.Product == nil || len(o.Product.Prices) == 0 || o.CreatedAt.IsZero() {
				t.Errorf("%s: order %s lacks a product, price or creation time", c.name, o.ID)
			}
		}
	}
}

// TestPriceVariants checks that every price of order.json decodes into its
// own Go type, in order, with its values.
func TestPriceVariants(t *testing.T) {
	o := decodeFixture[CustomerOrder](t, "order.json")
	if o.Product == nil {
		t.Fatal("order.json: no product")
	}
	want := []string{
		"*polar.ProductPriceFixed",
		"*polar.ProductPriceCustom",
		"*polar.ProductPriceSeatBased",
		"*polar.ProductPriceMeteredUnit",
		"*polar.ProductPriceUnitBased",
		"*polar.ProductPriceMeteredTiers",
		"*polar.LegacyRecurringProductPriceFixed",
		"*polar.LegacyRecurringProductPriceCustom",
	}
	var got []string
	for _, p := range o.Product.Prices {
		got = append(got, reflect.TypeOf(p).String())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("price types (-want +got):\n%s", diff)
	}

	for i, p := range o.Product.Prices {
		switch p := p.(type) {
		case *ProductPriceFixed:
			if p.PriceAmount != 12900 || p.PriceCurrency != "usd" || p.TaxBehavior == nil || *p.TaxBehavior != TaxBehaviorOptionExclusive || p.ModifiedAt == nil {
				t.Errorf("price %d: %+v", i, p)
			}
		case *ProductPriceCustom:
			if p.MinimumAmount != 500 || p.MaximumAmount == nil || *p.MaximumAmount != 50000 || p.PresetAmount != nil || p.TaxBehavior != nil {
				t.Errorf("price %d: %+v", i, p)
			}
		case *ProductPriceSeatBased:
			st := p.SeatTiers
			if st.SeatTierType == nil || *st.SeatTierType != SeatTierTypeGraduated || st.MinimumSeats != 1 || st.MaximumSeats != nil || len(st.Tiers) != 2 {
				t.Fatalf("price %d: seat tiers %+v", i, st)
			}
			if tr := st.Tiers[0]; tr.MinSeats != 1 || tr.MaxSeats == nil || *tr.MaxSeats != 10 || tr.PricePerSeat != 1500 {
				t.Errorf("price %d: first seat tier %+v", i, tr)
			}
			if tr := st.Tiers[1]; tr.MinSeats != 11 || tr.MaxSeats != nil || tr.PricePerSeat != 1200 {
				t.Errorf("price %d: last seat tier %+v", i, tr)
			}
		case *ProductPriceMeteredUnit:
			if p.UnitAmount != "0.5" || p.CapAmount == nil || *p.CapAmount != 100000 || p.Meter.Name != "API calls" || p.Meter.Unit != MeterUnitScalar || p.MeterID != p.Meter.ID {
				t.Errorf("price %d: %+v", i, p)
			}
		case *ProductPriceUnitBased:
			if p.Source != ProductPriceSourceAdHoc || p.Tiers.Type != TierTypeVolume || len(p.Tiers.Tiers) != 2 ||
				p.Tiers.Tiers[1].Bound != nil || p.Tiers.Tiers[1].UnitAmount != "199.5" || p.MinimumUnits == nil || p.MaximumUnits != nil {
				t.Errorf("price %d: %+v", i, p)
			}
			if p.UnitLabel["en"]["plural"] != "credits" || p.UnitLabel["fr"]["singular"] != "crédit" {
				t.Errorf("price %d: unit label %v", i, p.UnitLabel)
			}
		case *ProductPriceMeteredTiers:
			if p.CapAmount != nil || p.Meter.Unit != MeterUnitCustom || p.Meter.CustomMultiplier == nil || *p.Meter.CustomMultiplier != 1000 ||
				p.Tiers.Type != TierTypeGraduated || p.Tiers.Tiers[0].UnitAmount != "0.002" || *p.Tiers.Tiers[0].Bound != 1000000 {
				t.Errorf("price %d: %+v", i, p)
			}
		case *LegacyRecurringProductPriceFixed:
			if p.PriceAmount != 9900 || p.RecurringInterval != RecurringIntervalMonth || !p.IsArchived {
				t.Errorf("price %d: %+v", i, p)
			}
		case *LegacyRecurringProductPriceCustom:
			if p.RecurringInterval != RecurringIntervalYear || p.PresetAmount == nil || *p.PresetAmount != 10000 || p.MaximumAmount != nil {
				t.Errorf("price %d: %+v", i, p)
			}
		}
	}

	// The rest of the order, briefly.
	if o.Subscription == nil || o.Subscription.CustomerCancellationReason == nil ||
		*o.Subscription.CustomerCancellationReason != CustomerCancellationReasonTooExpensive {
		t.Errorf("subscription: %+v", o.Subscription)
	}
	if !o.Subscription.CurrentPeriodEnd.Equal(time.Date(2026, 10, 14, 10, 22, 31, 482913000, time.UTC)) {
		t.Errorf("current_period_end = %v", o.Subscription.CurrentPeriodEnd)
	}
	if o.BillingAddress == nil || o.BillingAddress.Country != CountryGB || o.BillingAddress.State != nil {
		t.Errorf("billing address: %+v", o.BillingAddress)
	}
	org := o.Product.Organization
	if org.OrganizationFeatures == nil || org.OrganizationFeatures.MemberModelEnabled == nil || *org.OrganizationFeatures.MemberModelEnabled ||
		org.CustomerPortalSettings.Customer == nil || org.CustomerPortalSettings.Subscription.Pause == nil {
		t.Errorf("organization settings: %+v", org)
	}
	if len(o.Items) != 2 || o.Items[1].Amount != -1000 || o.Items[0].StartTimestamp == nil {
		t.Errorf("items: %+v", o.Items)
	}
}

// TestUnknownsSurvive decodes an order from a newer server: new price
// types, enum values and fields must not fail the call, and what the SDK
// knows must re-encode unchanged.
func TestUnknownsSurvive(t *testing.T) {
	in := fixture("order_future.json")
	var o CustomerOrder
	if err := json.Unmarshal(in, &o); err != nil {
		t.Fatalf("decoding order_future.json: %v", err)
	}
	var raw struct {
		Product struct {
			Prices []json.RawMessage `json:"prices"`
		} `json:"product"`
	}
	if err := json.Unmarshal(in, &raw); err != nil {
		t.Fatal(err)
	}
	if o.Product == nil || len(o.Product.Prices) != 4 {
		t.Fatalf("product prices: %+v", o.Product)
	}
	prices := o.Product.Prices

	if _, ok := prices[0].(*ProductPriceFixed); !ok {
		t.Errorf("price 0 is %T, want *ProductPriceFixed", prices[0])
	}
	u, ok := prices[1].(*ProductPriceUnknown)
	if !ok {
		t.Fatalf("price 1 is %T, want *ProductPriceUnknown", prices[1])
	}
	if u.Type != "usage_blocks" {
		t.Errorf("unknown price Type = %q, want usage_blocks", u.Type)
	}
	if diff := cmp.Diff(jsonMeaning(t, raw.Product.Prices[1]), jsonMeaning(t, u.Raw)); diff != "" {
		t.Errorf("unknown price Raw differs from the fixture:\n%s", diff)
	}
	reenc, err := json.Marshal(u)
	if err != nil || !bytes.Equal(reenc, compactJSON(t, raw.Product.Prices[1])) {
		t.Errorf("re-encoded unknown price = %s, %v; want the raw JSON back", reenc, err)
	}
	lu, ok := prices[2].(*LegacyRecurringProductPriceUnknown)
	if !ok {
		t.Fatalf("price 2 is %T, want *LegacyRecurringProductPriceUnknown", prices[2])
	}
	if lu.Type != "free" || !cmp.Equal(jsonMeaning(t, raw.Product.Prices[2]), jsonMeaning(t, lu.Raw)) {
		t.Errorf("unknown legacy price: Type %q, Raw %s", lu.Type, lu.Raw)
	}
	if mu, ok := prices[3].(*ProductPriceMeteredUnit); !ok || mu.UnitAmount != "0.5" {
		t.Errorf("price 3 is %#v, want a *ProductPriceMeteredUnit despite its extra field", prices[3])
	}

	if o.Status != "on_hold" || o.BillingReason != "subscription_pause_fee" || o.Product.Visibility != "unlisted" ||
		o.Subscription.Status != "paused_pending" || o.Product.Benefits[0].Type != "webhook" || o.BillingAddress.Country != "XK" {
		t.Errorf("unknown enum values did not survive: status %q, billing reason %q, visibility %q, subscription %q, benefit %q, country %q",
			o.Status, o.BillingReason, o.Product.Visibility, o.Subscription.Status, o.Product.Benefits[0].Type, o.BillingAddress.Country)
	}

	// Re-encoded, the order is the fixture without the members this SDK
	// does not model: unknown enum values and unknown prices included.
	out, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	want := jsonMeaning(t, in)
	for _, path := range [][]any{
		{"tax_id"}, {"custom_field_data"}, {"platform_fee_amount"},
		{"product", "benefits", 0, "properties"},
		{"product", "organization", "theme"},
		{"product", "organization", "customer_portal_settings", "subscription", "change_billing_interval"},
		{"product", "prices", 3, "credits_included"},
		{"subscription", "meter_credits"},
		{"items", 0, "discount_amount"},
	} {
		deleteJSONPath(t, want, path...)
	}
	if diff := cmp.Diff(want, jsonMeaning(t, out)); diff != "" {
		t.Errorf("re-encoded order differs from the fixture without its unknown fields (-want +got):\n%s", diff)
	}
}

func compactJSON(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// topLevelKeyCount returns how many times key occurs among the members of
// the JSON object b.
func topLevelKeyCount(b []byte, key string) int {
	d := json.NewDecoder(bytes.NewReader(b))
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		return 0
	}
	n := 0
	for d.More() {
		k, err := d.Token()
		if err != nil {
			return n
		}
		if k == any(key) {
			n++
		}
		var skip json.RawMessage
		if d.Decode(&skip) != nil {
			return n
		}
	}
	return n
}

// TestPriceVariantsWriteDiscriminators checks that every variant, even a
// zero one, marshals its discriminator exactly once, and decodes back
// into its own type.
func TestPriceVariantsWriteDiscriminators(t *testing.T) {
	for _, c := range []struct {
		v          Price
		amountType string
		legacy     bool
	}{
		{&ProductPriceFixed{}, "fixed", false},
		{&ProductPriceCustom{}, "custom", false},
		{&ProductPriceSeatBased{}, "seat_based", false},
		{&ProductPriceMeteredUnit{}, "metered_unit", false},
		{&ProductPriceUnitBased{}, "unit_based", false},
		{&ProductPriceMeteredTiers{}, "metered_tiers", false},
		{&LegacyRecurringProductPriceFixed{}, "fixed", true},
		{&LegacyRecurringProductPriceCustom{}, "custom", true},
	} {
		name := reflect.TypeOf(c.v).Elem().Name()
		for _, v := range []any{c.v, reflect.ValueOf(c.v).Elem().Interface()} {
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatalf("%s: %v in %s", name, err, b)
			}
			if m["amount_type"] != c.amountType || topLevelKeyCount(b, "amount_type") != 1 {
				t.Errorf("%s: amount_type %v (%d times), want %q once: %s", name, m["amount_type"], topLevelKeyCount(b, "amount_type"), c.amountType, b)
			}
			if c.legacy {
				if m["type"] != "recurring" || m["legacy"] != true || topLevelKeyCount(b, "legacy") != 1 || topLevelKeyCount(b, "type") != 1 {
					t.Errorf("%s: want type recurring and legacy true once each: %s", name, b)
				}
			} else if _, ok := m["legacy"]; ok {
				t.Errorf("%s: a current price must not say legacy: %s", name, b)
			}
			back, err := decodePrice(b)
			if err != nil || reflect.TypeOf(back) != reflect.TypeOf(c.v) {
				t.Errorf("%s: decodes back into %T, %v", name, back, err)
			}
		}
	}

	// Unknown variants write back exactly what they hold.
	for _, v := range []Price{
		&ProductPriceUnknown{UnknownVariant{Type: "x", Raw: json.RawMessage(`{"amount_type":"x","n":1}`)}},
		&LegacyRecurringProductPriceUnknown{UnknownVariant{Type: "x", Raw: json.RawMessage(`{"amount_type":"x","legacy":true}`)}},
	} {
		b, err := json.Marshal(v)
		if err != nil || !bytes.Equal(b, reflect.ValueOf(v).Elem().FieldByName("Raw").Bytes()) {
			t.Errorf("%T marshals to %s, %v", v, b, err)
		}
	}
}

// TestCustomerOrderUpdateStates checks the three states of a PATCH field:
// left as is, set, cleared.
func TestCustomerOrderUpdateStates(t *testing.T) {
	for _, c := range []struct {
		body CustomerOrderUpdate
		want string
	}{
		{CustomerOrderUpdate{}, `{}`},
		{CustomerOrderUpdate{BillingName: Set("x")}, `{"billing_name":"x"}`},
		{CustomerOrderUpdate{BillingAddress: Null[AddressInput]()}, `{"billing_address":null}`},
		{CustomerOrderUpdate{BillingName: Null[string](), BillingAddress: Set(AddressInput{Country: CountryFR})}, `{"billing_name":null,"billing_address":{"country":"FR"}}`},
	} {
		for _, v := range []any{c.body, &c.body} {
			b, err := json.Marshal(v)
			if err != nil || string(b) != c.want {
				t.Errorf("%+v marshals to %s, %v; want %s", c.body, b, err, c.want)
			}
		}
	}

	var u CustomerOrderUpdate
	if err := json.Unmarshal([]byte(`{"billing_name":null,"billing_address":{"country":"DE","city":"Berlin"}}`), &u); err != nil {
		t.Fatal(err)
	}
	addr, ok := u.BillingAddress.Get()
	if !u.BillingName.IsNull() || u.BillingName.IsZero() || !ok || addr.Country != CountryDE || *addr.City != "Berlin" {
		t.Errorf("decoded %+v", u)
	}
}

// The price kinds the SDK knows, by discriminator.
var (
	knownProductPrices = map[string]reflect.Type{
		"fixed":         reflect.TypeFor[*ProductPriceFixed](),
		"custom":        reflect.TypeFor[*ProductPriceCustom](),
		"seat_based":    reflect.TypeFor[*ProductPriceSeatBased](),
		"metered_unit":  reflect.TypeFor[*ProductPriceMeteredUnit](),
		"unit_based":    reflect.TypeFor[*ProductPriceUnitBased](),
		"metered_tiers": reflect.TypeFor[*ProductPriceMeteredTiers](),
	}
	knownLegacyPrices = map[string]reflect.Type{
		"fixed":  reflect.TypeFor[*LegacyRecurringProductPriceFixed](),
		"custom": reflect.TypeFor[*LegacyRecurringProductPriceCustom](),
	}
)

// FuzzDecodePrice checks the byte scanner behind the price unions against
// encoding/json: decodePrice never panics, and it picks the variant that a
// map-based reading of legacy and amount_type picks.
func FuzzDecodePrice(f *testing.F) {
	for _, name := range []string{"order.json", "order_future.json", "orders_page1.json"} {
		var doc struct {
			Product struct {
				Prices []json.RawMessage `json:"prices"`
			} `json:"product"`
			Items []struct {
				Product struct {
					Prices []json.RawMessage `json:"prices"`
				} `json:"product"`
			} `json:"items"`
		}
		if err := json.Unmarshal(fixture(name), &doc); err != nil {
			f.Fatal(err)
		}
		for _, p := range doc.Product.Prices {
			f.Add([]byte(p))
		}
		for _, it := range doc.Items {
			for _, p := range it.Product.Prices {
				f.Add([]byte(p))
			}
		}
	}
	for _, s := range []string{
		`{}`, `[]`, `null`, `"fixed"`, `1`,
		` { "amount_type" : "custom" , "legacy" : true } `,
		`{"amount_type":1}`, `{"amount_type":null,"legacy":"true"}`,
		`{"amount_\u0074ype":"seat_based"}`, `{"legacy":true,"amount_type":"seat_based"}`,
		`{"x":"\"amount_type\":\"fixed\"","y":{"amount_type":"custom"},"amount_type":"unit_based"}`,
		`{"amount_type":"fi\u0078ed"}`, `{"amount_type":"fixed","price_amount":"12"}`,
		`{"amount_type":"fixed","legacy":false,"type":"one_time"}`,
		`{"amount_type":"fixed","amount_type":"custom"}`,
		"{\"amount_type\":\"fixed\xff\"}",
	} {
		f.Add([]byte(s))
	}

	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			return // union decoding only ever sees what encoding/json validated
		}
		p, err := decodePrice(b)
		var m map[string]any
		if json.Unmarshal(b, &m) != nil || m == nil {
			if err == nil {
				t.Fatalf("decodePrice(%s) = %T, want an error for a non-object", b, p)
			}
			return
		}
		legacy := m["legacy"] == true
		tag, _ := m["amount_type"].(string)
		known := knownProductPrices
		if legacy {
			known = knownLegacyPrices
		}
		want, isKnown := known[tag]
		if err != nil {
			if !isKnown {
				t.Fatalf("decodePrice(%s): %v; an unknown price must decode into an Unknown variant", b, err)
			}
			return // a known variant rejected its body, such as a string amount
		}
		switch v := p.(type) {
		case *ProductPriceUnknown:
			if legacy || isKnown || v.Type != tag || !bytes.Equal(v.Raw, bytes.TrimSpace(b)) {
				t.Fatalf("decodePrice(%s) = %#v; encoding/json reads legacy %v, amount_type %q", b, v, legacy, tag)
			}
		case *LegacyRecurringProductPriceUnknown:
			if !legacy || isKnown || v.Type != tag || !bytes.Equal(v.Raw, bytes.TrimSpace(b)) {
				t.Fatalf("decodePrice(%s) = %#v; encoding/json reads legacy %v, amount_type %q", b, v, legacy, tag)
			}
		default:
			if reflect.TypeOf(p) != want {
				t.Fatalf("decodePrice(%s) = %T; encoding/json reads legacy %v, amount_type %q, want %v", b, p, legacy, tag, want)
			}
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("re-encoding %T from %s: %v", p, b, err)
		}
		again, err := decodePrice(out)
		if err != nil || reflect.TypeOf(again) != reflect.TypeOf(p) {
			t.Fatalf("%s re-encoded as %s decodes into %T, %v; want %T", b, out, again, err, p)
		}
	})
}

func TestScannerMember(t *testing.T) {
	for _, c := range []struct {
		obj   string
		path  []string
		want  string
		found bool
	}{
		{`{"a":1,"b":"x"}`, []string{"b"}, `"x"`, true},
		{`{"a":1,"b":"x"}`, []string{"a"}, `1`, true},
		{`{"a":1,"b":"x"}`, []string{"c"}, ``, false},
		{` { "a" : { "b" : [ 1 , 2 ] } , "c" : true } `, []string{"a", "b"}, `[ 1 , 2 ]`, true},
		{" {\n\t\"a\" :\r\n{ \"b\":-1.5e3 }\n,\"c\" : true } ", []string{"a", "b"}, `-1.5e3`, true},
		{` { "a" : { "b" : [ 1 , 2 ] } , "c" : true } `, []string{"c"}, `true`, true},
		{`{"benefit":{"id":"x","type":"discord"},"type":"grant"}`, []string{"benefit", "type"}, `"discord"`, true},
		{`{"benefit":{"id":"x"},"type":"grant"}`, []string{"benefit", "type"}, ``, false},
		{`{"a":1}`, []string{"a", "b"}, ``, false},
		// Braces, brackets, quotes and keys inside strings are not structure.
		{`{"s":"}{\"][,:","t":"ok"}`, []string{"t"}, `"ok"`, true},
		{`{"s":"}{\"][,:","t":"ok"}`, []string{"s"}, `"}{\"][,:"`, true},
		{`{"x":"\"amount_type\":\"no\"","y":{"amount_type":"no"},"amount_type":"yes"}`, []string{"amount_type"}, `"yes"`, true},
		{`{"s":"ends with a backslash\\","t":2}`, []string{"t"}, `2`, true},
		{`{"l":[{"k":"]"},"}"],"k":3}`, []string{"k"}, `3`, true},
		// Escaped keys match their unescaped form.
		{`{"amount\u005ftype":"fixed"}`, []string{"amount_type"}, `"fixed"`, true},
		{`{"a\"b":1}`, []string{`a"b`}, `1`, true},
		{`{"a\\":{"b":2}}`, []string{`a\`, "b"}, `2`, true},
		{`{"caf\u00e9":"x"}`, []string{"café"}, `"x"`, true},
		// Not objects, or cut short: not found, no panic.
		{`{}`, []string{"a"}, ``, false},
		{`{ }`, []string{"a"}, ``, false},
		{`[{"a":1}]`, []string{"a"}, ``, false},
		{`"a"`, []string{"a"}, ``, false},
		{``, []string{"a"}, ``, false},
		{`{"a":"x`, []string{"a"}, ``, false},
		{`{"a":`, []string{"a"}, ``, false},
		{`{"a" 1}`, []string{"a"}, ``, false},
		{`{"a":{"b":1}`, []string{"a", "b"}, `1`, true},
		{`{"z":{"b":1`, []string{"a"}, ``, false},
	} {
		got, ok := lookup([]byte(c.obj), c.path...)
		if ok != c.found || string(got) != c.want {
			t.Errorf("lookup(%s, %q) = %q, %v; want %q, %v", c.obj, c.path, got, ok, c.want, c.found)
		}
	}

	// member itself does not trim: callers pass trimmed objects.
	if v, ok := member([]byte(`{"a":1}`), "a"); !ok || string(v) != "1" {
		t.Errorf("member = %q, %v", v, ok)
	}
}

func TestScannerSkipValue(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int // index just past the first value, -1 when cut short
	}{
		{`"abc",`, 5},
		{`"a\"b"`, 6},
		{`"a\\"x`, 5},
		{`{"a":"}"}x`, 9},
		{`[1,[2,{"b":"]"}]]x`, 17},
		{`123 `, 3},
		{`-1.5e+3}`, 7},
		{`true]`, 4},
		{`null`, 4},
		{`{"a":[1,2}`, -1},
		{`"abc`, -1},
		{``, -1},
	} {
		if got := skipValue([]byte(c.in), 0); got != c.want {
			t.Errorf("skipValue(%s) = %d, want %d", c.in, got, c.want)
		}
	}
	if got := skipSpace([]byte(" \t\r\n x"), 0); got != 5 {
		t.Errorf("skipSpace = %d, want 5", got)
	}
}

func TestScannerStrings(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string
		ok   bool
	}{
		{`"fixed"`, "fixed", true},
		{`""`, "", true},
		{`"a\nb\"c"`, "a\nb\"c", true},
		{`"caf\u00e9 \ud83d\ude00"`, "café 😀", true},
		{`"a\/b"`, "a/b", true},
		{`1`, "", false},
		{`null`, "", false},
		{`"`, "", false},
		{``, "", false},
	} {
		got, ok := jsonString([]byte(c.in))
		if ok != c.ok || string(got) != c.want {
			t.Errorf("jsonString(%s) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	for in, want := range map[string]bool{"null": true, " null\n": true, "nul": false, `"null"`: false, "": false} { //nolint:gocritic // the whitespace is the point
		if got := isNull([]byte(in)); got != want {
			t.Errorf("isNull(%q) = %v", in, got)
		}
	}
}

func TestDecodePriceSlice(t *testing.T) {
	dec := decodeFunc[Price](decodePrice)
	var ps []Price
	if err := dec.decodeSlice([]byte(" null "), &ps); err != nil || ps != nil {
		t.Errorf("null: %v, %v", ps, err)
	}
	if err := dec.decodeSlice([]byte("[ ]"), &ps); err != nil || ps == nil || len(ps) != 0 {
		t.Errorf("[]: %#v, %v", ps, err)
	}
	in := " [ {\"amount_type\" : \"fixed\", \"price_amount\": 1} ,\n{\"legacy\":true,\"amount_type\":\"custom\"}, {\"amount_type\":\"new\"} ] "
	if err := dec.decodeSlice([]byte(in), &ps); err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, p := range ps {
		types = append(types, reflect.TypeOf(p).String())
	}
	want := []string{"*polar.ProductPriceFixed", "*polar.LegacyRecurringProductPriceCustom", "*polar.ProductPriceUnknown"}
	if diff := cmp.Diff(want, types); diff != "" {
		t.Errorf("types (-want +got):\n%s", diff)
	}
	for _, bad := range []string{`{"a":1}`, `[{"amount_type":"fixed","price_amount":"x"}]`, `[1]`} {
		if err := dec.decodeSlice([]byte(bad), &ps); err == nil {
			t.Errorf("decodeSlice(%s) succeeded", bad)
		}
	}
}
