package polartest

import (
	"cmp"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	polar "github.com/polarportal/polar-go"
)

// Customers: the signed-in customer (a member session reads its
// customer), their payment methods and email changes.
//
// Update changes billing_name, billing_address, tax_id and
// default_payment_method_id, each left as is when absent, with Polar's
// rules: a null or empty billing_name leaves the name as it is; a null
// billing_address or default_payment_method_id is a 422 (neither can be
// cleared); a null or empty tax_id clears the tax ID. A tax ID's format
// is recognized from the billing country (see taxIDFormat); one that does
// not fit, a tax ID without a billing address, or an unknown payment
// method is a 422 PolarRequestValidationError.
//
// Payment methods are listed newest first. Adding one stands for Stripe
// confirming a setup intent with the confirmation token, whose ID decides
// the outcome, as the confirmation tokens of orders' confirm-payment do:
//   - one containing "decline" fails: 400 PaymentMethodSetupFailed;
//   - one containing "action" answers requires_action with the client
//     secret of a setup intent (seti_..._secret_...): confirming that
//     setup intent (its ID is the client secret up to "_secret_") saves
//     the method, unless the token also contains "decline" (the customer
//     failed the authentication): then confirming is a 422 on
//     setup_intent_id. Confirming again answers the same method;
//   - any other saves the method at once (succeeded).
//
// The saved method follows the token too: "kr_card" makes a Korean card,
// a generic type's name (sepa_debit, us_bank_account, paypal, link, ...)
// a PaymentMethodGeneric of that type, and anything else a card: a
// Mastercard, an Amex or a Discover when the token names the brand, else
// a Visa; "apple_pay" or "google_pay" sets the card's wallet. Four digits
// at the end of the token (ctoken_visa_0002) are the last four of the
// card, so that a test can save Stripe's declining (0002) or 3-D Secure
// (3155) test cards for orders' confirm-payment. set_default makes the
// saved method the customer's default.
//
// Confirming needs a Stripe customer, which a customer has once they have
// an order or a payment method, or once they called add (even in vain):
// without one it is a 403 CustomerNotReady.
//
// Deleting a payment method that still bills a subscription (an active or
// trialing one that is not set to cancel at period end, unless it has a
// metered price; a past_due one; a paused one with a resume date) moves
// those subscriptions to another method of the customer, the default one
// if it is another, as Polar does; without another method it is a 400
// PaymentMethodInUseByActiveSubscription. A subscription is billed by the
// method it was moved to, or else by the customer's default method, or
// else by their first saved one. As in Polar, deleting the default method
// leaves default_payment_method_id as it was.
//
// Email changes: request (the organization must allow them in
// customer_portal_settings.customer.allow_email_change, else 403
// NotPermitted; teams get a 422) records a verification token, which
// replaces the customer's previous one and expires after
// EmailUpdateTokenLifetime. Nothing is sent: tests read the token with
// Server.EmailUpdateToken. check answers 204 for a valid token and 401
// InvalidCustomerEmailUpdate otherwise; verify sets the new address (and
// email_verified), updates the customer's owner member if any, consumes
// the token and answers a new customer session token of the customer
// (SessionDuration). As in Polar, the sessions the customer had keep
// working. An address used by another customer of the organization makes
// verify a 422 (and consumes the token). Addresses are checked for syntax
// only, not for deliverability as Polar does.
var customersRoutes = routes{
	"customer_portal:customers:get":                    {portalRead, customersGet},
	"customer_portal:customers:update":                 {billingWrite, customersUpdate},
	"customer_portal:customers:list_payment_methods":   {billingRead, customersListPaymentMethods},
	"customer_portal:customers:add_payment_method":     {billingWrite, customersAddPaymentMethod},
	"customer_portal:customers:confirm_payment_method": {billingWrite, customersConfirmPaymentMethod},
	"customer_portal:customers:delete_payment_method":  {billingWrite, customersDeletePaymentMethod},
	"customer_portal:customers:request_email_update":   {billingWrite, customersRequestEmailUpdate},
	"customer_portal:customers:check_email_update":     {public, customersCheckEmailUpdate},
	"customer_portal:customers:verify_email_update":    {public, customersVerifyEmailUpdate},
}

func customersGet(c *call) error {
	return c.ok(c.who.customer.portal())
}

func customersUpdate(c *call) error {
	var req polar.CustomerPortalCustomerUpdate
	if err := c.decode(&req); err != nil {
		return err
	}
	cust := c.who.customer
	name, _ := nullable(req.BillingName)
	addr, setAddr := c.address(req.BillingAddress)
	taxID, setTaxID := nullable(req.TaxID)
	pmID, setPM := nullable(req.DefaultPaymentMethodID)
	if pmID != nil {
		c.checkUUID(pmID, true, "body", "default_payment_method_id")
	}
	if err := c.err(); err != nil {
		return err
	}
	// Polar's checks, in its order. Its schema turns an empty billing
	// name or tax ID into null; a null billing name changes nothing.
	if setAddr && addr == nil {
		return refused("missing", "Customer billing address cannot be reset to null once set.", nil, "body", "billing_address")
	}
	if setPM && pmID == nil {
		return refused("missing", "Default payment method cannot be reset to null.", nil, "body", "default_payment_method_id")
	}
	if setPM {
		if _, err := owned(c.st.paymentMethods, *pmID, cust.ID, paymentMethodOwner); err != nil {
			return refused("invalid", "Payment method not found.", *pmID, "body", "default_payment_method_id")
		}
	}
	address := cust.BillingAddress
	if setAddr {
		address = (*polar.Address)(addr)
	}
	if taxID != nil && *taxID == "" {
		taxID = nil
	}
	tax := cust.TaxID
	switch {
	case setTaxID && taxID == nil:
		tax = nil
	case setTaxID:
		var err error
		if tax, err = validTaxID(*taxID, address); err != nil {
			return err
		}
	case setAddr && tax != nil:
		// A tax ID stays only while it fits the billing country.
		var err error
		if tax, err = validTaxID(tax.ID, address); err != nil {
			return err
		}
	}
	if name != nil && *name != "" {
		cust.BillingName = name
	}
	cust.BillingAddress, cust.TaxID = address, tax
	if setPM {
		cust.DefaultPaymentMethodID = pmID
	}
	cust.ModifiedAt = touch(c.now)
	return c.ok(cust.portal())
}

// validTaxID checks a tax ID against the billing country of address, as
// Polar does, and returns it with its format.
func validTaxID(id string, address *polar.Address) (*polar.TaxID, error) {
	if address == nil {
		return nil, refused("missing", "Country is required to validate tax ID.", nil, "body", "billing_address")
	}
	format, ok := taxIDFormat(id, address.Country)
	if !ok {
		return nil, refused("invalid", "Invalid tax ID.", id, "body", "tax_id")
	}
	return &polar.TaxID{ID: strings.ToUpper(strings.ReplaceAll(id, " ", "")), Format: format}, nil
}

// euVAT lists the countries of EU VAT IDs, with the prefix of their IDs.
var euVAT = map[polar.CountryAlpha2]string{
	"AT": "AT", "BE": "BE", "BG": "BG", "CY": "CY", "CZ": "CZ", "DE": "DE", "DK": "DK", "EE": "EE",
	"ES": "ES", "FI": "FI", "FR": "FR", "GR": "EL", "HR": "HR", "HU": "HU", "IE": "IE", "IT": "IT",
	"LT": "LT", "LU": "LU", "LV": "LV", "MT": "MT", "NL": "NL", "PL": "PL", "PT": "PT", "RO": "RO",
	"SE": "SE", "SI": "SI", "SK": "SK",
}

// otherTaxIDs are the formats of a few other countries.
var otherTaxIDs = map[polar.CountryAlpha2]polar.TaxIDFormat{
	"GB": polar.TaxIDFormatGBVAT, "US": polar.TaxIDFormatUSEIN, "CA": polar.TaxIDFormatCABN,
	"AU": polar.TaxIDFormatAUABN, "CH": polar.TaxIDFormatCHVAT, "NO": polar.TaxIDFormatNOVAT,
	"IN": polar.TaxIDFormatINGST, "JP": polar.TaxIDFormatJPCN,
}

// taxIDFormat recognizes the format of a tax ID from the billing country,
// more leniently than Polar: an EU VAT ID must start with its country's
// prefix, a GB VAT ID with GB and a Swiss one with CHE; the IDs of the
// other countries the fake knows must start with a digit; IDs of other
// countries, or without a country, are refused. Each needs at least 5
// characters after its prefix.
func taxIDFormat(id string, country polar.CountryAlpha2) (polar.TaxIDFormat, bool) {
	id = strings.ToUpper(strings.ReplaceAll(id, " ", ""))
	prefixed := func(prefix string) bool { return strings.HasPrefix(id, prefix) && len(id) >= len(prefix)+5 }
	if prefix, ok := euVAT[country]; ok {
		return polar.TaxIDFormatEUVAT, prefixed(prefix)
	}
	f, ok := otherTaxIDs[country]
	switch {
	case !ok:
		return "", false
	case country == "GB":
		return f, prefixed("GB")
	case country == "CH":
		return f, prefixed("CHE")
	}
	return f, len(id) >= 5 && id[0] >= '0' && id[0] <= '9'
}

// customersState is what the customers service tracks beyond the store's
// tables.
type customersState struct {
	setups          map[string]*setupIntent // by setup intent ID
	stripeCustomers map[string]bool         // customers known to have a Stripe customer
	billedBy        map[string]string       // subscription ID → the payment method it was moved to
	emailUpdates    map[string]*emailUpdate // pending email changes, by token
}

// setupIntent is a payment-method setup that requires an action.
type setupIntent struct {
	customerID string
	token      string                      // the confirmation token it was made from
	fails      bool                        // the action fails: confirming is refused
	method     polar.CustomerPaymentMethod // once confirmed
}

// emailUpdate is a pending email change.
type emailUpdate struct {
	customerID string
	email      string
	expiresAt  time.Time
}

// EmailUpdateTokenLifetime is how long the token of an email change stays
// valid, as in Polar.
const EmailUpdateTokenLifetime = 30 * time.Minute

// customersState returns the customers service's state, made on first use.
func (st *store) customersState() *customersState {
	if st.customersExtra == nil {
		st.customersExtra = &customersState{
			setups:          map[string]*setupIntent{},
			stripeCustomers: map[string]bool{},
			billedBy:        map[string]string{},
			emailUpdates:    map[string]*emailUpdate{},
		}
	}
	return st.customersExtra
}

// EmailUpdateToken returns the token of the verification link of the
// customer's pending email change, as a test would read it from the email
// that Polar sends to the new address: ok is false when the customer has
// none (never requested, verified, or refused because the address is in
// use). A new request replaces the token. An expired token is still
// returned, until a new request or its verification.
func (s *Server) EmailUpdateToken(customerID string) (token string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for tok, u := range s.store.customersState().emailUpdates {
		if u.customerID == customerID {
			return tok, true
		}
	}
	return "", false
}

func paymentMethodOwner(pm polar.CustomerPaymentMethod) string {
	return deref(pm.Common()).CustomerID
}

// customerPaymentMethods returns the customer's payment methods in the
// order they were saved.
func (st *store) customerPaymentMethods(customerID string) []polar.CustomerPaymentMethod {
	return st.paymentMethods.where(func(pm polar.CustomerPaymentMethod) bool { return paymentMethodOwner(pm) == customerID })
}

func customersListPaymentMethods(c *call) error {
	var o polar.ListOptions
	c.bindQuery(&o)
	if err := c.err(); err != nil {
		return err
	}
	items := c.st.customerPaymentMethods(c.who.customerID())
	slices.SortStableFunc(items, func(a, b polar.CustomerPaymentMethod) int {
		ba, bb := a.Common(), b.Common()
		if n := bb.CreatedAt.Compare(ba.CreatedAt); n != 0 {
			return n
		}
		return strings.Compare(ba.ID, bb.ID)
	})
	return c.ok(paginate(items, pageOf(o)))
}

// hasStripeCustomer reports whether the customer has a Stripe customer.
func (st *store) hasStripeCustomer(customerID string) bool {
	if st.customersState().stripeCustomers[customerID] || len(st.customerPaymentMethods(customerID)) > 0 {
		return true
	}
	return len(st.orders.where(func(o *orderState) bool { return o.CustomerID == customerID })) > 0
}

// Polar's answers about setups.
const (
	setupDeclined   = "Could not add this payment method: Your card was declined. Please try again with a different card."
	customerUnready = "Customer is not ready for this operation."
)

func customersAddPaymentMethod(c *call) error {
	var req polar.CustomerPaymentMethodCreate
	if err := c.decode(&req); err != nil {
		return err
	}
	token, setDefault := req.ConfirmationTokenID, req.SetDefault
	cust, cs := c.who.customer, c.st.customersState()
	cs.stripeCustomers[cust.ID] = true
	lower := strings.ToLower(token)
	if strings.Contains(lower, "action") {
		secret := strings.ReplaceAll(c.st.newID("setup_intent"), "-", "")
		id := "seti_" + secret[:24]
		cs.setups[id] = &setupIntent{customerID: cust.ID, token: token, fails: strings.Contains(lower, "decline")}
		return c.reply(http.StatusCreated, &polar.CustomerPaymentMethodCreateRequiresActionResponse{ClientSecret: id + "_secret_" + secret[24:]})
	}
	if strings.Contains(lower, "decline") {
		return domainError(http.StatusBadRequest, "PaymentMethodSetupFailed", setupDeclined)
	}
	pm := newPaymentMethod(token, c.st.newID("payment_method"), cust.ID, c.now)
	return c.reply(http.StatusCreated, c.savePaymentMethod(pm, setDefault))
}

func customersConfirmPaymentMethod(c *call) error {
	var req polar.CustomerPaymentMethodConfirm
	if err := c.decode(&req); err != nil {
		return err
	}
	id, setDefault := req.SetupIntentID, req.SetDefault
	cust := c.who.customer
	if !c.st.hasStripeCustomer(cust.ID) {
		return domainError(http.StatusForbidden, "CustomerNotReady", customerUnready)
	}
	si, ok := c.st.customersState().setups[id]
	if !ok || si.customerID != cust.ID || si.fails {
		return refused("invalid", "Invalid setup_intent_id.", id, "body", "setup_intent_id")
	}
	if si.method == nil {
		si.method = newPaymentMethod(si.token, c.st.newID("payment_method"), cust.ID, c.now)
	}
	return c.reply(http.StatusCreated, c.savePaymentMethod(si.method, setDefault))
}

// savePaymentMethod saves pm (again, if it was deleted), as the default
// one if asked.
func (c *call) savePaymentMethod(pm polar.CustomerPaymentMethod, setDefault bool) *polar.CustomerPaymentMethodCreateSucceededResponse {
	id := pm.Common().ID
	c.st.paymentMethods.put(id, pm)
	if setDefault {
		cust := c.who.customer
		cust.DefaultPaymentMethodID = new(id)
		cust.ModifiedAt = touch(c.now)
	}
	return &polar.CustomerPaymentMethodCreateSucceededResponse{PaymentMethod: pm}
}

// genericPaymentMethodTypes are the types of PaymentMethodGeneric, longer
// names first so that a token naming one is not taken for another.
var genericPaymentMethodTypes = []string{
	"us_bank_account", "nz_bank_account", "au_becs_debit", "revolut_pay", "samsung_pay",
	"acss_debit", "amazon_pay", "bacs_debit", "sepa_debit", "kakao_pay", "naver_pay",
	"cashapp", "boleto", "klarna", "paypal", "payco", "link",
}

// cardBrands are the brands a token may name, with the last four digits
// of Stripe's test card of the brand.
var cardBrands = []struct{ brand, last4 string }{
	{"mastercard", "4444"}, {"amex", "0005"}, {"discover", "1117"}, {"visa", "4242"},
}

var trailingLast4 = regexp.MustCompile(`[^0-9]([0-9]{4})$`)

// newPaymentMethod makes the payment method a confirmation token stands
// for (see customersRoutes).
func newPaymentMethod(token, id, customerID string, now time.Time) polar.CustomerPaymentMethod {
	lower := strings.ToLower(token)
	base := polar.PaymentMethodCommon{ID: id, CreatedAt: now, Processor: polar.PaymentProcessorStripe, CustomerID: customerID}
	last4 := ""
	if m := trailingLast4.FindStringSubmatch(lower); m != nil {
		last4 = m[1]
	}
	if strings.Contains(lower, "kr_card") {
		return &polar.PaymentMethodKrCard{PaymentMethodCommon: base, MethodMetadata: polar.PaymentMethodKrCardMetadata{
			Brand: new("shinhan"), Last4: new(cmp.Or(last4, "0012")),
		}}
	}
	for _, t := range genericPaymentMethodTypes {
		if strings.Contains(lower, t) {
			return &polar.PaymentMethodGeneric{PaymentMethodCommon: base, Type: t}
		}
	}
	meta := polar.PaymentMethodCardMetadata{Brand: "visa", Last4: "4242", ExpMonth: 12, ExpYear: int64(now.Year() + 3)}
	for _, b := range cardBrands {
		if strings.Contains(lower, b.brand) {
			meta.Brand, meta.Last4 = b.brand, b.last4
			break
		}
	}
	if last4 != "" {
		meta.Last4 = last4
	}
	for _, w := range []string{"apple_pay", "google_pay"} {
		if strings.Contains(lower, w) {
			meta.Wallet = new(w)
		}
	}
	return &polar.PaymentMethodCard{PaymentMethodCommon: base, MethodMetadata: meta}
}

func customersDeletePaymentMethod(c *call) error {
	id, err := c.pathUUID("id", false)
	if err != nil {
		return err
	}
	cust := c.who.customer
	if _, err := owned(c.st.paymentMethods, id, cust.ID, paymentMethodOwner); err != nil {
		return err
	}
	billed := c.st.subscriptions.where(func(s *polar.CustomerSubscription) bool {
		return s.CustomerID == cust.ID && requiresPaymentMethod(s) && c.st.billingMethod(s) == id
	})
	if len(billed) > 0 {
		alt := c.st.alternativePaymentMethod(cust, id)
		if alt == "" {
			return domainError(http.StatusBadRequest, "PaymentMethodInUseByActiveSubscription",
				"This payment method is still needed to bill a subscription. Add another one or cancel the subscription first.")
		}
		for _, s := range billed {
			c.st.customersState().billedBy[s.ID] = alt
		}
	}
	c.st.paymentMethods.del(id)
	c.st.customersState().stripeCustomers[cust.ID] = true
	return c.noContent()
}

// requiresPaymentMethod reports whether a payment method is still needed
// to bill the subscription, as Polar's Subscription.requires_payment_method.
func requiresPaymentMethod(s *polar.CustomerSubscription) bool {
	if s.EndedAt != nil {
		return false
	}
	switch s.Status {
	case polar.SubscriptionStatusPaused:
		return s.ResumesAt != nil
	case polar.SubscriptionStatusActive, polar.SubscriptionStatusTrialing:
		if s.CancelAtPeriodEnd {
			return slices.ContainsFunc(s.Prices, func(p polar.Price) bool {
				switch p.(type) {
				case *polar.ProductPriceMeteredUnit, *polar.ProductPriceMeteredTiers:
					return true
				}
				return false
			})
		}
		return true
	case polar.SubscriptionStatusPastDue:
		return true
	}
	return false
}

// billingMethod returns the ID of the payment method that bills the
// subscription: the one it was moved to, or else its customer's default
// one, or else their first saved one ("" without any).
func (st *store) billingMethod(s *polar.CustomerSubscription) string {
	exists := func(id string) bool {
		pm, ok := st.paymentMethods.get(id)
		return ok && paymentMethodOwner(pm) == s.CustomerID
	}
	if id, ok := st.customersState().billedBy[s.ID]; ok && exists(id) {
		return id
	}
	if cust, ok := st.customers.get(s.CustomerID); ok && cust.DefaultPaymentMethodID != nil && exists(*cust.DefaultPaymentMethodID) {
		return *cust.DefaultPaymentMethodID
	}
	if pms := st.customerPaymentMethods(s.CustomerID); len(pms) > 0 {
		return pms[0].Common().ID
	}
	return ""
}

// alternativePaymentMethod returns the method that takes over the
// subscriptions of the deleted one: the customer's default method if it
// is another, or else their first other one ("" without any).
func (st *store) alternativePaymentMethod(cust *CustomerRecord, deleted string) string {
	var others []string
	for _, pm := range st.customerPaymentMethods(cust.ID) {
		if id := pm.Common().ID; id != deleted {
			others = append(others, id)
		}
	}
	if d := cust.DefaultPaymentMethodID; d != nil && slices.Contains(others, *d) {
		return *d
	}
	if len(others) > 0 {
		return others[0]
	}
	return ""
}

func customersRequestEmailUpdate(c *call) error {
	var req polar.CustomerEmailUpdateRequest
	if err := c.decode(&req); err != nil {
		return err
	}
	email := c.checkEmail(req.Email, "body", "email")
	if err := c.err(); err != nil {
		return err
	}
	cust := c.who.customer
	org, _ := c.st.orgs.get(cust.OrganizationID)
	if org == nil || org.CustomerPortalSettings.Customer == nil || !deref(org.CustomerPortalSettings.Customer.AllowEmailChange) {
		return domainError(http.StatusForbidden, "NotPermitted", "Email changes are not enabled for this organization.")
	}
	if cust.isTeam() {
		return invalid("Only individual customers can change their email.", email, "body", "email")
	}
	if cust.Email != nil && strings.EqualFold(*cust.Email, email) {
		return invalid("New email is the same as your current email.", email, "body", "email")
	}
	cs := c.st.customersState()
	for tok, u := range cs.emailUpdates {
		if u.customerID == cust.ID {
			delete(cs.emailUpdates, tok)
		}
	}
	token := "polar_cev_" + sessionSecret(c.st.newID("email_update"))
	cs.emailUpdates[token] = &emailUpdate{customerID: cust.ID, email: email, expiresAt: c.now.Add(EmailUpdateTokenLifetime)}
	return c.reply(http.StatusAccepted, json.RawMessage("null"))
}

// validEmailUpdate returns the pending email change of the token, nil if
// there is none or it expired.
func (c *call) validEmailUpdate(token string) *emailUpdate {
	u, ok := c.st.customersState().emailUpdates[token]
	if !ok || !c.now.Before(u.expiresAt) {
		return nil
	}
	return u
}

func errInvalidEmailUpdate() error {
	return domainError(http.StatusUnauthorized, "InvalidCustomerEmailUpdate", "This email update request is invalid or has expired.")
}

func customersCheckEmailUpdate(c *call) error {
	var q struct {
		Token string `url:"token"` // the SDK's own query type is unexported
	}
	c.bindQuery(&q)
	if err := c.err(); err != nil {
		return err
	}
	if c.validEmailUpdate(q.Token) == nil {
		return errInvalidEmailUpdate()
	}
	return c.noContent()
}

func customersVerifyEmailUpdate(c *call) error {
	var req polar.CustomerEmailUpdateVerifyRequest
	if err := c.decode(&req); err != nil {
		return err
	}
	token := req.Token
	u := c.validEmailUpdate(token)
	if u == nil {
		return errInvalidEmailUpdate()
	}
	cust, ok := c.st.customers.get(u.customerID)
	if !ok {
		return errInvalidEmailUpdate()
	}
	cs := c.st.customersState()
	for _, other := range c.st.customers.all() {
		if other.ID != cust.ID && other.OrganizationID == cust.OrganizationID && other.Email != nil && strings.EqualFold(*other.Email, u.email) {
			delete(cs.emailUpdates, token)
			return invalid("This email address is already in use.", u.email, "body", "token")
		}
	}
	delete(cs.emailUpdates, token)
	cust.Email, cust.EmailVerified, cust.ModifiedAt = new(u.email), true, touch(c.now)
	for _, m := range c.st.members.all() {
		if m.CustomerID == cust.ID && m.Role == polar.MemberRoleOwner {
			m.Email = u.email
		}
	}
	session := &Token{
		Token:      "polar_cst_" + sessionSecret(c.st.newID("customer_session")),
		Kind:       TokenKindCustomerSession,
		CustomerID: cust.ID,
		Scopes:     []string{ScopeCustomerPortalRead, ScopeCustomerPortalWrite},
		ExpiresAt:  c.now.Add(SessionDuration),
	}
	c.st.tokens[session.Token] = session
	return c.ok(&polar.CustomerEmailUpdateVerifyResponse{Token: session.Token})
}
