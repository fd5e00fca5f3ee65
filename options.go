package polar

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// An Option configures a Client in NewClient.
type Option func(*config) error

type config struct {
	env        Environment
	baseURL    string
	httpClient *http.Client
	timeout    time.Duration
	policy     *RetryPolicy
	noRetries  bool
	limiter    Limiter
	limits     *RateLimits
	noLimits   bool
	prefetch   int
	logger     *slog.Logger
	middleware []Middleware
	userAgent  string
	apiVersion string
	timeoutSet bool
	baseURLSet bool
}

// WithEnvironment selects Production (the default) or Sandbox: the base URL
// and the server-side rate limits the client stays within.
func WithEnvironment(env Environment) Option {
	return func(c *config) error {
		if env != Production && env != Sandbox {
			return fmt.Errorf("polar: unknown environment %d", int(env))
		}
		c.env = env
		return nil
	}
}

// WithBaseURL sends requests to rawURL instead of the environment's URL, for
// example a test server or a proxy. Rate limits still follow the
// environment. The URL must be absolute http or https with a host name,
// without user info, query or fragment (not even an empty "?" or "#"); a
// path prefix without dot segments is kept. NewClient reports any other
// URL as an error.
func WithBaseURL(rawURL string) Option {
	return func(c *config) error {
		c.baseURL = rawURL
		c.baseURLSet = true
		return nil
	}
}

// WithHTTPClient makes the client send through hc. Its transport is wrapped
// (by the rate limiter and per-attempt logging), never replaced, and its
// Timeout bounds each attempt. Its CheckRedirect and Jar are kept.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("polar: WithHTTPClient: nil *http.Client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithTimeout bounds each attempt of a call (default 30 s), so that a call
// whose context has no deadline cannot hang. Retries get a fresh timeout.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("polar: WithTimeout: timeout must be positive, got %v", d)
		}
		c.timeout = d
		c.timeoutSet = true
		return nil
	}
}

// WithRetryPolicy sets how failed attempts are retried. Zero fields take
// the defaults (3 retries, 500 ms, 30 s).
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *config) error {
		c.policy = &p
		return nil
	}
}

// WithoutRetries makes every call a single attempt.
func WithoutRetries() Option {
	return func(c *config) error {
		c.noRetries = true
		return nil
	}
}

// WithRateLimits makes the default limiter (NewRateLimiter) keep limits
// instead of DefaultRateLimits of the environment, for example scaled down
// for a test server or raised for a negotiated quota.
func WithRateLimits(limits RateLimits) Option {
	return func(c *config) error {
		c.limits = &limits
		return nil
	}
}

// WithLimiter replaces the client-side rate limiter, for example with one
// shared by every replica of a service (see Limiter).
func WithLimiter(l Limiter) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("polar: WithLimiter: nil Limiter (use WithoutRateLimits)")
		}
		c.limiter = l
		return nil
	}
}

// WithPrefetch makes the All iterators fetch up to n pages ahead of the
// page being yielded, concurrently, once the first page has told how many
// there are (default 0: one page at a time, each when the previous one is
// consumed). A long walk then takes about as long as the rate limit
// allows rather than one round trip per page. Pages past the last are
// never requested, and a break cancels those in flight.
func WithPrefetch(n int) Option {
	return func(c *config) error {
		if n < 0 || n > 64 {
			return fmt.Errorf("polar: WithPrefetch: want 0 to 64 pages, got %d", n)
		}
		c.prefetch = n
		return nil
	}
}

// WithoutRateLimits turns client-side rate limiting off. Server-side 429
// answers are still retried or returned as *RateLimitError.
func WithoutRateLimits() Option {
	return func(c *config) error {
		c.noLimits = true
		return nil
	}
}

// WithLogger logs one debug line per attempt: method, path template,
// status, attempt number and time spent waiting for the rate limiter. It
// never logs tokens, query values or bodies.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.logger = l
		return nil
	}
}

// WithUserAgent puts product (such as "myapp/1.2") in front of the
// User-Agent header, which otherwise reads "polar-go/<version> (go<version>)".
// A product that is blank or has a control character (which no header can
// carry) makes NewClient fail with an error matching ErrInvalidArgument.
func WithUserAgent(product string) Option {
	return func(c *config) error {
		if strings.TrimSpace(product) == "" {
			return fmt.Errorf("polar: WithUserAgent: %w: empty product", ErrInvalidArgument)
		}
		for i := 0; i < len(product); i++ {
			if b := product[i]; b < 0x20 || b == 0x7f {
				return fmt.Errorf("polar: WithUserAgent: %w: control character at byte %d of %q", ErrInvalidArgument, i, product)
			}
		}
		c.userAgent = product
		return nil
	}
}

var apiVersionRE = regexp.MustCompile(`^\d{4}-\d{2}$`)

// WithAPIVersion sends version (YYYY-MM) as Polar-Version instead of
// DefaultAPIVersion. The types of this package are written for
// DefaultAPIVersion; fields a newer version adds are ignored when decoding.
func WithAPIVersion(version string) Option {
	return func(c *config) error {
		if !apiVersionRE.MatchString(version) {
			return fmt.Errorf("polar: WithAPIVersion: want YYYY-MM, got %q", version)
		}
		c.apiVersion = version
		return nil
	}
}

// WithMiddleware sends every attempt of every call through mws, the first
// outermost; repeated, it adds to the middlewares already given, after
// them. See Middleware for where they run and what they see. A nil
// Middleware makes NewClient fail.
func WithMiddleware(mws ...Middleware) Option {
	return func(c *config) error {
		for i, mw := range mws {
			if mw == nil {
				return fmt.Errorf("polar: WithMiddleware: %w: Middleware %d is nil (as TransportMiddleware of a nil wrap is)", ErrInvalidArgument, i)
			}
		}
		c.middleware = append(c.middleware, mws...)
		return nil
	}
}
