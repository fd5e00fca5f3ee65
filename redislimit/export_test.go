package redislimit

import (
	"context"
	"time"

	polar "github.com/polarportal/polar-go"
)

// SetClock makes l's script count on now instead of Redis's clock, so that
// a test can move time on without waiting. Blocks and the expiry of keys
// stay on Redis's clock.
func SetClock(l *Limiter, now func() time.Time) { l.now = now }

// Try makes one attempt of Wait, without its line or its sleep: how long
// until the request may go (0: it was taken), and whether that is a block.
func Try(ctx context.Context, l *Limiter, zone polar.Zone, key string) (time.Duration, bool, error) {
	d, _, blocked, err := l.try(ctx, l.zones[zone], key)
	return d, blocked, err
}
