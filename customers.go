package polar

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"time"
)

// CustomersService covers the signed-in customer: their profile and billing
// details, their saved payment methods, and changing their email address.
//
// It needs a customer session token, or a member session token. A member
// of a team who is neither its owner nor a billing manager can read the
// customer, but gets 403 (ErrNotPermitted) on Update, on every
// payment-method operation, listing included, and on RequestEmailUpdate:
// they are billing operations.
// CheckEmailUpdate and VerifyEmailUpdate need no token: they are sent
// without an Authorization header even by a client that has one.
//
// The three email-update operations count in Polar's email-update rate
// limit (ZoneEmailUpdate: 6 a minute and 12 an hour), whose excess blocks
// the caller on the whole API for 15 minutes.
//
// To stub it in a test, embed CustomersService in a struct and implement only
// the methods the code under test calls (the others panic on the nil
// interface). A stub assigned to Client.Customers stays in place in the
// clients that WithToken derives.
type CustomersService interface {
	// Get returns the signed-in customer.
	//
	// API: GET /v1/customer-portal/customers/me
	Get(ctx context.Context) (*CustomerPortalCustomer, error)
	// Update changes the customer's billing name, billing address, tax ID
	// or default payment method, and returns the customer as updated.
	// Fields of body left at their zero value are not changed; see
	// CustomerPortalCustomerUpdate for what Null does to each. A value the
	// server refuses, such as a tax ID that does not match the billing
	// country or an unknown payment method, fails with a *ValidationError
	// matching ErrPolarRequestValidationError.
	//
	// API: PATCH /v1/customer-portal/customers/me
	Update(ctx context.Context, body *CustomerPortalCustomerUpdate) (*CustomerPortalCustomer, error)
	// ListPaymentMethods returns one page of the customer's saved payment
	// methods. Use Update with DefaultPaymentMethodID to change the
	// default one.
	//
	// API: GET /v1/customer-portal/customers/me/payment-methods
	ListPaymentMethods(ctx context.Context, opts *PaymentMethodListOptions) (*Page[CustomerPaymentMethod], error)
	// AllPaymentMethods iterates over every saved payment method of every
	// page, 100 at a time unless opts sets Limit.
	// ListOptions tells what a walk sees of a list that changes meanwhile.
	//
	// API: GET /v1/customer-portal/customers/me/payment-methods
	AllPaymentMethods(ctx context.Context, opts *PaymentMethodListOptions) iter.Seq2[CustomerPaymentMethod, error]
	// AddPaymentMethod saves a payment method from a Stripe confirmation
	// token. The result is a *CustomerPaymentMethodCreateSucceededResponse
	// with the new method, or a
	// *CustomerPaymentMethodCreateRequiresActionResponse whose client
	// secret the front end uses to complete the setup (3-D Secure, for
	// one), after which ConfirmPaymentMethod finishes it. A declined card
	// fails with ErrPaymentMethodSetupFailed.
	//
	// API: POST /v1/customer-portal/customers/me/payment-methods
	AddPaymentMethod(ctx context.Context, body *CustomerPaymentMethodCreate) (CustomerPaymentMethodCreateResponse, error)
	// ConfirmPaymentMethod finishes adding a payment method whose setup
	// required an action, from the Stripe setup intent. It fails with
	// ErrCustomerNotReady when the customer cannot confirm a payment
	// method yet.
	//
	// API: POST /v1/customer-portal/customers/me/payment-methods/confirm
	ConfirmPaymentMethod(ctx context.Context, body *CustomerPaymentMethodConfirm) (CustomerPaymentMethodCreateResponse, error)
	// DeletePaymentMethod removes a saved payment method. It fails with
	// ErrPaymentMethodInUseByActiveSubscription when an active
	// subscription still bills it, and ErrResourceNotFound when there is
	// no such payment method.
	//
	// API: DELETE /v1/customer-portal/customers/me/payment-methods/{id}
	DeletePaymentMethod(ctx context.Context, id string) error
	// RequestEmailUpdate starts changing the customer's email address:
	// Polar sends a verification link to the new address (the server
	// answers 202). The token of that link goes to CheckEmailUpdate and
	// VerifyEmailUpdate. It fails with a 403 *APIError when the
	// organization does not let customers change their email address, and
	// a *ValidationError for an invalid address.
	//
	// API: POST /v1/customer-portal/customers/me/email-update/request
	RequestEmailUpdate(ctx context.Context, body *CustomerEmailUpdateRequest) error
	// CheckEmailUpdate tells whether the verification token of an email
	// change is still valid: it returns nil if so, and a 401 *APIError
	// (matching ErrInvalidCustomerEmailUpdate when the server names it)
	// for an invalid or expired token. It is sent without Authorization.
	// An empty token is refused before anything is sent.
	//
	// API: GET /v1/customer-portal/customers/me/email-update/check
	CheckEmailUpdate(ctx context.Context, token string) error
	// VerifyEmailUpdate completes an email change with the token of the
	// verification link, and returns a new customer session token. Use the
	// new token from then on, in place of the session token the change was
	// requested with: client.WithToken(res.Token, polar.SubjectOf(client)),
	// so that the rate limiter counts it as the same customer. It is sent
	// without Authorization. It fails with a 401 *APIError for an invalid or
	// expired token and a 422 *ValidationError when the new address is
	// already in use.
	//
	// API: POST /v1/customer-portal/customers/me/email-update/verify
	VerifyEmailUpdate(ctx context.Context, body *CustomerEmailUpdateVerifyRequest) (*CustomerEmailUpdateVerifyResponse, error)
}

type customersService service

var _ CustomersService = (*customersService)(nil)

const (
	customersMePath    = "/v1/customer-portal/customers/me"
	paymentMethodsPath = customersMePath + "/payment-methods"
	emailUpdatePath    = customersMePath + "/email-update/"
)

var (
	customersGet = declare[none, none, *CustomerPortalCustomer](operation{
		id: OpCustomersGet, method: http.MethodGet, path: customersMePath})
	customersUpdate = declare[none, *CustomerPortalCustomerUpdate, *CustomerPortalCustomer](operation{
		id: OpCustomersUpdate, method: http.MethodPatch, path: customersMePath})
	customersListPaymentMethods = declare[PaymentMethodListOptions, none, *Page[CustomerPaymentMethod]](operation{
		id: OpCustomersListPaymentMethods, method: http.MethodGet, path: paymentMethodsPath})
	customersAddPaymentMethod = declare[none, *CustomerPaymentMethodCreate, CustomerPaymentMethodCreateResponse](operation{
		id: OpCustomersAddPaymentMethod, method: http.MethodPost, path: paymentMethodsPath})
	customersConfirmPaymentMethod = declare[none, *CustomerPaymentMethodConfirm, CustomerPaymentMethodCreateResponse](operation{
		id: OpCustomersConfirmPaymentMethod, method: http.MethodPost, path: paymentMethodsPath + "/confirm"})
	customersDeletePaymentMethod = declare[none, none, none](operation{
		id: OpCustomersDeletePaymentMethod, method: http.MethodDelete, path: paymentMethodsPath + "/{id}"})
	customersRequestEmailUpdate = declare[none, *CustomerEmailUpdateRequest, none](operation{
		id: OpCustomersRequestEmailUpdate, method: http.MethodPost, path: emailUpdatePath + "request",
		zone: ZoneEmailUpdate})
	customersCheckEmailUpdate = declare[emailUpdateCheckQuery, none, none](operation{
		id: OpCustomersCheckEmailUpdate, method: http.MethodGet, path: emailUpdatePath + "check",
		public: true, zone: ZoneEmailUpdate})
	customersVerifyEmailUpdate = declare[none, *CustomerEmailUpdateVerifyRequest, *CustomerEmailUpdateVerifyResponse](operation{
		id: OpCustomersVerifyEmailUpdate, method: http.MethodPost, path: emailUpdatePath + "verify",
		public: true, zone: ZoneEmailUpdate})
)

// emailUpdateCheckQuery is the query of CheckEmailUpdate.
type emailUpdateCheckQuery struct {
	Token string `url:"token"`
}

// validate refuses an empty token, which the server would answer with 422.
func (q *emailUpdateCheckQuery) validate() error {
	if q.Token == "" {
		return errors.New("token is empty")
	}
	return nil
}

func (s *customersService) Get(ctx context.Context) (*CustomerPortalCustomer, error) {
	return customersGet.call(ctx, s.client, "")
}

func (s *customersService) Update(ctx context.Context, body *CustomerPortalCustomerUpdate) (*CustomerPortalCustomer, error) {
	return customersUpdate.send(ctx, s.client, "", body)
}

func (s *customersService) ListPaymentMethods(ctx context.Context, opts *PaymentMethodListOptions) (*Page[CustomerPaymentMethod], error) {
	return customersListPaymentMethods.query(ctx, s.client, opts)
}

func (s *customersService) AllPaymentMethods(ctx context.Context, opts *PaymentMethodListOptions) iter.Seq2[CustomerPaymentMethod, error] {
	return listAll(ctx, s.client, opts, s.ListPaymentMethods)
}

// PaymentMethodListOptions selects a page of Customers.ListPaymentMethods
// and Customers.AllPaymentMethods. Polar takes no filter on payment methods
// today; the type lets one be added later without changing the methods.
type PaymentMethodListOptions struct {
	ListOptions
}

func (s *customersService) AddPaymentMethod(ctx context.Context, body *CustomerPaymentMethodCreate) (CustomerPaymentMethodCreateResponse, error) {
	return customersAddPaymentMethod.send(ctx, s.client, "", body)
}

func (s *customersService) ConfirmPaymentMethod(ctx context.Context, body *CustomerPaymentMethodConfirm) (CustomerPaymentMethodCreateResponse, error) {
	return customersConfirmPaymentMethod.send(ctx, s.client, "", body)
}

func (s *customersService) DeletePaymentMethod(ctx context.Context, id string) error {
	_, err := customersDeletePaymentMethod.call(ctx, s.client, id)
	return err
}

func (s *customersService) RequestEmailUpdate(ctx context.Context, body *CustomerEmailUpdateRequest) error {
	_, err := customersRequestEmailUpdate.send(ctx, s.client, "", body)
	return err
}

func (s *customersService) CheckEmailUpdate(ctx context.Context, token string) error {
	_, err := customersCheckEmailUpdate.query(ctx, s.client, &emailUpdateCheckQuery{Token: token})
	return err
}

func (s *customersService) VerifyEmailUpdate(ctx context.Context, body *CustomerEmailUpdateVerifyRequest) (*CustomerEmailUpdateVerifyResponse, error) {
	return customersVerifyEmailUpdate.send(ctx, s.client, "", body)
}

// CustomerPortalCustomer is the signed-in customer as the customer portal
// shows it.
type CustomerPortalCustomer struct {
	// Creation timestamp of the object.
	CreatedAt time.Time `json:"created_at"`
	// Last modification timestamp of the object.
	ModifiedAt *time.Time `json:"modified_at"`
	// The ID of the object.
	ID string `json:"id"`
	// Email is the customer's email address.
	Email *string `json:"email"`
	// EmailVerified tells whether the customer verified their email
	// address.
	EmailVerified bool `json:"email_verified"`
	// Name is the customer's name.
	Name *string `json:"name"`
	// BillingName is the name that appears on invoices.
	BillingName *string `json:"billing_name"`
	// BillingAddress is the address that appears on invoices.
	BillingAddress *Address `json:"billing_address"`
	// TaxID is the customer's tax ID and its format.
	TaxID *TaxID `json:"tax_id"`
	// OAuthAccounts holds the accounts the customer linked (GitHub,
	// Discord, ...), by platform.
	OAuthAccounts map[string]CustomerPortalOAuthAccount `json:"oauth_accounts"`
	// DefaultPaymentMethodID is the ID of the payment method used by
	// default.
	DefaultPaymentMethodID *string `json:"default_payment_method_id,omitempty"`
	// Type tells an individual customer from a team.
	Type *CustomerType `json:"type,omitempty"`
	// Locale is the customer's preferred locale, such as "en" or "fr".
	Locale *string `json:"locale,omitempty"`
}

// CustomerPortalOAuthAccount is an account of another platform that the
// customer linked.
type CustomerPortalOAuthAccount struct {
	// AccountID is the ID of the account on its platform.
	AccountID string `json:"account_id"`
	// AccountUsername is the user name on its platform, if known.
	AccountUsername *string `json:"account_username"`
}

// CustomerType tells an individual customer from a team customer, whose
// members share its purchases.
type CustomerType string

// Values of CustomerType.
const (
	CustomerTypeIndividual CustomerType = "individual"
	CustomerTypeTeam       CustomerType = "team"
)

// TaxID is a tax ID with its format, such as {"FR61954506077", TaxIDFormatEUVAT}.
// On the wire it is the two-item array ["FR61954506077", "eu_vat"].
type TaxID struct {
	// ID is the tax ID itself.
	ID string
	// Format is the kind of tax ID.
	Format TaxIDFormat
}

// MarshalJSON writes the tax ID as the array [id, format].
func (t TaxID) MarshalJSON() ([]byte, error) {
	return json.Marshal([2]string{t.ID, string(t.Format)})
}

// UnmarshalJSON reads the array [id, format]; null leaves t unchanged.
func (t *TaxID) UnmarshalJSON(b []byte) error {
	if isNull(b) {
		return nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(b, &items); err != nil {
		return fmt.Errorf("polar: decoding a TaxID: %w", err)
	}
	if len(items) != 2 {
		return fmt.Errorf("polar: decoding a TaxID: want [id, format], got %d items", len(items))
	}
	var v TaxID
	if err := json.Unmarshal(items[0], &v.ID); err != nil {
		return fmt.Errorf("polar: decoding a TaxID's id: %w", err)
	}
	if err := json.Unmarshal(items[1], &v.Format); err != nil {
		return fmt.Errorf("polar: decoding a TaxID's format: %w", err)
	}
	*t = v
	return nil
}

// TaxIDFormat is the kind of a tax ID, named after Stripe's tax ID types:
// a country code and the name of the ID, such as eu_vat or us_ein.
type TaxIDFormat string

// Values of TaxIDFormat.
const (
	TaxIDFormatADNRT    TaxIDFormat = "ad_nrt"
	TaxIDFormatAETRN    TaxIDFormat = "ae_trn"
	TaxIDFormatARCUIT   TaxIDFormat = "ar_cuit"
	TaxIDFormatAUABN    TaxIDFormat = "au_abn"
	TaxIDFormatAUARN    TaxIDFormat = "au_arn"
	TaxIDFormatBGUIC    TaxIDFormat = "bg_uic"
	TaxIDFormatBHVAT    TaxIDFormat = "bh_vat"
	TaxIDFormatBOTIN    TaxIDFormat = "bo_tin"
	TaxIDFormatBRCNPJ   TaxIDFormat = "br_cnpj"
	TaxIDFormatBRCPF    TaxIDFormat = "br_cpf"
	TaxIDFormatCABN     TaxIDFormat = "ca_bn"
	TaxIDFormatCAGSTHST TaxIDFormat = "ca_gst_hst"
	TaxIDFormatCAPSTBC  TaxIDFormat = "ca_pst_bc"
	TaxIDFormatCAPSTMB  TaxIDFormat = "ca_pst_mb"
	TaxIDFormatCAPSTSK  TaxIDFormat = "ca_pst_sk"
	TaxIDFormatCAQST    TaxIDFormat = "ca_qst"
	TaxIDFormatCHUID    TaxIDFormat = "ch_uid"
	TaxIDFormatCHVAT    TaxIDFormat = "ch_vat"
	TaxIDFormatCLTIN    TaxIDFormat = "cl_tin"
	TaxIDFormatCNTIN    TaxIDFormat = "cn_tin"
	TaxIDFormatCONIT    TaxIDFormat = "co_nit"
	TaxIDFormatCRTIN    TaxIDFormat = "cr_tin"
	TaxIDFormatDESTN    TaxIDFormat = "de_stn"
	TaxIDFormatDORCN    TaxIDFormat = "do_rcn"
	TaxIDFormatECRUC    TaxIDFormat = "ec_ruc"
	TaxIDFormatEGTIN    TaxIDFormat = "eg_tin"
	TaxIDFormatESCIF    TaxIDFormat = "es_cif"
	TaxIDFormatEUOSSVAT TaxIDFormat = "eu_oss_vat"
	TaxIDFormatEUVAT    TaxIDFormat = "eu_vat"
	TaxIDFormatGBVAT    TaxIDFormat = "gb_vat"
	TaxIDFormatGEVAT    TaxIDFormat = "ge_vat"
	TaxIDFormatHKBR     TaxIDFormat = "hk_br"
	TaxIDFormatHROIB    TaxIDFormat = "hr_oib"
	TaxIDFormatHUTIN    TaxIDFormat = "hu_tin"
	TaxIDFormatIDNPWP   TaxIDFormat = "id_npwp"
	TaxIDFormatILVAT    TaxIDFormat = "il_vat"
	TaxIDFormatINGST    TaxIDFormat = "in_gst"
	TaxIDFormatISVAT    TaxIDFormat = "is_vat"
	TaxIDFormatJPCN     TaxIDFormat = "jp_cn"
	TaxIDFormatJPRN     TaxIDFormat = "jp_rn"
	TaxIDFormatJPTRN    TaxIDFormat = "jp_trn"
	TaxIDFormatKEPIN    TaxIDFormat = "ke_pin"
	TaxIDFormatKRBRN    TaxIDFormat = "kr_brn"
	TaxIDFormatKZBIN    TaxIDFormat = "kz_bin"
	TaxIDFormatLIUID    TaxIDFormat = "li_uid"
	TaxIDFormatMKVAT    TaxIDFormat = "mk_vat"
	TaxIDFormatMXRFC    TaxIDFormat = "mx_rfc"
	TaxIDFormatMYFRP    TaxIDFormat = "my_frp"
	TaxIDFormatMYITN    TaxIDFormat = "my_itn"
	TaxIDFormatMYSST    TaxIDFormat = "my_sst"
	TaxIDFormatNGTIN    TaxIDFormat = "ng_tin"
	TaxIDFormatNOVAT    TaxIDFormat = "no_vat"
	TaxIDFormatNOVOEC   TaxIDFormat = "no_voec"
	TaxIDFormatNZGST    TaxIDFormat = "nz_gst"
	TaxIDFormatOMVAT    TaxIDFormat = "om_vat"
	TaxIDFormatPERUC    TaxIDFormat = "pe_ruc"
	TaxIDFormatPHTIN    TaxIDFormat = "ph_tin"
	TaxIDFormatROTIN    TaxIDFormat = "ro_tin"
	TaxIDFormatRSPIB    TaxIDFormat = "rs_pib"
	TaxIDFormatRUINN    TaxIDFormat = "ru_inn"
	TaxIDFormatRUKPP    TaxIDFormat = "ru_kpp"
	TaxIDFormatSAVAT    TaxIDFormat = "sa_vat"
	TaxIDFormatSGGST    TaxIDFormat = "sg_gst"
	TaxIDFormatSGUEN    TaxIDFormat = "sg_uen"
	TaxIDFormatSITIN    TaxIDFormat = "si_tin"
	TaxIDFormatSVNIT    TaxIDFormat = "sv_nit"
	TaxIDFormatTHVAT    TaxIDFormat = "th_vat"
	TaxIDFormatTRTIN    TaxIDFormat = "tr_tin"
	TaxIDFormatTWVAT    TaxIDFormat = "tw_vat"
	TaxIDFormatUAVAT    TaxIDFormat = "ua_vat"
	TaxIDFormatUSEIN    TaxIDFormat = "us_ein"
	TaxIDFormatUYRUC    TaxIDFormat = "uy_ruc"
	TaxIDFormatVERIF    TaxIDFormat = "ve_rif"
	TaxIDFormatVNTIN    TaxIDFormat = "vn_tin"
	TaxIDFormatZAVAT    TaxIDFormat = "za_vat"
	TaxIDFormatMUTAN    TaxIDFormat = "mu_tan"
)

// CustomerPortalCustomerUpdate is the body of Customers.Update. Each field
// can be left out (the zero value) or set with Set; what Null (and an
// empty string) does depends on the field, as each says. The server's
// refusals are *ValidationError values matching
// ErrPolarRequestValidationError, whose item names the field in its Loc.
type CustomerPortalCustomerUpdate struct {
	// BillingName is the name that appears on invoices. Null, like the
	// empty string, leaves the name as it is: it cannot be cleared.
	BillingName Nullable[string] `json:"billing_name,omitzero"`
	// BillingAddress is the address that appears on invoices. Null is
	// refused (type missing): once set, it cannot be cleared.
	BillingAddress Nullable[AddressInput] `json:"billing_address,omitzero"`
	// TaxID is the customer's tax ID, without its format: the server
	// recognizes the format from the ID and the billing country. Null or
	// the empty string clears it. One that does not fit the billing
	// country, the new one or the current one (a new address re-checks the
	// current ID), is refused (Loc body.tax_id, type invalid), and so is a
	// tax ID without a billing address (Loc body.billing_address, type
	// missing).
	TaxID Nullable[string] `json:"tax_id,omitzero"`
	// DefaultPaymentMethodID is the ID of the saved payment method to use
	// by default. Null is refused (type missing), and so is a method that
	// is not one of the customer's (type invalid).
	DefaultPaymentMethodID Nullable[string] `json:"default_payment_method_id,omitzero"`
}

// CustomerPaymentMethod is a saved payment method, discriminated by its
// type. Its variants are *PaymentMethodCard (type card),
// *PaymentMethodKrCard (kr_card), *PaymentMethodGeneric (the other
// documented types, see PaymentMethodGeneric) and
// *CustomerPaymentMethodUnknown for a type this SDK does not know. Use a
// type switch:
//
//	switch pm := pm.(type) {
//	case *polar.PaymentMethodCard:
//		fmt.Println(pm.MethodMetadata.Brand, pm.MethodMetadata.Last4)
//	case *polar.PaymentMethodGeneric:
//		fmt.Println(pm.Type)
//	case *polar.CustomerPaymentMethodUnknown:
//		fmt.Println("payment method type not known to this SDK:", pm.Type)
//	}
//
// Common reaches the fields every payment method has without a type switch.
type CustomerPaymentMethod interface {
	// Common returns the fields every payment method has; nil for
	// *CustomerPaymentMethodUnknown, whose Raw holds them.
	Common() *PaymentMethodCommon
	isCustomerPaymentMethod()
}

// genericPaymentMethodTypes are the types PaymentMethodGeneric stands for:
// the payment method types Stripe documents as reusable (saved on a
// customer for later payments) that have no variant of their own.
var genericPaymentMethodTypes = []string{
	"acss_debit", "amazon_pay", "au_becs_debit", "bacs_debit", "boleto",
	"cashapp", "kakao_pay", "klarna", "link", "naver_pay", "nz_bank_account",
	"payco", "paypal", "revolut_pay", "samsung_pay", "sepa_debit",
	"us_bank_account",
}

var customerPaymentMethods = newUnion("CustomerPaymentMethod", []string{"type"}, "",
	func(u UnknownVariant) CustomerPaymentMethod { return &CustomerPaymentMethodUnknown{u} },
	paymentMethodVariants()...,
)

// paymentMethodVariants lists the rows of the CustomerPaymentMethod union:
// one per generic type, all decoding into PaymentMethodGeneric, which
// keeps its type in a field and so needs no discriminator from the table
// to write it back.
func paymentMethodVariants() []variant[CustomerPaymentMethod] {
	vs := []variant[CustomerPaymentMethod]{
		is[CustomerPaymentMethod, PaymentMethodCard]("card"),
		is[CustomerPaymentMethod, PaymentMethodKrCard]("kr_card"),
	}
	for _, t := range genericPaymentMethodTypes {
		vs = append(vs, is[CustomerPaymentMethod, PaymentMethodGeneric](t))
	}
	return vs
}

// PaymentMethodCommon holds the fields every saved payment method has; each
// variant of CustomerPaymentMethod embeds it.
type PaymentMethodCommon struct {
	// The ID of the object.
	ID string `json:"id"`
	// Creation timestamp of the object.
	CreatedAt time.Time `json:"created_at"`
	// Last modification timestamp of the object.
	ModifiedAt *time.Time `json:"modified_at"`
	// Processor is the payment processor that holds the payment method.
	Processor PaymentProcessor `json:"processor"`
	// CustomerID is the ID of the customer the payment method belongs to.
	CustomerID string `json:"customer_id"`
}

// Common returns b: every payment method variant has it through its
// embedded PaymentMethodCommon.
func (b *PaymentMethodCommon) Common() *PaymentMethodCommon { return b }

// PaymentMethodCard is a saved card (type card), Apple Pay and Google Pay
// included.
type PaymentMethodCard struct {
	PaymentMethodCommon
	// MethodMetadata describes the card.
	MethodMetadata PaymentMethodCardMetadata `json:"method_metadata"`
}

func (*PaymentMethodCard) isCustomerPaymentMethod() {}

// MarshalJSON writes the payment method with its type.
func (p PaymentMethodCard) MarshalJSON() ([]byte, error) {
	type plain PaymentMethodCard
	return marshalAs[PaymentMethodCard](customerPaymentMethods, plain(p))
}

// PaymentMethodCardMetadata describes a saved card.
type PaymentMethodCardMetadata struct {
	// Brand is the card brand, such as "visa" or "mastercard".
	Brand string `json:"brand"`
	// Last4 holds the last four digits of the card number.
	Last4 string `json:"last4"`
	// ExpMonth is the month the card expires, from 1 to 12.
	ExpMonth int64 `json:"exp_month"`
	// ExpYear is the year the card expires.
	ExpYear int64 `json:"exp_year"`
	// Wallet is the wallet the card is used through, such as "apple_pay".
	Wallet *string `json:"wallet,omitempty"`
}

// PaymentMethodKrCard is a saved Korean card (type kr_card).
type PaymentMethodKrCard struct {
	PaymentMethodCommon
	// MethodMetadata describes the card.
	MethodMetadata PaymentMethodKrCardMetadata `json:"method_metadata"`
}

func (*PaymentMethodKrCard) isCustomerPaymentMethod() {}

// MarshalJSON writes the payment method with its type.
func (p PaymentMethodKrCard) MarshalJSON() ([]byte, error) {
	type plain PaymentMethodKrCard
	return marshalAs[PaymentMethodKrCard](customerPaymentMethods, plain(p))
}

// PaymentMethodKrCardMetadata describes a saved Korean card.
type PaymentMethodKrCardMetadata struct {
	// Brand is the card brand, if known.
	Brand *string `json:"brand"`
	// Last4 holds the last four digits of the card number, if known.
	Last4 *string `json:"last4"`
}

// PaymentMethodGeneric is a saved payment method without details of its
// own: a bank debit (sepa_debit, us_bank_account, acss_debit,
// au_becs_debit, bacs_debit, nz_bank_account), a wallet (link, paypal,
// cashapp, amazon_pay, revolut_pay, kakao_pay, naver_pay, payco,
// samsung_pay), klarna or boleto. A type outside this list decodes as a
// *CustomerPaymentMethodUnknown instead, so that details a newer server
// may send with it are kept.
type PaymentMethodGeneric struct {
	PaymentMethodCommon
	// Type is the payment method's type, such as "sepa_debit"; it is
	// written back as decoded.
	Type string `json:"type"`
}

func (*PaymentMethodGeneric) isCustomerPaymentMethod() {}

// CustomerPaymentMethodUnknown is a CustomerPaymentMethod whose type this
// SDK does not know. It keeps the raw JSON, which it marshals back
// unchanged.
type CustomerPaymentMethodUnknown struct{ UnknownVariant }

func (*CustomerPaymentMethodUnknown) isCustomerPaymentMethod() {}

// Common returns nil: the payment method's fields are in Raw.
func (*CustomerPaymentMethodUnknown) Common() *PaymentMethodCommon { return nil }

// CustomerPaymentMethodCreate is the body of Customers.AddPaymentMethod.
type CustomerPaymentMethodCreate struct {
	// ConfirmationTokenID is the ID of the Stripe confirmation token
	// created by the front end.
	ConfirmationTokenID string `json:"confirmation_token_id"`
	// SetDefault makes the new payment method the default one.
	SetDefault bool `json:"set_default"`
	// ReturnURL is where Stripe sends the customer back after an action
	// such as 3-D Secure.
	ReturnURL string `json:"return_url"`
}

// CustomerPaymentMethodConfirm is the body of
// Customers.ConfirmPaymentMethod.
type CustomerPaymentMethodConfirm struct {
	// SetupIntentID is the ID of the Stripe setup intent that the action
	// completed.
	SetupIntentID string `json:"setup_intent_id"`
	// SetDefault makes the payment method the default one.
	SetDefault bool `json:"set_default"`
}

// CustomerPaymentMethodCreateResponse is the result of adding or
// confirming a payment method, discriminated by status. Its variants are
// *CustomerPaymentMethodCreateSucceededResponse (succeeded),
// *CustomerPaymentMethodCreateRequiresActionResponse (requires_action) and
// *CustomerPaymentMethodCreateResponseUnknown for a status this SDK does
// not know.
type CustomerPaymentMethodCreateResponse interface {
	isCustomerPaymentMethodCreateResponse()
}

var customerPaymentMethodCreateResponses = newUnion("CustomerPaymentMethodCreateResponse", []string{"status"}, "",
	func(u UnknownVariant) CustomerPaymentMethodCreateResponse {
		return &CustomerPaymentMethodCreateResponseUnknown{u}
	},
	is[CustomerPaymentMethodCreateResponse, CustomerPaymentMethodCreateSucceededResponse]("succeeded"),
	is[CustomerPaymentMethodCreateResponse, CustomerPaymentMethodCreateRequiresActionResponse]("requires_action"),
)

// CustomerPaymentMethodCreateSucceededResponse says that the payment method
// was saved (status succeeded).
type CustomerPaymentMethodCreateSucceededResponse struct {
	// PaymentMethod is the saved payment method.
	PaymentMethod CustomerPaymentMethod `json:"payment_method"`
}

func (*CustomerPaymentMethodCreateSucceededResponse) isCustomerPaymentMethodCreateResponse() {}

// MarshalJSON writes the response with its status.
func (r CustomerPaymentMethodCreateSucceededResponse) MarshalJSON() ([]byte, error) {
	type plain CustomerPaymentMethodCreateSucceededResponse
	return marshalAs[CustomerPaymentMethodCreateSucceededResponse](customerPaymentMethodCreateResponses, plain(r))
}

// UnmarshalJSON decodes the payment method through its union.
func (r *CustomerPaymentMethodCreateSucceededResponse) UnmarshalJSON(b []byte) error {
	var aux struct {
		PaymentMethod json.RawMessage `json:"payment_method"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	return customerPaymentMethods.decodeField(aux.PaymentMethod, &r.PaymentMethod)
}

// CustomerPaymentMethodCreateRequiresActionResponse says that the customer
// must complete an action, such as 3-D Secure, before the payment method
// is saved (status requires_action). Hand ClientSecret to Stripe.js in
// the front end, then call Customers.ConfirmPaymentMethod.
type CustomerPaymentMethodCreateRequiresActionResponse struct {
	// ClientSecret is the client secret of the Stripe setup intent.
	ClientSecret string `json:"client_secret"`
}

func (*CustomerPaymentMethodCreateRequiresActionResponse) isCustomerPaymentMethodCreateResponse() {}

// MarshalJSON writes the response with its status.
func (r CustomerPaymentMethodCreateRequiresActionResponse) MarshalJSON() ([]byte, error) {
	type plain CustomerPaymentMethodCreateRequiresActionResponse
	return marshalAs[CustomerPaymentMethodCreateRequiresActionResponse](customerPaymentMethodCreateResponses, plain(r))
}

// CustomerPaymentMethodCreateResponseUnknown is a
// CustomerPaymentMethodCreateResponse whose status this SDK does not know.
// It keeps the raw JSON, which it marshals back unchanged.
type CustomerPaymentMethodCreateResponseUnknown struct{ UnknownVariant }

func (*CustomerPaymentMethodCreateResponseUnknown) isCustomerPaymentMethodCreateResponse() {}

// CustomerEmailUpdateRequest is the body of Customers.RequestEmailUpdate.
type CustomerEmailUpdateRequest struct {
	// Email is the new email address, where the verification link is
	// sent.
	Email string `json:"email"`
}

// CustomerEmailUpdateVerifyRequest is the body of
// Customers.VerifyEmailUpdate.
type CustomerEmailUpdateVerifyRequest struct {
	// Token is the token of the verification link.
	Token string `json:"token"`
}

// CustomerEmailUpdateVerifyResponse is the result of
// Customers.VerifyEmailUpdate.
type CustomerEmailUpdateVerifyResponse struct {
	// Token is a new customer session token, to use in place of the old
	// one.
	Token string `json:"token"`
}
