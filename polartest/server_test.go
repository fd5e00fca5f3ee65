package polartest_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/internal/operations"
	"github.com/polarportal/polar-go/polartest"
)

// TestEveryOperationRouted sends each operation of operations.All() on
// its path: none may fall through to the server's 404, 405 or redirect.
func TestEveryOperationRouted(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	for _, op := range operations.All() {
		path := op.Path
		if i := strings.Index(path, "{"); i >= 0 {
			j := strings.Index(path, "}")
			path = path[:i] + polartest.DemoOrderID + path[j+1:]
		}
		var body io.Reader
		if op.Method == http.MethodPost || op.Method == http.MethodPatch {
			body = strings.NewReader("{}")
		}
		status, _, b := raw(t, srv, op.Method, path, "", body)
		if status == http.StatusNotFound && strings.Contains(string(b), `"detail":"Not Found"`) ||
			status == http.StatusMethodNotAllowed || status == http.StatusTemporaryRedirect {
			t.Errorf("%s %s (%s) is not routed: %d %s", op.Method, path, op.ID, status, b)
		}
		if !op.Public && status != http.StatusUnauthorized {
			t.Errorf("%s without a token: %d %s, want 401", op.ID, status, b)
		}
	}
}

func TestHeadersAndVersions(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	for _, tc := range []struct {
		version, echo string
		status        int
	}{
		{"2026-10", "2026-10", http.StatusOK},
		{"2027-01", "2027-01", http.StatusOK},
		{"", polartest.ServerDefaultAPIVersion, http.StatusOK},
		{"2019-01", "2019-01", http.StatusNotFound},
		{"banana", "banana", http.StatusNotFound},
	} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/customer-portal/organizations/acme", nil)
		if tc.version != "" {
			req.Header.Set("Polar-Version", tc.version)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || resp.Header.Get("Polar-Version") != tc.echo || resp.Header.Get("Cache-Control") != "private, no-store" {
			t.Errorf("version %q: %d, Polar-Version %q, Cache-Control %q; want %d, %q", tc.version, resp.StatusCode,
				resp.Header.Get("Polar-Version"), resp.Header.Get("Cache-Control"), tc.status, tc.echo)
		}
		if tc.status == http.StatusNotFound && string(b) != `{"detail":"Not Found"}` {
			t.Errorf("version %q: body %s", tc.version, b)
		}
		if resp.Header.Get("X-Polar-Sandbox") != "" {
			t.Error("X-Polar-Sandbox without WithSandbox")
		}
	}

	sandbox := polartest.NewTestServer(t, polartest.WithSandbox(), polartest.WithSupportedAPIVersions("2026-10"))
	var resp polar.Response
	_, err := sandbox.Client("").Organizations.Get(polar.WithResponse(ctx, &resp), "acme")
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	if !resp.Sandbox() || resp.APIVersion() != "2026-10" {
		t.Errorf("sandbox answer: Sandbox %v, version %q", resp.Sandbox(), resp.APIVersion())
	}
	if status, _, _ := raw(t, sandbox, http.MethodGet, "/v1/customer-portal/organizations/acme", "", nil, "Polar-Version", "2027-01"); status != http.StatusNotFound {
		t.Errorf("a version left out of WithSupportedAPIVersions: %d, want 404", status)
	}
}

func TestRoutingEdges(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	tok := polartest.DemoCustomerToken

	status, hdr, _ := raw(t, srv, http.MethodGet, "/v1/customer-portal/orders?limit=5", tok, nil)
	if status != http.StatusTemporaryRedirect || hdr.Get("Location") != "/v1/customer-portal/orders/?limit=5" {
		t.Errorf("list path without its slash: %d to %q", status, hdr.Get("Location"))
	}
	status, hdr, _ = raw(t, srv, http.MethodGet, "/v1/customer-portal/orders/"+polartest.DemoOrderID+"/", tok, nil)
	if status != http.StatusTemporaryRedirect || hdr.Get("Location") != "/v1/customer-portal/orders/"+polartest.DemoOrderID {
		t.Errorf("item path with a slash: %d to %q", status, hdr.Get("Location"))
	}
	status, _, b := raw(t, srv, http.MethodGet, "/v1/customer-portal/members/", "", nil)
	if status != http.StatusTemporaryRedirect {
		t.Errorf("/members/: %d %s, want a redirect to /members", status, b)
	}
	status, _, b = raw(t, srv, http.MethodGet, "/v1/customer-portal/nothing-here", tok, nil)
	if status != http.StatusNotFound || string(b) != `{"detail":"Not Found"}` {
		t.Errorf("unknown path: %d %s", status, b)
	}
	status, _, b = raw(t, srv, http.MethodPut, "/v1/customer-portal/orders/"+polartest.DemoOrderID, tok, strings.NewReader("{}"))
	if status != http.StatusMethodNotAllowed || string(b) != `{"detail":"Method Not Allowed"}` {
		t.Errorf("PUT on an order: %d %s", status, b)
	}
	// A bad token is refused before routing.
	status, _, _ = raw(t, srv, http.MethodGet, "/v1/customer-portal/nothing-here", "polar_cst_unknown", nil)
	if status != http.StatusUnauthorized {
		t.Errorf("unknown path with an unknown token: %d, want 401", status)
	}
}

// chunked is a body of unknown length, which net/http sends chunked.
type chunked struct{ io.Reader }

func TestLengthRequired(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	path := "/v1/customer-portal/orders/" + polartest.DemoOrderID
	status, _, b := raw(t, srv, http.MethodPatch, path, polartest.DemoCustomerToken, chunked{strings.NewReader(`{"billing_name":"X"}`)})
	if status != http.StatusLengthRequired || decodeError(t, b).Error != "LengthRequired" {
		t.Errorf("chunked PATCH: %d %s", status, b)
	}
	// The SDK sends Content-Length: 0 on a POST without a body.
	c, _ := client(t, srv, polartest.DemoCustomerToken)
	if err := c.Orders.GenerateInvoice(ctx, polartest.DemoOrderID); err != nil {
		t.Errorf("GenerateInvoice: %v", err)
	}
}

func TestAuthentication(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	orderPath := "/v1/customer-portal/orders/" + polartest.DemoOrderID

	t.Run("missing token", func(t *testing.T) {
		c, _ := client(t, srv, "")
		_, err := c.Orders.List(ctx, nil)
		wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
		if !errors.Is(err, polar.ErrUnauthorized) {
			t.Errorf("errors.Is(ErrUnauthorized) = false for %v", err)
		}
	})
	for name, tok := range map[string]string{"unknown": "polar_cst_nobody", "expired": polartest.DemoExpiredToken} {
		t.Run(name+" token", func(t *testing.T) {
			c, _ := client(t, srv, tok)
			_, err := c.Orders.Get(ctx, polartest.DemoOrderID)
			wantAPIError(t, err, http.StatusUnauthorized, "invalid_token")
			if !errors.Is(err, polar.ErrInvalidToken) {
				t.Errorf("errors.Is(ErrInvalidToken) = false for %v", err)
			}
			// Even on a public operation, when the token is sent.
			status, hdr, b := raw(t, srv, http.MethodGet, "/v1/customer-portal/organizations/acme", tok, nil)
			e := decodeError(t, b)
			if status != http.StatusUnauthorized || e.Error != "invalid_token" || e.ErrorDescription == "" ||
				!strings.Contains(hdr.Get("WWW-Authenticate"), `error="invalid_token"`) {
				t.Errorf("public operation with a %s token: %d %s, WWW-Authenticate %q", name, status, b, hdr.Get("WWW-Authenticate"))
			}
		})
	}
	t.Run("malformed header", func(t *testing.T) {
		status, _, b := raw(t, srv, http.MethodGet, orderPath, "", nil, "Authorization", "Basic abc")
		if status != http.StatusUnauthorized || decodeError(t, b).Error != "invalid_token" {
			t.Errorf("Basic credentials: %d %s", status, b)
		}
	})
	t.Run("organization token on the portal", func(t *testing.T) {
		c, _ := client(t, srv, polartest.DemoOrganizationToken)
		_, err := c.Customers.Get(ctx)
		wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
	})
	t.Run("session token on customer-sessions:create", func(t *testing.T) {
		c, _ := client(t, srv, polartest.DemoCustomerToken)
		_, err := c.Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: polartest.DemoCustomerID})
		wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
	})
	t.Run("read-only scope", func(t *testing.T) {
		c, _ := client(t, srv, polartest.DemoReadOnlyToken)
		if _, err := c.Orders.Get(ctx, polartest.DemoOrderID); err != nil {
			t.Fatalf("read with customer_portal:read: %v", err)
		}
		_, err := c.Orders.Update(ctx, polartest.DemoOrderID, &polar.CustomerOrderUpdate{BillingName: polar.Set("X")})
		wantAPIError(t, err, http.StatusForbidden, "insufficient_scope")
	})
	t.Run("billing operations and roles", func(t *testing.T) {
		for tok, want := range map[string]int{
			polartest.DemoTeamCustomerToken:   http.StatusOK,
			polartest.DemoMemberToken:         http.StatusOK,
			polartest.DemoBillingManagerToken: http.StatusOK,
			polartest.DemoPlainMemberToken:    http.StatusForbidden,
		} {
			c, _ := client(t, srv, tok)
			page, err := c.Orders.List(ctx, nil)
			if want == http.StatusOK {
				if err != nil || len(page.Items) != 1 || page.Items[0].ID != polartest.DemoTeamOrderID {
					t.Errorf("%s: orders %v, %v; want the team's order", tok, page, err)
				}
				continue
			}
			wantAPIError(t, err, want, "NotPermitted")
			if _, err := c.Customers.Get(ctx); err != nil {
				t.Errorf("%s reads the customer: %v", tok, err)
			}
			_, err = c.Customers.Update(ctx, &polar.CustomerPortalCustomerUpdate{BillingName: polar.Set("X")})
			wantAPIError(t, err, http.StatusForbidden, "NotPermitted")
		}
	})
	t.Run("members operations", func(t *testing.T) {
		for tok, want := range map[string]struct {
			status int
			name   string
		}{
			polartest.DemoCustomerToken:     {http.StatusUnauthorized, "Unauthorized"},
			polartest.DemoTeamCustomerToken: {http.StatusUnauthorized, "Unauthorized"},
			polartest.DemoPlainMemberToken:  {http.StatusForbidden, "NotPermitted"},
			polartest.DemoMemberToken:       {http.StatusOK, ""},
		} {
			c, _ := client(t, srv, tok)
			_, err := c.Members.List(ctx, nil)
			if want.status == http.StatusOK {
				if err != nil {
					t.Errorf("%s lists the members: %v", tok, err)
				}
				continue
			}
			wantAPIError(t, err, want.status, want.name)
		}
	})
}

// TestConcurrentUse runs readers and writers at once (for go test -race).
func TestConcurrentUse(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			c := srv.Client(polartest.DemoCustomerToken)
			for j := range 10 {
				if i%2 == 0 {
					if _, err := c.Orders.List(ctx, &polar.OrderListOptions{ListOptions: polar.ListOptions{Page: j + 1}}); err != nil {
						t.Error(err)
					}
				} else if _, err := c.Orders.Update(ctx, polartest.DemoOrderID, &polar.CustomerOrderUpdate{BillingName: polar.Set("N")}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if got := srv.Calls("customer_portal:orders:update"); got != 40 {
		t.Errorf("Calls(update) = %d, want 40", got)
	}
}
