package polartest_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

const (
	meterAPICalls   = "00000009-0000-4000-8000-000000000001" // Alice's API calls
	meterStorage    = "00000009-0000-4000-8000-000000000002" // Alice's storage
	meterGlobex     = "00000009-0000-4000-8000-000000000003"
	meterDefAPI     = "00000017-0000-4000-8000-000000000001" // the meter definitions
	meterDefStorage = "00000017-0000-4000-8000-000000000002"
)

func meterIDs(items []polar.CustomerMeter) []string {
	ids := make([]string, len(items))
	for i, m := range items {
		ids[i] = m.ID
	}
	return ids
}

func TestMetersList(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, tp := client(t, srv, polartest.DemoCustomerToken)
	page, err := c.Meters.List(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.Page[polar.CustomerMeter]](t, tp.body())
	// Most recently updated first.
	if got := meterIDs(page.Items); !slices.Equal(got, []string{meterAPICalls, meterStorage}) || page.Pagination.TotalCount != 2 {
		t.Fatalf("Alice's meters: %v, %+v", got, page.Pagination)
	}
	// Fractional numbers survive.
	api, storage := page.Items[0], page.Items[1]
	if api.ConsumedUnits != 1234.5 || api.CreditedUnits != 1000 || api.Balance != -234.5 || api.Meter.Name != "API calls" || api.MeterID != meterDefAPI ||
		storage.ConsumedUnits != 12.25 || storage.Balance != 37.75 {
		t.Errorf("meters: %+v", page.Items)
	}
	if !contains(tp.body(), `"consumed_units":1234.5`) || !contains(tp.body(), `"balance":-234.5`) {
		t.Errorf("numbers on the wire: %s", tp.body())
	}

	list := func(o polar.MeterListOptions) []string {
		t.Helper()
		p, err := c.Meters.List(ctx, &o)
		if err != nil {
			t.Fatal(err)
		}
		return meterIDs(p.Items)
	}
	sortBy := func(s ...polar.CustomerMeterSortProperty) polar.MeterListOptions {
		return polar.MeterListOptions{Sorting: s}
	}
	both, rev := []string{meterAPICalls, meterStorage}, []string{meterStorage, meterAPICalls}
	for name, tc := range map[string]struct {
		opts polar.MeterListOptions
		want []string
	}{
		"one meter":       {polar.MeterListOptions{MeterID: []string{meterDefStorage}}, []string{meterStorage}},
		"two meters":      {polar.MeterListOptions{MeterID: []string{meterDefStorage, meterDefAPI}}, both},
		"query":           {polar.MeterListOptions{Query: "gb"}, []string{meterStorage}},
		"query, no match": {polar.MeterListOptions{Query: "acme"}, []string{}},
		"created_at":      {sortBy(polar.CustomerMeterSortPropertyCreatedAt), both},
		"-created_at":     {sortBy(polar.CustomerMeterSortPropertyCreatedAtDesc), rev},
		"modified_at":     {sortBy(polar.CustomerMeterSortPropertyModifiedAt), rev},
		"meter_id":        {sortBy(polar.CustomerMeterSortPropertyMeterID), both},
		"-meter_name":     {sortBy(polar.CustomerMeterSortPropertyMeterNameDesc), rev},
		"consumed_units":  {sortBy(polar.CustomerMeterSortPropertyConsumedUnits), rev},
		"-credited_units": {sortBy(polar.CustomerMeterSortPropertyCreditedUnitsDesc), both},
		"balance":         {sortBy(polar.CustomerMeterSortPropertyBalance), both},
		"-balance":        {sortBy(polar.CustomerMeterSortPropertyBalanceDesc), rev},
	} {
		if got := list(tc.opts); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", name, got, tc.want)
		}
	}

	_, err = c.Meters.List(ctx, &polar.MeterListOptions{MeterID: []string{"api-calls"}, Sorting: []polar.CustomerMeterSortProperty{"name"}})
	wantValidation(t, err, "query.meter_id.0", "uuid_parsing")
	wantValidation(t, err, "query.sorting.0", "enum")
	status, _, b := raw(t, srv, http.MethodGet, "/v1/customer-portal/meters/?page=0", polartest.DemoCustomerToken, nil)
	if status != http.StatusUnprocessableEntity || !contains(b, `["query","page"]`) {
		t.Errorf("page=0: %d %s", status, b)
	}

	// Members see their customer's meters; every role may.
	for _, tok := range []string{polartest.DemoPlainMemberToken, polartest.DemoMemberToken, polartest.DemoTeamCustomerToken} {
		m, _ := client(t, srv, tok)
		p, err := m.Meters.List(ctx, nil)
		if err != nil || !slices.Equal(meterIDs(p.Items), []string{meterGlobex}) {
			t.Errorf("%s: %v, %v", tok, p, err)
		}
	}
	ro, _ := client(t, srv, polartest.DemoReadOnlyToken)
	if p, err := ro.Meters.List(ctx, nil); err != nil || len(p.Items) != 2 {
		t.Errorf("read-only session: %v, %v", p, err)
	}
	anon, _ := client(t, srv, "")
	_, err = anon.Meters.List(ctx, nil)
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
}

// A meter never updated sorts as PostgreSQL sorts NULL: first in the
// default descending order, last in ascending order.
func TestMetersNeverUpdated(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	fresh := polar.CustomerMeter{
		ID: polartest.UUID("fresh meter"), CreatedAt: polartest.DemoTime.Add(-time.Hour), CustomerID: polartest.DemoCustomerID,
		MeterID: polartest.UUID("seats meter"), Meter: polar.Meter{ID: polartest.UUID("seats meter"), Name: "Seats", CreatedAt: polartest.DemoTime},
	}
	if err := srv.Seed(&polartest.Fixture{Meters: []polar.CustomerMeter{fresh}}); err != nil {
		t.Fatal(err)
	}
	c, _ := client(t, srv, polartest.DemoCustomerToken)
	p, err := c.Meters.List(ctx, nil)
	if err != nil || !slices.Equal(meterIDs(p.Items), []string{fresh.ID, meterAPICalls, meterStorage}) {
		t.Errorf("-modified_at: %v, %v", meterIDs(p.Items), err)
	}
	p, err = c.Meters.List(ctx, &polar.MeterListOptions{Sorting: []polar.CustomerMeterSortProperty{polar.CustomerMeterSortPropertyModifiedAt}})
	if err != nil || !slices.Equal(meterIDs(p.Items), []string{meterStorage, meterAPICalls, fresh.ID}) {
		t.Errorf("modified_at: %v, %v", meterIDs(p.Items), err)
	}
}

func TestMetersGet(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, tp := client(t, srv, polartest.DemoCustomerToken)
	m, err := c.Meters.Get(ctx, meterStorage)
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.CustomerMeter](t, tp.body())
	if m.ID != meterStorage || m.ConsumedUnits != 12.25 || m.CreditedUnits != 50 || m.Balance != 37.75 || m.Meter.Name != "Storage (GB)" || m.ModifiedAt == nil {
		t.Errorf("meter: %+v", m)
	}
	_, err = c.Meters.Get(ctx, meterGlobex)
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	// The meter's own ID is not a customer meter's.
	_, err = c.Meters.Get(ctx, meterDefAPI)
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	_, err = c.Meters.Get(ctx, "0e8c1a3a-1b2c-1d5e-8f90-123456789abc")
	wantValidation(t, err, "path.id", "uuid_version")

	plain, _ := client(t, srv, polartest.DemoPlainMemberToken)
	if m, err := plain.Meters.Get(ctx, meterGlobex); err != nil || m.Balance != -10 || m.ModifiedAt != nil {
		t.Errorf("a member reads the team's meter: %+v, %v", m, err)
	}
	anon, _ := client(t, srv, "")
	_, err = anon.Meters.Get(ctx, meterStorage)
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
}
