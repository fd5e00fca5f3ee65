package license

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	polar "github.com/polarportal/polar-go"
)

// State is what a Manager keeps between runs: the key, its activation on
// this machine, and the last successful validation.
type State struct {
	// Key is the license key.
	Key string `json:"key"`
	// OrganizationID is the ID of the organization that issued the key.
	OrganizationID string `json:"organization_id"`
	// ActivationID is the ID of this machine's activation of the key.
	ActivationID string `json:"activation_id"`
	// Label is the label the activation was made with.
	Label string `json:"label,omitempty"`
	// Conditions are the conditions the activation was made with; every
	// validation sends them again.
	Conditions map[string]any `json:"conditions,omitempty"`
	// Validated is the answer of the last successful validation; nil
	// before the first one, and after Polar refused the key.
	Validated *polar.ValidatedLicenseKey `json:"validated,omitempty"`
	// ValidatedAt is when Validated was received, on the local clock.
	ValidatedAt time.Time `json:"validated_at,omitzero"`
}

// A Store keeps a Manager's State. Load returns nil and no error when
// nothing is stored. Implementations must be safe for concurrent use;
// FileStore is the default.
type Store interface {
	// Load returns the stored state, or nil when there is none.
	Load() (*State, error)
	// Save replaces the stored state with st.
	Save(st *State) error
	// Clear removes the stored state; clearing an empty store is not an
	// error.
	Clear() error
}

// An Updater is a Store that can change its state atomically: Update
// runs fn on the stored state (nil when there is none) so that no other
// user of the store, in any process, saves in between, and saves the state
// fn returns unless fn returns nil or an error, which Update returns.
// Manager uses it, when its Store has it, to activate once when several
// processes start together and not to undo a deactivation made meanwhile;
// with a plain Store it loads and saves without that guarantee.
type Updater interface {
	Store
	// Update changes the stored state atomically.
	Update(fn func(st *State) (*State, error)) error
}

// A FileStore keeps the State as a JSON file, mode 0600 in a directory of
// mode 0700 (the file holds the license key). Save writes a temporary file
// beside it, syncs it and renames it over the old one, so that the file is
// always a whole state, the old or the new: a process killed mid-write
// leaves at most a temporary file, which Load ignores and the next Save
// removes. Save, Update and Clear take an exclusive lock on a file beside it
// (path + ".lock": flock on unix systems, which the kernel releases when
// a process dies), so processes that write at once take turns; outside
// unix systems they take turns within their process only, and the rename
// still keeps the file whole. Load takes no lock.
type FileStore struct {
	path string
}

var _ Updater = (*FileStore)(nil)

// NewFileStore returns a FileStore that keeps the state at path.
func NewFileStore(path string) *FileStore { return &FileStore{path: path} }

// DefaultStore returns the FileStore of app: app/license.json in
// os.UserConfigDir() (such as ~/.config/app/license.json on Linux,
// ~/Library/Application Support/app/license.json on macOS,
// %AppData%\app\license.json on Windows). app must be a plain directory
// name.
func DefaultStore(app string) (*FileStore, error) {
	if app == "" || app == "." || app == ".." || strings.ContainsAny(app, `/\`) {
		return nil, fmt.Errorf("license: DefaultStore: app %q is not a plain directory name", app)
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return nil, fmt.Errorf("license: %w", err)
	}
	return NewFileStore(filepath.Join(dir, app, "license.json")), nil
}

// Path returns the path of the state file.
func (s *FileStore) Path() string { return s.path }

// tempPrefix starts the names of the temporary files of Save.
func (s *FileStore) tempPrefix() string { return "." + filepath.Base(s.path) + ".tmp-" }

// Load implements Store. A state file that does not parse is reported as
// an error, never taken as empty.
func (s *FileStore) Load() (*State, error) {
	b, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("license: reading the state: %w", err)
	}
	return decodeState(b, s.path)
}

func decodeState(b []byte, path string) (*State, error) {
	var st State
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // conditions go back to Polar as they came
	if err := dec.Decode(&st); err != nil {
		return nil, fmt.Errorf("license: %s is not a license state: %w", path, err)
	}
	return &st, nil
}

// testHookBeforeRename, if set, runs between writing the temporary file
// and renaming it, for the crash tests.
var testHookBeforeRename func(tmp string)

// Save implements Store.
func (s *FileStore) Save(st *State) error {
	if st == nil {
		return errors.New("license: Save: nil state")
	}
	return s.locked(func() error { return s.save(st) })
}

// Update implements Updater: fn runs with the store's lock held, so that
// processes that update at once take turns, each seeing what the previous
// one saved.
func (s *FileStore) Update(fn func(st *State) (*State, error)) error {
	return s.locked(func() error {
		st, err := s.Load()
		if err != nil {
			return err
		}
		if st, err = fn(st); err != nil || st == nil {
			return err
		}
		return s.save(st)
	})
}

// save writes st; it runs with the lock held.
func (s *FileStore) save(st *State) error {
	b, err := json.MarshalIndent(st, "", "\t")
	if err != nil {
		return fmt.Errorf("license: encoding the state: %w", err)
	}
	dir := filepath.Dir(s.path)
	s.removeTemps()
	f, err := os.CreateTemp(dir, s.tempPrefix()+"*") // mode 0600
	if err != nil {
		return fmt.Errorf("license: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(append(b, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && testHookBeforeRename != nil {
		testHookBeforeRename(tmp)
	}
	if err == nil {
		err = os.Rename(tmp, s.path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("license: saving the state: %w", err)
	}
	syncDir(dir)
	return nil
}

// Clear implements Store.
func (s *FileStore) Clear() error {
	return s.locked(func() error {
		s.removeTemps()
		if err := os.Remove(s.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("license: clearing the state: %w", err)
		}
		syncDir(filepath.Dir(s.path))
		return nil
	})
}

// locked runs fn holding the store's lock, the directory made.
func (s *FileStore) locked(fn func() error) error {
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return fmt.Errorf("license: %w", err)
	}
	mu := pathMutex(s.path)
	mu.Lock()
	defer mu.Unlock()
	if !crossProcess {
		return fn()
	}
	lf, err := os.OpenFile(s.path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("license: %w", err)
	}
	defer lf.Close()
	if err := lockFile(lf); err != nil {
		return fmt.Errorf("license: locking the state: %w", err)
	}
	defer unlockFile(lf) //nolint:errcheck // closing lf releases the lock anyway
	return fn()
}

// removeTemps removes the temporary files that writers killed mid-write
// left behind. It runs with the lock held, so no live writer owns one
// (outside unix systems, none of this process).
func (s *FileStore) removeTemps() {
	if !crossProcess {
		return // another process may be writing its own
	}
	tmps, _ := filepath.Glob(filepath.Join(filepath.Dir(s.path), globEscape(s.tempPrefix())+"*"))
	for _, t := range tmps {
		os.Remove(t)
	}
}

func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// syncDir makes a rename or removal in dir durable where the system
// allows it (not on Windows, where opening a directory fails).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
