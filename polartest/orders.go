package polartest

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	polar "github.com/polarportal/polar-go"
)

// Orders: every operation is a billing operation (a member needs the
// owner or billing-manager role).
//
// What the fake does beyond storing orders, as Polar's server does:
//   - The list's query matches the product's name only, case-insensitively.
//   - PATCH /orders/{id} refuses to change the country or the state of an
//     order's billing address, with one PolarRequestValidationError item
//     for each.
//   - POST /orders/{id}/invoice refuses draft and void orders (409
//     OrderNotEligibleForInvoice) and orders without billing name and
//     address (422 MissingInvoiceBillingDetails); a pending order is
//     eligible. It answers 202 and queues the generation, which completes
//     WithInvoiceDelay later on the server's clock: until then GET
//     /orders/{id}/invoice answers 404 InvoiceDoesNotExist and
//     is_invoice_generated is false.
//   - GET /orders/{id}/receipt answers 404 ReceiptNotAllocated for an order
//     without a receipt number, then 202 for the first polls
//     (WithReceiptPolls, 2 by default) and 200 with the URL after.
//   - GET /orders/{id}/payment-status answers the status of the order's
//     latest payment, one of no_payment (none: nothing to pay, a draft, a
//     void order, a pending order not yet charged), pending, succeeded and
//     failed (with the decline message).
//   - POST /orders/{id}/confirm-payment retries the payment of an order
//     in dunning: a pending order of a subscription with a
//     next_payment_attempt_at; any other is 422 OrderNotEligibleForRetry,
//     whatever the body. The outcome follows Stripe's test cards: a saved
//     card ending in 0002 is declined, one ending in 3155 requires an
//     action (3-D Secure; the order's payment then stays in progress, and
//     further retries get 409 PaymentAlreadyInProgress), any other method
//     succeeds and the order becomes paid. With a confirmation token, one
//     containing "decline" is declined and one containing "action"
//     requires an action. After five retries the sixth gets 429
//     ManualRetryLimitExceeded.
var ordersRoutes = routes{
	"customer_portal:orders:list":                  {billingRead, ordersList},
	"customer_portal:orders:get":                   {billingRead, ordersGet},
	"customer_portal:orders:update":                {billingWrite, ordersUpdate},
	"customer_portal:orders:generate_invoice":      {billingRead, ordersGenerateInvoice},
	"customer_portal:orders:invoice":               {billingRead, ordersInvoice},
	"customer_portal:orders:receipt":               {billingRead, ordersReceipt},
	"customer_portal:orders:get_payment_status":    {billingRead, ordersPaymentStatus},
	"customer_portal:orders:confirm_retry_payment": {billingWrite, ordersConfirmRetryPayment},
}

// Payment statuses of an order (CustomerOrderPaymentStatus.Status): those
// of Polar's payments, and no_payment for an order without one.
const (
	paymentNone      = "no_payment"
	paymentPending   = "pending"
	paymentSucceeded = "succeeded"
	paymentFailed    = "failed"
)

// Outcomes of a payment retry (CustomerOrderPaymentConfirmation.Status).
const (
	retrySucceeded      = "succeeded"
	retryFailed         = "failed"
	retryRequiresAction = "requires_action"
)

// declineMessage is the error of a declined payment.
const declineMessage = "Your card was declined."

// newOrderState makes the state of a seeded order: its latest payment
// follows its status. Nothing to pay, a draft or a void order has none; a
// paid or refunded order's succeeded; a pending order in dunning (with a
// next_payment_attempt_at) has a failed one, any other pending order one
// still pending.
func newOrderState(o polar.CustomerOrder) *orderState {
	st := &orderState{CustomerOrder: o, payment: paymentNone}
	switch {
	case o.TotalAmount == 0:
	case o.Status == polar.OrderStatusPaid, o.Status == polar.OrderStatusRefunded, o.Status == polar.OrderStatusPartiallyRefunded:
		st.payment = paymentSucceeded
	case o.Status == polar.OrderStatusPending && o.NextPaymentAttemptAt != nil:
		st.payment, st.paymentError = paymentFailed, new(declineMessage)
	case o.Status == polar.OrderStatusPending:
		st.payment = paymentPending
	}
	if st.Items == nil {
		st.Items = []polar.OrderItem{}
	}
	return st
}

// settle completes the order's queued invoice if its time has come.
func (o *orderState) settle(now time.Time) {
	if o.invoiceReadyAt.IsZero() || now.Before(o.invoiceReadyAt) {
		return
	}
	o.IsInvoiceGenerated, o.ModifiedAt = true, touch(o.invoiceReadyAt)
	o.invoiceReadyAt = time.Time{}
}

// order returns an order of the caller's customer.
func (st *store) order(who *principal, id string) (*orderState, error) {
	return owned(st.orders, id, who.customerID(), func(o *orderState) string { return o.CustomerID })
}

// orderByPath returns the order of the {id} path parameter.
func (c *call) orderByPath() (*orderState, error) {
	id, err := c.pathUUID("id", false)
	if err != nil {
		return nil, err
	}
	o, err := c.st.order(c.who, id)
	if err != nil {
		return nil, err
	}
	o.settle(c.now)
	return o, nil
}

var orderSorts = sorter[*orderState]{
	"created_at": func(a, b *orderState) int { return a.CreatedAt.Compare(b.CreatedAt) },
	"amount":     func(a, b *orderState) int { return cmp.Compare(a.NetAmount, b.NetAmount) },
	"net_amount": func(a, b *orderState) int { return cmp.Compare(a.NetAmount, b.NetAmount) },
	"product":    func(a, b *orderState) int { return cmp.Compare(productName(a), productName(b)) },
	"subscription": func(a, b *orderState) int {
		return cmp.Compare(deref(a.SubscriptionID), deref(b.SubscriptionID))
	},
}

func productName(o *orderState) string {
	if o.Product == nil {
		return ""
	}
	return o.Product.Name
}

func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

func isRecurring(o *orderState) bool {
	return o.SubscriptionID != nil || (o.Product != nil && o.Product.IsRecurring)
}

func ordersList(c *call) error {
	var o polar.OrderListOptions
	c.bindQuery(&o, append(uuidParams(false, "product_id", "subscription_id"), sortParam(orderSorts),
		enumParam("product_billing_type", string(polar.ProductBillingTypeOneTime), string(polar.ProductBillingTypeRecurring)))...)
	if err := c.err(); err != nil {
		return err
	}
	productIDs, subscriptionIDs, q := o.ProductID, o.SubscriptionID, strings.ToLower(o.Query)
	billingTypes := sortOrder(o.ProductBillingType)
	orders := c.st.orders.where(func(o *orderState) bool {
		if o.CustomerID != c.who.customerID() {
			return false
		}
		o.settle(c.now)
		if len(productIDs) > 0 && (o.ProductID == nil || !slices.Contains(productIDs, *o.ProductID)) {
			return false
		}
		if len(subscriptionIDs) > 0 && (o.SubscriptionID == nil || !slices.Contains(subscriptionIDs, *o.SubscriptionID)) {
			return false
		}
		if len(billingTypes) > 0 {
			bt := string(polar.ProductBillingTypeOneTime)
			if isRecurring(o) {
				bt = string(polar.ProductBillingTypeRecurring)
			}
			if !slices.Contains(billingTypes, bt) {
				return false
			}
		}
		// Polar's query matches the product's name only, whatever the
		// parameter's description says of the organization's.
		if q != "" && !strings.Contains(strings.ToLower(productName(o)), q) {
			return false
		}
		return true
	})
	sortItems(orders, sortOrder(o.Sorting, "-created_at"), orderSorts, func(a, b *orderState) int { return strings.Compare(a.ID, b.ID) })
	return c.ok(paginateMap(orders, pageOf(o.ListOptions), func(o *orderState) polar.CustomerOrder { return o.CustomerOrder }))
}

func ordersGet(c *call) error {
	o, err := c.orderByPath()
	if err != nil {
		return err
	}
	return c.ok(&o.CustomerOrder)
}

func ordersUpdate(c *call) error {
	o, err := c.orderByPath()
	if err != nil {
		return err
	}
	var req polar.CustomerOrderUpdate
	if err := c.decode(&req); err != nil {
		return err
	}
	name, setName := nullable(req.BillingName)
	addr, setAddr := c.address(req.BillingAddress)
	if err := c.err(); err != nil {
		return err
	}
	if setAddr && addr != nil && o.BillingAddress != nil {
		// Polar reports both fields at once.
		old := o.BillingAddress
		var problems []validationDetail
		if addr.Country != old.Country {
			problems = append(problems, ruleProblem("Country cannot be changed", addr.Country, "body", "billing_address", "country"))
		}
		if deref(addr.State) != deref(old.State) {
			problems = append(problems, ruleProblem("State cannot be changed", addr.State, "body", "billing_address", "state"))
		}
		if len(problems) > 0 {
			return ruleErrors(problems...)
		}
	}
	if setName {
		o.BillingName = name
	}
	if setAddr {
		o.BillingAddress = (*polar.Address)(addr)
	}
	o.ModifiedAt = touch(c.now)
	return c.ok(&o.CustomerOrder)
}

func ordersGenerateInvoice(c *call) error {
	o, err := c.orderByPath()
	if err != nil {
		return err
	}
	if o.Status == polar.OrderStatusDraft || o.Status == polar.OrderStatusVoid {
		return domainError(http.StatusConflict, "OrderNotEligibleForInvoice",
			"Order "+o.ID+" is not eligible for invoice generation (current status: "+string(o.Status)+").")
	}
	if o.BillingName == nil || o.BillingAddress == nil {
		return domainError(http.StatusUnprocessableEntity, "MissingInvoiceBillingDetails",
			"Billing name and address are required to generate an invoice for this order.")
	}
	if !o.IsInvoiceGenerated && o.invoiceReadyAt.IsZero() {
		o.invoiceReadyAt = c.now.Add(c.s.cfg.invoiceDelay)
	}
	return c.reply(http.StatusAccepted, json.RawMessage("null"))
}

// fileURL is where the fake says a generated file is. Nothing serves it.
func fileURL(kind, id string) string {
	return "https://files.polartest.invalid/" + kind + "/" + id + ".pdf"
}

func ordersInvoice(c *call) error {
	o, err := c.orderByPath()
	if err != nil {
		return err
	}
	if !o.IsInvoiceGenerated {
		return domainError(http.StatusNotFound, "InvoiceDoesNotExist", "No invoice exists for order "+o.ID+".")
	}
	return c.ok(&polar.CustomerOrderInvoice{URL: fileURL("invoices", o.ID)})
}

func ordersReceipt(c *call) error {
	o, err := c.orderByPath()
	if err != nil {
		return err
	}
	if o.ReceiptNumber == nil {
		return domainError(http.StatusNotFound, "ReceiptNotAllocated", "No receipt allocated for order "+o.ID+".")
	}
	if o.receiptPolls < c.s.cfg.receiptPolls {
		o.receiptPolls++
		return c.reply(http.StatusAccepted, nil)
	}
	return c.ok(&polar.CustomerOrderReceipt{URL: fileURL("receipts", o.ID)})
}

func ordersPaymentStatus(c *call) error {
	o, err := c.orderByPath()
	if err != nil {
		return err
	}
	return c.ok(&polar.CustomerOrderPaymentStatus{Status: polar.OrderPaymentStatus(o.payment), Error: o.paymentError})
}

// maxManualRetries is how many payment retries a customer may make.
const maxManualRetries = 5

func ordersConfirmRetryPayment(c *call) error {
	o, err := c.orderByPath()
	if err != nil {
		return err
	}
	var req polar.CustomerOrderConfirmPayment
	if err := c.decode(&req); err != nil {
		return err
	}
	c.checkUUID(&req.PaymentMethodID, false, "body", "payment_method_id")
	if p := req.PaymentProcessor; p != nil {
		c.checkEnum(string(*p), []string{string(polar.PaymentProcessorStripe)}, "body", "payment_processor")
	}
	if err := c.err(); err != nil {
		return err
	}
	// Polar checks the order before the body: only an order in dunning
	// can be retried.
	if o.Status != polar.OrderStatusPending || o.NextPaymentAttemptAt == nil || o.SubscriptionID == nil {
		return domainError(http.StatusUnprocessableEntity, "OrderNotEligibleForRetry", "Order "+o.ID+" is not eligible for payment retry.")
	}
	if o.inProgress {
		return domainError(http.StatusConflict, "PaymentAlreadyInProgress", "Payment for order "+o.ID+" is already in progress")
	}
	token, pmID := req.ConfirmationTokenID, req.PaymentMethodID
	switch {
	case token == "" && pmID == "":
		return domainError(http.StatusUnprocessableEntity, "PaymentRetryValidationError", "Either confirmation_token_id or payment_method_id must be provided")
	case token != "" && pmID != "":
		return domainError(http.StatusUnprocessableEntity, "PaymentRetryValidationError", "Only one of confirmation_token_id or payment_method_id can be provided")
	}
	if o.retries >= maxManualRetries {
		return domainError(http.StatusTooManyRequests, "ManualRetryLimitExceeded",
			"Maximum number of manual payment retry attempts has been reached for order "+o.ID+".")
	}
	outcome := retrySucceeded
	if pmID != "" {
		pm, err := owned(c.st.paymentMethods, pmID, c.who.customerID(), paymentMethodOwner)
		if err != nil {
			return domainError(http.StatusUnprocessableEntity, "PaymentRetryValidationError", "Payment method does not belong to customer")
		}
		if card, ok := pm.(*polar.PaymentMethodCard); ok {
			switch card.MethodMetadata.Last4 {
			case "0002":
				outcome = retryFailed
			case "3155":
				outcome = retryRequiresAction
			}
		}
	} else {
		switch {
		case strings.Contains(token, "decline"):
			outcome = retryFailed
		case strings.Contains(token, "action"):
			outcome = retryRequiresAction
		}
	}
	o.retries++
	o.ModifiedAt = touch(c.now)
	res := &polar.CustomerOrderPaymentConfirmation{Status: polar.OrderPaymentStatus(outcome)}
	switch outcome {
	case retrySucceeded:
		o.payment, o.paymentError = paymentSucceeded, nil
		o.Status, o.Paid, o.DueAmount, o.NextPaymentAttemptAt = polar.OrderStatusPaid, true, 0, nil
	case retryFailed:
		o.payment, o.paymentError = paymentFailed, new(declineMessage)
		res.Error = o.paymentError
	case retryRequiresAction:
		// No charge until the customer acts: the latest payment stays
		// what it was.
		o.inProgress = true
		res.ClientSecret = new("pi_" + strings.ReplaceAll(o.ID, "-", "") + "_secret_polartest")
	}
	return c.ok(res)
}
