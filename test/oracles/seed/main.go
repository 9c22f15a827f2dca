// The snapd seed oracle: snapd 2.57's own seed writer and seed reader (Debian's golang-github-snapcore-snapd-dev),
// driven the way snapd's image package (what `snap prepare-image` and ubuntu-image run) drives them, against a
// test store that is a folder. Built with -tags 'withtestkeys nosecboot', so snapd trusts its public test root
// and the test store key (asserts/systestkeys) can sign accounts, account-keys, snap-declarations and
// snap-revisions. It is a judge in tests and the seed writer of the stand-in ubuntu-image, never our code.
//
//	seed REQUESTS.json                    JSON array of requests -> JSON array of verdicts (stdout)
//	read SEED-DIR LABEL                   snapd's seed reader on an existing seed -> one verdict
//	assert-account BRAND PUBLIC-KEY-FILE  account + account-key for a brand key (the key's account-key body)
//	assert-snap SNAP SNAP-ID PUBLISHER REVISION
//	                                      what `snap download` writes beside a snap: the store's account-key,
//	                                      the publisher's account, the snap-declaration and the snap-revision
//
// The test store folder (request "storeDir"): asserts/*.assert (any assertions, streams) and snaps/*.snap
// (the snaps a real store would serve; one revision per name, channels are not modelled).
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/snapcore/snapd/asserts"
	"github.com/snapcore/snapd/asserts/assertstest"
	"github.com/snapcore/snapd/asserts/sysdb"
	"github.com/snapcore/snapd/asserts/systestkeys"
	"github.com/snapcore/snapd/gadget"
	"github.com/snapcore/snapd/interfaces/builtin"
	"github.com/snapcore/snapd/osutil"
	"github.com/snapcore/snapd/seed"
	"github.com/snapcore/snapd/seed/seedwriter"
	"github.com/snapcore/snapd/snap"
	"github.com/snapcore/snapd/snap/snapfile"
	"github.com/snapcore/snapd/snap/squashfs"
	"github.com/snapcore/snapd/strutil"
	"github.com/snapcore/snapd/timings"
)

// As ubuntu-image does (internal/statemachine/snap_states.go prepareImage): snapd's interface sanitizer checks
// every snap's plugs and slots (cmd/snap's prepare-image turns this off; ubuntu-image does not).
func init() { snap.SanitizePlugsSlots = builtin.SanitizePlugsSlots }

type optSnap struct {
	Path    string `json:"path,omitempty"`
	Name    string `json:"name,omitempty"`
	Channel string `json:"channel,omitempty"`
}

type request struct {
	// Model assertion file (as given to ubuntu-image).
	Model string `json:"model"`
	// --snap arguments: local files (path) or store snaps (name), each with an optional channel.
	Snaps []optSnap `json:"snaps"`
	// --channel
	Channel  string `json:"channel"`
	StoreDir string `json:"storeDir"`
	// Where system-seed/, gadget/ and kernel/ are written; empty: a temporary folder, removed afterwards.
	PrepareDir string `json:"prepareDir"`
	// Recovery system label; empty: today's UTC date, as snapd 2.57 does.
	Label string `json:"label"`
}

type seedSnap struct {
	Name      string `json:"name"`
	ID        string `json:"id"`
	Revision  int    `json:"revision"`
	Type      string `json:"type"`
	Path      string `json:"path"`
	Channel   string `json:"channel"`
	Essential bool   `json:"essential"`
}

type verdict struct {
	// "ok", or snapd's error text.
	Result   string     `json:"result"`
	Stage    string     `json:"stage,omitempty"`
	Label    string     `json:"label,omitempty"`
	Warnings []string   `json:"warnings"`
	Snaps    []seedSnap `json:"snaps,omitempty"`
	// Read back by snapd's seed reader (seed.Open + LoadAssertions + LoadMeta).
	ReadBack string `json:"readBack,omitempty"`
	Model    string `json:"model,omitempty"`
	Grade    string `json:"grade,omitempty"`
}

var storePrivKey, _ = assertstest.ReadPrivKey(systestkeys.TestStorePrivKey)

func storeSigning() *assertstest.SigningDB {
	return assertstest.NewSigningDB("testrootorg", storePrivKey)
}

func die(format string, a ...interface{}) {
	fmt.Fprintf(os.Stderr, format+"\n", a...)
	os.Exit(2)
}

func main() {
	if len(os.Args) < 2 {
		die("usage: seed REQUESTS.json | assert-account BRAND KEYFILE | assert-snap SNAP ID PUBLISHER REVISION")
	}
	switch os.Args[1] {
	case "seed":
		data, err := os.ReadFile(os.Args[2])
		if err != nil {
			die("%v", err)
		}
		var reqs []request
		if err := json.Unmarshal(data, &reqs); err != nil {
			die("%v", err)
		}
		out := make([]verdict, len(reqs))
		for i, r := range reqs {
			out[i] = judge(r)
		}
		json.NewEncoder(os.Stdout).Encode(out)
	case "read":
		// read SEED-DIR LABEL: snapd's seed reader on a seed (e.g. copied out of an image's ubuntu-seed).
		v := verdict{Warnings: []string{}}
		if _, err := readBack(os.Args[2], os.Args[3], &v); err != nil {
			v.Result, v.Stage = err.Error(), "read-back"
		} else {
			v.Result, v.Label = "ok", os.Args[3]
		}
		json.NewEncoder(os.Stdout).Encode(v)
	case "assert-account":
		pubData, err := os.ReadFile(os.Args[3])
		if err != nil {
			die("%v", err)
		}
		pub, err := asserts.DecodePublicKey(pubData)
		if err != nil {
			die("cannot decode public key: %v", err)
		}
		db := storeSigning()
		acct := account(db, os.Args[2])
		key := assertstest.NewAccountKey(db, acct, map[string]interface{}{"since": since}, pub, "")
		enc := asserts.NewEncoder(os.Stdout)
		for _, a := range []asserts.Assertion{acct, key} {
			if err := enc.Encode(a); err != nil {
				die("%v", err)
			}
		}
	case "assert-snap":
		if len(os.Args) != 6 {
			die("usage: assert-snap SNAP SNAP-ID PUBLISHER REVISION")
		}
		if err := assertSnap(os.Stdout, os.Args[2], os.Args[3], os.Args[4], os.Args[5]); err != nil {
			die("%v", err)
		}
	default:
		die("unknown command %q", os.Args[1])
	}
}

// After the test store key's validity starts (2016-08-11); fixed so that assertions are reproducible.
const since = "2020-01-01T00:00:00Z"

func account(db *assertstest.SigningDB, id string) *asserts.Account {
	return assertstest.NewAccount(db, id, map[string]interface{}{"account-id": id, "validation": "verified", "timestamp": since}, "")
}

func assertSnap(w io.Writer, path, snapID, publisher, revision string) error {
	digest, size, err := asserts.SnapFileSHA3_384(path)
	if err != nil {
		return err
	}
	f, err := snapfile.Open(path)
	if err != nil {
		return err
	}
	info, err := snap.ReadInfoFromSnapFile(f, nil)
	if err != nil {
		return err
	}
	if _, err := strconv.Atoi(revision); err != nil {
		return fmt.Errorf("revision %q is not a number", revision)
	}
	db := storeSigning()
	decl, err := db.Sign(asserts.SnapDeclarationType, map[string]interface{}{
		"series": "16", "snap-id": snapID, "snap-name": info.SnapName(), "publisher-id": publisher, "timestamp": since,
	}, nil, "")
	if err != nil {
		return err
	}
	rev, err := db.Sign(asserts.SnapRevisionType, map[string]interface{}{
		"snap-sha3-384": digest, "snap-size": strconv.FormatUint(size, 10), "snap-id": snapID,
		"snap-revision": revision, "developer-id": publisher, "timestamp": since,
	}, nil, "")
	if err != nil {
		return err
	}
	enc := asserts.NewEncoder(w)
	for _, a := range []asserts.Assertion{systestkeys.TestStoreAccountKey, account(db, publisher), decl, rev} {
		if err := enc.Encode(a); err != nil {
			return err
		}
	}
	return nil
}

// testStore is the folder store: every assertion by its unique key (first one wins), and snaps by name.
type testStore struct {
	asserts map[string]asserts.Assertion
	dir     string
}

func openStore(dir string) (*testStore, error) {
	st := &testStore{asserts: map[string]asserts.Assertion{}, dir: dir}
	st.add(systestkeys.TestStoreAccountKey)
	if dir == "" {
		return st, nil
	}
	files, _ := filepath.Glob(filepath.Join(dir, "asserts", "*.assert"))
	sort.Strings(files)
	for _, fn := range files {
		fh, err := os.Open(fn)
		if err != nil {
			return nil, err
		}
		dec := asserts.NewDecoder(fh)
		for {
			a, err := dec.Decode()
			if err == io.EOF {
				break
			}
			if err != nil {
				fh.Close()
				return nil, fmt.Errorf("cannot decode %s: %v", fn, err)
			}
			st.add(a)
		}
		fh.Close()
	}
	return st, nil
}

func (st *testStore) add(a asserts.Assertion) {
	k := a.Ref().Unique()
	if _, ok := st.asserts[k]; !ok {
		st.asserts[k] = a
	}
}

func (st *testStore) retrieve(ref *asserts.Ref) (asserts.Assertion, error) {
	if a, ok := st.asserts[ref.Unique()]; ok {
		return a, nil
	}
	return nil, &asserts.NotFoundError{Type: ref.Type, Headers: headersOf(ref)}
}

func headersOf(ref *asserts.Ref) map[string]string {
	h := map[string]string{}
	for i, k := range ref.Type.PrimaryKey {
		if i < len(ref.PrimaryKey) {
			h[k] = ref.PrimaryKey[i]
		}
	}
	return h
}

func (st *testStore) snapFile(name string) string {
	if st.dir == "" {
		return ""
	}
	p := filepath.Join(st.dir, "snaps", name+".snap")
	if osutil.FileExists(p) {
		return p
	}
	return ""
}

func judge(r request) (v verdict) {
	v.Warnings = []string{}
	defer func() {
		if p := recover(); p != nil {
			v.Result = fmt.Sprintf("panic: %v", p)
		}
	}()
	prepareDir := r.PrepareDir
	if prepareDir == "" {
		tmp, err := os.MkdirTemp("", "coreforge-seed-oracle-")
		if err != nil {
			return verdict{Result: err.Error(), Stage: "setup"}
		}
		defer os.RemoveAll(tmp)
		prepareDir = tmp
	}
	stage, err := writeSeed(r, prepareDir, &v)
	if err != nil {
		v.Result, v.Stage = err.Error(), stage
		return v
	}
	v.Result = "ok"
	return v
}

func loadModel(fn string) (*asserts.Model, error) {
	data, err := os.ReadFile(fn)
	if err != nil {
		return nil, err
	}
	a, err := asserts.Decode(data)
	if err != nil {
		return nil, fmt.Errorf("cannot decode model assertion %q: %v", fn, err)
	}
	m, ok := a.(*asserts.Model)
	if !ok {
		return nil, fmt.Errorf("assertion in %q is not a model assertion", fn)
	}
	return m, nil
}

// writeSeed follows snapd 2.57 image/image_linux.go setupSeed for a UC20+ model, with the folder store in place
// of the Snap Store; it returns the step that failed.
func writeSeed(r request, prepareDir string, v *verdict) (string, error) {
	model, err := loadModel(r.Model)
	if err != nil {
		return "model", err
	}
	if model.Grade() == asserts.ModelGradeUnset {
		return "model", fmt.Errorf("model %q is not a UC20+ model (no grade); this oracle writes UC20+ seeds only", model.Model())
	}
	st, err := openStore(r.StoreDir)
	if err != nil {
		return "store", err
	}
	seedDir := filepath.Join(prepareDir, "system-seed")
	label := r.Label
	if label == "" {
		label = time.Now().UTC().Format("20060102")
	}
	v.Label = label
	if systems, _ := filepath.Glob(filepath.Join(seedDir, "systems", "*")); len(systems) > 0 {
		return "setup", fmt.Errorf("expected empty systems dir in system-seed, got: %v", systems)
	}
	db, err := asserts.OpenDatabase(&asserts.DatabaseConfig{Backstore: asserts.NewMemoryBackstore(), Trusted: sysdb.Trusted()})
	if err != nil {
		return "setup", err
	}
	w, err := seedwriter.New(model, &seedwriter.Options{SeedDir: seedDir, Label: label, DefaultChannel: r.Channel})
	if err != nil {
		return "new", err
	}
	opts := make([]*seedwriter.OptionsSnap, 0, len(r.Snaps))
	for _, s := range r.Snaps {
		opts = append(opts, &seedwriter.OptionsSnap{Path: s.Path, Name: s.Name, Channel: s.Channel})
	}
	if err := w.SetOptionsSnaps(opts); err != nil {
		return "options", err
	}
	gadgetDir, kernelDir := filepath.Join(prepareDir, "gadget"), filepath.Join(prepareDir, "kernel")
	for _, d := range []string{gadgetDir, kernelDir} {
		if err := os.MkdirAll(d, 0755); err != nil {
			return "setup", err
		}
	}
	newFetcher := func(save func(asserts.Assertion) error) asserts.Fetcher {
		return asserts.NewFetcher(db, st.retrieve, func(a asserts.Assertion) error {
			if err := db.Add(a); err != nil {
				if _, ok := err.(*asserts.RevisionError); !ok {
					return err
				}
			}
			return save(a)
		})
	}
	f, err := w.Start(db, newFetcher)
	if err != nil {
		return "start", err
	}
	locals, err := w.LocalSnaps()
	if err != nil {
		return "local-snaps", err
	}
	for _, sn := range locals {
		si, aRefs, err := seedwriter.DeriveSideInfo(sn.Path, model, f, db)
		if err != nil && !asserts.IsNotFound(err) {
			return "local-snaps", err
		}
		snapf, err := snapfile.Open(sn.Path)
		if err != nil {
			return "local-snaps", err
		}
		info, err := snap.ReadInfoFromSnapFile(snapf, si)
		if err != nil {
			return "local-snaps", err
		}
		if err := w.SetInfo(sn, info); err != nil {
			return "local-snaps", err
		}
		sn.ARefs = aRefs
	}
	if err := w.InfoDerived(); err != nil {
		return "info-derived", err
	}
	for {
		toDownload, err := w.SnapsToDownload()
		if err != nil {
			return "snaps-to-download", err
		}
		for _, sn := range toDownload {
			src := st.snapFile(sn.SnapName())
			if src == "" {
				return "download", fmt.Errorf("snap %q (channel %s) is not in the store", sn.SnapName(), sn.Channel)
			}
			si, aRefs, err := seedwriter.DeriveSideInfo(src, model, f, db)
			if err != nil {
				return "download", fmt.Errorf("cannot fetch the assertions of store snap %q: %v", sn.SnapName(), err)
			}
			snapf, err := snapfile.Open(src)
			if err != nil {
				return "download", err
			}
			info, err := snap.ReadInfoFromSnapFile(snapf, si)
			if err != nil {
				return "download", err
			}
			if err := w.SetInfo(sn, info); err != nil {
				return "download", err
			}
			if err := os.MkdirAll(filepath.Dir(sn.Path), 0755); err != nil {
				return "download", err
			}
			if err := osutil.CopyFile(src, sn.Path, 0); err != nil {
				return "download", err
			}
			sn.ARefs = aRefs
		}
		complete, err := w.Downloaded()
		if err != nil {
			return "downloaded", err
		}
		if complete {
			break
		}
	}
	v.Warnings = append(v.Warnings, w.Warnings()...)
	if unasserted, err := w.UnassertedSnaps(); err == nil && len(unasserted) > 0 {
		names := make([]string, len(unasserted))
		for i, sn := range unasserted {
			names[i] = sn.SnapName()
		}
		v.Warnings = append(v.Warnings, fmt.Sprintf("%s installed from local snaps disconnected from a store cannot be refreshed subsequently!", strutil.Quoted(names)))
	}
	if err := w.SeedSnaps(func(name, src, dst string) error { return osutil.CopyFile(src, dst, 0) }); err != nil {
		return "seed-snaps", err
	}
	if err := w.WriteMeta(); err != nil {
		return "write-meta", err
	}
	// As image.setupSeed does next: unpack the gadget and kernel, validate the gadget for the model and its
	// content against both (boot.MakeBootableImage is not run: the stand-in kernel is not a UC kernel).
	boot, err := w.BootSnaps()
	if err != nil {
		return "boot-snaps", err
	}
	var gadgetPath, kernelPath string
	for _, sn := range boot {
		switch sn.Info.Type() {
		case snap.TypeGadget:
			gadgetPath = sn.Path
		case snap.TypeKernel:
			kernelPath = sn.Path
		}
	}
	if err := squashfs.New(gadgetPath).Unpack("*", gadgetDir); err != nil {
		return "gadget", err
	}
	if err := squashfs.New(kernelPath).Unpack("*", kernelDir); err != nil {
		return "kernel", err
	}
	gi, err := gadget.ReadInfoAndValidate(gadgetDir, model, nil)
	if err != nil {
		return "gadget", err
	}
	if err := gadget.ValidateContent(gi, gadgetDir, kernelDir); err != nil {
		return "gadget", err
	}
	return readBack(seedDir, label, v)
}

// readBack opens the seed with snapd's reader, as a device does at first boot.
func readBack(seedDir, label string, v *verdict) (string, error) {
	s, err := seed.Open(seedDir, label)
	if err != nil {
		return "read-back", err
	}
	db, err := asserts.OpenDatabase(&asserts.DatabaseConfig{Backstore: asserts.NewMemoryBackstore(), Trusted: sysdb.Trusted()})
	if err != nil {
		return "read-back", err
	}
	commit := func(b *asserts.Batch) error { return b.CommitTo(db, nil) }
	if err := s.LoadAssertions(db, commit); err != nil {
		return "read-back", err
	}
	if err := s.LoadMeta(seed.AllModes, nil, timings.New(nil)); err != nil {
		return "read-back", err
	}
	seen := map[string]bool{}
	add := func(sn *seed.Snap) {
		if seen[sn.Path] {
			return
		}
		seen[sn.Path] = true
		rel, _ := filepath.Rel(seedDir, sn.Path)
		v.Snaps = append(v.Snaps, seedSnap{Name: sn.SnapName(), ID: sn.ID(), Revision: sn.SideInfo.Revision.N, Type: string(sn.EssentialType), Path: rel, Channel: sn.Channel, Essential: sn.Essential})
	}
	for _, sn := range s.EssentialSnaps() {
		add(sn)
	}
	run, err := s.ModeSnaps("run")
	if err != nil {
		return "read-back", err
	}
	for _, sn := range run {
		add(sn)
	}
	v.ReadBack = "ok"
	v.Model = s.Model().Model()
	v.Grade = string(s.Model().Grade())
	return "", nil
}
