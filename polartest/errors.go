package polartest

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// apiError is an error answer: a status, a JSON body (nil for none) and
// extra headers. Handlers return one; the server writes it.
type apiError struct {
	status int
	body   any
	header http.Header
}

func (e *apiError) Error() string {
	return "polartest: " + strconv.Itoa(e.status) + " " + http.StatusText(e.status)
}

// writeError writes err as the answer. An error that is not an *apiError
// is a bug in a handler: 500 with Polar's generic body.
func writeError(w http.ResponseWriter, err error) {
	e, ok := err.(*apiError) //nolint:errorlint // handlers return it as is; anything else is a bug, answered 500
	if !ok {
		e = &apiError{status: http.StatusInternalServerError, body: map[string]any{"detail": "Internal Server Error: " + err.Error()}}
	}
	for k, v := range e.header {
		w.Header()[k] = v
	}
	writeJSON(w, e.status, e.body)
}

// writeJSON writes v as a JSON answer with status; a nil v writes no body
// and no Content-Type.
func writeJSON(w http.ResponseWriter, status int, v any) {
	if v == nil {
		w.WriteHeader(status)
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(map[string]any{"detail": "Internal Server Error: " + err.Error()})
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// domainError is one of Polar's named errors:
// {"error": name, "detail": detail} with status.
func domainError(status int, name, detail string) error {
	return &apiError{status: status, body: map[string]any{"error": name, "detail": detail}}
}

// notFound is Polar's 404 ResourceNotFound, the answer for objects that do
// not exist and for objects of other customers alike.
func notFound() error {
	return domainError(http.StatusNotFound, "ResourceNotFound", "Not found")
}

// Polar's texts of its 403 NotPermitted answers.
const (
	// notBillingRole refuses a member who is neither owner nor billing
	// manager a billing operation.
	notBillingRole = "Only owners and billing managers can access billing features."
	// insufficientRole refuses a plain member the members operations.
	insufficientRole = "Insufficient role for this operation"
	// notATeam refuses the members operations to a customer that is not a
	// team.
	notATeam = "Member management is only available for team customers. Purchase a seat-based product to enable team features."
)

// notPermitted is Polar's 403 NotPermitted, msg saying why.
func notPermitted(msg string) error {
	return domainError(http.StatusForbidden, "NotPermitted", msg)
}

// errUnauthorized is the 401 of a missing token, or of a token of the
// wrong kind for the operation. Polar's carries WWW-Authenticate, as
// RFC 6750 asks of a 401.
func errUnauthorized() error {
	return &apiError{
		status: http.StatusUnauthorized,
		body:   map[string]any{"error": "Unauthorized", "detail": "Unauthorized"},
		header: http.Header{"Www-Authenticate": {`Bearer realm="polar"`}},
	}
}

const invalidTokenDescription = "The access token provided is expired, revoked, malformed, or invalid for other reasons."

// errInvalidToken is the 401 of a token that is malformed, unknown or
// expired.
func errInvalidToken() error {
	return &apiError{
		status: http.StatusUnauthorized,
		body:   map[string]any{"error": "invalid_token", "error_description": invalidTokenDescription},
		header: http.Header{"Www-Authenticate": {`Bearer realm="polar", error="invalid_token", error_description="` + invalidTokenDescription + `"`}},
	}
}

// errInsufficientScope is the 403 of a token without the scope an
// operation needs.
func errInsufficientScope(scope string) error {
	const desc = "The request requires higher privileges than provided by the access token."
	return &apiError{
		status: http.StatusForbidden,
		body:   map[string]any{"error": "insufficient_scope", "error_description": desc},
		header: http.Header{"Www-Authenticate": {`Bearer realm="polar", error="insufficient_scope", error_description="` + desc + `", scope="` + scope + `"`}},
	}
}

// errNotFoundPath is the answer for an unknown path or API version.
func errNotFoundPath() error {
	return &apiError{status: http.StatusNotFound, body: map[string]any{"detail": "Not Found"}}
}

// validationDetail is one item of a 422 RequestValidationError or
// PolarRequestValidationError.
type validationDetail struct {
	Loc   []any          `json:"loc"`
	Msg   string         `json:"msg"`
	Type  string         `json:"type"`
	Input any            `json:"input"`
	Ctx   map[string]any `json:"ctx,omitempty"`
}

// validationError is a 422 RequestValidationError listing details.
func validationError(details ...validationDetail) error {
	return &apiError{status: http.StatusUnprocessableEntity, body: map[string]any{
		"error":  "RequestValidationError",
		"detail": details,
	}}
}

// ruleErrors is the 422 PolarRequestValidationError listing details:
// how Polar's server refuses what its own checks find invalid, once the
// request has the schema's shape (whose problems are the framework's
// RequestValidationError, validationError).
func ruleErrors(details ...validationDetail) error {
	return &apiError{status: http.StatusUnprocessableEntity, body: map[string]any{
		"error":  "PolarRequestValidationError",
		"detail": details,
	}}
}

// invalid is the PolarRequestValidationError of one value: a value_error
// at loc, as Polar reports a value its own checks refuse ("Customer does
// not exist.").
func invalid(msg string, input any, loc ...any) error {
	return ruleErrors(ruleProblem(msg, input, loc...))
}

// refused is invalid with a type other than value_error (Polar's
// "missing" and "invalid" items).
func refused(typ, msg string, input any, loc ...any) error {
	return ruleErrors(validationDetail{Loc: loc, Msg: msg, Type: typ, Input: input})
}

// ruleProblem is the detail of a value one of Polar's own checks refuses,
// msg saying which.
func ruleProblem(msg string, input any, loc ...any) validationDetail {
	return validationDetail{Loc: loc, Msg: msg, Type: "value_error", Input: input}
}
