package polar

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestErrorMapping(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		check   func(t *testing.T, err error)
	}{
		{"404 domain error", jsonAnswer(404, `{"error":"ResourceNotFound","detail":"Order not found."}`),
			func(t *testing.T, err error) {
				var e *APIError
				if !errors.As(err, &e) || e.StatusCode != 404 || e.Name != "ResourceNotFound" || e.Detail != "Order not found." || e.APIVersion() != "2026-10" {
					t.Fatalf("%#v", e)
				}
				if !errors.Is(err, ErrResourceNotFound) || errors.Is(err, ErrNotPermitted) {
					t.Fatal("sentinel mismatch")
				}
				if e.Method != "GET" || e.Path != "/v1/customer-portal/orders/{id}" {
					t.Fatalf("operation %s %s", e.Method, e.Path)
				}
			}},
		{"404 unknown path", jsonAnswer(404, `{"detail":"Not Found"}`),
			func(t *testing.T, err error) {
				var e *APIError
				if !errors.As(err, &e) || e.Name != "" || e.Detail != "Not Found" || errors.Is(err, ErrResourceNotFound) {
					t.Fatalf("%#v", e)
				}
			}},
		{"409", jsonAnswer(409, `{"error":"PaymentAlreadyInProgress","detail":"busy"}`),
			func(t *testing.T, err error) {
				if !errors.Is(err, ErrPaymentAlreadyInProgress) {
					t.Fatal(err)
				}
			}},
		{"422 validation", jsonAnswer(422, `{"error":"RequestValidationError","detail":[
				{"loc":["path","id"],"msg":"Input should be a valid UUID","type":"uuid_parsing","input":"x","ctx":{"error":"bad"}},
				{"loc":["body","items",0,"email"],"msg":"Field required","type":"missing"}]}`),
			func(t *testing.T, err error) {
				var ve *ValidationError
				if !errors.As(err, &ve) || len(ve.Errors) != 2 {
					t.Fatalf("%v", err)
				}
				d := ve.Errors[1]
				if len(d.Loc) != 4 || d.Loc[0] != "body" || d.Loc[2] != 0 || d.Msg != "Field required" || d.Type != "missing" {
					t.Fatalf("%+v", d)
				}
				if string(ve.Errors[0].Input) != `"x"` || ve.Errors[0].Ctx["error"] != "bad" {
					t.Fatalf("%+v", ve.Errors[0])
				}
				var e *APIError
				if !errors.As(err, &e) || e.StatusCode != 422 || !errors.Is(err, ErrRequestValidationError) {
					t.Fatal("ValidationError does not expose its *APIError")
				}
				if !strings.Contains(err.Error(), "body.items.0.email: Field required") {
					t.Fatalf("message %q", err)
				}
			}},
		{"422 domain error", jsonAnswer(422, `{"error":"MissingInvoiceBillingDetails","detail":"Billing name is required."}`),
			func(t *testing.T, err error) {
				var ve *ValidationError
				if errors.As(err, &ve) || !errors.Is(err, ErrMissingInvoiceBillingDetails) {
					t.Fatalf("%v", err)
				}
			}},
		{"429 rate limit", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "60")
			w.WriteHeader(429)
		}, func(t *testing.T, err error) {
			var rle *RateLimitError
			if !errors.As(err, &rle) || rle.RetryAfter != time.Minute || !errors.Is(err, ErrRateLimited) {
				t.Fatalf("%v", err)
			}
			var e *APIError
			if !errors.As(err, &e) || e.StatusCode != 429 {
				t.Fatal("RateLimitError does not expose its *APIError")
			}
		}},
		{"429 business error", jsonAnswer(429, `{"error":"ManualRetryLimitExceeded","detail":"limit"}`),
			func(t *testing.T, err error) {
				var rle *RateLimitError
				if errors.As(err, &rle) || !errors.Is(err, ErrManualRetryLimitExceeded) {
					t.Fatalf("%v", err)
				}
			}},
		{"401 invalid token", jsonAnswer(401, `{"error":"invalid_token","error_description":"The access token expired."}`),
			func(t *testing.T, err error) {
				var e *APIError
				if !errors.As(err, &e) || !errors.Is(err, ErrInvalidToken) || e.Detail != "The access token expired." {
					t.Fatalf("%v", err)
				}
			}},
		{"500 HTML page", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(500)
			w.Write([]byte("<html><body><h1>500 Internal Server Error</h1></body></html>"))
		}, func(t *testing.T, err error) {
			var e *APIError
			if !errors.As(err, &e) || e.StatusCode != 500 || e.Name != "" || !strings.Contains(string(e.Body), "<h1>500") {
				t.Fatalf("%#v", e)
			}
			if !strings.Contains(err.Error(), "<html>") {
				t.Fatalf("message without an excerpt: %q", err)
			}
		}},
		{"empty body", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(418) },
			func(t *testing.T, err error) {
				var e *APIError
				if !errors.As(err, &e) || e.StatusCode != 418 || len(e.Body) != 0 || e.Name != "" {
					t.Fatalf("%#v", e)
				}
			}},
		{"oversized body", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(400)
			w.Write([]byte(big))
		}, func(t *testing.T, err error) {
			var e *APIError
			if !errors.As(err, &e) || len(e.Body) != maxErrorBody || len(err.Error()) > 400 {
				t.Fatalf("body %d bytes, message %d bytes", len(e.Body), len(err.Error()))
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newRecorder(t, tc.handler)
			c := newSingleShotClient(t, srv, testToken)
			_, err := c.Orders.Get(bg(), orderID)
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), testToken) {
				t.Fatal("error message shows the token")
			}
			tc.check(t, err)
		})
	}
}

func TestDecodeErrorWrapsCause(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, `{"id": 42}`))
	c := newTestClient(t, srv, testToken)
	_, err := c.Orders.Get(bg(), orderID)
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) || !strings.Contains(err.Error(), "decoding response") {
		t.Fatalf("err = %v", err)
	}
}

// FuzzResponseError feeds arbitrary error answers to the error builder: it
// never panics, always yields an *APIError with the status, and keeps at
// most 64 KiB of the body.
func FuzzResponseError(f *testing.F) {
	for _, s := range []string{
		``, `null`, `{}`, `[]`, `"x"`, `<html>oops</html>`,
		`{"error":"ResourceNotFound","detail":"Order not found."}`,
		`{"error":"RequestValidationError","detail":[{"loc":["body",0],"msg":"m","type":"t"}]}`,
		`{"detail":[{"loc":[1.5],"msg":"m"}]}`, `{"detail":{"nested":true}}`, `{"detail":12}`,
		`{"error":"invalid_token","error_description":"expired"}`, `{"error":5}`,
	} {
		f.Add(422, s, "")
		f.Add(429, s, "7")
	}
	f.Fuzz(func(t *testing.T, status int, body, retryAfterValue string) {
		if status < 100 || status > 999 {
			return
		}
		h := http.Header{}
		if retryAfterValue != "" {
			h.Set("Retry-After", retryAfterValue)
		}
		resp := &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(body))}
		err := newResponseError(resp, "GET", "/v1/customer-portal/orders/{id}", 1)
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != status || len(apiErr.Body) > maxErrorBody {
			t.Fatalf("status %d body %q: %#v", status, body, err)
		}
		_ = err.Error()
	})
}

// TestValidationErrorShapes: any 422 that names no domain error is a
// *ValidationError, with or without details; odd loc items decode as
// documented on ValidationDetail.UnmarshalJSON.
func TestValidationErrorShapes(t *testing.T) {
	for body, want := range map[string][]ValidationDetail{
		`{}`:                                  nil,
		`{"detail": null}`:                    nil,
		`{"error": "RequestValidationError"}`: nil,
		`{"detail": "Unprocessable"}`:         nil,
		``:                                    nil,
		`{"detail": [{"loc": [null, 1.5, "body", 2, {"a": 1}], "msg": "m", "type": "t"}]}`: {
			{Loc: []any{nil, 1.5, "body", 2, json.RawMessage(`{"a": 1}`)}, Msg: "m", Type: "t"},
		},
		`{"detail": [{"loc": null, "msg": "m", "type": "t"}]}`: {{Msg: "m", Type: "t"}},
	} {
		srv := newRecorder(t, jsonAnswer(422, body))
		c := newTestClient(t, srv, testToken)
		_, err := c.Orders.Get(bg(), orderID)
		var ve *ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("%s: %#v is not a *ValidationError", body, err)
			continue
		}
		if diff := cmp.Diff(want, ve.Errors); diff != "" {
			t.Errorf("%s: details (-want +got):\n%s", body, diff)
		}
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 422 {
			t.Errorf("%s: no *APIError inside", body)
		}
	}
	// A domain 422 stays its own error.
	srv := newRecorder(t, jsonAnswer(422, `{"error":"OrderNotEligibleForRetry","detail":"no"}`))
	c := newTestClient(t, srv, testToken)
	_, err := c.Orders.Get(bg(), orderID)
	var ve *ValidationError
	if errors.As(err, &ve) || !errors.Is(err, ErrOrderNotEligibleForRetry) {
		t.Errorf("domain 422: %#v", err)
	}
}
