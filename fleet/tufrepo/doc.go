// Package tufrepo writes and reads the TUF repository that tells a fleet
// which policy bundle to install.
//
// A fleet's repository is The Update Framework's four top-level roles
// (github.com/theupdateframework/go-tuf/v2) in one folder, with consistent
// snapshots, ready to be served by any static web server or CDN:
//
//	root.json, 1.root.json, 2.root.json …  who may sign what, and how many must
//	N.targets.json                          one target per ring and OS
//	N.snapshot.json                         the version of targets.json in force
//	timestamp.json                          the snapshot in force; short-lived
//
// A target such as "fleet/prod/linux" names a bundle, an OCI manifest, by
// its SHA-256 digest and length, with the PolicyID and VersionEx of the
// policy the bundle carries in its custom field ([Target]). Publishing a
// target signs targets with a threshold of keys, then snapshot and
// timestamp; it refuses a VersionEx not above the highest ever published
// for the same PolicyID on the same target (the target's custom field
// keeps it for the policies the target left), so a publisher cannot roll a
// ring back by mistake, and agents' floors never have to refuse what was
// published.
//
// [Open] verifies the folder as a TUF client would (root chain,
// signatures, thresholds, versions, lengths and hashes) before anything in
// it is signed again; [OpenTrusted] starts that chain from a root kept
// apart from the folder.
//
// Keys are [crypto.Signer]s, so a KMS or HSM key fits as well as a PKCS #8
// file; Ed25519, ECDSA P-256 and RSA (signing RSASSA-PSS) are supported.
package tufrepo
