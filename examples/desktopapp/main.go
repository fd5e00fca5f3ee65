// Command desktopapp is the license handling of a desktop app or CLI, with
// package license: it activates the key on its first run, validates it
// with a usage increment on each start, runs on the cached validation for
// a grace period when Polar cannot be reached, and deactivates on
// uninstall.
//
// With no POLAR_LICENSE_KEY it needs no network: it starts the fake server
// of package polartest in-process, with its Demo data set and Polar's rate
// limits, keeps its state in a temporary directory, and walks through a
// first run, a second one, a run while Polar is unreachable and an
// uninstall:
//
//	go run ./examples/desktopapp
//
// Against the real API, set POLAR_LICENSE_KEY and POLAR_ORGANIZATION_ID;
// the app then keeps its state under os.UserConfigDir() in
// polar-go-desktopapp, and "uninstall" deactivates:
//
//	POLAR_LICENSE_KEY=... POLAR_ORGANIZATION_ID=... go run ./examples/desktopapp
//	POLAR_LICENSE_KEY=... POLAR_ORGANIZATION_ID=... go run ./examples/desktopapp uninstall
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/license"
	"github.com/polarportal/polar-go/polartest"
)

// app names the app: its state directory and its machine fingerprint.
const app = "polar-go-desktopapp"

// grace is how long the app runs offline after its last validation.
const grace = 7 * 24 * time.Hour

func main() {
	ctx := context.Background()
	var err error
	if os.Getenv("POLAR_LICENSE_KEY") == "" {
		err = demo(ctx, os.Stdout)
	} else {
		err = runReal(ctx, os.Args[1:], os.Getenv, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "desktopapp:", err)
		os.Exit(1)
	}
}

// runReal runs once against Polar: "uninstall" deactivates, anything else
// starts the app.
func runReal(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	m, err := license.New(license.Config{
		App:            app,
		OrganizationID: getenv("POLAR_ORGANIZATION_ID"),
		Key:            getenv("POLAR_LICENSE_KEY"),
		Grace:          grace,
	})
	if err != nil {
		return err
	}
	if len(args) > 0 && args[0] == "uninstall" {
		if err := m.Deactivate(ctx); err != nil {
			return err
		}
		fmt.Fprintln(out, "Deactivated; this machine's activation is free again.")
		return nil
	}
	return start(ctx, m, out)
}

// start is what the app does on each start: activate on the first run,
// then check the license and count the run.
func start(ctx context.Context, m *license.Manager, out io.Writer) error {
	if !m.Activated() {
		conditions, err := license.MachineConditions(app)
		if err != nil {
			return err
		}
		host, _ := os.Hostname()
		a, err := m.Activate(ctx, host, conditions, map[string]any{"app_version": "1.0.0"})
		switch {
		case errors.Is(err, license.ErrAlreadyActivated):
			// Another copy, started at the same time, activated first.
		case err != nil:
			return fmt.Errorf("activating: %w", err)
		default:
			fmt.Fprintf(out, "First run: activated this machine (activation %s).\n", a.ID)
		}
	}
	res, err := m.Check(ctx, 1)
	if errors.Is(err, license.ErrUsageNotCounted) {
		// Offline: this app lets offline runs go uncounted.
		res, err = m.Cached()
	}
	if err != nil {
		return fmt.Errorf("the license does not allow this run: %w", err)
	}
	usage := fmt.Sprintf("%d uses", res.Key.Usage)
	if res.Key.LimitUsage != nil {
		usage = fmt.Sprintf("%d of %d uses", res.Key.Usage, *res.Key.LimitUsage)
	}
	switch res.Source {
	case license.Online:
		fmt.Fprintf(out, "License %s valid (checked online, %s); offline until %s.\n",
			res.Key.DisplayKey, usage, res.ValidUntil.Format(time.DateTime))
	case license.Cached:
		fmt.Fprintf(out, "License %s valid (offline: last checked %s, this run not counted); valid until %s.\n",
			res.Key.DisplayKey, res.ValidatedAt.Format(time.DateTime), res.ValidUntil.Format(time.DateTime))
	}
	return nil
}

// demo walks through the app's life on polartest's Demo data, on a clock
// of its own so that days pass at once.
func demo(ctx context.Context, out io.Writer) error {
	now := polartest.DemoTime
	clock := func() time.Time { return now }
	srv := polartest.NewServer(polartest.WithDemo(), polartest.WithPolarRateLimits(), polartest.WithClock(clock))
	defer srv.Close()
	dir, err := os.MkdirTemp("", "desktopapp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	// Every process of the machine shares the lock file, so that copies
	// of the app started together stay within Polar's 3 a second.
	lim, err := license.NewLimiter(filepath.Join(dir, "license-keys.lock"), polar.DefaultRateLimits(polar.Production))
	if err != nil {
		return err
	}
	defer lim.Close()
	client, err := polar.NewClient("", polar.WithBaseURL(srv.URL), polar.WithLimiter(lim))
	if err != nil {
		return err
	}
	m, err := license.New(license.Config{
		OrganizationID: polartest.DemoOrganizationID,
		Key:            polartest.DemoUsageLicenseKey,
		Store:          license.NewFileStore(filepath.Join(dir, app, "license.json")),
		Grace:          grace,
		Client:         client,
		Now:            clock,
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "No POLAR_LICENSE_KEY: polartest's fake server (Demo data) on the loopback interface.")

	fmt.Fprintln(out, "\n$ desktopapp   # first run")
	if err := start(ctx, m, out); err != nil {
		return err
	}

	now = now.Add(2 * 24 * time.Hour)
	fmt.Fprintln(out, "\n$ desktopapp   # two days later, Polar unreachable")
	srv.InjectFault(polartest.Fault{Status: http.StatusServiceUnavailable})
	if err := start(ctx, m, out); err != nil {
		return err
	}

	now = now.Add(8 * 24 * time.Hour)
	fmt.Fprintln(out, "\n$ desktopapp   # eight days later, still unreachable")
	if err := start(ctx, m, out); err != nil {
		fmt.Fprintln(out, "refused:", err)
	}

	srv.ClearFaults()
	fmt.Fprintln(out, "\n$ desktopapp uninstall")
	if err := m.Deactivate(ctx); err != nil {
		return err
	}
	fmt.Fprintf(out, "Deactivated; activated again: %v.\n", m.Activated())
	return nil
}
