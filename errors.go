package polar

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// maxErrorBody bounds how much of an error answer is read.
const maxErrorBody = 64 << 10

// APIError is the error for any answer outside 2xx. Use errors.Is with the
// Err... sentinels to test for a named error, and errors.As to read it:
//
//	var apiErr *polar.APIError
//	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusConflict { ... }
//	if errors.Is(err, polar.ErrResourceNotFound) { ... }
type APIError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Name is the error member of the body, such as "ResourceNotFound"
	// or "invalid_token"; empty when the body has none.
	Name string
	// Detail is the detail member of the body (or error_description for
	// token errors), when it is text.
	Detail string
	// Method and Path name the operation, Path as a template such as
	// /v1/customer-portal/orders/{id}.
	Method, Path string
	// Attempt is the attempt that got this answer: 1 for the first, more
	// when earlier attempts were retried. An answer to a retry may describe
	// the effect of an earlier attempt, such as a subscription that the
	// first DELETE canceled.
	Attempt int
	// Header holds the answer's headers.
	Header http.Header
	// Body is the start of the body (at most 64 KiB) when it could not be
	// parsed as an error document, such as a proxy's HTML page.
	Body []byte
}

// APIVersion returns the Polar-Version the server answered with, such as
// "2026-10".
func (e *APIError) APIVersion() string { return e.Header.Get("Polar-Version") }

// Error names the operation (when known), the status and the server's
// error name and detail, each said once: a 401 whose name and detail are
// both "Unauthorized" reads "401 Unauthorized".
func (e *APIError) Error() string {
	msg := "polar: "
	if e.Method != "" || e.Path != "" {
		msg += e.Method + " " + e.Path + ": "
	}
	status := http.StatusText(e.StatusCode)
	msg += strconv.Itoa(e.StatusCode)
	if status != "" {
		msg += " " + status
	}
	if e.Name != "" && !sameText(e.Name, status) {
		msg += ": " + e.Name
	}
	if e.Detail != "" && !sameText(e.Detail, status) && !sameText(e.Detail, e.Name) {
		msg += ": " + e.Detail
	}
	if e.Name == "" && e.Detail == "" && len(e.Body) > 0 {
		msg += ": " + excerpt(e.Body, 120)
	}
	return msg
}

// sameText reports whether two parts of an error message say the same
// thing, such as the status text "Not Found" and a detail "Not found.".
func sameText(a, b string) bool {
	return strings.EqualFold(strings.TrimSuffix(a, "."), strings.TrimSuffix(b, "."))
}

// Is reports whether target is the sentinel of e's error name.
func (e *APIError) Is(target error) bool {
	n, ok := target.(errorName)
	return ok && e.Name != "" && string(n) == e.Name
}

// ValidationError is the error for a 422 answer that names no domain
// error: the request did not pass the server's validation. Errors lists
// each invalid field; it is empty when the server named none (a body of
// {} or "detail": null). errors.As also finds its *APIError.
type ValidationError struct {
	*APIError
	// Errors lists each invalid field.
	Errors []ValidationDetail
}

func (e *ValidationError) Error() string {
	msg := e.APIError.Error()
	for i, d := range e.Errors {
		if i == 3 {
			msg += fmt.Sprintf(" (and %d more)", len(e.Errors)-i)
			break
		}
		msg += "; " + d.String()
	}
	return msg
}

// Unwrap returns the underlying *APIError.
func (e *ValidationError) Unwrap() error { return e.APIError }

// ValidationDetail is one invalid field of a request (the API's
// ValidationError schema).
type ValidationDetail struct {
	// Loc is where the field is: strings and ints, such as
	// ["body", "items", 0, "email"] (see UnmarshalJSON for other values).
	Loc []any `json:"loc"`
	// Msg says what is wrong.
	Msg string `json:"msg"`
	// Type is the kind of error, such as "missing" or "uuid_parsing".
	Type string `json:"type"`
	// Input is the value that was rejected, as sent back by the server.
	Input json.RawMessage `json:"input,omitempty"`
	// Ctx holds details of the check that failed.
	Ctx map[string]any `json:"ctx,omitempty"`
}

// UnmarshalJSON decodes Loc items: a string stays a string, an integer
// becomes an int, any other number a float64, null nil, and anything else
// its raw JSON as a json.RawMessage. A malformed item never fails the
// whole detail.
func (d *ValidationDetail) UnmarshalJSON(b []byte) error {
	type plain ValidationDetail
	var aux struct {
		plain
		Loc []json.RawMessage `json:"loc"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*d = ValidationDetail(aux.plain)
	d.Loc = nil
	if aux.Loc != nil {
		d.Loc = make([]any, 0, len(aux.Loc))
	}
	for _, raw := range aux.Loc {
		d.Loc = append(d.Loc, locItem(raw))
	}
	return nil
}

func locItem(raw json.RawMessage) any {
	if isNull(raw) {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n int
	if json.Unmarshal(raw, &n) == nil {
		return n
	}
	var f float64
	if json.Unmarshal(raw, &f) == nil {
		return f
	}
	return append(json.RawMessage(nil), raw...)
}

func (d ValidationDetail) String() string {
	loc := ""
	for i, p := range d.Loc {
		if i > 0 {
			loc += "."
		}
		loc += fmt.Sprint(p)
	}
	return loc + ": " + d.Msg
}

// RateLimitError is the error for a rate-limiting 429 answer (or a call
// refused on the client side because Polar blocked its caller). errors.As
// also finds its *APIError; errors.Is matches ErrRateLimited.
type RateLimitError struct {
	*APIError
	// RetryAfter is how long the caller is blocked.
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return e.APIError.Error() + " (retry after " + e.RetryAfter.String() + ")"
}

// Unwrap returns the underlying *APIError.
func (e *RateLimitError) Unwrap() error { return e.APIError }

// Is matches ErrRateLimited.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// NewRateLimitError returns the error of a call refused on the client
// side because its caller is rate limited for retryAfter, for a custom
// Limiter's Wait to return. Its message reads well on its own; returned
// through a call, it also names the call's method and path. It matches
// ErrRateLimited, and IsTransient reports true for it.
func NewRateLimitError(retryAfter time.Duration) *RateLimitError {
	return &RateLimitError{
		APIError: &APIError{
			StatusCode: http.StatusTooManyRequests,
			Detail:     "not sent: the caller is blocked after an earlier 429",
		},
		RetryAfter: retryAfter,
	}
}

func newBlockedError(d time.Duration) *RateLimitError { return NewRateLimitError(d) }

// errorName is the type of the sentinels: an *APIError matches the one
// named by its error member. Like every sentinel of the package, its text
// has no "polar:" prefix: the error that wraps it names the package and
// the call.
type errorName string

func (n errorName) Error() string { return string(n) }

// Sentinels for errors.Is, one per error name Polar sends. Each matches
// the *APIError whose Name is its name, whatever the status, so errors.Is
// works the same for a name that gets its sentinel in a later version of
// this package. A name that has none yet is read from APIError.Name:
//
//	var apiErr *polar.APIError
//	if errors.As(err, &apiErr) && apiErr.Name == "SomeNewName" { ... }
var (
	ErrResourceNotFound                       error = errorName("ResourceNotFound")
	ErrNotPermitted                           error = errorName("NotPermitted")
	ErrUnauthorized                           error = errorName("Unauthorized")
	ErrAlreadyCanceledSubscription            error = errorName("AlreadyCanceledSubscription")
	ErrPauseResumeNotAllowed                  error = errorName("PauseResumeNotAllowed")
	ErrPaymentFailed                          error = errorName("PaymentFailed")
	ErrCustomerNotReady                       error = errorName("CustomerNotReady")
	ErrPaymentMethodInUseByActiveSubscription error = errorName("PaymentMethodInUseByActiveSubscription")
	ErrPaymentMethodSetupFailed               error = errorName("PaymentMethodSetupFailed")
	ErrPaymentMethodRequired                  error = errorName("PaymentMethodRequired")
	ErrOrderNotEligibleForInvoice             error = errorName("OrderNotEligibleForInvoice")
	ErrMissingInvoiceBillingDetails           error = errorName("MissingInvoiceBillingDetails")
	ErrOrderNotEligibleForRetry               error = errorName("OrderNotEligibleForRetry")
	ErrPaymentAlreadyInProgress               error = errorName("PaymentAlreadyInProgress")
	ErrManualRetryLimitExceeded               error = errorName("ManualRetryLimitExceeded")
	ErrRotateNotPermitted                     error = errorName("RotateNotPermitted")
	ErrInvoiceDoesNotExist                    error = errorName("InvoiceDoesNotExist")
	ErrReceiptNotAllocated                    error = errorName("ReceiptNotAllocated")
	ErrPaymentRetryValidationError            error = errorName("PaymentRetryValidationError")
	ErrInvalidCustomerEmailUpdate             error = errorName("InvalidCustomerEmailUpdate")
	ErrPaymentNotReady                        error = errorName("PaymentNotReady")
	ErrLengthRequired                         error = errorName("LengthRequired")
	ErrRequestBodyTooLarge                    error = errorName("RequestBodyTooLarge")
	ErrRequestValidationError                 error = errorName("RequestValidationError")
	// ErrBadRequest is a 400 the server names BadRequest, such as a license
	// key validation past its usage limit.
	ErrBadRequest error = errorName("BadRequest")
	// ErrPolarRequestValidationError is a 422 of a rule the server checks
	// itself, such as a team's one owner; it is also a *ValidationError.
	ErrPolarRequestValidationError error = errorName("PolarRequestValidationError")
	// ErrInvalidToken is a missing, invalid or expired token (401
	// invalid_token).
	ErrInvalidToken error = errorName("invalid_token")
	// ErrInsufficientScope is a token that lacks the scope an operation
	// needs (403 insufficient_scope), such as an organization token
	// without customer_sessions:write on Sessions.Create.
	ErrInsufficientScope error = errorName("insufficient_scope")
	// ErrAmbiguousExternalCustomerID is a 409 of Sessions.Create: customers
	// of several organizations the token reaches share the external ID.
	ErrAmbiguousExternalCustomerID error = errorName("AmbiguousExternalCustomerID")
)

// Sentinels of the seat errors (SeatsService).
var (
	// ErrFeatureNotEnabled is a 403: the organization has not enabled
	// seat-based pricing.
	ErrFeatureNotEnabled error = errorName("FeatureNotEnabled")
	// ErrSeatNotAvailable is a 400 of Seats.Assign: every seat is taken,
	// the order is not paid yet, or the purchase has no product.
	ErrSeatNotAvailable error = errorName("SeatNotAvailable")
	// ErrSeatAlreadyAssigned is a 400 of Seats.Assign: the person already
	// holds a seat of the subscription or order.
	ErrSeatAlreadyAssigned error = errorName("SeatAlreadyAssigned")
	// ErrInvalidSeatAssignmentRequest is a 400 of Seats.Assign: the body
	// does not name the person exactly one way, or names a customer that
	// does not exist.
	ErrInvalidSeatAssignmentRequest error = errorName("InvalidSeatAssignmentRequest")
	// ErrCustomerNotFound is a 404 of Seats.Assign: no customer has the
	// customer ID or external customer ID of the body.
	ErrCustomerNotFound error = errorName("CustomerNotFound")
	// ErrMemberNotFound is a 404 of Seats.Assign: no member has the member
	// ID or external member ID of the body.
	ErrMemberNotFound error = errorName("MemberNotFound")
	// ErrMemberEmailMismatch is a 400 of Seats.Assign: the member with the
	// body's external member ID has another email address.
	ErrMemberEmailMismatch error = errorName("MemberEmailMismatch")
	// ErrSeatNotPending is a 400 of Seats.ResendInvitation: the seat is
	// claimed or revoked, not waiting for its invitation.
	ErrSeatNotPending error = errorName("SeatNotPending")
	// ErrInvalidInvitationToken is a 400 of Seats.ResendInvitation: the
	// seat's invitation expired or has no token.
	ErrInvalidInvitationToken error = errorName("InvalidInvitationToken")
)

// Sentinels of the subscription errors (Subscriptions.Update).
var (
	// ErrUpdateSubscriptionPlanNotAllowed is a 403: the organization does
	// not let customers switch products.
	ErrUpdateSubscriptionPlanNotAllowed error = errorName("UpdateSubscriptionPlanNotAllowed")
	// ErrUpdateSubscriptionSeatsNotAllowed is a 403: the organization does
	// not let customers change the number of seats.
	ErrUpdateSubscriptionSeatsNotAllowed error = errorName("UpdateSubscriptionSeatsNotAllowed")
	// ErrUpdateSubscriptionUnitsNotAllowed is a 403: the organization does
	// not let customers change the number of units.
	ErrUpdateSubscriptionUnitsNotAllowed error = errorName("UpdateSubscriptionUnitsNotAllowed")
	// ErrNotASeatBasedSubscription is a 400: a change of seats for a
	// subscription without seat-based pricing.
	ErrNotASeatBasedSubscription error = errorName("NotASeatBasedSubscription")
	// ErrBelowMinimumSeats is a 400: fewer seats than the price allows.
	ErrBelowMinimumSeats error = errorName("BelowMinimumSeats")
	// ErrAboveMaximumSeats is a 400: more seats than the price allows.
	ErrAboveMaximumSeats error = errorName("AboveMaximumSeats")
	// ErrSeatsAlreadyAssigned is a 400: fewer seats than are assigned;
	// revoke seats first.
	ErrSeatsAlreadyAssigned error = errorName("SeatsAlreadyAssigned")
	// ErrNotAUnitBasedSubscription is a 400: a change of units for a
	// subscription without unit-based pricing.
	ErrNotAUnitBasedSubscription error = errorName("NotAUnitBasedSubscription")
	// ErrBelowMinimumUnits is a 400: fewer units than the price allows.
	ErrBelowMinimumUnits error = errorName("BelowMinimumUnits")
	// ErrAboveMaximumUnits is a 400: more units than the price allows.
	ErrAboveMaximumUnits error = errorName("AboveMaximumUnits")
	// ErrCannotPauseSubscription is a 409: the subscription cannot be
	// paused in its state (such as canceled or in a trial).
	ErrCannotPauseSubscription error = errorName("CannotPauseSubscription")
	// ErrNoScheduledPause is a 409: taking back a pause that was not
	// scheduled.
	ErrNoScheduledPause error = errorName("NoScheduledPause")
	// ErrNotPausedSubscription is a 409: resuming a subscription that is
	// not paused.
	ErrNotPausedSubscription error = errorName("NotPausedSubscription")
	// ErrResourceUnavailable is a 410: taking back the cancellation of a
	// subscription that has already ended.
	ErrResourceUnavailable error = errorName("ResourceUnavailable")
	// ErrPaymentActionRequired is a 402: a change charged at once needs the
	// customer to authenticate the payment (such as a 3-D Secure
	// challenge), which an off-session charge cannot do.
	ErrPaymentActionRequired error = errorName("PaymentActionRequired")
)

var (
	// ErrRateLimited matches every *RateLimitError.
	ErrRateLimited = errors.New("rate limited")

	// ErrNotReady is returned for a 202 answer where a result was expected:
	// the server is still producing it (an order's receipt). Ask again
	// later, with backoff.
	ErrNotReady = errors.New("not ready yet (202 Accepted)")
)

// ErrInvalidArgument matches the errors of calls refused before anything
// was sent because an argument could not be right: an empty or unsafe
// path argument, a missing body, list options out of range.
var ErrInvalidArgument = errors.New("invalid argument")

// argError reports an invalid argument of operation op.
func argError(op *operation, format string, args ...any) error {
	return fmt.Errorf("polar: %s %s: %w: %s", op.method, op.path, ErrInvalidArgument, fmt.Sprintf(format, args...))
}

// errNilContext is returned when a method is called with a nil context.
var errNilContext = fmt.Errorf("polar: %w: nil Context", ErrInvalidArgument)

// errorDoc is the body of an error answer.
type errorDoc struct {
	Error            string          `json:"error"`
	Detail           json.RawMessage `json:"detail"`
	ErrorDescription string          `json:"error_description"`
}

// errorNameOf returns the error member of a JSON error body, or "".
func errorNameOf(body []byte) string {
	var doc errorDoc
	if len(bytes.TrimSpace(body)) == 0 || json.Unmarshal(body, &doc) != nil {
		return ""
	}
	return doc.Error
}

// excerpt returns at most n bytes of b as printable text.
func excerpt(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
		for len(b) > 0 && !utf8.Valid(b) {
			b = b[:len(b)-1]
		}
		return strconv.Quote(string(b)) + "..."
	}
	return strconv.Quote(string(b))
}
