//go:build !unix

package license

import "os"

// crossProcess reports whether the package's locks exclude other
// processes. Outside unix systems (Windows, Plan 9, js/wasm) it takes no
// file lock: Limiter keeps its state in the memory of its process, and
// FileStore serializes its writes within its process only (its renames
// stay atomic).
const crossProcess = false

func lockFile(*os.File) error   { return nil }
func unlockFile(*os.File) error { return nil }
