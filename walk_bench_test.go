package polar

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// The benchmarks in this file measure long walks: whole-history exports
// page by page, where what users wait for is latency and Polar's rate
// limit rather than the cost of one call. See BENCHMARKS.md.

// walkPage returns the body of page p of a list of total orders, limit a
// page, each order a copy of testOrderJSON with its own ID.
func walkPage(p, limit, total int) []byte {
	var sb strings.Builder
	sb.WriteString(`{"items":[`)
	for i := (p-1)*limit + 1; i <= min(p*limit, total); i++ {
		if i > (p-1)*limit+1 {
			sb.WriteByte(',')
		}
		sb.WriteString(strings.Replace(testOrderJSON, orderID, fmt.Sprintf("%08d-3d1b-4c3e-9d0f-6f1c2a7e8b90", i), 1))
	}
	fmt.Fprintf(&sb, `],"pagination":{"total_count":%d,"max_page":%d}}`, total, (total+limit-1)/limit)
	return []byte(sb.String())
}

// walkServer serves total orders in pages of 100, after latency, and
// counts the connections it accepts. Pages are made for each request, so
// that the server holds no more memory than the client it serves.
func walkServer(tb testing.TB, total int, latency time.Duration) (*httptest.Server, *atomic.Int64) {
	tb.Helper()
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := strconv.Atoi(r.URL.Query().Get("page"))
		body := walkPage(max(p, 1), 100, total)
		time.Sleep(latency) // stands for the network and Polar's own time
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	tb.Cleanup(srv.Close)
	return srv, &conns
}

// BenchmarkLongWalk exports 50 pages of 100 orders from a server that
// takes 20 ms per page: page by page as a hand-written loop does, through
// the lazy iterator, and with prefetching.
func BenchmarkLongWalk(b *testing.B) {
	const total, latency = 5000, 20 * time.Millisecond
	srv, _ := walkServer(b, total, latency)
	ctx := context.Background()
	b.Run("raw", func(b *testing.B) {
		raw := newBenchRaw()
		for b.Loop() {
			n := 0
			for p := 1; ; p++ {
				var page Page[CustomerOrder]
				if err := raw.get(ctx, srv.URL+ordersPath+"?limit=100&page="+strconv.Itoa(p), &page); err != nil {
					b.Fatal(err)
				}
				n += len(page.Items)
				if p >= page.Pagination.MaxPage {
					break
				}
			}
			if n != total {
				b.Fatalf("%d orders", n)
			}
		}
	})
	for _, prefetch := range []int{0, 4, 8} {
		b.Run(fmt.Sprintf("sdk/prefetch=%d", prefetch), func(b *testing.B) {
			c, err := NewClient(benchToken, WithBaseURL(srv.URL), WithoutRateLimits(), WithPrefetch(prefetch))
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				n := 0
				for _, err := range c.Orders.All(ctx, nil) {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != total {
					b.Fatalf("%d orders", n)
				}
			}
		})
	}
}

// BenchmarkWalkMemory walks 10,000 and 100,000 orders and reports the
// largest heap in use seen at page boundaries: it must depend on the page
// size and the prefetch depth, not on the total.
func BenchmarkWalkMemory(b *testing.B) {
	for _, total := range []int{10_000, 100_000} {
		srv, _ := walkServer(b, total, 0)
		for _, prefetch := range []int{0, 4} {
			b.Run(fmt.Sprintf("items=%d/prefetch=%d", total, prefetch), func(b *testing.B) {
				c, err := NewClient(benchToken, WithBaseURL(srv.URL), WithoutRateLimits(), WithPrefetch(prefetch))
				if err != nil {
					b.Fatal(err)
				}
				var peak uint64
				var ms runtime.MemStats
				for b.Loop() {
					runtime.GC()
					runtime.ReadMemStats(&ms)
					base := ms.HeapInuse
					n := 0
					for _, err := range c.Orders.All(context.Background(), nil) {
						if err != nil {
							b.Fatal(err)
						}
						if n++; n%1000 == 0 {
							runtime.ReadMemStats(&ms)
							peak = max(peak, ms.HeapInuse-min(base, ms.HeapInuse))
						}
					}
					if n != total {
						b.Fatalf("%d orders", n)
					}
				}
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			})
		}
	}
}

// BenchmarkManyCustomers sends one call for each of 100,000 customers, as
// a backend serving them does: a WithToken client per call, the default
// limiter with production limits. It fails on any refusal or on more
// connections than the pool holds, and reports the keys the limiter still
// keeps at the end and the heap they hold (BenchmarkLimiterLiveKeys
// measures the memory of 100,000 keys all kept).
func BenchmarkManyCustomers(b *testing.B) {
	const customers = 100_000
	srv, conns := walkServer(b, 1, 0)
	for b.Loop() {
		base, err := NewClient("", WithBaseURL(srv.URL), WithoutRetries())
		if err != nil {
			b.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		var refused atomic.Int64
		var wg sync.WaitGroup
		work := make(chan int)
		for range 32 {
			wg.Go(func() {
				for i := range work {
					_, err := base.WithToken(fmt.Sprintf("polar_cst_customer%08d", i)).Orders.List(context.Background(), nil)
					if err != nil {
						refused.Add(1)
					}
				}
			})
		}
		for i := range customers {
			work <- i
		}
		close(work)
		wg.Wait()
		runtime.GC()
		runtime.ReadMemStats(&after)
		if n := refused.Load(); n != 0 {
			b.Fatalf("%d of %d calls failed", n, customers)
		}
		if n := conns.Load(); n > defaultMaxConns {
			b.Fatalf("%d connections opened", n)
		}
		keys := base.core.limiter.(*limiter).keyCount()
		b.ReportMetric(float64(int64(after.HeapInuse)-int64(before.HeapInuse))/(1<<20), "heap-MiB-after")
		b.ReportMetric(float64(keys), "live-keys")
		b.ReportMetric(float64(conns.Load()), "connections")
	}
}

// BenchmarkOrdersGetParallel: 64 goroutines share one client, against a
// hand-written client on an equally sized pool.
func BenchmarkOrdersGetParallel(b *testing.B) {
	e := benchSetup(b)
	ctx := context.Background()
	url := e.srv.URL + ordersPath + benchOrderID
	b.Run("raw", func(b *testing.B) {
		raw := newBenchRaw()
		before := e.conns.Load()
		b.SetParallelism(32) // 64 goroutines on 2 cores
		defer func() { b.ReportMetric(float64(e.conns.Load()-before), "connections") }()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				var o CustomerOrder
				if err := raw.get(ctx, url, &o); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("sdk", func(b *testing.B) {
		c := benchSDK(b, e)
		before := e.conns.Load()
		b.SetParallelism(32)
		defer func() {
			n := e.conns.Load() - before
			if n > defaultMaxConns {
				b.Errorf("%d connections opened, more than the pool's %d", n, defaultMaxConns)
			}
			b.ReportMetric(float64(n), "connections")
		}()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := c.Orders.Get(ctx, benchOrderID); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// rateWindowTransport answers list calls in-process and plays Polar's
// limiter: more than limit requests in any window of per get a 429.
type rateWindowTransport struct {
	limit int
	per   time.Duration
	total int

	mu    sync.Mutex
	sent  []time.Time
	over  int // 429s answered
	pages map[int][]byte
}

func (f *rateWindowTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	n := 0
	for _, t := range f.sent {
		if now.Sub(t) < f.per {
			n++
		}
	}
	if n >= f.limit {
		f.over++
		return answer(429, "", "Retry-After", "6"), nil
	}
	f.sent = append(f.sent, now)
	p, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if f.pages == nil {
		f.pages = map[int][]byte{}
	}
	body, ok := f.pages[p]
	if !ok {
		body = walkPage(p, 1, f.total) // one small order a page
		f.pages[p] = body
	}
	return answer(200, string(body), "Content-Type", "application/json"), nil
}

// TestWalkAtRateLimit walks 200 pages with the default limiter against a
// server that counts 100 requests per 6 s (the sandbox window, scaled
// down): the walk gets no 429 and sends at least 95 % of the allowed rate.
func TestWalkAtRateLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const pages = 200
		ft := &rateWindowTransport{limit: 100, per: 6 * time.Second, total: pages}
		limits := DefaultRateLimits(Sandbox)
		limits.Zones[ZoneAPI] = []Window{{Limit: 100, Per: 6 * time.Second}}
		c, err := NewClient(testToken, WithBaseURL("https://api.test"), WithHTTPClient(&http.Client{Transport: ft}),
			WithRateLimits(limits), WithPrefetch(8))
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		n := 0
		for _, err := range c.Orders.All(bg(), &OrderListOptions{ListOptions: ListOptions{Limit: 1}}) {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		elapsed := time.Since(start)
		if n != pages || ft.over != 0 {
			t.Fatalf("%d items, %d 429s", n, ft.over)
		}
		// The fastest any client can go without a 429: 100 requests at
		// once, then 100 more one window later. Over a long walk that is
		// the window's rate, 100 per 6 s.
		allowed := float64(pages) / (float64(6*time.Second) * pages / 100)
		got := float64(pages) / float64(elapsed)
		t.Logf("%d pages in %v: %.1f %% of the allowed rate", pages, elapsed, 100*got/allowed)
		if got < 0.95*allowed {
			t.Errorf("%.1f %% of the allowed rate", 100*got/allowed)
		}
	})
}

// grantPage100 returns a page of 100 benefit grants of every type, mixed,
// made from testdata/benefit_grants.json, and the Go type of each item.
func grantPage100(tb testing.TB) ([]byte, []func() any) {
	tb.Helper()
	var src struct{ Items []json.RawMessage }
	if err := json.Unmarshal(fixture("benefit_grants.json"), &src); err != nil {
		tb.Fatal(err)
	}
	variants := map[string]func() any{
		"custom": func() any { return new(CustomerBenefitGrantCustom) }, "discord": func() any { return new(CustomerBenefitGrantDiscord) },
		"downloadables": func() any { return new(CustomerBenefitGrantDownloadables) }, "feature_flag": func() any { return new(CustomerBenefitGrantFeatureFlag) },
		"github_repository": func() any { return new(CustomerBenefitGrantGitHubRepository) }, "license_keys": func() any { return new(CustomerBenefitGrantLicenseKeys) },
		"meter_credit": func() any { return new(CustomerBenefitGrantMeterCredit) }, "slack_shared_channel": func() any { return new(CustomerBenefitGrantSlackSharedChannel) },
	}
	items := make([]json.RawMessage, 100)
	kinds := make([]func() any, 100)
	for i := range items {
		items[i] = src.Items[i%len(src.Items)]
		var probe struct{ Benefit struct{ Type string } }
		if err := json.Unmarshal(items[i], &probe); err != nil {
			tb.Fatal(err)
		}
		kinds[i] = variants[probe.Benefit.Type]
	}
	page, err := json.Marshal(map[string]any{"items": items, "pagination": Pagination{TotalCount: 100, MaxPage: 1}})
	if err != nil {
		tb.Fatal(err)
	}
	return page, kinds
}

// BenchmarkDecodeGrantPage decodes a 100-item page of mixed benefit grants
// through the union (sdk) and, as the baseline, as a decoder would that
// knew each item's type beforehand: the page once, then each item straight
// into its own struct (raw).
func BenchmarkDecodeGrantPage(b *testing.B) {
	page, kinds := grantPage100(b)
	b.Run("raw", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			var p struct {
				Items      []json.RawMessage `json:"items"`
				Pagination Pagination        `json:"pagination"`
			}
			if err := json.Unmarshal(page, &p); err != nil {
				b.Fatal(err)
			}
			for i, raw := range p.Items {
				if err := json.Unmarshal(raw, kinds[i]()); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("sdk", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			p, err := decodeResult[*Page[CustomerBenefitGrant]](benefitGrantsList.op, page)
			if err != nil || len(p.Items) != 100 {
				b.Fatal(err)
			}
		}
	})
}
