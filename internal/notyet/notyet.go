// Package notyet holds the one allowance that tests running on the fake
// server (package polartest) make while some of its operations still
// answer 501 Not Implemented: such an operation is skipped, and named in
// the test's log, instead of failing the test.
//
// Delete this package once every handler of polartest has landed: the
// compiler then lists every test that used the allowance.
package notyet

import (
	"errors"
	"net/http"
	"testing"

	polar "github.com/polarportal/polar-go"
)

// Allow501 reports whether err is polartest's answer for an operation
// that has no handler yet (501 NotImplemented), and if so logs it on tb:
// the caller then skips that operation (t.Skipf) rather than failing.
// Any other error, and nil, is not allowed: it returns false.
func Allow501(tb testing.TB, err error) bool {
	tb.Helper()
	var apiErr *polar.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotImplemented || apiErr.Name != "NotImplemented" {
		return false
	}
	tb.Logf("allowed until every polartest handler has landed: 501 %s", apiErr.Detail)
	return true
}
