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

var meterSorts = sorter[*polar.CustomerMeter]{
	"created_at":     func(a, b *polar.CustomerMeter) int { return a.CreatedAt.Compare(b.CreatedAt) },
	"modified_at":    func(a, b *polar.CustomerMeter) int { return compareNullableTimes(a.ModifiedAt, b.ModifiedAt) },
	"meter_id":       func(a, b *polar.CustomerMeter) int { return strings.Compare(a.MeterID, b.MeterID) },
	"meter_name":     func(a, b *polar.CustomerMeter) int { return strings.Compare(a.Meter.Name, b.Meter.Name) },
	"consumed_units": func(a, b *polar.CustomerMeter) int { return cmp.Compare(a.ConsumedUnits, b.ConsumedUnits) },
	"credited_units": func(a, b *polar.CustomerMeter) int { return cmp.Compare(a.CreditedUnits, b.CreditedUnits) },
	"balance":        func(a, b *polar.CustomerMeter) int { return cmp.Compare(a.Balance, b.Balance) },
}

func metersList(c *call) error {
	var o polar.MeterListOptions
	c.bindQuery(&o, append(uuidParams(true, "meter_id"), sortParam(meterSorts))...)
	if err := c.err(); err != nil {
		return err
	}
	meterIDs, query := o.MeterID, strings.ToLower(o.Query)
	meters := c.st.meters.where(func(m *polar.CustomerMeter) bool {
		if m.CustomerID != c.who.customerID() {
			return false
		}
		if len(meterIDs) > 0 && !slices.Contains(meterIDs, m.MeterID) {
			return false
		}
		return strings.Contains(strings.ToLower(m.Meter.Name), query)
	})
	sortItems(meters, sortOrder(o.Sorting, "-modified_at"), meterSorts, func(a, b *polar.CustomerMeter) int { return strings.Compare(a.ID, b.ID) })
	out := paginateMap(meters, pageOf(o.ListOptions), deref)
	return c.ok(out)
}

func metersGet(c *call) error {
	id, err := c.pathUUID("id", false)
	if err != nil {
		return err
	}
	m, err := owned(c.st.meters, id, c.who.customerID(), func(m *polar.CustomerMeter) string { return m.CustomerID })
	if err != nil {
		return err
	}
	return c.ok(m)
}
