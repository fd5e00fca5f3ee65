package license

import (
	"path/filepath"
	"sync"
)

// pathLocks holds one mutex per file path, so that the goroutines of a
// process queue on it rather than each holding an OS thread in flock, and
// so that outside unix systems (see crossProcess) the process still
// serializes its own users of a path.
var pathLocks sync.Map // cleaned absolute path → *sync.Mutex

func pathMutex(path string) *sync.Mutex {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	mu, _ := pathLocks.LoadOrStore(filepath.Clean(path), new(sync.Mutex))
	return mu.(*sync.Mutex)
}
