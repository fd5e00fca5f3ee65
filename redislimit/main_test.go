package redislimit_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// The tests run against a real redis-server started by TestMain on a free
// loopback port; where redis-server is not installed, the tests that need
// it skip.

var (
	sharedRedis *redisServer // nil without redis-server
	noRedis     string       // why there is no server
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	path, err := exec.LookPath("redis-server")
	if err != nil {
		noRedis = "redis-server is not on PATH (Debian: apt-get install redis-server); skipping the tests against a real Redis"
		fmt.Fprintln(os.Stderr, "redislimit:", noRedis)
		return m.Run()
	}
	srv, err := startRedisFree(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "redislimit: starting redis-server:", err)
		return 1
	}
	sharedRedis = srv
	defer srv.stop()
	return m.Run()
}

// needRedis skips tb without redis-server and returns the shared server.
func needRedis(tb testing.TB) *redisServer {
	tb.Helper()
	if sharedRedis == nil {
		tb.Skip(noRedis)
	}
	return sharedRedis
}

// redisServer is one redis-server process, without persistence, on
// 127.0.0.1.
type redisServer struct {
	path string
	port int
	dir  string

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
	output bytes.Buffer
}

func (s *redisServer) addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// startRedisFree starts a server on a free port. A port found free may be
// taken before redis-server binds it, so it tries a few.
func startRedisFree(path string) (*redisServer, error) {
	var errs []error
	for range 3 {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		dir, err := os.MkdirTemp("", "redislimit-test-")
		if err != nil {
			return nil, err
		}
		s := &redisServer{path: path, port: port, dir: dir}
		if err := s.start(); err != nil {
			os.RemoveAll(dir)
			errs = append(errs, err)
			continue
		}
		return s, nil
	}
	return nil, errors.Join(errs...)
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// start runs redis-server on s.port and waits, for at most 10 s, until it
// answers PING.
func (s *redisServer) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.output.Reset()
	cmd := exec.Command(s.path,
		"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.dir)
	cmd.Stdout = &s.output
	cmd.Stderr = &s.output
	cmd.SysProcAttr = serverProcAttr()
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	s.cmd, s.exited = cmd, exited

	rdb := redis.NewClient(&redis.Options{Addr: s.addr(), DialTimeout: 100 * time.Millisecond, MaxRetries: -1})
	defer rdb.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := rdb.Ping(ctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("redis-server on port %d exited: %s", s.port, s.output.String())
		default:
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-exited
			return fmt.Errorf("redis-server on port %d does not answer PING after 10 s: %v", s.port, err)
		}
		time.Sleep(10 * time.Millisecond) // polling a starting process
	}
}

// kill ends the server at once, as a crash would, and waits for it to exit.
func (s *redisServer) kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
}

func (s *redisServer) stop() {
	s.kill()
	os.RemoveAll(s.dir)
}

// client returns a Redis client of s, closed when tb ends: one per replica,
// as separate processes would have. Its options are go-redis's defaults,
// or with short, those that the package documentation recommends for a
// limiter.
func (s *redisServer) client(tb testing.TB, short bool) *redis.Client {
	opts := &redis.Options{Addr: s.addr()}
	if short {
		opts = &redis.Options{Addr: s.addr(), DialTimeout: time.Second, DialerRetries: 1,
			ReadTimeout: 500 * time.Millisecond, WriteTimeout: 500 * time.Millisecond, MaxRetries: 1}
	}
	rdb := redis.NewClient(opts)
	tb.Cleanup(func() { rdb.Close() })
	return rdb
}
