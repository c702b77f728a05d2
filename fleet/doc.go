// Package fleet is the home of intact's fleet distribution: policy bundles
// carried by OCI registries, and generations of the system folder switched
// atomically on each machine. It holds no code of its own; the work is in
// its packages, whose public shape is:
//
// fleet/bundle (the format is in fleet/bundle/FORMAT.md):
//
//	const ArtifactType, PolicyMediaType, CatalogMediaType
//	const AnnotationPolicyID, AnnotationVersionEx
//	type Info struct{ PolicyID string; VersionEx sipolicy.Version; Catalogs []string }
//	type Limits struct{ Manifest, Policy, Catalog int64; Catalogs int }
//	var DefaultLimits Limits
//	type PullOptions struct{ Limits Limits; PolicyIDs []string; Accept func(*Info) error }
//	func Check(policy string, catalogs []string) (*Info, error)
//	type Target interface{ content.Storage; content.TagResolver }
//	func Push(ctx, dst Target, tag string, policy string, catalogs []string) (ocispec.Descriptor, error)
//	func Pull(ctx, src content.Fetcher, manifest ocispec.Descriptor, dir string, opts *PullOptions) (*Info, error)
//	func Verify(dir string) (*Info, error)
//	func ParseReference(ref string) (repo string, manifest digest.Digest, err error)
//	func Repository(ref string, plainHTTP bool, client *http.Client, cred auth.CredentialFunc) (*remote.Repository, error)
//	const AnswerTimeout; func HTTPClient(wait time.Duration) *http.Client
//
// fleet/generation:
//
//	type Options struct{ SystemDir string; Grace time.Duration }
//	type Store; func Open(opts Options) (*Store, error); func (s *Store) Close()
//	func (s *Store) Dir() string
//	func (s *Store) Current() (string, error)
//	func (s *Store) Stage() (*Staged, error)
//	type Staged struct{ Name, Dir string }; func (st *Staged) Discard() error
//	func (s *Store) Switch(st *Staged) (*Switched, error)
//	type Switched struct{ Name, Previous, PolicyID string; VersionEx sipolicy.Version }
//	func (s *Store) Floor(policyID string) (v sipolicy.Version, ok bool, err error)
//	func (s *Store) Prune() ([]string, error)
//	var ErrBelowFloor, ErrLocked
//	const DefaultGrace, FloorsName, LockName
//
// An agent pulls a bundle into a staged generation, lets Switch check it
// (bundle.Verify, the VersionEx floor) and bring it into force, then prunes.
package fleet
