package polartest

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"time"
)

// Fault is a failure the server injects into the requests it matches,
// for testing how code copes with errors, slowness and broken
// connections. Faults apply before anything else (the API version, rate
// limits, authentication), in the order they were injected; the first
// matching fault that answers or drops ends the request (after serving
// it, for an AfterHandler fault).
type Fault struct {
	// Operation limits the fault to the operation with this operationId,
	// such as "customer_portal:orders:get"; "" matches every request.
	Operation string
	// Times is how many matching requests the fault applies to; 0 means
	// every one until ClearFaults.
	Times int
	// Latency delays the answer (or the failure) by this long, or until
	// the request is cancelled or the server closed (the connection is
	// then dropped).
	Latency time.Duration
	// Status, if not 0, answers with this status instead of serving the
	// request: with Body when set, else {"detail": <status text>}
	// (Polar's shape for errors without a name).
	Status int
	// Body is the body of a Status answer, sent as is with a JSON
	// Content-Type; "-" sends none.
	Body string
	// Header is added to a Status answer, such as Retry-After.
	Header http.Header
	// Drop closes the connection without answering.
	Drop bool
	// AfterHandler serves the request first, keeping what it changed,
	// then applies Latency, Status or Drop instead of sending its answer:
	// the change is made but its answer lost, as when a connection breaks
	// after Polar acted (a client that retries then meets the change, such
	// as a second cancel answered AlreadyCanceledSubscription). Without
	// Status or Drop the answer is sent after Latency.
	AfterHandler bool
}

// InjectFault adds a fault; it applies to requests that arrive from now
// on.
func (s *Server) InjectFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// FailNext makes the next n requests, whatever their operation, fail with
// status.
func (s *Server) FailNext(n, status int) {
	s.InjectFault(Fault{Times: n, Status: status})
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// applyFaults applies the faults matching a request of the operation opID
// ("" for no operation) and reports whether the request was answered; it
// returns the matching AfterHandler faults, for afterFaults.
func (s *Server) applyFaults(w http.ResponseWriter, r *http.Request, opID string) (answered bool, after []Fault) {
	s.mu.Lock()
	var hit []Fault
	for _, f := range s.faults {
		if f.Operation != "" && f.Operation != opID {
			continue
		}
		if f.AfterHandler {
			after = append(after, *f)
		} else {
			hit = append(hit, *f)
		}
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				f.Times = -1 // spent
			}
		}
		if f.Status != 0 || f.Drop {
			break
		}
	}
	s.faults = slices.DeleteFunc(s.faults, func(f *Fault) bool { return f.Times < 0 })
	s.mu.Unlock()
	return s.fire(w, r, hit), after
}

// afterFaults serves the request with serve, then applies the
// AfterHandler faults after to its answer: the answer is sent only if
// none of them answers or drops.
func (s *Server) afterFaults(w http.ResponseWriter, r *http.Request, after []Fault, serve func(http.ResponseWriter)) {
	rec := httptest.NewRecorder()
	serve(rec)
	if s.fire(w, r, after) {
		return
	}
	maps.Copy(w.Header(), rec.Header())
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// fire applies faults in order and reports whether one answered (or the
// request ended while waiting).
func (s *Server) fire(w http.ResponseWriter, r *http.Request, faults []Fault) bool {
	for _, f := range faults {
		if f.Latency > 0 {
			t := time.NewTimer(f.Latency)
			if s.testHookFaultWait != nil {
				s.testHookFaultWait()
			}
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return true
			case <-s.closing: // Close does not wait out a fault
				t.Stop()
				dropConnection(w)
			}
		}
		if f.Drop {
			dropConnection(w)
		}
		if f.Status != 0 {
			for k, v := range f.Header {
				w.Header()[k] = v
			}
			switch f.Body {
			case "":
				writeJSON(w, f.Status, map[string]any{"detail": http.StatusText(f.Status)})
			case "-":
				w.WriteHeader(f.Status)
			default:
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(f.Status)
				_, _ = w.Write([]byte(f.Body))
			}
			return true
		}
	}
	return false
}

// dropConnection closes the connection of w without answering; it does
// not return.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
		}
	}
	panic(http.ErrAbortHandler) // ends the handler; aborts the answer where hijacking is not possible
}
