package polar

import (
	"reflect"
	"testing"
)

// Test-only union with a nested discriminator, shaped like a benefit grant
// (discriminated by benefit.type).
type testGrant interface{ isTestGrant() }

type testGrantDiscord struct {
	ID      string `json:"id"`
	Benefit struct {
		Type string `json:"type"`
		Name string `json:"name"`
	} `json:"benefit"`
}

type testGrantUnknown struct{ UnknownVariant }

func (*testGrantDiscord) isTestGrant() {}
func (*testGrantUnknown) isTestGrant() {}

var testGrants = newUnion("testGrant", []string{"benefit", "type"}, "",
	func(u UnknownVariant) testGrant { return &testGrantUnknown{u} },
	is[testGrant, testGrantDiscord]("discord"))

func TestUnionNestedDiscriminator(t *testing.T) {
	g, err := testGrants.decode([]byte(`{"id":"g1","type":"not this one","benefit":{"name":"{\"type\":\"x\"}","type":"discord"}}`))
	if err != nil {
		t.Fatal(err)
	}
	d, ok := g.(*testGrantDiscord)
	if !ok || d.ID != "g1" || d.Benefit.Name != `{"type":"x"}` {
		t.Fatalf("%#v", g)
	}

	raw := []byte(`{"id":"g2","benefit":{"type":"sl\u0061ck"}}`)
	g, err = testGrants.decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	u, ok := g.(*testGrantUnknown)
	if !ok || u.Type != "slack" || string(u.Raw) != string(raw) {
		t.Fatalf("%#v", g)
	}
	raw[2] = 'X' // the Unknown variant owns a copy
	if u.Raw[2] == 'X' {
		t.Fatal("Unknown variant aliases the input")
	}

	if g, err := testGrants.decode([]byte(`{"id":"g3"}`)); err != nil || g.(*testGrantUnknown).Type != "" {
		t.Fatalf("missing discriminator: %#v, %v", g, err)
	}
	for _, bad := range []string{`[]`, `"discord"`, `null`, ``} {
		if _, err := testGrants.decode([]byte(bad)); err == nil {
			t.Errorf("%q decoded", bad)
		}
	}
}

func TestUnionSlice(t *testing.T) {
	var got []testGrant
	d := decodeFunc[testGrant](testGrants.decode)
	if err := d.decodeSlice([]byte(` [ {"benefit":{"type":"discord"}} , {"benefit":{"type":"new"}} ] `), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || cap(got) != 2 {
		t.Fatalf("%d items, capacity %d", len(got), cap(got))
	}
	if _, ok := got[0].(*testGrantDiscord); !ok {
		t.Fatalf("%T", got[0])
	}
	if err := d.decodeSlice([]byte(`null`), &got); err != nil || got != nil {
		t.Fatalf("null: %v, %v", got, err)
	}
	if err := d.decodeSlice([]byte(`[]`), &got); err != nil || got == nil || len(got) != 0 {
		t.Fatalf("empty: %v, %v", got, err)
	}
	if err := d.decodeSlice([]byte(`{"a":1}`), &got); err == nil {
		t.Fatal("object accepted as array")
	}
	if err := d.decodeSlice([]byte(`[1]`), &got); err == nil {
		t.Fatal("number accepted as union value")
	}
}

func TestMarshalTagged(t *testing.T) {
	b, err := marshalTagged(`"amount_type":"fixed"`, struct {
		A int `json:"a"`
	}{1})
	if err != nil || string(b) != `{"amount_type":"fixed","a":1}` {
		t.Fatalf("%s, %v", b, err)
	}
	b, err = marshalTagged(`"type":"x"`, struct{}{})
	if err != nil || string(b) != `{"type":"x"}` {
		t.Fatalf("%s, %v", b, err)
	}
	if _, err := marshalTagged(`"type":"x"`, 5); err == nil {
		t.Fatal("non-object accepted")
	}
}

// TestVariantsReachTheirCommonFields: each union's accessor gives the
// embedded common fields of every known variant, and nil for the Unknown
// ones. Field names come from the types, so that a rename keeps the test
// in step.
func TestVariantsReachTheirCommonFields(t *testing.T) {
	checkCommon[CustomerBenefitGrantCommon](t,
		&CustomerBenefitGrantCustom{}, &CustomerBenefitGrantDiscord{}, &CustomerBenefitGrantDownloadables{},
		&CustomerBenefitGrantFeatureFlag{}, &CustomerBenefitGrantGitHubRepository{}, &CustomerBenefitGrantLicenseKeys{},
		&CustomerBenefitGrantMeterCredit{}, &CustomerBenefitGrantSlackSharedChannel{},
	)
	checkCommon[PaymentMethodCommon](t, &PaymentMethodCard{}, &PaymentMethodKrCard{}, &PaymentMethodGeneric{})
	checkCommon[PriceCommon](t,
		&ProductPriceFixed{}, &ProductPriceCustom{}, &ProductPriceSeatBased{}, &ProductPriceMeteredUnit{},
		&ProductPriceUnitBased{}, &ProductPriceMeteredTiers{}, &LegacyRecurringProductPriceFixed{}, &LegacyRecurringProductPriceCustom{},
	)
	checkCommon[CustomerCommon](t, &CustomerIndividual{}, &CustomerTeam{})
	if (&CustomerUnknown{}).Common() != nil {
		t.Error("CustomerUnknown returned common fields")
	}
	if (&CustomerBenefitGrantUnknown{}).Common() != nil || (&CustomerPaymentMethodUnknown{}).Common() != nil ||
		(&ProductPriceUnknown{}).Common() != nil || (&LegacyRecurringProductPriceUnknown{}).Common() != nil {
		t.Error("an Unknown variant returned common fields")
	}
}

// checkCommon sets the ID of each variant's Common fields and checks that
// the variant's embedded C changed: Common is the embedded struct, not a
// copy.
func checkCommon[C any](t *testing.T, variants ...interface{ Common() *C }) {
	t.Helper()
	embedded := reflect.TypeFor[C]()
	for _, v := range variants {
		reflect.ValueOf(v.Common()).Elem().FieldByName("ID").SetString("set")
		if reflect.ValueOf(v).Elem().FieldByName(embedded.Name()).FieldByName("ID").String() != "set" {
			t.Errorf("%T: Common is not its embedded %v", v, embedded)
		}
	}
}
