package polartest

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	polar "github.com/polarportal/polar-go"
)

// Orders: every operation is a billing operation (a member needs the
// owner or billing-manager role).
//
// What the fake does beyond storing orders:
//   - POST /orders/{id}/invoice generates the invoice at once (202); GET
//     /orders/{id}/invoice answers 404 InvoiceDoesNotExist until then.
//   - GET /orders/{id}/receipt answers 404 ReceiptNotAllocated for an order
//     without a receipt number, then 202 for the first polls
//     (WithReceiptPolls, 2 by default) and 200 with the URL after.
//   - POST /orders/{id}/confirm-payment retries the payment of a pending
//     order. The outcome follows Stripe's test cards: a saved card ending
//     in 0002 is declined, one ending in 3155 requires an action (3-D
//     Secure; the order's payment then stays in progress, and further
//     retries get 409 PaymentAlreadyInProgress), any other method
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

// Payment statuses of an order (CustomerOrderPaymentStatus.Status).
const (
	paymentSucceeded      = "succeeded"
	paymentFailed         = "failed"
	paymentPending        = "pending"
	paymentRequiresAction = "requires_action"
	paymentCanceled       = "canceled"
)

// declineMessage is the error of a declined payment.
const declineMessage = "Your card was declined."

func newOrderState(o polar.CustomerOrder) *orderState {
	st := &orderState{CustomerOrder: o}
	switch o.Status {
	case polar.OrderStatusPaid, polar.OrderStatusRefunded, polar.OrderStatusPartiallyRefunded:
		st.payment = paymentSucceeded
	case polar.OrderStatusVoid:
		st.payment = paymentCanceled
	case polar.OrderStatusPending:
		st.payment = paymentPending
		if o.NextPaymentAttemptAt != nil { // in dunning: the last attempt failed
			st.payment, st.paymentError = paymentFailed, new(declineMessage)
		}
	default:
		st.payment = paymentPending
	}
	if st.Items == nil {
		st.Items = []polar.OrderItemSchema{}
	}
	return st
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
	return c.st.order(c.who, id)
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
		if q != "" {
			text := strings.ToLower(o.Description + "\x00" + productName(o))
			if o.Product != nil {
				text += "\x00" + strings.ToLower(o.Product.Organization.Name)
			}
			if !strings.Contains(text, q) {
				return false
			}
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
		old := o.BillingAddress
		if addr.Country != old.Country {
			return invalid("Country cannot be updated.", addr.Country, "body", "billing_address", "country")
		}
		if deref(addr.State) != deref(old.State) {
			return invalid("State cannot be updated.", addr.State, "body", "billing_address", "state")
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
	switch o.Status {
	case polar.OrderStatusPaid, polar.OrderStatusRefunded, polar.OrderStatusPartiallyRefunded:
	default:
		return domainError(http.StatusConflict, "OrderNotEligibleForInvoice", "Order is not paid, so an invoice cannot be generated.")
	}
	if o.BillingName == nil || o.BillingAddress == nil {
		return domainError(http.StatusUnprocessableEntity, "MissingInvoiceBillingDetails", "Billing name and address are required to generate an invoice.")
	}
	if !o.IsInvoiceGenerated {
		o.IsInvoiceGenerated = true
		o.ModifiedAt = touch(c.now)
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
		return domainError(http.StatusNotFound, "InvoiceDoesNotExist", "No invoice exists for this order.")
	}
	return c.ok(&polar.CustomerOrderInvoice{URL: fileURL("invoices", o.ID)})
}

func ordersReceipt(c *call) error {
	o, err := c.orderByPath()
	if err != nil {
		return err
	}
	if o.ReceiptNumber == nil {
		return domainError(http.StatusNotFound, "ReceiptNotAllocated", "No receipt number was allocated to this order.")
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
	var token, pmID *string
	if req.ConfirmationTokenID != "" {
		token = &req.ConfirmationTokenID
	}
	if req.PaymentMethodID != "" {
		pmID = &req.PaymentMethodID
	}
	if (token == nil) == (pmID == nil) {
		return domainError(http.StatusUnprocessableEntity, "PaymentRetryValidationError", "Either confirmation_token_id or payment_method_id must be provided.")
	}
	if o.Status != polar.OrderStatusPending || o.Paid {
		return domainError(http.StatusUnprocessableEntity, "OrderNotEligibleForRetry", "Order is not eligible for a payment retry.")
	}
	if o.inProgress {
		return domainError(http.StatusConflict, "PaymentAlreadyInProgress", "A payment for this order is already in progress.")
	}
	if o.retries >= maxManualRetries {
		return domainError(http.StatusTooManyRequests, "ManualRetryLimitExceeded", "Maximum number of manual payment retries reached.")
	}
	outcome := paymentSucceeded
	if pmID != nil {
		pm, err := owned(c.st.paymentMethods, *pmID, c.who.customerID(), func(pm polar.CustomerPaymentMethod) string {
			return deref(pm.Base()).CustomerID
		})
		if err != nil {
			return domainError(http.StatusUnprocessableEntity, "PaymentRetryValidationError", "Payment method not found.")
		}
		if card, ok := pm.(*polar.PaymentMethodCard); ok {
			switch card.MethodMetadata.Last4 {
			case "0002":
				outcome = paymentFailed
			case "3155":
				outcome = paymentRequiresAction
			}
		}
	} else {
		switch {
		case strings.Contains(*token, "decline"):
			outcome = paymentFailed
		case strings.Contains(*token, "action"):
			outcome = paymentRequiresAction
		}
	}
	o.retries++
	o.ModifiedAt = touch(c.now)
	res := &polar.CustomerOrderPaymentConfirmation{Status: polar.OrderPaymentStatus(outcome)}
	o.payment, o.paymentError = outcome, nil
	switch outcome {
	case paymentSucceeded:
		o.Status, o.Paid, o.DueAmount, o.NextPaymentAttemptAt = polar.OrderStatusPaid, true, 0, nil
	case paymentFailed:
		o.paymentError = new(declineMessage)
		res.Error = o.paymentError
	case paymentRequiresAction:
		o.inProgress = true
		res.ClientSecret = new("pi_" + strings.ReplaceAll(o.ID, "-", "") + "_secret_polartest")
	}
	return c.ok(res)
}
