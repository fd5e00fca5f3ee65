package polar

import (
	"context"
	"iter"
	"net/http"
	"time"
)

// MetersService covers the usage meters of the authenticated customer:
// for each meter, the units consumed and credited and the balance. It
// needs a customer session token or a member session token.
//
// To stub it in a test, embed MetersService in a struct and implement only
// the methods the code under test calls (the others panic on the nil
// interface). A stub assigned to Client.Meters stays in place in the
// clients that WithToken derives.
type MetersService interface {
	// List returns one page of the customer's meters.
	//
	// API: GET /v1/customer-portal/meters/
	List(ctx context.Context, opts *MeterListOptions) (*Page[CustomerMeter], error)
	// All iterates over every meter of every page, 100 at a time unless
	// opts sets Limit.
	// ListOptions tells what a walk sees of a list that changes meanwhile.
	//
	// API: GET /v1/customer-portal/meters/
	All(ctx context.Context, opts *MeterListOptions) iter.Seq2[CustomerMeter, error]
	// Get returns a customer meter by ID. It fails with an error matching
	// ErrResourceNotFound when the customer has no such meter.
	//
	// API: GET /v1/customer-portal/meters/{id}
	Get(ctx context.Context, id string) (*CustomerMeter, error)
}

type metersService service

var _ MetersService = (*metersService)(nil)

const metersPath = "/v1/customer-portal/meters/"

var (
	metersList = declare[MeterListOptions, none, *Page[CustomerMeter]](operation{
		id: OpMetersList, method: http.MethodGet, path: metersPath})
	metersGet = declare[none, none, *CustomerMeter](operation{
		id: OpMetersGet, method: http.MethodGet, path: metersPath + "{id}"})
)

func (s *metersService) List(ctx context.Context, opts *MeterListOptions) (*Page[CustomerMeter], error) {
	return metersList.query(ctx, s.client, opts)
}

func (s *metersService) All(ctx context.Context, opts *MeterListOptions) iter.Seq2[CustomerMeter, error] {
	return listAll(ctx, s.client, opts, s.List)
}

func (s *metersService) Get(ctx context.Context, id string) (*CustomerMeter, error) {
	return metersGet.call(ctx, s.client, id)
}

// MeterListOptions filters and sorts Meters.List and Meters.All. Filters
// with several values match any of them.
type MeterListOptions struct {
	ListOptions
	// MeterID filters by meter ID.
	MeterID []string `url:"meter_id,omitempty"`
	// Query filters by meter name.
	Query string `url:"query,omitempty"`
	// Sorting lists sort criteria applied in order; the server's default
	// is CustomerMeterSortPropertyModifiedAtDesc.
	Sorting []CustomerMeterSortProperty `url:"sorting,omitempty"`
}

// CustomerMeterSortProperty is a sort criterion of Meters.List;
// the Desc variants sort in descending order.
type CustomerMeterSortProperty string

// Values of CustomerMeterSortProperty.
const (
	CustomerMeterSortPropertyCreatedAt         CustomerMeterSortProperty = "created_at"
	CustomerMeterSortPropertyCreatedAtDesc     CustomerMeterSortProperty = "-created_at"
	CustomerMeterSortPropertyModifiedAt        CustomerMeterSortProperty = "modified_at"
	CustomerMeterSortPropertyModifiedAtDesc    CustomerMeterSortProperty = "-modified_at"
	CustomerMeterSortPropertyMeterID           CustomerMeterSortProperty = "meter_id"
	CustomerMeterSortPropertyMeterIDDesc       CustomerMeterSortProperty = "-meter_id"
	CustomerMeterSortPropertyMeterName         CustomerMeterSortProperty = "meter_name"
	CustomerMeterSortPropertyMeterNameDesc     CustomerMeterSortProperty = "-meter_name"
	CustomerMeterSortPropertyConsumedUnits     CustomerMeterSortProperty = "consumed_units"
	CustomerMeterSortPropertyConsumedUnitsDesc CustomerMeterSortProperty = "-consumed_units"
	CustomerMeterSortPropertyCreditedUnits     CustomerMeterSortProperty = "credited_units"
	CustomerMeterSortPropertyCreditedUnitsDesc CustomerMeterSortProperty = "-credited_units"
	CustomerMeterSortPropertyBalance           CustomerMeterSortProperty = "balance"
	CustomerMeterSortPropertyBalanceDesc       CustomerMeterSortProperty = "-balance"
)

// CustomerMeter is the customer's usage of one meter. Consumed
// units and the balance are numbers that may be fractional; they decode
// into float64 and encode back to the same value.
type CustomerMeter struct {
	// The ID of the object.
	ID string `json:"id"`
	// Creation timestamp of the object.
	CreatedAt time.Time `json:"created_at"`
	// Last modification timestamp of the object.
	ModifiedAt *time.Time `json:"modified_at"`
	// The ID of the customer.
	CustomerID string `json:"customer_id"`
	// The ID of the meter.
	MeterID string `json:"meter_id"`
	// The number of consumed units.
	ConsumedUnits float64 `json:"consumed_units"`
	// The number of credited units.
	CreditedUnits int64 `json:"credited_units"`
	// The balance of the meter, i.e. the difference between credited and
	// consumed units.
	Balance float64 `json:"balance"`
	// The meter.
	Meter Meter `json:"meter"`
}

// Meter is a meter, as CustomerMeter and CustomerSubscriptionMeter name it.
type Meter struct {
	// Creation timestamp of the object.
	CreatedAt time.Time `json:"created_at"`
	// Last modification timestamp of the object.
	ModifiedAt *time.Time `json:"modified_at"`
	// The ID of the object.
	ID string `json:"id"`
	// The name of the meter. Will be shown on customer's invoices and usage.
	Name string `json:"name"`
}
