package polartest

import (
	"cmp"
	"slices"
	"strings"

	polar "github.com/polarportal/polar-go"
)

// Meters: the customer's usage meters (a member sees their customer's),
// with the units consumed and credited and the balance. Most recently
// updated first by default; as in PostgreSQL, a meter never updated sorts
// as the greatest (first in descending order, last in ascending order).
//
// Polar lists only the meters of the customer's active subscriptions and
// meter-credit benefits; the fake lists every meter seeded for the
// customer, so a fixture decides what the customer sees.
var metersRoutes = routes{
	"customer_portal:customer_meters:list": {portalRead, metersList},
	"customer_portal:customer_meters:get":  {portalRead, metersGet},
}

var meterSorts = sorter[*polar.CustomerCustomerMeter]{
	"created_at":     func(a, b *polar.CustomerCustomerMeter) int { return a.CreatedAt.Compare(b.CreatedAt) },
	"modified_at":    func(a, b *polar.CustomerCustomerMeter) int { return compareNullableTimes(a.ModifiedAt, b.ModifiedAt) },
	"meter_id":       func(a, b *polar.CustomerCustomerMeter) int { return strings.Compare(a.MeterID, b.MeterID) },
	"meter_name":     func(a, b *polar.CustomerCustomerMeter) int { return strings.Compare(a.Meter.Name, b.Meter.Name) },
	"consumed_units": func(a, b *polar.CustomerCustomerMeter) int { return cmp.Compare(a.ConsumedUnits, b.ConsumedUnits) },
	"credited_units": func(a, b *polar.CustomerCustomerMeter) int { return cmp.Compare(a.CreditedUnits, b.CreditedUnits) },
	"balance":        func(a, b *polar.CustomerCustomerMeter) int { return cmp.Compare(a.Balance, b.Balance) },
}

func metersList(c *call) error {
	page := c.pagination()
	meterIDs := c.uuids("meter_id", true)
	q, hasQuery := c.r.URL.Query()["query"]
	sortBy := sorting(c, meterSorts, "-modified_at")
	if err := c.err(); err != nil {
		return err
	}
	query := ""
	if hasQuery {
		query = strings.ToLower(q[0])
	}
	meters := c.st.meters.where(func(m *polar.CustomerCustomerMeter) bool {
		if m.CustomerID != c.who.customerID() {
			return false
		}
		if len(meterIDs) > 0 && !slices.Contains(meterIDs, m.MeterID) {
			return false
		}
		return !hasQuery || strings.Contains(strings.ToLower(m.Meter.Name), query)
	})
	sortItems(meters, sortBy, meterSorts, func(a, b *polar.CustomerCustomerMeter) int { return strings.Compare(a.ID, b.ID) })
	p := paginate(meters, page)
	out := &polar.Page[polar.CustomerCustomerMeter]{Items: make([]polar.CustomerCustomerMeter, len(p.Items)), Pagination: p.Pagination}
	for i, m := range p.Items {
		out.Items[i] = *m
	}
	return c.ok(out)
}

func metersGet(c *call) error {
	id, err := c.pathUUID("id", false)
	if err != nil {
		return err
	}
	m, err := owned(c.st.meters, id, c.who.customerID(), func(m *polar.CustomerCustomerMeter) string { return m.CustomerID })
	if err != nil {
		return err
	}
	return c.ok(m)
}
