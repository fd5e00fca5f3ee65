package polarotel_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	polar "github.com/polarportal/polar-go"
	polarotel "github.com/polarportal/polar-go/examples/otel"
	"github.com/polarportal/polar-go/polartest"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// headerRecorder is the transport under the client, after the
// middleware: it records the traceparent header of each request.
type headerRecorder struct {
	mu      sync.Mutex
	parents []string
}

func (h *headerRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	h.mu.Lock()
	h.parents = append(h.parents, req.Header.Get("Traceparent"))
	h.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

// TestSpans runs a backend's calls against polartest: a session minted
// with the organization token, then the customer's orders listed and one
// fetched after a 503, on clients derived with WithToken. Each attempt
// is a client span named by its operation, child of the caller's span,
// ended, with the status, the path template and the resend count, with
// neither query values nor tokens, and its trace context is sent.
func TestSpans(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	t.Cleanup(func() { tp.Shutdown(context.Background()) })
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	headers := &headerRecorder{}
	base := srv.Client("",
		polar.WithHTTPClient(&http.Client{Transport: headers}),
		polar.WithMiddleware(polarotel.Middleware(tp, otelhttp.WithPropagators(propagation.TraceContext{}))))

	ctx, parent := tp.Tracer("test").Start(context.Background(), "request")
	admin := base.WithToken(polartest.DemoOrganizationToken)
	s, err := admin.Sessions.Create(ctx, polar.CustomerSessionCustomerIDCreate{CustomerID: polartest.DemoCustomerID})
	if err != nil {
		t.Fatal(err)
	}
	portal := base.ForSession(s)
	page, err := portal.Orders.List(ctx, &polar.OrderListOptions{ListOptions: polar.ListOptions{Limit: 5}, Query: "Pro"})
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("List = %v, %v", page, err)
	}
	srv.InjectFault(polartest.Fault{Operation: polar.OpOrdersGet, Times: 1, Status: http.StatusServiceUnavailable})
	if _, err := portal.Orders.Get(ctx, polartest.DemoOrderID); err != nil {
		t.Fatal(err)
	}
	parent.End()

	type want struct {
		name     string
		template string
		status   int64
		resend   int64 // -1: no attribute
	}
	wants := []want{
		{polar.OpSessionsCreate, "/v1/customer-sessions/", 201, -1},
		{polar.OpOrdersList, "/v1/customer-portal/orders/", 200, -1},
		{polar.OpOrdersGet, "/v1/customer-portal/orders/{id}", 503, -1},
		{polar.OpOrdersGet, "/v1/customer-portal/orders/{id}", 200, 1},
	}
	spans := exp.GetSpans()
	if len(spans) != len(wants)+1 || spans[len(wants)].Name != "request" {
		t.Fatalf("%d spans ended: %v", len(spans), spanNames(spans))
	}
	for i, w := range wants {
		sp := spans[i]
		attrs := map[attribute.Key]attribute.Value{}
		for _, kv := range sp.Attributes {
			attrs[kv.Key] = kv.Value
			if v := kv.Value.String(); strings.Contains(v, "polar_") || strings.Contains(v, s.Token) {
				t.Errorf("span %d (%s): attribute %s = %q holds a token", i, sp.Name, kv.Key, v)
			}
		}
		if sp.Name != w.name || sp.SpanKind != trace.SpanKindClient || sp.Parent.SpanID() != parent.SpanContext().SpanID() {
			t.Errorf("span %d: %s, kind %v, parent %v; want %s, client, child of the caller's span", i, sp.Name, sp.SpanKind, sp.Parent.SpanID(), w.name)
		}
		if got := attrs["http.response.status_code"].AsInt64(); got != w.status {
			t.Errorf("span %d (%s): status %d, want %d", i, sp.Name, got, w.status)
		}
		if got := attrs["url.template"].AsString(); got != w.template {
			t.Errorf("span %d (%s): url.template %q, want %q", i, sp.Name, got, w.template)
		}
		if u := attrs["url.full"].AsString(); !strings.HasPrefix(u, srv.URL+"/v1/") || strings.Contains(u, "?") {
			t.Errorf("span %d (%s): url.full %q, want the URL without its query", i, sp.Name, u)
		}
		resend, ok := attrs["http.request.resend_count"]
		if ok != (w.resend >= 0) || ok && resend.AsInt64() != w.resend {
			t.Errorf("span %d (%s): resend count %v (set %t), want %d", i, sp.Name, resend.AsInt64(), ok, w.resend)
		}
	}

	if len(headers.parents) != len(wants) {
		t.Fatalf("%d requests sent, want %d", len(headers.parents), len(wants))
	}
	for i, tp := range headers.parents {
		want := "00-" + parent.SpanContext().TraceID().String() + "-" + spans[i].SpanContext.SpanID().String() + "-01"
		if tp != want {
			t.Errorf("request %d: traceparent %q, want %q", i, tp, want)
		}
	}
}

func spanNames(spans tracetest.SpanStubs) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name)
	}
	return out
}
