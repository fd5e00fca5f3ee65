package polar

import (
	"context"
	"iter"
	"net/http"
	"time"
)

// OrdersService covers the orders of the authenticated customer: listing and
// fetching them, billing details, invoices, receipts and payment retries.
// It needs a customer session token, or a member session token of the
// owner or a billing manager of a team.
//
// To stub it in a test, embed OrdersService in a struct and implement only
// the methods the code under test calls (the others panic on the nil
// interface). A stub assigned to Client.Orders stays in place in the
// clients that WithToken derives.
type OrdersService interface {
	// List returns one page of the customer's orders.
	//
	// API: GET /v1/customer-portal/orders/
	List(ctx context.Context, opts *OrderListOptions) (*Page[CustomerOrder], error)
	// All iterates over every order of every page, 100 at a time unless
	// opts sets Limit.
	// ListOptions tells what a walk sees of a list that changes meanwhile.
	//
	// API: GET /v1/customer-portal/orders/ (every page)
	All(ctx context.Context, opts *OrderListOptions) iter.Seq2[CustomerOrder, error]
	// Get returns an order by ID.
	//
	// API: GET /v1/customer-portal/orders/{id}
	Get(ctx context.Context, id string) (*CustomerOrder, error)
	// Update changes an order's billing name and address, which appear on
	// its invoice. Fields left unset in body are not changed.
	//
	// API: PATCH /v1/customer-portal/orders/{id}
	Update(ctx context.Context, id string, body *CustomerOrderUpdate) (*CustomerOrder, error)
	// GenerateInvoice starts generating the order's invoice (the server
	// answers 202). Once generated, an invoice is permanent: update the
	// billing details first. Calling it again is harmless. It fails with
	// ErrOrderNotEligibleForInvoice or ErrMissingInvoiceBillingDetails.
	//
	// API: POST /v1/customer-portal/orders/{id}/invoice
	GenerateInvoice(ctx context.Context, id string) error
	// Invoice returns the URL of the order's invoice. Until the invoice has
	// been generated it fails with an error matching ErrInvoiceDoesNotExist,
	// which differs from a missing order (ErrResourceNotFound).
	//
	// API: GET /v1/customer-portal/orders/{id}/invoice
	Invoice(ctx context.Context, id string) (*CustomerOrderInvoice, error)
	// Receipt returns a presigned URL of the order's receipt PDF. While the
	// receipt is being rendered it fails with an error matching
	// ErrNotReady; each such call queues another render, so poll with
	// backoff.
	//
	// API: GET /v1/customer-portal/orders/{id}/receipt
	Receipt(ctx context.Context, id string) (*CustomerOrderReceipt, error)
	// PaymentStatus returns the current payment status of the order.
	//
	// API: GET /v1/customer-portal/orders/{id}/payment-status
	PaymentStatus(ctx context.Context, id string) (*CustomerOrderPaymentStatus, error)
	// ConfirmRetryPayment retries the payment of an order with a saved
	// payment method or a new Stripe confirmation token. It is never
	// retried automatically. It fails with ErrPaymentAlreadyInProgress,
	// ErrOrderNotEligibleForRetry, or ErrManualRetryLimitExceeded (a 429
	// that is not rate limiting) after five retries.
	//
	// API: POST /v1/customer-portal/orders/{id}/confirm-payment
	ConfirmRetryPayment(ctx context.Context, id string, body *CustomerOrderConfirmPayment) (*CustomerOrderPaymentConfirmation, error)
}

type ordersService service

var _ OrdersService = (*ordersService)(nil)

const ordersPath = "/v1/customer-portal/orders/"

var (
	ordersList = declare[OrderListOptions, none, *Page[CustomerOrder]](operation{
		id: OpOrdersList, method: http.MethodGet, path: ordersPath})
	ordersGet = declare[none, none, *CustomerOrder](operation{
		id: OpOrdersGet, method: http.MethodGet, path: ordersPath + "{id}"})
	ordersUpdate = declare[none, *CustomerOrderUpdate, *CustomerOrder](operation{
		id: OpOrdersUpdate, method: http.MethodPatch, path: ordersPath + "{id}"})
	ordersGenerateInvoice = declare[none, none, none](operation{
		id: OpOrdersGenerateInvoice, method: http.MethodPost, path: ordersPath + "{id}/invoice"})
	ordersInvoice = declare[none, none, *CustomerOrderInvoice](operation{
		id: OpOrdersInvoice, method: http.MethodGet, path: ordersPath + "{id}/invoice"})
	ordersReceipt = declare[none, none, *CustomerOrderReceipt](operation{
		id: OpOrdersReceipt, method: http.MethodGet, path: ordersPath + "{id}/receipt", notReadyOn202: true})
	ordersPaymentStatus = declare[none, none, *CustomerOrderPaymentStatus](operation{
		id: OpOrdersPaymentStatus, method: http.MethodGet, path: ordersPath + "{id}/payment-status"})
	ordersConfirmRetryPayment = declare[none, *CustomerOrderConfirmPayment, *CustomerOrderPaymentConfirmation](operation{
		id: OpOrdersConfirmRetryPayment, method: http.MethodPost, path: ordersPath + "{id}/confirm-payment"})
)

func (s *ordersService) List(ctx context.Context, opts *OrderListOptions) (*Page[CustomerOrder], error) {
	return ordersList.query(ctx, s.client, opts)
}

func (s *ordersService) All(ctx context.Context, opts *OrderListOptions) iter.Seq2[CustomerOrder, error] {
	return listAll(ctx, s.client, opts, s.List)
}

func (s *ordersService) Get(ctx context.Context, id string) (*CustomerOrder, error) {
	return ordersGet.call(ctx, s.client, id)
}

func (s *ordersService) Update(ctx context.Context, id string, body *CustomerOrderUpdate) (*CustomerOrder, error) {
	return ordersUpdate.send(ctx, s.client, id, body)
}

func (s *ordersService) GenerateInvoice(ctx context.Context, id string) error {
	_, err := ordersGenerateInvoice.call(ctx, s.client, id)
	return err
}

func (s *ordersService) Invoice(ctx context.Context, id string) (*CustomerOrderInvoice, error) {
	return ordersInvoice.call(ctx, s.client, id)
}

func (s *ordersService) Receipt(ctx context.Context, id string) (*CustomerOrderReceipt, error) {
	return ordersReceipt.call(ctx, s.client, id)
}

func (s *ordersService) PaymentStatus(ctx context.Context, id string) (*CustomerOrderPaymentStatus, error) {
	return ordersPaymentStatus.call(ctx, s.client, id)
}

func (s *ordersService) ConfirmRetryPayment(ctx context.Context, id string, body *CustomerOrderConfirmPayment) (*CustomerOrderPaymentConfirmation, error) {
	return ordersConfirmRetryPayment.send(ctx, s.client, id, body)
}

// OrderListOptions filters and sorts Orders.List and Orders.All. Filters
// with several values match any of them.
type OrderListOptions struct {
	ListOptions
	// ProductID filters by product ID.
	ProductID []string `url:"product_id,omitempty"`
	// ProductBillingType filters by billing type: recurring for
	// subscription creations and renewals, one_time for one-time purchases.
	ProductBillingType []ProductBillingType `url:"product_billing_type,omitempty"`
	// SubscriptionID filters by subscription ID.
	SubscriptionID []string `url:"subscription_id,omitempty"`
	// Query searches by product or organization name.
	Query string `url:"query,omitempty"`
	// Sorting lists sort criteria applied in order; the server's default
	// is CustomerOrderSortPropertyCreatedAtDesc.
	Sorting []CustomerOrderSortProperty `url:"sorting,omitempty"`
}

// CustomerOrder is an order of the authenticated customer. Amounts are in
// the smallest unit of Currency (cents).
type CustomerOrder struct {
	// The ID of the object.
	ID string `json:"id"`
	// Creation timestamp of the object.
	CreatedAt time.Time `json:"created_at"`
	// Last modification timestamp of the object.
	ModifiedAt *time.Time `json:"modified_at"`
	// Status is the state of the order.
	Status OrderStatus `json:"status"`
	// Whether the order has been paid for.
	Paid bool `json:"paid"`
	// Amount in cents, before discounts and taxes.
	SubtotalAmount int64 `json:"subtotal_amount"`
	// Discount amount in cents.
	DiscountAmount int64 `json:"discount_amount"`
	// Amount in cents, after discounts but before taxes.
	NetAmount int64 `json:"net_amount"`
	// Sales tax amount in cents.
	TaxAmount int64 `json:"tax_amount"`
	// Amount in cents, after discounts and taxes.
	TotalAmount int64 `json:"total_amount"`
	// Customer's balance amount applied to this invoice. Can increase the total
	// amount paid, if the customer has a negative balance, or decrease it, if the
	// customer has a positive balance. Amount in cents.
	AppliedBalanceAmount int64 `json:"applied_balance_amount"`
	// Amount in cents that is due for this order.
	DueAmount int64 `json:"due_amount"`
	// Amount refunded in cents.
	RefundedAmount int64 `json:"refunded_amount"`
	// Sales tax refunded in cents.
	RefundedTaxAmount int64  `json:"refunded_tax_amount"`
	Currency          string `json:"currency"`
	// BillingReason tells why the order was made: a purchase, or a subscription's
	// creation, cycle or update.
	BillingReason OrderBillingReason `json:"billing_reason"`
	// The name of the customer that should appear on the invoice.
	BillingName *string `json:"billing_name"`
	// BillingAddress is the address that appears on the invoice.
	BillingAddress *Address `json:"billing_address"`
	// The invoice number associated with this order: nil while the order is
	// a draft, assigned when it is finalized.
	InvoiceNumber *string `json:"invoice_number"`
	// Whether an invoice has been generated for this order.
	IsInvoiceGenerated bool `json:"is_invoice_generated"`
	// The receipt number for this order. Set once the order is paid for
	// organizations with receipts enabled. When set, a downloadable receipt PDF
	// can be obtained via the receipt endpoint.
	ReceiptNumber *string `json:"receipt_number"`
	// Number of seats purchased (for seat-based one-time orders).
	Seats *int64 `json:"seats,omitempty"`
	// CustomerID is the ID of the customer who placed the order.
	CustomerID string `json:"customer_id"`
	// ProductID is the ID of the product ordered, if any.
	ProductID *string `json:"product_id"`
	// DiscountID is the ID of the discount applied, if any.
	DiscountID *string `json:"discount_id"`
	// SubscriptionID is the ID of the subscription the order belongs to, if any.
	SubscriptionID *string `json:"subscription_id"`
	// CheckoutID is the ID of the checkout session that made the order, if any.
	CheckoutID *string `json:"checkout_id"`
	// When the next automatic payment retry is scheduled: nil if the order is
	// not in dunning or all retries have been exhausted.
	NextPaymentAttemptAt *time.Time `json:"next_payment_attempt_at,omitempty"`
	// Product is the product ordered, if any.
	Product *CustomerOrderProduct `json:"product"`
	// Subscription is the subscription the order belongs to, if any.
	Subscription *CustomerOrderSubscription `json:"subscription"`
	// Line items composing the order.
	Items []OrderItem `json:"items"`
	// A summary description of the order.
	Description string `json:"description"`
	// Amount in cents that can still be refunded (net, before taxes). Accounts for
	// any applied customer balance and previous refunds.
	RefundableAmount int64 `json:"refundable_amount"`
	// Sales tax in cents that would be refunded if the full refundable amount is
	// refunded.
	RefundableTaxAmount int64 `json:"refundable_tax_amount"`
	// Units is the number of units bought with a unit-based price, if any.
	Units *int64 `json:"units"`
}

// OrderStatus is the state of an order.
type OrderStatus string

// Values of OrderStatus.
const (
	OrderStatusDraft             OrderStatus = "draft"
	OrderStatusPending           OrderStatus = "pending"
	OrderStatusPaid              OrderStatus = "paid"
	OrderStatusRefunded          OrderStatus = "refunded"
	OrderStatusPartiallyRefunded OrderStatus = "partially_refunded"
	OrderStatusVoid              OrderStatus = "void"
)

// OrderBillingReason tells why an order was made.
type OrderBillingReason string

// Values of OrderBillingReason.
const (
	OrderBillingReasonPurchase               OrderBillingReason = "purchase"
	OrderBillingReasonSubscriptionCreate     OrderBillingReason = "subscription_create"
	OrderBillingReasonSubscriptionCycle      OrderBillingReason = "subscription_cycle"
	OrderBillingReasonSubscriptionUpdate     OrderBillingReason = "subscription_update"
	OrderBillingReasonSubscriptionMeterCycle OrderBillingReason = "subscription_meter_cycle"
)

// OrderItem is an order line item.
type OrderItem struct {
	// Creation timestamp of the object.
	CreatedAt time.Time `json:"created_at"`
	// Last modification timestamp of the object.
	ModifiedAt *time.Time `json:"modified_at"`
	// The ID of the object.
	ID string `json:"id"`
	// Description of the line item charge.
	Label string `json:"label"`
	// Amount in cents, before discounts and taxes.
	Amount int64 `json:"amount"`
	// Sales tax amount in cents.
	TaxAmount int64 `json:"tax_amount"`
	// Whether this charge is due to a proration.
	Proration bool `json:"proration"`
	// Associated price ID, if any.
	ProductPriceID *string `json:"product_price_id"`
	// StartTimestamp is when the period the item charges for starts, if it
	// charges for a period.
	StartTimestamp *time.Time `json:"start_timestamp"`
	// EndTimestamp is when the period the item charges for ends, if it charges
	// for a period.
	EndTimestamp *time.Time `json:"end_timestamp"`
}

// CustomerOrderSubscription is the subscription an order belongs to.
type CustomerOrderSubscription struct {
	// Creation timestamp of the object.
	CreatedAt time.Time `json:"created_at"`
	// Last modification timestamp of the object.
	ModifiedAt *time.Time `json:"modified_at"`
	// The ID of the object.
	ID string `json:"id"`
	// The amount of the subscription.
	Amount int64 `json:"amount"`
	// The currency of the subscription.
	Currency string `json:"currency"`
	// The interval at which the subscription recurs.
	RecurringInterval RecurringInterval `json:"recurring_interval"`
	// Number of interval units of the subscription. If this is set to 1 the charge
	// will happen every interval (e.g. every month), if set to 2 it will be every
	// other month, and so on.
	RecurringIntervalCount int64 `json:"recurring_interval_count"`
	// The status of the subscription.
	Status SubscriptionStatus `json:"status"`
	// The start timestamp of the current billing period.
	CurrentPeriodStart time.Time `json:"current_period_start"`
	// The end timestamp of the current billing period.
	CurrentPeriodEnd time.Time `json:"current_period_end"`
	// The start timestamp of the current meter period, if the product has a meter
	// cycle set. Metered credits are granted and overage is settled on this
	// cadence.
	CurrentMeterPeriodStart *time.Time `json:"current_meter_period_start"`
	// The end timestamp of the current meter period, if the product has a meter
	// cycle set. This is when credits next renew.
	CurrentMeterPeriodEnd *time.Time `json:"current_meter_period_end"`
	// The start timestamp of the trial period, if any.
	TrialStart *time.Time `json:"trial_start"`
	// The end timestamp of the trial period, if any.
	TrialEnd *time.Time `json:"trial_end"`
	// Whether the subscription will be canceled at the end of the current period.
	CancelAtPeriodEnd bool `json:"cancel_at_period_end"`
	// The timestamp when the subscription was canceled. The subscription might
	// still be active if CancelAtPeriodEnd is true.
	CanceledAt *time.Time `json:"canceled_at"`
	// The timestamp when the subscription started.
	StartedAt *time.Time `json:"started_at"`
	// The timestamp when the subscription will end.
	EndsAt *time.Time `json:"ends_at"`
	// The timestamp when the subscription ended.
	EndedAt *time.Time `json:"ended_at"`
	// The timestamp when the subscription entered the past_due status.
	PastDueAt *time.Time `json:"past_due_at,omitempty"`
	// Whether the subscription will be paused at the end of the current period.
	PauseAtPeriodEnd bool `json:"pause_at_period_end"`
	// The timestamp when the subscription was paused.
	PausedAt *time.Time `json:"paused_at"`
	// The timestamp when a paused subscription is scheduled to automatically
	// resume, if set.
	ResumesAt *time.Time `json:"resumes_at"`
	// The ID of the subscribed customer.
	CustomerID string `json:"customer_id"`
	// The ID of the subscribed product.
	ProductID string `json:"product_id"`
	// The ID of the applied discount, if any.
	DiscountID *string `json:"discount_id"`
	// The ID of the checkout session that created the subscription, if any.
	CheckoutID *string `json:"checkout_id"`
	// The number of seats for seat-based subscriptions. nil for non-seat
	// subscriptions.
	Seats *int64 `json:"seats,omitempty"`
	// The reason the customer gave for canceling, if any.
	CustomerCancellationReason *CustomerCancellationReason `json:"customer_cancellation_reason"`
	// The comment the customer left when canceling, if any.
	CustomerCancellationComment *string `json:"customer_cancellation_comment"`
	// The number of units of a unit-based subscription; nil for others.
	Units *int64 `json:"units"`
}

// CustomerOrderUpdate is the body of Orders.Update. Each field can be left
// out (the zero value), set with Set, or cleared with Null.
type CustomerOrderUpdate struct {
	// The name of the customer that should appear on the invoice.
	BillingName Nullable[string] `json:"billing_name,omitzero"`
	// The address of the customer that should appear on the invoice. Country and
	// state fields cannot be updated.
	BillingAddress Nullable[AddressInput] `json:"billing_address,omitzero"`
}

// CustomerOrderInvoice is an order's invoice data.
type CustomerOrderInvoice struct {
	// The URL to the invoice.
	URL string `json:"url"`
}

// CustomerOrderReceipt is an order's receipt data.
type CustomerOrderReceipt struct {
	// The URL to the receipt PDF.
	URL string `json:"url"`
}

// CustomerOrderPaymentStatus is the payment status of an order.
type CustomerOrderPaymentStatus struct {
	// Current payment status.
	Status OrderPaymentStatus `json:"status"`
	// Error message if payment failed.
	Error *string `json:"error,omitempty"`
}

// CustomerOrderConfirmPayment is the body of Orders.ConfirmRetryPayment:
// set either PaymentMethodID (a saved payment method) or
// ConfirmationTokenID (a new Stripe confirmation token).
type CustomerOrderConfirmPayment struct {
	// ID of the Stripe confirmation token for new payment methods.
	ConfirmationTokenID string `json:"confirmation_token_id,omitempty"`
	// ID of an existing saved payment method.
	PaymentMethodID string `json:"payment_method_id,omitempty"`
	// Payment processor used.
	PaymentProcessor *PaymentProcessor `json:"payment_processor,omitempty"`
}

// PaymentProcessor is a payment processor.
type PaymentProcessor string

// Values of PaymentProcessor.
const (
	PaymentProcessorStripe PaymentProcessor = "stripe"
)

// CustomerOrderPaymentConfirmation is the result of a payment retry.
type CustomerOrderPaymentConfirmation struct {
	// Payment status after confirmation.
	Status OrderPaymentStatus `json:"status"`
	// Client secret for handling additional actions.
	ClientSecret *string `json:"client_secret,omitempty"`
	// Error message if confirmation failed.
	Error *string `json:"error,omitempty"`
}

// OrderPaymentStatus is the state of an order's payment, as
// Orders.PaymentStatus and Orders.ConfirmRetryPayment report it. The API
// document leaves the values open, so a status not listed here may come
// and is kept as sent.
type OrderPaymentStatus string

// Values of OrderPaymentStatus.
const (
	// OrderPaymentStatusNoPayment: the order has nothing to pay.
	OrderPaymentStatusNoPayment OrderPaymentStatus = "no_payment"
	// OrderPaymentStatusPending: the payment is in progress.
	OrderPaymentStatusPending OrderPaymentStatus = "pending"
	// OrderPaymentStatusRequiresAction: the customer must complete the
	// payment, such as 3-D Secure, with the ClientSecret of
	// CustomerOrderPaymentConfirmation (a payment retry's answer only).
	OrderPaymentStatusRequiresAction OrderPaymentStatus = "requires_action"
	// OrderPaymentStatusSucceeded: the payment went through.
	OrderPaymentStatusSucceeded OrderPaymentStatus = "succeeded"
	// OrderPaymentStatusFailed: the payment failed; Error says why.
	OrderPaymentStatusFailed OrderPaymentStatus = "failed"
)

// ProductBillingType tells one-time purchases from recurring ones.
type ProductBillingType string

// Values of ProductBillingType.
const (
	ProductBillingTypeOneTime   ProductBillingType = "one_time"
	ProductBillingTypeRecurring ProductBillingType = "recurring"
)

// CustomerOrderSortProperty is a sort criterion of Orders.List; the Desc
// variants sort in descending order.
type CustomerOrderSortProperty string

// Values of CustomerOrderSortProperty.
const (
	CustomerOrderSortPropertyCreatedAt        CustomerOrderSortProperty = "created_at"
	CustomerOrderSortPropertyCreatedAtDesc    CustomerOrderSortProperty = "-created_at"
	CustomerOrderSortPropertyAmount           CustomerOrderSortProperty = "amount"
	CustomerOrderSortPropertyAmountDesc       CustomerOrderSortProperty = "-amount"
	CustomerOrderSortPropertyNetAmount        CustomerOrderSortProperty = "net_amount"
	CustomerOrderSortPropertyNetAmountDesc    CustomerOrderSortProperty = "-net_amount"
	CustomerOrderSortPropertyProduct          CustomerOrderSortProperty = "product"
	CustomerOrderSortPropertyProductDesc      CustomerOrderSortProperty = "-product"
	CustomerOrderSortPropertySubscription     CustomerOrderSortProperty = "subscription"
	CustomerOrderSortPropertySubscriptionDesc CustomerOrderSortProperty = "-subscription"
)

// CustomerOrderProduct is the product an order is for: the product as
// the portal shows it, with the organization selling it.
type CustomerOrderProduct struct {
	CustomerProduct
	// The organization selling the product.
	Organization CustomerOrganization `json:"organization"`
}
