package main

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/internal/linuxsec"
	"github.com/intactdev/intact/internal/nodecache"
	"github.com/intactdev/intact/internal/testfleet"
	"github.com/intactdev/intact/internal/testhsm"
	"github.com/intactdev/intact/internal/testpki"
	"github.com/intactdev/intact/internal/testtsa"
	"github.com/intactdev/intact/internal/testvectors"
	"github.com/rogpeppe/go-internal/testscript"
)

// testMachineID is the machine the scripts' journal entries name.
const testMachineID = "0123456789abcdef0123456789abcdef"

func scriptParams(t *testing.T, dir string) testscript.Params {
	// Only the scripts that say [vectors] need the shared vectors; the
	// rest, the red-team scripts among them, run without them.
	vectors, vectorsErr := testvectors.Lookup()
	if vectorsErr != nil && os.Getenv("CI") != "" {
		t.Fatalf("test vectors not found: %v", vectorsErr)
	}
	stockNode, err := nodecache.Newest()
	if err != nil {
		t.Fatal(err)
	}
	if stockNode == "" && os.Getenv("CI") != "" {
		t.Fatal("no supported Node.js installed for the intact node scripts: run scripts/install-node.sh")
	}
	softhsm, softhsmErr := testhsm.Module()
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return testscript.Params{
		Dir:                 dir,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("VECTORS", vectors)
			env.Setenv("REPO", repo)
			env.Setenv("PKI", filepath.Join(repo, "cmd", "intact", "testdata", "pki"))
			// Keep the machine's policy out of the scripts: the system
			// policy folder is $WORK/.system, empty unless a script fills it.
			env.Setenv("TEST_INTACT_SYSTEM_DIR", filepath.Join(env.WorkDir, ".system"))
			// The scripts' journal entries come from machine 0123…cdef.
			machineID := filepath.Join(env.WorkDir, ".machine-id")
			if err := os.WriteFile(machineID, []byte(testMachineID+"\n"), 0o644); err != nil {
				return err
			}
			env.Setenv("TEST_INTACT_MACHINE_ID_FILE", machineID)
			// The node `intact node` runs; the scripts that need it say
			// [stocknode].
			env.Setenv("INTACT_NODE", stockNode)
			// SoftHSM's PKCS #11 module; the scripts that need it say
			// [softhsm].
			env.Setenv("SOFTHSM_MODULE", softhsm)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// registry starts an OCI registry on loopback for the rest of
			// the script and sets $REGISTRY to its host:port.
			"registry": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 0 {
					ts.Fatalf("usage: registry")
				}
				srv := testfleet.RegistryServer()
				ts.Defer(srv.Close)
				ts.Setenv("REGISTRY", strings.TrimPrefix(srv.URL, "http://"))
			},
			// flaky-registry N [METHOD PATH] starts a registry on loopback,
			// as registry does, that answers its first N requests (of
			// METHOD, whose path holds PATH) with 503 Service Unavailable,
			// and sets $FLAKY_REGISTRY to its host:port.
			"flaky-registry": func(ts *testscript.TestScript, neg bool, args []string) {
				n, err := 0, error(nil)
				if len(args) == 1 || len(args) == 3 {
					n, err = strconv.Atoi(args[0])
				}
				if neg || (len(args) != 1 && len(args) != 3) || err != nil {
					ts.Fatalf("usage: flaky-registry N [METHOD PATH]")
				}
				method, path := "", ""
				if len(args) == 3 {
					method, path = args[1], args[2]
				}
				srv := testfleet.FlakyRegistryServer(n, method, path)
				ts.Defer(srv.Close)
				ts.Setenv("FLAKY_REGISTRY", strings.TrimPrefix(srv.URL, "http://"))
			},
			// silent-registry starts a TCP listener on loopback that takes
			// every connection and never answers, for the rest of the
			// script, and sets $SILENT_REGISTRY to its host:port.
			"silent-registry": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 0 {
					ts.Fatalf("usage: silent-registry")
				}
				ts.Setenv("SILENT_REGISTRY", silentListener(ts))
			},
			// stalling-registry starts a registry on loopback that answers
			// every manifest request with its headers, and a GET with no
			// byte of the body it announced, for the rest of the script,
			// and sets $STALLING_REGISTRY to its host:port.
			"stalling-registry": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 0 {
					ts.Fatalf("usage: stalling-registry")
				}
				ts.Setenv("STALLING_REGISTRY", stallingRegistry(ts))
			},
			// serve DIR serves the folder DIR over HTTP on loopback for the
			// rest of the script (a TUF repository's mirror) and sets
			// $SERVED to its base URL.
			"serve": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: serve DIR")
				}
				srv := httptest.NewServer(http.FileServer(http.Dir(ts.MkAbs(args[0]))))
				ts.Defer(srv.Close)
				ts.Setenv("SERVED", srv.URL)
			},
			// key-usage-pki DIR UNSIGNED.cat writes a fresh TEST-ONLY root
			// (DIR/root.pem), a leaf it issued with the code-signing EKU
			// and keyUsage=critical,keyEncipherment (DIR/signer.pem,
			// DIR/signer.key), and DIR/signed.cat: UNSIGNED.cat signed by
			// that leaf as catalog.Sign does, which intact refuses to do.
			"key-usage-pki": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 2 {
					ts.Fatalf("usage: key-usage-pki DIR UNSIGNED.cat")
				}
				root := testpki.SelfSigned(t, "intact TEST-ONLY key usage root", testpki.CA())
				leaf := root.Issue(t, "intact TEST-ONLY signer whose key usage forbids signing",
					testpki.EKU(x509.ExtKeyUsageCodeSigning), testpki.KeyUsage(x509.KeyUsageKeyEncipherment))
				signed, err := catalog.Sign([]byte(ts.ReadFile(args[1])), leaf.Key, []*x509.Certificate{leaf.Cert, root.Cert}, nil)
				ts.Check(err)
				key, err := x509.MarshalPKCS8PrivateKey(leaf.Key)
				ts.Check(err)
				dir := ts.MkAbs(args[0])
				ts.Check(os.MkdirAll(dir, 0o755))
				for name, data := range map[string][]byte{
					"root.pem":   pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: root.Cert.Raw}),
					"signer.pem": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leaf.Cert.Raw}),
					"signer.key": pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key}),
					"signed.cat": signed,
				} {
					ts.Check(os.WriteFile(filepath.Join(dir, name), data, 0o644))
				}
			},
			// tsa FAILURES starts an RFC 3161 time-stamping authority on
			// loopback that answers its first FAILURES requests with HTTP
			// 503, and sets $TSA to its URL.
			"tsa": func(ts *testscript.TestScript, neg bool, args []string) {
				failures := 0
				if len(args) == 1 {
					failures, _ = strconv.Atoi(args[0])
				}
				if neg || len(args) != 1 || failures < 0 {
					ts.Fatalf("usage: tsa FAILURES")
				}
				authority := testtsa.New(testtsa.SharedPKI(t).RSA, testtsa.Config{FailFirst: failures})
				ts.Setenv("TSA", authority.Serve(t).URL)
			},
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "osslsigncode", "node", "npm", "openssl":
				_, err := exec.LookPath(cond)
				return err == nil, nil
			case "stocknode":
				return stockNode != "", nil
			case "root":
				return os.Geteuid() == 0, nil
			case "landlock":
				// What intact node needs to confine node (linuxsec.DenyExec).
				abi, err := linuxsec.LandlockABI()
				return err == nil && abi >= 2, nil
			case "vectors":
				return vectorsErr == nil, nil
			case "softhsm":
				if softhsmErr != nil && os.Getenv("CI") != "" {
					return false, fmt.Errorf("PKCS #11 signing not tested: %w", softhsmErr)
				}
				return softhsmErr == nil, nil
			}
			if strings.HasPrefix(cond, "env:") {
				return os.Getenv(strings.TrimPrefix(cond, "env:")) != "", nil
			}
			return false, nil
		},
	}
}

// silentListener listens on loopback, takes every connection and never
// answers, until the script ends; it returns its host:port.
func silentListener(ts *testscript.TestScript) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		ts.Fatalf("silent-registry: %v", err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
	)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c) // held open, never read nor written
			mu.Unlock()
		}
	}()
	ts.Defer(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}

// stallingRegistry serves, until the script ends, the headers of a
// one-byte manifest for any manifest digest asked, and then never sends
// the byte; it returns its host:port.
func stallingRegistry(ts *testscript.TestScript) string {
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, ref, ok := strings.Cut(r.URL.Path, "/manifests/")
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.oci.image.manifest.v1+json")
		w.Header().Set("Docker-Content-Digest", ref)
		w.Header().Set("Content-Length", "1")
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodGet {
			return
		}
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}))
	ts.Defer(func() {
		close(done)
		srv.Close()
	})
	return strings.TrimPrefix(srv.URL, "http://")
}
