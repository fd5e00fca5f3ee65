package license_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/license"
	"github.com/polarportal/polar-go/polartest"
)

func Example() {
	srv := polartest.NewServer(polartest.WithDemo())
	defer srv.Close()
	dir, _ := os.MkdirTemp("", "license-example-")
	defer os.RemoveAll(dir)

	// One lock file for every process of the machine (DefaultLimiterPath
	// in a real app).
	lim, err := license.NewLimiter(filepath.Join(dir, "keys.lock"), polar.DefaultRateLimits(polar.Production))
	if err != nil {
		panic(err)
	}
	defer lim.Close()
	client, _ := polar.NewClient("", polar.WithBaseURL(srv.URL), polar.WithLimiter(lim))

	m, err := license.New(license.Config{
		OrganizationID: polartest.DemoOrganizationID,
		Key:            polartest.DemoUsageLicenseKey,
		Store:          license.NewFileStore(filepath.Join(dir, "license.json")), // DefaultStore("myapp") in a real app
		Grace:          7 * 24 * time.Hour,
		Client:         client,
	})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	if !m.Activated() {
		if _, err := m.Activate(ctx, "laptop", map[string]any{"machine": "fingerprint"}, nil); err != nil {
			panic(err)
		}
	}
	res, err := m.Check(ctx, 1)
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Source, res.Key.Status, res.Key.Usage)
	// Output: online granted 100
}
