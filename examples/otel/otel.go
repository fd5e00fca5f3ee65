// Package polarotel traces the calls of a polar.Client with OpenTelemetry:
// every attempt of every call becomes a client span of otelhttp, named by
// the call's operation (such as customer_portal:orders:list) rather than
// by its method, and its trace context travels in the request headers.
//
//	client, err := polar.NewClient("", polar.WithMiddleware(polarotel.Middleware(tracerProvider)))
//	portal := client.WithToken(sessionToken) // traced too: middlewares are shared
//
// It is a module of its own, so that package polar does not depend on
// OpenTelemetry; its tests run against polartest.
//
// Beyond what otelhttp records, each span gets url.template (the path as
// the API document writes it) and http.request.resend_count from the
// second attempt on, and its url.full is cut before the query: query
// values are the caller's data, and the one of Customers.CheckEmailUpdate
// is a secret. otelhttp records no request headers, so the Authorization
// header and its token stay out of the spans.
package polarotel

import (
	"net/http"
	"net/url"

	polar "github.com/polarportal/polar-go"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// Middleware returns a polar.Middleware that traces each attempt with
// spans of tp, through otelhttp with opts (otelhttp.WithPropagators, for
// one, when the global propagator is not set). Give it to polar.NewClient
// with polar.WithMiddleware; every client derived with WithToken is
// traced too. A retried call has a span for each attempt, and a redirect
// followed within an attempt a span of its own with the attempt's
// resend count.
func Middleware(tp trace.TracerProvider, opts ...otelhttp.Option) polar.Middleware {
	all := append([]otelhttp.Option{otelhttp.WithTracerProvider(tp), otelhttp.WithSpanNameFormatter(spanName)}, opts...)
	return polar.TransportMiddleware(func(next http.RoundTripper) http.RoundTripper {
		return otelhttp.NewTransport(annotate{next: next}, all...)
	})
}

// spanName names a span by the operation of its call.
func spanName(_ string, req *http.Request) string {
	if id := polar.OperationID(req.Context()); id != "" {
		return id
	}
	return "HTTP " + req.Method
}

// annotate runs under otelhttp's transport, within the span it started,
// and adds what only package polar knows to it.
type annotate struct {
	next http.RoundTripper
}

func (a annotate) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	span := trace.SpanFromContext(ctx)
	u := url.URL{Scheme: req.URL.Scheme, Host: req.URL.Host, Path: req.URL.Path, RawPath: req.URL.RawPath}
	attrs := []attribute.KeyValue{attribute.String("url.full", u.String())}
	if tmpl := polar.OperationPath(ctx); tmpl != "" {
		attrs = append(attrs, attribute.String("url.template", tmpl))
	}
	if n := polar.Attempt(ctx); n > 1 {
		attrs = append(attrs, attribute.Int("http.request.resend_count", n-1))
	}
	span.SetAttributes(attrs...)
	return a.next.RoundTrip(req)
}
