package polartest

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/internal/operations"
)

// rateLimiter counts requests in fixed windows of the server's clock, per
// caller (see Server.callerKey) and zone, and blocks a caller on every operation after it trips a zone
// that blocks. It is guarded by Server.mu.
type rateLimiter struct {
	zones   map[polar.Zone][]limitWindow
	counts  map[windowKey]int
	blocked map[string]time.Time // caller → end of the block
}

// limitWindow is one limit of a zone: limit requests per window, and how
// long tripping it blocks the caller (0: no block, only this window).
type limitWindow struct {
	limit  int
	per    time.Duration
	blocks time.Duration
}

type windowKey struct {
	caller string
	zone   polar.Zone
	per    time.Duration
	start  int64 // start of the window, in units of per
}

func newRateLimiter(sandbox bool) *rateLimiter {
	api := 500
	if sandbox {
		api = 100
	}
	return &rateLimiter{
		zones: map[polar.Zone][]limitWindow{
			polar.ZoneAPI:         {{limit: api, per: time.Minute}},
			polar.ZoneLicenseKeys: {{limit: 3, per: time.Second, blocks: 60 * time.Second}},
			polar.ZoneEmailUpdate: {{limit: 6, per: time.Minute, blocks: 900 * time.Second}, {limit: 12, per: time.Hour, blocks: 900 * time.Second}},
		},
		counts:  map[windowKey]int{},
		blocked: map[string]time.Time{},
	}
}

// rateLimited counts r and answers 429 when its caller is over a limit or
// blocked: an empty body, no Content-Type, Retry-After in whole seconds
// (the rest of the block, or else the window's length).
func (s *Server) rateLimited(w http.ResponseWriter, r *http.Request, op operations.Operation) bool {
	s.mu.Lock()
	retry := s.limiter.take(s.callerKey(r), polar.Zone(op.Zone), s.now())
	s.mu.Unlock()
	if retry == 0 {
		return false
	}
	w.Header().Set("Retry-After", strconv.FormatInt(int64((retry+time.Second-1)/time.Second), 10))
	w.WriteHeader(http.StatusTooManyRequests)
	return true
}

// take counts one request of caller in ZoneAPI and zone, and returns how
// long the caller must wait if it is over a limit, or 0.
func (l *rateLimiter) take(caller string, zone polar.Zone, now time.Time) time.Duration {
	if until, ok := l.blocked[caller]; ok {
		if now.Before(until) {
			return until.Sub(now)
		}
		delete(l.blocked, caller)
	}
	if len(l.counts) > 1<<12 { // forget windows that are over
		for k := range l.counts {
			if (k.start+1)*int64(k.per) <= now.UnixNano() {
				delete(l.counts, k)
			}
		}
	}
	zones := []polar.Zone{polar.ZoneAPI}
	if zone != "" && zone != polar.ZoneAPI {
		zones = append(zones, zone)
	}
	var retry time.Duration
	for _, z := range zones {
		for _, lw := range l.zones[z] {
			k := windowKey{caller: caller, zone: z, per: lw.per, start: now.UnixNano() / int64(lw.per)}
			l.counts[k]++
			if l.counts[k] <= lw.limit {
				continue
			}
			if lw.blocks > 0 {
				l.blocked[caller] = now.Add(lw.blocks)
				retry = max(retry, lw.blocks)
			} else {
				retry = max(retry, lw.per)
			}
		}
	}
	return retry
}

// callerKey is whom a request counts for, as Polar counts: the member
// of a member session, the customer of a customer session (every session
// of one customer shares a budget), the organization of an organization
// token; the client address without a token, or with one the server does
// not know (such a request is refused anyway). It runs with s.mu held.
func (s *Server) callerKey(r *http.Request) string {
	if _, tok, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok {
		if t, ok := s.store.tokens[strings.TrimSpace(tok)]; ok {
			switch t.Kind {
			case TokenKindMemberSession:
				return "member:" + t.MemberID
			case TokenKindOrganization:
				return "organization:" + t.OrganizationID
			}
			return "customer:" + t.CustomerID
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "ip:" + host
}
