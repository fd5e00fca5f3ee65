package polarotel_test

import (
	"context"
	"fmt"
	"net/http"

	polar "github.com/polarportal/polar-go"
	polarotel "github.com/polarportal/polar-go/examples/otel"
	"github.com/polarportal/polar-go/polartest"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// A backend traces its Polar calls: the middleware is given once, to the
// client without a token, and every client derived from it is traced. A
// call retried after a 503 shows one span per attempt.
func ExampleMiddleware() {
	exporter := tracetest.NewInMemoryExporter() // an OTLP exporter in production
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exporter))
	defer tp.Shutdown(context.Background())

	srv := polartest.NewServer(polartest.WithDemo()) // the API, for the example
	defer srv.Close()
	base, err := polar.NewClient("", polar.WithBaseURL(srv.URL), polar.WithMiddleware(polarotel.Middleware(tp)),
		polar.WithRetryPolicy(polar.RetryPolicy{MinWait: 1, MaxWait: 1}))
	if err != nil {
		panic(err)
	}

	ctx := context.Background()
	session, err := base.WithToken(polartest.DemoOrganizationToken).Sessions.Create(ctx,
		polar.CustomerSessionCustomerIDCreate{CustomerID: polartest.DemoCustomerID})
	if err != nil {
		panic(err)
	}
	portal := base.ForSession(session)
	srv.InjectFault(polartest.Fault{Operation: polar.OpSubscriptionsList, Times: 1, Status: http.StatusServiceUnavailable})
	if _, err := portal.Subscriptions.List(ctx, nil); err != nil {
		panic(err)
	}

	for _, span := range exporter.GetSpans() {
		for _, kv := range span.Attributes {
			if kv.Key == "http.response.status_code" {
				fmt.Println(span.Name, kv.Value.AsInt64())
			}
		}
	}
	// Output:
	// customer-sessions:create 201
	// customer_portal:subscriptions:list 503
	// customer_portal:subscriptions:list 200
}
